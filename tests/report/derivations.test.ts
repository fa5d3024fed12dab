import { expect } from 'chai'
import type { HistoryEntry, NodeEntry, RunStart } from '../../harness/history/types.ts'
import { deliveryMatrix } from '../../harness/report/delivery-matrix.ts'
import { legTimeline } from '../../harness/report/leg-timeline.ts'
import { buildRunView, HistoryShapeError } from '../../harness/report/run-view.ts'
import { loadFixtures } from './load-fixtures.ts'
import { asNodeEvent } from '../../harness/contract/node-events.ts'

const G = 1_000_000
const SLOT = 1000

function start (over: Partial<RunStart> = {}): RunStart {
  return {
    kind: 'run_start', ts: G - 1000, runId: 'r', scenario: 's', seed: 1, runtime: 'process', genesisMs: G, slotMs: SLOT, slots: 3, validatorCount: 6,
    nodes: [
      { name: 'A', index: 0, peerId: 'pA', impl: 'ts', gossipPolicy: 'leg-aware', validators: [0, 1, 2], aggregator: false },
      { name: 'B', index: 1, peerId: 'pB', impl: 'ts', gossipPolicy: 'leg-aware', validators: [3, 4, 5], aggregator: true }
    ],
    legs: [
      { name: 'A>B', dialer: 'A', listener: 'B', transport: 'quic', proxyAddr: '', upstreamAddr: '', proxy: 'p1' },
      { name: 'B>A', dialer: 'B', listener: 'A', transport: 'quic', proxyAddr: '', upstreamAddr: '', proxy: 'p2' }
    ],
    ...over
  }
}

let seq = 0
/** contract fields these derivations do not read, so each event is a real one (harness/contract/node-events.ts) */
const FILLER: Partial<Record<NodeEntry['type'], Record<string, unknown>>> = {
  leg_open: { transport: 'quic', remote: '/ip4/127.0.0.1/udp/40001/quic-v1' },
  stream_open: { protocol: '/meshsub/1.2.0' },
  msg_published: { topic: 'attestation_0' },
  msg_received: { topic: 'attestation_0' }
}
function ev (node: string, ts: number, type: NodeEntry['type'], fields: Record<string, unknown> = {}): NodeEntry {
  return { kind: 'node', node, ...asNodeEvent({ seq: ++seq, ts, type, ...FILLER[type], ...fields }, `ev ${node} ${type}`) }
}
const recv = (node: string, ts: number, slot: number, validator: number, msgId = `m${slot}-${validator}`): NodeEntry =>
  ev(node, ts, 'msg_received', { slot, validator, msgId, from: 'x' })
const pub = (node: string, ts: number, slot: number, validator: number): NodeEntry =>
  ev(node, ts, 'msg_published', { slot, validator, msgId: `m${slot}-${validator}`, recipients: [] })

describe('report: derived series', () => {
  describe('leg timeline', () => {
    it('maps node-local connection ids to harness legs from both ends and shows a half-open leg', () => {
      const h: HistoryEntry[] = [
        start(),
        ev('A', G + 1, 'leg_open', { leg: 'a1', peer: 'pB', direction: 'outbound' }),
        ev('B', G + 2, 'leg_open', { leg: 'b7', peer: 'pA', direction: 'inbound' }),
        ev('A', G + 3, 'stream_open', { stream: 'a1/o1', leg: 'a1', peer: 'pB', direction: 'outbound' }),
        ev('B', G + 4, 'stream_open', { stream: 'b7/i1', leg: 'b7', peer: 'pA', direction: 'inbound' }),
        ev('A', G + 500, 'stream_close', { stream: 'a1/o1', leg: 'a1', peer: 'pB', direction: 'outbound', reason: 'closed' }),
        ev('A', G + 500, 'leg_close', { leg: 'a1', peer: 'pB', direction: 'outbound', reason: 'api-close' }), // B never hears of it
        ev('B', G + 600, 'leg_open', { leg: 'b8', peer: 'pX', direction: 'outbound' }), // a peer that is no run node
        { kind: 'run_end', ts: G + 3000, reason: 'completed' }
      ]
      const pairs = legTimeline(buildRunView(h))
      const ab = pairs.find(p => p.a === 'A' && p.b === 'B')
      expect(ab?.lanes.map(l => l.leg)).to.deep.equal(['A>B', 'B>A'])
      const lane = ab?.lanes[0]
      expect(lane?.openAtDialer.map(i => [i.id, i.fromMs, i.toMs, i.open, i.reason])).to.deep.equal([['a1', G + 1, G + 500, false, 'api-close']])
      expect(lane?.openAtListener.map(i => [i.id, i.toMs, i.open])).to.deep.equal([['b7', G + 3000, true]])
      expect(lane?.forward.map(s => [s.flow, s.id, s.reportedBy, s.toMs])).to.deep.equal([['A->B', 'a1/o1', 'A', G + 500]])
      expect(lane?.backward).to.deep.equal([])
      // a connection to a peer that is no run node has no harness leg, so no lane
      expect(pairs.flatMap(p => p.lanes.map(l => l.leg))).to.deep.equal(['A>B', 'B>A'])
    })

    it("takes a mute sender's streams from the receiver's inbound view", () => {
      const h: HistoryEntry[] = [
        start(),
        ev('A', G + 1, 'leg_open', { leg: 'a1', peer: 'pB', direction: 'outbound' }),
        ev('B', G + 2, 'leg_open', { leg: 'b7', peer: 'pA', direction: 'inbound' }),
        ev('A', G + 4, 'stream_open', { stream: 'a1/i9', leg: 'a1', peer: 'pB', direction: 'inbound' })
      ]
      const lane = legTimeline(buildRunView(h))[0]?.lanes[0]
      expect(lane?.backward.map(s => [s.flow, s.reportedBy, s.open])).to.deep.equal([['B->A', 'A', true]])
    })

    it('follows a reopened stream to the surviving leg in the leg-aware sample', async () => {
      const { pass } = await loadFixtures()
      const ad = legTimeline(buildRunView(pass)).find(p => p.a === 'A' && p.b === 'D')
      const flows = ad?.lanes.flatMap(l => [...l.forward, ...l.backward].filter(s => s.flow === 'A->D').map(s => ({ leg: l.leg, from: s.fromMs, to: s.toMs })))
      // A's stream to D rode A>D, died with it at the bearing-of fault (slot 4.5), and came back on D>A at once
      const lanes = (flows ?? []).sort((x, y) => x.from - y.from).map(f => f.leg)
      expect(lanes.slice(0, 2)).to.deep.equal(['A>D', 'D>A'])
      const [first, second] = (flows ?? []).sort((x, y) => x.from - y.from)
      expect((second?.from ?? 0) - (first?.to ?? 0)).to.be.within(0, 200)
      expect(ad?.lanes.flatMap(l => l.replays).map(r => r.node)).to.include('A')
    })
  })

  describe('delivery matrix', () => {
    it('counts distinct deliveries per ordered pair and the longest gap between the first and last publish', () => {
      const h: HistoryEntry[] = [
        start(),
        pub('A', G + 1, 0, 0), pub('A', G + SLOT + 1, 1, 0), pub('A', G + 2 * SLOT + 1, 2, 0),
        recv('B', G + 11, 0, 0), recv('B', G + 12, 0, 0), // duplicate
        recv('B', G + 2 * SLOT + 11, 2, 0),
        pub('B', G + 1, 0, 3),
        { kind: 'run_end', ts: G + 3000, reason: 'completed' }
      ]
      const m = deliveryMatrix(buildRunView(h))
      expect(m.nodes).to.deep.equal(['A', 'B'])
      expect(m.cells[0]?.[0]).to.equal(undefined)
      const ab = m.cells[0]?.[1]
      expect([ab?.expected, ab?.delivered, ab?.longestGapMs, ab?.gapFromMs, ab?.gapToMs, ab?.health]).to.deep.equal([3, 2, 2000, G + 11, G + 2011, 'bad'])
      const ba = m.cells[1]?.[0]
      expect([ba?.expected, ba?.delivered, ba?.longestGapMs, ba?.health]).to.deep.equal([1, 0, 0, 'bad'])
    })
    it('counts only the judged window: publishes after the last slot are neither expected nor a gap', () => {
      // slots: 3; A also published slots 3 and 4 (a node that ignored duties.slots), never delivered before the run ended
      const h: HistoryEntry[] = [
        start(),
        ...[0, 1, 2].flatMap(s => [pub('A', G + s * SLOT + 1, s, 0), recv('B', G + s * SLOT + 11, s, 0)]),
        pub('A', G + 3 * SLOT + 1, 3, 0), pub('A', G + 4 * SLOT + 1, 4, 0),
        recv('B', G + 3 * SLOT + 11, 3, 1, 'unpublished-late'),
        { kind: 'run_end', ts: G + 4 * SLOT + 2, reason: 'completed' }
      ]
      const ab = deliveryMatrix(buildRunView(h)).cells[0]?.[1]
      expect([ab?.expected, ab?.delivered, ab?.longestGapMs, ab?.health]).to.deep.equal([3, 3, 1000, 'good'])
    })
  })

  it('refuses a history without run_start', () => {
    expect(() => buildRunView([{ kind: 'run_end', ts: 1, reason: 'completed' }])).to.throw(HistoryShapeError)
  })
})

describe('report: delivery health', () => {
  it('is good when all arrived within 1.5 slots, warn for a few lost or a gap up to 3 slots, bad beyond', async () => {
    const { deliveryHealth } = await import('../../harness/report/delivery-matrix.ts')
    expect(deliveryHealth(10, 10, 1500, 1000)).to.equal('good')
    expect(deliveryHealth(10, 10, 1501, 1000)).to.equal('warn')
    expect(deliveryHealth(10, 9, 1000, 1000)).to.equal('warn')
    expect(deliveryHealth(10, 8, 1000, 1000)).to.equal('bad')
    expect(deliveryHealth(10, 10, 3001, 1000)).to.equal('bad')
    expect(deliveryHealth(0, 0, 0, 1000)).to.equal('none')
  })
})
