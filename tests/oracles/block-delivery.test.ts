/** block-delivery: every block at every other node within the bound, on built histories (with its negative controls). */
import { expect } from 'chai'
import { blockDelivery } from '../../harness/oracles/block-delivery.ts'
import { judge } from '../../harness/oracles/judge.ts'
import type { History } from '../../harness/history/types.ts'
import { HistoryBuilder } from './support/history-builder.ts'

const NODES = [{ name: 'A', validators: [0, 1] }, { name: 'B', validators: [2, 3] }, { name: 'C', validators: [4, 5] }, { name: 'D', validators: [6, 7], aggregator: true }]
const ROTATION = ['C', 'A', 'D', 'B']
const BYTES = 262144

/** ms after publishing that `receiver` gets the block of `slot` (null: never). */
type BlockDelay = (d: { proposer: string, receiver: string, slot: number }) => number | null

/** Four nodes, 6 slots of attestations, one block per slot from the rotation, delivered after `delay` (default 40-70 ms). */
function run (delay: BlockDelay = d => 40 + d.slot * 5 + d.receiver.charCodeAt(0) % 3, extra?: (b: HistoryBuilder) => void): History {
  const b = new HistoryBuilder({ scenario: 'blocks', slots: 6, validatorCount: 8, nodes: NODES })
  b.mesh(-1500)
  for (let s = 0; s < 6; s++) {
    b.slot(s)
    const proposer = ROTATION[s % ROTATION.length] as string
    const at = s * 1000 + 3
    const block = { topic: '/leanconsensus/12345678/block/ssz_snappy', msgId: `b${s}`, slot: s, proposer: NODES.findIndex(n => n.name === proposer), bytes: BYTES }
    b.event(proposer, at, 'block_published', { ...block, recipients: NODES.filter(n => n.name !== proposer).map(n => b.peerId(n.name)) })
    for (const r of NODES) {
      if (r.name === proposer) continue
      const ms = delay({ proposer, receiver: r.name, slot: s })
      if (ms !== null) b.event(r.name, at + ms, 'block_received', { ...block, from: b.peerId(proposer), latencyMs: ms })
    }
  }
  extra?.(b)
  b.end(6300)
  return b.build()
}

const expectation = { kind: 'block-delivery' as const, maxMs: 1000 }

describe('oracles: block-delivery', () => {
  it('passes when every block reaches every other node in time, naming the slowest', () => {
    const v = blockDelivery(run(), expectation)
    expect(v.status, v.summary).to.equal('pass')
    // slot 5's deadline lies past the last slot's end: 5 blocks x 3 receivers judged
    expect(v.summary).to.match(/^5 block\(s\) from slot 0, 15 delivery\(ies\) all within 1000 ms; slowest \d+ ms/)
  })

  it('negative control: a block that never reaches a node fails, naming the direction and the slot', () => {
    const v = blockDelivery(run(d => d.proposer === 'A' && d.receiver === 'D' ? null : 50), expectation)
    expect(v.status).to.equal('fail')
    expect(v.findings).to.have.length(1)
    expect(v.findings[0]).to.deep.include({ direction: 'A->D', slot: 1 })
    expect(v.findings[0]?.message).to.match(/^A->D: the block of slot 1 \(262144 B, published .*\) never arrived at D$/)
  })

  it('negative control: a block over the bound fails ("arrived, but late behind ...")', () => {
    const v = blockDelivery(run(d => d.receiver === 'B' && d.slot === 2 ? 1400 : 50), expectation)
    expect(v.status).to.equal('fail')
    expect(v.findings.map(f => f.direction)).to.deep.equal(['D->B'])
    expect(v.findings[0]?.message).to.include('arrived 1400 ms later, over the 1000 ms bound')
    // the same history within a looser bound passes: the bound is what is judged
    expect(blockDelivery(run(d => d.receiver === 'B' && d.slot === 2 ? 1400 : 50), { kind: 'block-delivery', maxMs: 1500 }).status).to.equal('pass')
  })

  it('a failed publish is a finding', () => {
    const history = run().map(e => e.kind === 'node' && e.type === 'block_published' && e.slot === 3 ? { ...e, publishError: 'message too large' } : e)
    const v = blockDelivery(history, expectation)
    expect(v.status).to.equal('fail')
    expect(v.findings[0]?.message).to.match(/^B: publishing its block of slot 3 failed at .*: message too large$/)
  })

  it('does not blame a receiver a node fault paused', () => {
    const missingAtC = (d: { receiver: string, slot: number }): number | null => d.receiver === 'C' && d.slot >= 2 && d.slot <= 3 ? null : 50
    expect(blockDelivery(run(missingAtC), expectation).status).to.equal('fail')
    const v = blockDelivery(run(missingAtC, b => {
      for (const leg of ['C>A', 'A>C', 'C>B', 'B>C', 'C>D', 'D>C'] as const) {
        b.fault('faults[0]', 'pause', 'apply', leg, 1900)
        b.fault('faults[0]', 'pause', 'heal', leg, 3900)
      }
    }), expectation)
    expect(v.status, v.summary).to.equal('pass')
    expect(v.summary).to.include('delivery(ies) to a node a node fault touched (or that was down) not judged')
  })

  it('is unknown, not pass, when no block was published', () => {
    const history = run().filter(e => !(e.kind === 'node' && (e.type === 'block_published' || e.type === 'block_received')))
    const v = blockDelivery(history, expectation)
    expect(v.status).to.equal('unknown')
    expect(v.summary).to.include('no block was published early enough to be judged')
  })

  it('judge: a node that lists blocks as unsupported makes the verdict unknown', () => {
    const history = run().map(e => {
      if (e.kind === 'run_start') return { ...e, resolved: { nodes: NODES.map(n => ({ ...n, impl: 'external' })), blocks: { bytes: BYTES, proposers: ROTATION } } }
      if (e.kind === 'node' && e.type === 'ready' && e.node === 'B') return { ...e, unsupported: ['blocks'] }
      return e
    })
    const [v] = judge(history, [expectation])
    expect(v?.status).to.equal('unknown')
    expect(v?.summary).to.include('node B (external) cannot propose or receive blocks')
  })
})
