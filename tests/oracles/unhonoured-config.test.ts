/**
 * A node asked for a subscribe delay its implementation cannot honour (it
 * lists subscribeDelayMs in its ready event's `unsupported`): every verdict of
 * the run is unknown, never pass; the same run where it was honoured passes.
 */
import { expect } from 'chai'
import type { History } from '../../harness/history/types.ts'
import { judge } from '../../harness/oracles/judge.ts'
import { HistoryBuilder } from './support/history-builder.ts'

function run (unsupported: string[] | undefined, asked: Record<string, number> = { subscribeDelayMs: 2000 }): History {
  const b = new HistoryBuilder({ scenario: 'subscribe-late', slots: 4, validatorCount: 4, nodes: [{ name: 'A', validators: [0, 1], aggregator: true }, { name: 'B', validators: [2, 3] }] })
  b.mesh(-1500)
  for (let s = 0; s < 4; s++) b.slot(s)
  b.end(4200)
  return b.build().map(e => {
    if (e.kind === 'run_start') {
      return { ...e, resolved: { nodes: e.nodes.map(n => ({ ...n, ...(n.name === 'B' ? asked : {}) })) } }
    }
    if (e.kind === 'node' && e.type === 'ready' && e.node === 'B' && unsupported !== undefined) return { ...e, unsupported }
    return e
  })
}

describe('oracles: a scenario the nodes could not honour', () => {
  const expectations = [{ kind: 'delivery-gap' as const, maxMs: 1000 }, { kind: 'coverage' as const, fromSlot: 0 }]

  it('every verdict is unknown, naming the node and the feature', () => {
    const verdicts = judge(run(['subscribeDelayMs']), expectations)
    expect(verdicts.map(v => v.status)).to.deep.equal(['unknown', 'unknown'])
    expect(verdicts[0]?.summary).to.include('node B').and.to.include('cannot delay subscribing')
  })

  it('a subscribe timed from genesis the node cannot do: unknown, naming it', () => {
    const verdicts = judge(run(['subscribeAtMs'], { subscribeAtMs: 500 }), expectations)
    expect(verdicts.map(v => v.status)).to.deep.equal(['unknown', 'unknown'])
    expect(verdicts[0]?.summary).to.include('node B').and.to.include('cannot time its subscribe from genesis')
    // asked for the other one only: what it cannot do was not asked for
    expect(judge(run(['subscribeAtMs']), expectations).map(v => v.status)).to.deep.equal(['pass', 'pass'])
  })

  it('control: honoured (nothing unsupported, or something else unsupported), the same run passes', () => {
    expect(judge(run(undefined), expectations).map(v => v.status)).to.deep.equal(['pass', 'pass'])
    expect(judge(run(['somethingElse']), expectations).map(v => v.status)).to.deep.equal(['pass', 'pass'])
  })
})
