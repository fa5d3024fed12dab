/**
 * Sparse subnets: each subnet aggregator is judged over the validators of the
 * subnets it aggregates, with its own quorum; a direction is judged only on the
 * attestations its receiver subscribes to.
 */
import { expect } from 'chai'
import { coverageQuorum } from '../../harness/oracles/coverage-quorum.ts'
import { coverageSeries } from '../../harness/oracles/coverage.ts'
import { deliveryGap } from '../../harness/oracles/delivery-gap.ts'
import type { History } from '../../harness/history/types.ts'
import { HistoryBuilder, type DeliveryOverride } from './support/history-builder.ts'

// 8 validators on 2 subnets (v % 2): subnet 0 = 0, 2, 4, 6; subnet 1 = 1, 3, 5, 7
const NODES = [{ name: 'A', validators: [0, 1] }, { name: 'B', validators: [2, 3] }, { name: 'C', validators: [4, 5], aggregator: true }, { name: 'D', validators: [6, 7], aggregator: true }]
const AGGREGATES: Record<string, number[]> = { C: [1], D: [0] }

/** Coverage as recorded with aggregator subnets (every node here hears every subnet). */
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

describe('oracles: sparse subnets', () => {
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

  describe('delivery-gap', () => {
    // one subnet per publisher: A's validators 0, 2 (subnet 0), B's 1, 3 (subnet 1), C's 4, 6 (0), D's 5, 7 (1)
    const SPARSE_NODES = [{ name: 'A', validators: [0, 2] }, { name: 'B', validators: [1, 3] }, { name: 'C', validators: [4, 6], aggregator: true }, { name: 'D', validators: [5, 7], aggregator: true }]
    const SUBS: Record<string, number[]> = { A: [0], B: [1], C: [0, 1], D: [1] }
    function sparseRun (record: boolean): History {
      const b = new HistoryBuilder({ scenario: 'sparse-gap', slots: 4, validatorCount: 8, nodes: SPARSE_NODES })
      b.mesh(-1500)
      // a node hears a subnet only when it subscribes to it
      for (let s = 0; s < 4; s++) b.slot(s, d => SUBS[d.receiver]?.includes(d.validator % 2) === true ? undefined : null)
      b.end(4300)
      return b.build().map(e => e.kind === 'run_start'
        ? { ...e, subnets: 2, nodes: e.nodes.map(n => record ? { ...n, subscribeSubnets: SUBS[n.name] } : n) }
        : e)
    }

    it('judges only the subnets a receiver subscribes to', () => {
      const v = deliveryGap(sparseRun(true), { kind: 'delivery-gap', maxMs: 1000 })
      expect(v.status, v.summary).to.equal('pass')
      // B subscribes to subnet 1 only: A's subnet-0 attestations are no direction A->B
      const directions = (v.evidence?.directions as Array<{ direction: string }>).map(d => d.direction)
      expect(directions).to.not.include('A->B')
      expect(directions).to.include('A->C')
    })

    it('negative control: the same deliveries judged as if every node subscribed to every subnet fail', () => {
      const v = deliveryGap(sparseRun(false), { kind: 'delivery-gap', maxMs: 1000 })
      expect(v.status).to.equal('fail')
      expect(v.findings.map(f => f.direction)).to.include('A->B')
    })
  })
})
