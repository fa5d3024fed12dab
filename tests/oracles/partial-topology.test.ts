/**
 * Oracles on a partial topology (`peers: { degree: 2 }`): a ring A-B-C-D-A, so A and C (and B and
 * D) do not peer and have no legs. Their directions are judged end to end: a path of live legs
 * through B or D counts as live, so a stretch without deliveries while such a path stood is a
 * finding, and only time with no path at all is excused.
 */
import { expect } from 'chai'
import { coverageQuorum } from '../../harness/oracles/coverage-quorum.ts'
import { deliveryGap, type DirectionGap } from '../../harness/oracles/delivery-gap.ts'
import { LegLiveness } from '../../harness/oracles/leg-liveness.ts'
import { noDecay } from '../../harness/oracles/no-decay.ts'
import { indexHistory } from '../../harness/oracles/run-index.ts'
import type { History, LegName } from '../../harness/history/types.ts'
import { HistoryBuilder, type DeliveryOverride } from './support/history-builder.ts'

const NODES = [{ name: 'A', validators: [0, 1] }, { name: 'B', validators: [2, 3] }, { name: 'C', validators: [4, 5], aggregator: true }, { name: 'D', validators: [6, 7] }]
const RING: Array<[string, string]> = [['A', 'B'], ['B', 'C'], ['C', 'D'], ['A', 'D']]
const SLOTS = 6
const gap = { kind: 'delivery-gap' as const, maxMs: 1000 }

/** A fault-free ring run; `cut` closes every leg of A at that slot's start (A cut off from everyone). */
function ring (override?: DeliveryOverride, cut?: number): History {
  const b = new HistoryBuilder({ scenario: 'ring', slots: SLOTS, validatorCount: 8, nodes: NODES, peering: RING })
  b.mesh(-1500)
  for (let s = 0; s < SLOTS; s++) {
    if (s === cut) for (const leg of ['A>B', 'B>A', 'A>D', 'D>A'] as LegName[]) b.closeLeg(leg, s * 1000 - 1)
    b.slot(s, override)
  }
  b.end(SLOTS * 1000 + 300)
  return b.build()
}

describe('oracles: a partial topology (ring of 4, degree 2)', () => {
  it('the history holds only the peering pairs\' legs, and the ring still delivers everywhere (relayed across)', () => {
    const h = ring()
    const start = h.find(e => e.kind === 'run_start')
    expect(start?.kind === 'run_start' ? start.legs.map(l => l.name).sort() : []).to.deep.equal(['A>B', 'A>D', 'B>A', 'B>C', 'C>B', 'C>D', 'D>A', 'D>C'])
    const legs = new LegLiveness(indexHistory(h))
    expect(legs.peers('A', 'B')).to.equal(true)
    expect(legs.peers('A', 'C')).to.equal(false)
    const v = deliveryGap(h, gap)
    expect(v.status, v.summary).to.equal('pass')
    // every direction judged, the non-peering ones too
    expect((v.evidence?.directions as DirectionGap[]).map(d => d.direction)).to.include.members(['A->C', 'C->A', 'B->D', 'D->B'])
    expect(coverageQuorum(h, { kind: 'coverage', fromSlot: 0 }).status).to.equal('pass')
    expect(noDecay(h, { kind: 'no-decay', withinSlots: 1 }).status).to.equal('pass')
  })

  it('negative control: A->C starved while B and D relay is a delivery-gap finding, judged end to end (not excused for lack of a direct leg)', () => {
    const starved: DeliveryOverride = d => d.publisher === 'A' && d.receiver === 'C' && d.slot >= 2 ? null : undefined
    const v = deliveryGap(ring(starved), gap)
    expect(v.status).to.equal('fail')
    expect(v.findings.map(f => f.direction)).to.deep.equal(['A->C'])
    expect(v.findings[0]?.message).to.include('a path of live legs connected them (they do not peer: judged end to end)')
    const ac = (v.evidence?.directions as DirectionGap[]).find(d => d.direction === 'A->C')
    expect(ac).to.deep.include({ maxGapMs: 5000, maxGapLiveMs: 5000 })
  })

  it('negative control: no-decay at C for A\'s validators counts the path through B and D', () => {
    const starved: DeliveryOverride = d => d.publisher === 'A' && d.receiver === 'C' && d.slot >= 2 ? null : undefined
    const v = noDecay(ring(starved), { kind: 'no-decay', withinSlots: 1 })
    expect(v.status).to.equal('fail')
    expect(v.findings[0]?.message).to.include('A had a live leg path to C').and.include('no direct leg, relayed paths only')
  })

  it('A cut off from everyone (no path to C) is excused, as a pair with no live leg is', () => {
    const h = ring(undefined, 2)
    const v = deliveryGap(h, gap)
    expect(v.status, v.summary).to.equal('pass')
    const legs = new LegLiveness(indexHistory(h))
    const g = indexHistory(h).genesisMs
    expect(legs.reachableMs('A', 'C', g, g + 2000)).to.equal(1999) // its legs close 1 ms before slot 2
    expect(legs.reachableMs('A', 'C', g + 2000, g + 4000)).to.equal(0)
    expect(legs.reachableMs('B', 'D', g + 2000, g + 4000)).to.equal(2000) // through C
  })
})
