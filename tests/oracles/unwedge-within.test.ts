/**
 * unwedge-within on histories written by hand: a stall wedges the leg carrying A's outbound stream
 * to B (the leg stays up); a correct node moves the stream to the pair's other leg in time, the
 * class-7 bug (and stock) never does. Measured on real runs (field-shaped, 60 correct-node runs):
 * the TS node's wedge probe moves every wedged stream 2.0-4.0 s after the stall starts.
 */
import { expect } from 'chai'
import type { LegName } from '../../harness/history/types.ts'
import type { UnwedgeCase } from '../../harness/oracles/unwedge-within.ts'
import { unwedgeWithin } from '../../harness/oracles/unwedge-within.ts'
import { judge } from '../../harness/oracles/judge.ts'
import { HistoryBuilder } from './support/history-builder.ts'

const NODES = [{ name: 'A', validators: [0, 1] }, { name: 'B', validators: [2, 3], aggregator: true }]
const params = (ms: number) => ({ kind: 'unwedge-within' as const, ms })

/** A and B meshed (each one's stream on its own outbound leg); a stall on A>B from +1.3 s to +7.3 s; `script` adds the rest. */
function stalled (script: (b: HistoryBuilder) => void = () => {}, stall: { from: number, to: number, leg?: LegName } = { from: 1300, to: 7300 }): HistoryBuilder {
  const b = new HistoryBuilder({ scenario: 'unwedge', slots: 10, validatorCount: 4, nodes: NODES })
  b.mesh(-1500)
  const leg = stall.leg ?? 'A>B'
  b.fault('faults[0]', 'stall', 'apply', leg, stall.from, `bearing-of: A (A,B)`, { direction: 'both', maxBytes: 64 })
  script(b)
  b.fault('faults[0]', 'stall', 'heal', leg, stall.to)
  b.end(10_200)
  return b
}

describe('oracles: unwedge-within', () => {
  it('passes when the wedged stream moves to the other leg in time (the wedge probe aborts the leg, the stream reopens)', () => {
    const h = stalled(b => {
      b.closeLeg('A>B', 3500, 'wedged: no round trip on the leg in 2000 ms')
      b.openStream('A', 'B', 'B>A', 3600)
      b.openLeg('A', 'B', 7400)
    }).build()
    const v = unwedgeWithin(h, params(4000))
    expect(v.status, v.summary).to.equal('pass')
    const cases = v.evidence?.cases as UnwedgeCase[]
    expect(cases.map(c => [c.node, c.peer, c.leg, c.delayMs, c.movedLeg])).to.deep.equal([['A', 'B', 'A>B', 2300, 'B>A']])
    expect(v.summary).to.include('1 outbound stream(s) wedged by a stall with another live leg, all on another leg within 4000 ms (slowest 2300 ms)')
  })

  it('fails on the class-7 bug: the stream stays on the wedged leg although the other leg is live', () => {
    const v = unwedgeWithin(stalled().build(), params(4000))
    expect(v.status).to.equal('fail')
    expect(v.findings).to.have.length(1)
    expect(v.findings[0]).to.deep.include({ direction: 'A->B', leg: 'A>B', node: 'A', slot: 1 })
    expect(v.findings[0]?.message).to.include('wedged at +1.300s (slot 1) when fault faults[0] stalled that leg (up, no data)')
    expect(v.findings[0]?.message).to.include('A opened no outbound gossip stream to B on another leg before the run ended (limit 4000 ms)')
  })

  it('a move later than the bound is a finding that says when (here: only once the stall healed and the leg was redialed)', () => {
    const h = stalled(b => { b.closeStream('A', 'B', 7350); b.openStream('A', 'B', 'B>A', 7400) }).build()
    const v = unwedgeWithin(h, params(4000))
    expect(v.status).to.equal('fail')
    expect(v.findings[0]?.message, v.findings[0]?.message).to.include('opened only at +7.400s (slot 7), 6100 ms later, after the stall healed (limit 4000 ms)')
  })

  it('a node that already held a stream to the peer on the other leg was never wedged (a stream per leg): delay 0', () => {
    const h = stalled(b => { b.openStream('A', 'B', 'B>A', -1000) }).build()
    const v = unwedgeWithin(h, params(4000))
    expect(v.status, v.summary).to.equal('pass')
    expect((v.evidence?.cases as UnwedgeCase[])[0]).to.deep.include({ delayMs: 0 })
  })

  it('unknown, never pass: the other leg was down (nowhere to move), the stall shorter than the bound, or no stall wedged a stream', () => {
    const noSurvivor = stalled(b => { b.closeLeg('B>A', 1000, 'closed') }).build()
    expect(unwedgeWithin(noSurvivor, params(4000)).summary).to.include('had no other live leg to its peer: nowhere to move')
    const short = stalled(() => {}, { from: 1300, to: 3300 }).build()
    const v = unwedgeWithin(short, params(4000))
    expect(v.status).to.equal('unknown')
    expect(v.summary).to.include('healed within 4000 ms')
    // B's stream rides B>A: a stall of A>B wedges no stream of B, and only A's is judged
    const bearingNothing = stalled(b => { b.closeStream('A', 'B', 1000) }).build()
    expect(unwedgeWithin(bearingNothing, params(4000)).summary).to.include('no stall wedged an outbound gossip stream')
  })

  it('is an expectation scenarios name: judge() runs it, and the title says what it judges', () => {
    const [v] = judge(stalled().build(), [params(4000)])
    expect(v?.title).to.equal('unwedge-within 4000 ms: a stream a stall wedged moves to another leg')
    expect(v?.status).to.equal('fail')
  })
})
