/**
 * Coverage with subnet aggregators (sparse subnets): each aggregator is judged
 * over the validators of the subnets it aggregates, with its own quorum.
 */
import { expect } from 'chai'
import { coverageQuorum } from '../../harness/oracles/coverage-quorum.ts'
import { coverageSeries } from '../../harness/oracles/coverage.ts'
import type { History } from '../../harness/history/types.ts'
import { HistoryBuilder, type DeliveryOverride } from './support/history-builder.ts'

// 8 validators on 2 subnets (v % 2): subnet 0 = 0, 2, 4, 6; subnet 1 = 1, 3, 5, 7
const NODES = [{ name: 'A', validators: [0, 1] }, { name: 'B', validators: [2, 3] }, { name: 'C', validators: [4, 5], aggregator: true }, { name: 'D', validators: [6, 7], aggregator: true }]
const AGGREGATES: Record<string, number[]> = { C: [1], D: [0] }

/** Sparse: a node hears only the subnets it subscribes to (its validators' and those it aggregates). */
function run (override?: DeliveryOverride): History {
  const b = new HistoryBuilder({ scenario: 'sparse', slots: 4, validatorCount: 8, nodes: NODES })
  b.mesh(-1500)
  for (let s = 0; s < 4; s++) b.slot(s, override)
  b.end(4300)
  return b.build().map(e => e.kind === 'run_start'
    ? { ...e, subnets: 2, nodes: e.nodes.map(n => AGGREGATES[n.name] !== undefined ? { ...n, aggregates: AGGREGATES[n.name] } : n) }
    : e)
}

const expectation = { kind: 'coverage' as const, fromSlot: 0 }

describe('oracles: coverage per subnet aggregator', () => {
  it('judges each aggregator over its own subnets\' validators', () => {
    const series = coverageSeries(run())
    expect(series.map(a => [a.aggregator, a.judged])).to.deep.equal([['C', [1, 3, 5, 7]], ['D', [0, 2, 4, 6]]])
    expect(series[0]?.slots[0]?.line).to.equal('coverage=4/4 late=none diff=+4/-0')
    const v = coverageQuorum(run(), expectation)
    expect(v.status, v.summary).to.equal('pass')
    expect(v.summary).to.match(/^C, D: coverage >= 3\/4 in all 8 judged aggregator-slots/)
  })

  it('negative control: a subnet aggregator missing two of its four validators fails, the other passes', () => {
    // A's and B's subnet-1 attestations (validators 1 and 3) never reach C from slot 1 on
    const starved: DeliveryOverride = d => d.receiver === 'C' && (d.validator === 1 || d.validator === 3) && d.slot >= 1 ? null : undefined
    const v = coverageQuorum(run(starved), expectation)
    expect(v.status).to.equal('fail')
    expect(v.findings).to.have.length(1)
    expect(v.findings[0]?.message).to.match(/^C: coverage below 3\/4 in slots 1-3: slot 1 coverage=2\/4 late=none diff=\+0\/-2, slot 3 coverage=2\/4 late=none diff=\+0\/-0; missing at slot 1: 1 of A's 2 \(1, A->C\); 1 of B's 2 \(3, B->C\)/)
  })

  it('an aggregator without subnets (older histories too) is judged over every validator', () => {
    const history = run().map(e => e.kind === 'run_start' ? { ...e, nodes: e.nodes.map(n => ({ ...n, aggregates: undefined })) } : e)
    expect(coverageSeries(history).map(a => a.judged.length)).to.deep.equal([8, 8])
  })
})
