/** mesh-consistent: one-sided mesh listings held longer than k heartbeats, on built histories with status samples. */
import { expect } from 'chai'
import { meshConsistent } from '../../harness/oracles/mesh-consistent.ts'
import type { History, HistoryEntry } from '../../harness/history/types.ts'
import { HistoryBuilder } from './support/history-builder.ts'

const NODES = [{ name: 'A', validators: [0, 1, 2, 3] }, { name: 'B', validators: [4, 5, 6, 7], aggregator: true }]
const TOPIC = '/leanconsensus/12345678/attestation_0/ssz_snappy'
const K = { kind: 'mesh-consistent' as const, heartbeats: 3, heartbeatMs: 700, maxMs: 2100 }

/** Samples every 700 ms from genesis to +6.3 s; B lists A except while `bLacksA(t)` (t ms after genesis). */
function run (bLacksA: (t: number) => boolean, sampleB = true): History {
  const b = new HistoryBuilder({ scenario: 'mesh', slots: 7, validatorCount: 8, nodes: NODES })
  b.mesh(-1500)
  b.end(7300)
  const built = [...b.build()]
  const extra: HistoryEntry[] = []
  for (let t = 0; t <= 6300; t += 700) {
    extra.push({ kind: 'status', ts: b.genesisMs + t, node: 'A', mesh: { [TOPIC]: [b.peerId('B')] } })
    if (sampleB) extra.push({ kind: 'status', ts: b.genesisMs + t + 5, node: 'B', mesh: { [TOPIC]: bLacksA(t) ? [] : [b.peerId('A')] } })
  }
  return [...built, ...extra].sort((x, y) => x.ts - y.ts)
}

describe('oracles: mesh-consistent', () => {
  it('passes when the meshes agree, or disagree for at most k heartbeats (a GRAFT in flight)', () => {
    expect(meshConsistent(run(() => false), K).status).to.equal('pass')
    const brief = meshConsistent(run(t => t >= 1400 && t < 2800), K)
    expect(brief.status, brief.summary).to.equal('pass')
    expect(brief.summary).to.include('1 one-sided mesh listing(s), none longer than 3 heartbeat(s) (2100 ms)')
  })

  it('fails a phantom mesh member: A keeps B in its mesh while B has pruned A', () => {
    const v = meshConsistent(run(t => t >= 1400), K)
    expect(v.status).to.equal('fail')
    expect(v.findings).to.have.length(1)
    expect(v.findings[0]).to.deep.include({ direction: 'A->B', node: 'A', slot: 1 })
    expect(v.findings[0]?.message).to.equal(`A listed B in its mesh for ${TOPIC} while B did not list A, +1.400s..+6.300s (slots 1-6): 4900 ms over 8 sample(s), still at the end of the run (limit 3 heartbeat(s) = 2100 ms): a phantom mesh member`)
  })

  it('negative control: the same stretch passes under a looser bound', () => {
    expect(meshConsistent(run(t => t >= 1400), { ...K, heartbeats: 8, maxMs: 5600 }).status).to.equal('pass')
  })

  it('is unknown without samples, or without samples of one node', () => {
    const none = run(() => false).filter(e => e.kind !== 'status')
    expect(meshConsistent(none, K).summary).to.include('no status sample in the judged window')
    const v = meshConsistent(run(() => false, false), K)
    expect(v.status).to.equal('unknown')
    expect(v.summary).to.include('no status sample of node B')
  })
})
