/** Coverage as the field measures it, and its log line, on recorded histories. */
import { expect } from 'chai'
import { coverageLine, coverageLines, coverageSeries, hasQuorum, quorumCount } from '../../harness/oracles/coverage.ts'
import { loadHistory, truncate } from './support/load-history.ts'

const linesOf = (name: string, aggregator = 'D'): string[] =>
  (coverageSeries(loadHistory(name)).find(a => a.aggregator === aggregator)?.slots ?? []).map(s => s.line)

describe('oracles: coverage', () => {
  it('quorum is 3*count >= 2*validators: 22 of 32, 6 of 8', () => {
    expect(quorumCount(32)).to.equal(22)
    expect(hasQuorum(22, 32)).to.equal(true)
    expect(hasQuorum(21, 32)).to.equal(false)
    expect(quorumCount(8)).to.equal(6)
    expect(coverageLine({ count: 21, validatorCount: 32, late: [], gained: [], lost: [1, 2, 3, 4, 5, 6, 7] })).to.equal('coverage=21/32 late=none diff=+0/-7')
  })

  it('a clean run: every validator every slot', () => {
    expect(linesOf('clean-run')).to.deep.equal([
      'coverage=8/8 late=none diff=+8/-0', ...Array(7).fill('coverage=8/8 late=none diff=+0/-0')
    ])
  })

  it('the slot boundary: 1 ms before the deadline counts, at the deadline is late', () => {
    const d = coverageSeries(loadHistory('slot-boundary')).find(a => a.aggregator === 'D')
    const s1 = d?.slots[1]
    expect(s1?.line).to.equal('coverage=6/8 late=2 diff=+0/-2')
    expect(s1?.validators).to.deep.equal([0, 3, 4, 5, 6, 7])
    expect(s1?.late).to.deep.equal([1, 2])
    expect(s1?.lost).to.deep.equal([1, 2])
    expect(s1?.quorum).to.equal(true)
    expect(d?.slots[2]?.line).to.equal('coverage=8/8 late=none diff=+2/-0')
  })

  it('late arrivals are reported as late, not as missing-and-silent', () => {
    expect(linesOf('late-arrivals').slice(2, 5)).to.deep.equal([
      'coverage=8/8 late=none diff=+0/-0', 'coverage=5/8 late=3 diff=+0/-3', 'coverage=8/8 late=none diff=+3/-0'
    ])
  })

  it('the stock bug: +0/-3 at the fault, then parked below quorum with nothing late', () => {
    expect(linesOf('bearing-never-reopens').slice(2)).to.deep.equal([
      'coverage=8/8 late=none diff=+0/-0', 'coverage=5/8 late=none diff=+0/-3',
      'coverage=5/8 late=none diff=+0/-0', 'coverage=5/8 late=none diff=+0/-0', 'coverage=5/8 late=none diff=+0/-0', 'coverage=5/8 late=none diff=+0/-0'
    ])
  })

  it('coverageLines gives only slots the history has reached (live progress)', () => {
    const partial = truncate(loadHistory('bearing-never-reopens'), 4500)
    const lines = coverageLines(partial)
    expect(lines.map(l => l.slot)).to.deep.equal([0, 1, 2, 3])
    expect(lines.at(-1)).to.deep.equal({ aggregator: 'D', slot: 3, count: 5, quorum: false, line: 'coverage=5/8 late=none diff=+0/-3' })
  })
})
