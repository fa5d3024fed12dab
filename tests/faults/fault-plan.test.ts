/**
 * The UDP proxy's pure parts: how toxics compile into a per-direction plan,
 * the seeded random source, and the delay line's order.
 */
import { expect } from 'chai'
import { DelayLine } from '../../harness/faults/udp-proxy/delay-line.ts'
import type { DelayClock } from '../../harness/faults/udp-proxy/delay-line.ts'
import { compilePlan, inBurst, PASS } from '../../harness/faults/udp-proxy/fault-plan.ts'
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
  it('a latency toxic with reorder: 1 compiles to a plan that reorders; any such toxic on the stream does', () => {
    const toxics = [
      t({ name: 'a', type: 'latency', stream: 'upstream', attributes: { latency: 40, jitter: 10, reorder: 1 } }),
      t({ name: 'b', type: 'latency', stream: 'downstream', attributes: { latency: 40, jitter: 10 } })
    ]
    expect(compilePlan(toxics, 'upstream', seededRandom(1)).reorder).to.equal(true)
    expect(compilePlan(toxics, 'downstream', seededRandom(1)).reorder).to.equal(false)
    expect(() => t({ name: 'c', type: 'latency', stream: 'upstream', attributes: { latency: 1, reorder: 2 } })).to.throw(/reorder/)
  })

  it('no toxic on a stream is the shared PASS plan (nothing to read on the datagram path)', () => {
    const toxics = [t({ type: 'blackhole', stream: 'upstream' })]
    expect(compilePlan(toxics, 'downstream', seededRandom(1))).to.equal(PASS)
    expect(compilePlan(toxics, 'upstream', seededRandom(1))).to.deep.equal({ drop: true, loss: 0, latencyMs: 0, jitterMs: 0, reorder: false, maxBytes: 0, burstPeriodMs: 0, burstMs: 0, burstOffsetMs: 0 })
  })

  it('losses combine as independent drops, latencies and jitters add up', () => {
    const toxics = [
      t({ name: 'l1', type: 'loss', stream: 'downstream', attributes: { probability: 0.5 } }),
      t({ name: 'l2', type: 'loss', stream: 'downstream', attributes: { probability: 0.5 } }),
      t({ name: 'd1', type: 'latency', stream: 'downstream', attributes: { latency: 10, jitter: 2 } }),
      t({ name: 'd2', type: 'latency', stream: 'downstream', attributes: { latency: 5 } })
    ]
    expect(compilePlan(toxics, 'downstream', seededRandom(1))).to.deep.equal({ drop: false, loss: 0.75, latencyMs: 15, jitterMs: 2, reorder: false, maxBytes: 0, burstPeriodMs: 0, burstMs: 0, burstOffsetMs: 0 })
  })

  it('size limits: the smallest wins, 0 means none; only the toxic\'s stream is limited', () => {
    const toxics = [
      t({ name: 's1', type: 'size_limit', stream: 'upstream', attributes: { bytes: 300 } }),
      t({ name: 's2', type: 'size_limit', stream: 'upstream', attributes: { bytes: 120 } }),
      t({ name: 's3', type: 'size_limit', stream: 'upstream', attributes: { bytes: 0 } })
    ]
    expect(compilePlan(toxics, 'upstream', seededRandom(1)).maxBytes).to.equal(120)
    expect(compilePlan(toxics, 'downstream', seededRandom(1))).to.equal(PASS)
    expect(compilePlan([t({ type: 'size_limit', stream: 'upstream' })], 'upstream', seededRandom(1))).to.equal(PASS)
  })

  it('burst_loss drops for `duration` ms of every `period` ms, phase set by `offset` on the wall clock', () => {
    const plan = compilePlan([t({ type: 'burst_loss', stream: 'downstream', attributes: { period: 1000, duration: 200, offset: 50 } })], 'downstream', seededRandom(1))
    const drops = (ms: number): boolean => inBurst(plan, ms)
    expect([49, 50, 249, 250, 1049, 1050, 1249, 1250].map(drops)).to.deep.equal([false, true, true, false, false, true, true, false])
    let dropped = 0
    for (let ms = 0; ms < 10_000; ms++) if (drops(ms)) dropped++
    expect(dropped).to.equal(2000)
    expect(inBurst(PASS, 0)).to.equal(false)
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

  it('the delay line holds each datagram until it is due, then sends in arrival order, with jitter too; reorder lets a later one overtake', () => {
    const out: number[] = []
    const clock = fakeClock()
    const line = new DelayLine((msg) => { out.push(msg.readUInt8(0)) }, seededRandom(5), clock)
    const inOrder = Array.from({ length: 20 }, (_, i) => i)
    for (let i = 0; i < 20; i++) line.push(Buffer.from([i]), 20, 0)
    clock.advance(19)
    expect(out, 'sent before its latency passed').to.deep.equal([])
    clock.advance(1)
    expect(out).to.deep.equal(inOrder)
    out.length = 0
    // jitter without reorder: delays vary, the order does not (a FIFO queue on a jittery path, as toxiproxy's TCP latency)
    for (let i = 0; i < 20; i++) line.push(Buffer.from([i]), 20, 15)
    clock.advance(4)
    expect(out, 'sent before latency - jitter passed').to.deep.equal([])
    clock.advance(31) // latency + jitter: every datagram is due
    expect(out).to.deep.equal(inOrder)
    out.length = 0
    for (let i = 0; i < 20; i++) line.push(Buffer.from([i]), 20, 15, true)
    clock.advance(4)
    expect(out, 'sent before latency - jitter passed').to.deep.equal([])
    clock.advance(31)
    expect(out).to.have.length(20)
    expect(out, 'with reorder a later datagram overtook an earlier one').to.not.deep.equal(inOrder)
    expect([...out].sort((x, y) => x - y)).to.deep.equal(inOrder)
    line.push(Buffer.from([99]), 10_000, 0)
    expect(line.size).to.equal(1)
    line.clear()
    expect(line.size).to.equal(0)
  })
})
