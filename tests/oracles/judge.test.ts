/** judge: one verdict per expectation; unhealthy nodes fail them with their last log lines; exceptions become unknown. */
import { expect } from 'chai'
import type { Expectation } from '../../harness/oracles/expectation.ts'
import { judge } from '../../harness/oracles/judge.ts'
import { FIVE_EXPECTATIONS } from './support/five-expectations.ts'
import { loadHistory } from './support/load-history.ts'

describe('oracles: judge', () => {
  it('the leg-aware history passes every expectation, the stock one fails all but streams-survive', () => {
    expect(judge(loadHistory('bearing-reopened'), FIVE_EXPECTATIONS).map(v => v.status)).to.deep.equal(['pass', 'pass', 'pass', 'pass', 'pass'])
    const stock = judge(loadHistory('bearing-never-reopens'), FIVE_EXPECTATIONS)
    expect(stock.map(v => [v.expectation, v.status])).to.deep.equal([
      ['streams-survive', 'pass'], ['reopen-within', 'fail'], ['delivery-gap', 'fail'], ['coverage', 'fail'], ['no-decay', 'fail']
    ])
    expect(stock.map(v => v.title)).to.deep.equal([
      'streams-survive', 'reopen-within 1000 ms', 'delivery-gap <= 1000 ms', 'coverage >= quorum every slot from slot 0, back within 1 slot(s) after each fault', 'no-decay within 1 slot(s)'
    ])
  })

  it('a node that never became ready fails every verdict, with its last log lines', () => {
    const verdicts = judge(loadHistory('never-ready'), FIVE_EXPECTATIONS)
    for (const v of verdicts) {
      expect(v.status, v.expectation).to.equal('fail')
      const f = v.findings.find(x => x.node === 'C')
      expect(f?.message).to.include('node C never became ready')
      expect(f?.message).to.include('Error: listen EADDRINUSE: address already in use 127.0.0.1:41003')
    }
  })

  it('a node that crashed mid-run fails every verdict, with its last log lines', () => {
    for (const v of judge(loadHistory('crash-mid-run'), FIVE_EXPECTATIONS)) {
      expect(v.status, v.expectation).to.equal('fail')
      const f = v.findings.find(x => x.node === 'B')
      expect(f?.message).to.include('node B exited unexpectedly at +3.500s (slot 3) (exit code none, signal SIGKILL)')
      expect(f?.message).to.include('JavaScript heap out of memory')
      expect(f?.slot).to.equal(3)
    }
  })

  it('a history that cannot be read makes every verdict unknown, not a crash', () => {
    const verdicts = judge(loadHistory('clean-run').filter(e => e.kind !== 'run_start'), FIVE_EXPECTATIONS)
    expect(verdicts.map(v => v.status)).to.deep.equal(['unknown', 'unknown', 'unknown', 'unknown', 'unknown'])
    expect(verdicts[0]?.summary).to.include('no run_start')
  })

  it('an oracle that throws gives an unknown verdict naming the error; the others still judge', () => {
    const bogus = { kind: 'bogus' } as unknown as Expectation
    const verdicts = judge(loadHistory('clean-run'), [bogus, { kind: 'coverage', fromSlot: 0 }])
    expect(verdicts[0]).to.deep.include({ status: 'unknown', expectation: 'bogus' })
    expect(verdicts[0]?.summary).to.include('unknown expectation kind "bogus"')
    expect(verdicts[1]?.status).to.equal('pass')
  })
})
