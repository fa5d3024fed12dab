/** latency: per-direction p50/p99 of attestation latency, on built histories. */
import { expect } from 'chai'
import { latency, percentile } from '../../harness/oracles/latency.ts'
import { judge } from '../../harness/oracles/judge.ts'
import { HistoryBuilder, type DeliveryOverride } from './support/history-builder.ts'

const NODES = [{ name: 'A', validators: [0, 1, 2, 3] }, { name: 'B', validators: [4, 5, 6, 7] }, { name: 'D', validators: [], aggregator: true }]

/** Three nodes, 6 slots, every attestation delivered by `override` (default: direct, ~10 ms). */
function run (override?: DeliveryOverride): ReturnType<HistoryBuilder['build']> {
  const b = new HistoryBuilder({ scenario: 'latency', slots: 6, validatorCount: 8, nodes: NODES })
  b.mesh(-1500)
  for (let s = 0; s < 6; s++) b.slot(s, override)
  b.end(6300)
  return b.build()
}

// B's attestations reach D 900 ms late from slot 2 on (behind blocks); every other direction ~10 ms
const lateBehindBlocks: DeliveryOverride = d => d.publisher === 'B' && d.receiver === 'D' && d.slot >= 2 ? 900 : undefined

describe('oracles: latency', () => {
  it('nearest-rank percentiles', () => {
    expect(percentile([10], 0.99)).to.equal(10)
    expect(percentile([1, 2, 3, 4], 0.5)).to.equal(2)
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 0.99)).to.equal(99)
  })

  it('passes when every direction stays within the bounds, naming the worst', () => {
    const v = latency(run(), { kind: 'latency', p50Ms: 50, p99Ms: 100, fromSlot: 0 })
    expect(v.status, v.summary).to.equal('pass')
    expect(v.summary).to.match(/^4 direction\(s\), \d+ first arrival\(s\), all within the bounds; worst p99 \d+ ms/)
  })

  it('fails "arrived, but 900 ms late": the direction, its percentiles and the slowest arrival', () => {
    const v = latency(run(lateBehindBlocks), { kind: 'latency', p99Ms: 300, fromSlot: 0 })
    expect(v.status).to.equal('fail')
    expect(v.findings).to.have.length(1)
    const f = v.findings[0]
    expect(f).to.deep.include({ direction: 'B->D' })
    expect(f?.message).to.match(/^B->D: attestation latency p99 898 ms over the 300 ms bound \(p50 898 ms, p99 898 ms, max 898 ms over 24 attestation\(s\) from slot 0\)/)
  })

  it('negative control: late arrivals before from-slot are not judged', () => {
    const earlyLate: DeliveryOverride = d => d.publisher === 'B' && d.receiver === 'D' && d.slot < 2 ? 900 : undefined
    expect(latency(run(earlyLate), { kind: 'latency', p99Ms: 300, fromSlot: 0 }).status).to.equal('fail')
    const v = latency(run(earlyLate), { kind: 'latency', p99Ms: 300, fromSlot: 2 })
    expect(v.status, v.summary).to.equal('pass')
  })

  it('the p50 bound alone: a few late arrivals do not move the median', () => {
    const someLate: DeliveryOverride = d => d.publisher === 'B' && d.receiver === 'D' && d.slot === 5 && d.validator === 4 ? 900 : undefined
    expect(latency(run(someLate), { kind: 'latency', p50Ms: 50, fromSlot: 0 }).status).to.equal('pass')
    expect(latency(run(someLate), { kind: 'latency', p99Ms: 300, fromSlot: 0 }).status).to.equal('fail')
  })

  it('is unknown, not pass, when no arrival can be measured', () => {
    const history = run().filter(e => !(e.kind === 'node' && e.type === 'msg_received'))
    const v = latency(history, { kind: 'latency', p99Ms: 300, fromSlot: 0 })
    expect(v.status).to.equal('unknown')
    expect(v.summary).to.include('no attestation arrival from slot 0 could be measured')
  })

  it('measures from msg_published when a node omits latencyMs', () => {
    const history = run(lateBehindBlocks).map(e => e.kind === 'node' && e.type === 'msg_received' ? (({ latencyMs: _, ...rest }) => rest)(e) : e)
    const [v] = judge(history, [{ kind: 'latency', p99Ms: 300, fromSlot: 0 }])
    expect(v?.status).to.equal('fail')
    expect(v?.findings[0]?.message).to.include('B->D: attestation latency p99 898 ms')
  })
})
