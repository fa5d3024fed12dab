/**
 * The UDP proxy's pure parts: how toxics compile into a per-direction plan,
 * the seeded random source, and the delay line's order.
 */
import { expect } from 'chai'
import { DelayLine } from '../../harness/faults/udp-proxy/delay-line.ts'
import type { DelayClock } from '../../harness/faults/udp-proxy/delay-line.ts'
import { compilePlan, PASS } from '../../harness/faults/udp-proxy/fault-plan.ts'
import { seededRandom } from '../../harness/faults/udp-proxy/random.ts'
import { parseNewToxic } from '../../harness/faults/udp-proxy/toxics.ts'
import type { Toxic } from '../../harness/faults/udp-proxy/toxics.ts'

const t = (body: Record<string, unknown>): Toxic => parseNewToxic(body)

/** A clock that moves only when told to: `advance` fires the timers it passes, in due order. */
function fakeClock (): DelayClock & { advance: (ms: number) => void } {
  let now = 0
  let lastId = 0
  const timers = new Map<number, { at: number, fire: () => void }>()
  return {
    now: () => now,
    setTimer: (fire, ms) => { timers.set(++lastId, { at: now + ms, fire }); return lastId },
    clearTimer: (id) => { timers.delete(id as number) },
    advance: (ms) => {
      const end = now + ms
      for (;;) {
        const [id, next] = [...timers].filter(([, x]) => x.at <= end).sort(([, x], [, y]) => x.at - y.at)[0] ?? []
        if (id === undefined || next === undefined) break
        timers.delete(id)
        now = Math.max(now, next.at)
        next.fire()
      }
      now = end
    }
  }
}

describe('UDP proxy fault plan', () => {
  it('no toxic on a stream is the shared PASS plan (nothing to read on the datagram path)', () => {
    const toxics = [t({ type: 'blackhole', stream: 'upstream' })]
    expect(compilePlan(toxics, 'downstream', seededRandom(1))).to.equal(PASS)
    expect(compilePlan(toxics, 'upstream', seededRandom(1))).to.deep.equal({ drop: true, loss: 0, latencyMs: 0, jitterMs: 0 })
  })

  it('losses combine as independent drops, latencies and jitters add up', () => {
    const toxics = [
      t({ name: 'l1', type: 'loss', stream: 'downstream', attributes: { probability: 0.5 } }),
      t({ name: 'l2', type: 'loss', stream: 'downstream', attributes: { probability: 0.5 } }),
      t({ name: 'd1', type: 'latency', stream: 'downstream', attributes: { latency: 10, jitter: 2 } }),
      t({ name: 'd2', type: 'latency', stream: 'downstream', attributes: { latency: 5 } })
    ]
    expect(compilePlan(toxics, 'downstream', seededRandom(1))).to.deep.equal({ drop: false, loss: 0.75, latencyMs: 15, jitterMs: 2 })
  })

  it('toxicity is drawn per flow: about that share of flows get the toxic', () => {
    const toxics = [t({ type: 'blackhole', stream: 'upstream', toxicity: 0.25 })]
    const random = seededRandom(9)
    let hit = 0
    for (let flow = 0; flow < 4000; flow++) if (compilePlan(toxics, 'upstream', random).drop) hit++
    expect(hit / 4000).to.be.within(0.22, 0.28)
  })

  it('the seeded random source repeats per seed and is uniform enough', () => {
    const a = seededRandom(42)
    const b = seededRandom(42)
    const xs = Array.from({ length: 10_000 }, () => a())
    expect(Array.from({ length: 10_000 }, () => b())).to.deep.equal(xs)
    expect(seededRandom(43)()).to.not.equal(xs[0])
    expect(Math.min(...xs)).to.be.at.least(0)
    expect(Math.max(...xs)).to.be.below(1)
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).to.be.within(0.48, 0.52)
  })

  it('the delay line holds each datagram until it is due, then sends in due order: arrival order without jitter, reordered with it', () => {
    const out: number[] = []
    const clock = fakeClock()
    const line = new DelayLine((msg) => { out.push(msg.readUInt8(0)) }, seededRandom(5), clock)
    for (let i = 0; i < 20; i++) line.push(Buffer.from([i]), 20, 0)
    clock.advance(19)
    expect(out, 'sent before its latency passed').to.deep.equal([])
    clock.advance(1)
    expect(out).to.deep.equal(Array.from({ length: 20 }, (_, i) => i))
    out.length = 0
    for (let i = 0; i < 20; i++) line.push(Buffer.from([i]), 20, 15)
    clock.advance(4)
    expect(out, 'sent before latency - jitter passed').to.deep.equal([])
    clock.advance(31) // latency + jitter: every datagram is due
    expect(out).to.have.length(20)
    expect(out).to.not.deep.equal(Array.from({ length: 20 }, (_, i) => i))
    expect([...out].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i))
    line.push(Buffer.from([99]), 10_000, 0)
    expect(line.size).to.equal(1)
    line.clear()
    expect(line.size).to.equal(0)
  })
})
