/** The coverage expectation on recorded histories: quorum every slot, or again within k slots of each fault. */
import { expect } from 'chai'
import { coverageQuorum, exemptSlots } from '../../harness/oracles/coverage-quorum.ts'
import { indexHistory } from '../../harness/oracles/run-index.ts'
import { loadHistory, truncate } from './support/load-history.ts'

const GENESIS = 1_795_471_780_000

describe('oracles: coverage expectation', () => {
  it('passes a clean run from slot 0', () => {
    const v = coverageQuorum(loadHistory('clean-run'), { kind: 'coverage', fromSlot: 0 })
    expect(v.status, v.summary).to.equal('pass')
    expect(v.summary).to.include('coverage >= 6/8 in all 8 judged aggregator-slots')
  })

  it('fails the stock bug with the aggregator, slots, the field line and the starved direction', () => {
    const v = coverageQuorum(loadHistory('bearing-never-reopens'), { kind: 'coverage', fromSlot: 0 })
    expect(v.status).to.equal('fail')
    expect(v.findings).to.have.length(1)
    expect(v.findings[0]).to.deep.include({ node: 'D', slot: 3, direction: 'A->D', fromMs: GENESIS + 3000, toMs: GENESIS + 8000 })
    expect(v.findings[0]?.message).to.equal('D: coverage below 6/8 in slots 3-7: slot 3 coverage=5/8 late=none diff=+0/-3, slot 7 coverage=5/8 late=none diff=+0/-0; missing at slot 3: 3 of A\'s 3 (0-2, A->D)')
  })

  it('within k slots after a fault: the recovering slots are exempt, the rest are not', () => {
    expect([...exemptSlots(indexHistory(loadHistory('bearing-reopened')), 1)]).to.deep.equal([2, 3]) // fault at +2.1 s: [2.1, 3.1) overlaps slots 2 and 3
    expect(coverageQuorum(loadHistory('bearing-reopened'), { kind: 'coverage', fromSlot: 0, withinSlotsAfterFault: 1 }).status).to.equal('pass')
    expect(coverageQuorum(loadHistory('late-arrivals'), { kind: 'coverage', fromSlot: 0, withinSlotsAfterFault: 1 }).status).to.equal('pass')
    expect(coverageQuorum(loadHistory('late-arrivals'), { kind: 'coverage', fromSlot: 0 }).status).to.equal('fail')
    const v = coverageQuorum(loadHistory('bearing-never-reopens'), { kind: 'coverage', fromSlot: 0, withinSlotsAfterFault: 1 })
    expect(v.status).to.equal('fail')
    expect(v.findings[0]?.slot).to.equal(4)
    // the +0/-N happened in an exempt slot; the finding still shows it
    expect(v.findings[0]?.message).to.include('lost at slot 3 (coverage=5/8 late=none diff=+0/-3)')
  })

  it('min instead of quorum: the boundary slot meets 6 but not 7', () => {
    const history = loadHistory('slot-boundary')
    expect(coverageQuorum(history, { kind: 'coverage', fromSlot: 0 }).status).to.equal('pass')
    const v = coverageQuorum(history, { kind: 'coverage', fromSlot: 0, min: 7 })
    expect(v.status).to.equal('fail')
    expect(v.findings.map(f => f.slot)).to.deep.equal([1])
    expect(v.findings[0]?.message).to.include('coverage=6/8 late=2 diff=+0/-2')
  })

  it('from-slot skips the early slots', () => {
    expect(coverageQuorum(loadHistory('late-arrivals'), { kind: 'coverage', fromSlot: 4 }).status).to.equal('pass')
  })

  it('judges only the slots reached so far in a live run; a finished run that stopped early is unknown', () => {
    const partial = truncate(loadHistory('clean-run'), 3500)
    const v = coverageQuorum(partial, { kind: 'coverage', fromSlot: 0 })
    expect(v.status).to.equal('pass')
    expect(v.summary).to.include('all 3 judged')
    const stopped = [...partial, { kind: 'run_end' as const, ts: GENESIS + 3600, reason: 'interrupted' as const }]
    const u = coverageQuorum(stopped, { kind: 'coverage', fromSlot: 0 })
    expect(u.status).to.equal('unknown')
    expect(u.summary).to.include('slots 3-7 were not observed')
  })
})
