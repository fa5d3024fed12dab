/**
 * unmetPrecondition: a run whose bearing faults found a stream-per-leg node (stock rust-libp2p)
 * sending on several legs is "not applicable", never a pass; anything else it leaves alone.
 */
import { expect } from 'chai'
import type { FaultFailed, HistoryEntry, RunStart } from '../../harness/history/types.ts'
import { unmetPrecondition } from '../../harness/matrix/unmet-precondition.ts'
import type { VerdictStatus } from '../../harness/oracles/verdict.ts'
import { judge } from '../../harness/oracles/judge.ts'
import { HistoryBuilder } from '../oracles/support/history-builder.ts'

const node = (name: string, impl: 'rust' | 'ts'): RunStart['nodes'][number] =>
  ({ name, index: 0, peerId: `p${name}`, impl, gossipPolicy: 'stock', validators: [], aggregator: false })
const start = { kind: 'run_start', ts: 0, runId: 'r', scenario: 's', seed: 1, runtime: 'process', genesisMs: 0, slotMs: 1000, slots: 4, validatorCount: 4, subnets: 1, nodes: [node('A', 'rust'), node('B', 'ts'), node('C', 'ts')] } as unknown as RunStart
const failed = (several?: string): FaultFailed => ({ kind: 'fault_failed', ts: 1, fault: 'faults[0]', action: 'down', selector: 'bearing-of: A (A,B)', reason: 'A has outbound gossip streams to B on 2 connections (c1, c2)', ...(several !== undefined ? { severalBearingLegs: several } : {}) })
const history = (...f: FaultFailed[]): HistoryEntry[] => [start, ...f]
const st = (...s: VerdictStatus[]): Array<{ status: VerdictStatus }> => s.map(status => ({ status }))

describe('matrix: unmetPrecondition', () => {
  it('names the stream-per-leg node and its stack\'s reason when every unapplied fault is one', () => {
    const why = unmetPrecondition(history(failed('A'), failed('A')), st('unknown', 'unknown'))
    expect(why).to.match(/^precondition not met: A \(rust\) sent to a peer on several legs, so 2 fault\(s\)/)
    expect(why).to.include('libp2p-gossipsub')
  })

  it('leaves a failed run, a tested run, and a run with any other unapplied fault alone', () => {
    expect(unmetPrecondition(history(failed('A')), st('fail', 'unknown'))).to.equal(undefined)
    expect(unmetPrecondition(history(failed('A')), st('pass'))).to.equal(undefined)
    expect(unmetPrecondition(history(), st('unknown'))).to.equal(undefined)
    expect(unmetPrecondition(history(failed('A'), failed()), st('unknown'))).to.equal(undefined)
  })

  it('does not excuse a node whose implementation keeps one stream per peer (two streams there are suspicious, not a premise)', () => {
    expect(unmetPrecondition(history(failed('B')), st('unknown'))).to.equal(undefined)
    expect(unmetPrecondition(history(failed('Z')), st('unknown'))).to.equal(undefined)
  })
})

describe('matrix: unmetPrecondition, a must-hit fault that hit nothing where a stack placed the streams', () => {
  const vacuousRun = (impl: 'rust' | 'ts'): readonly HistoryEntry[] => {
    const b = new HistoryBuilder({ scenario: 'v', slots: 4, validatorCount: 4, nodes: [{ name: 'A', validators: [0, 1], impl }, { name: 'B', validators: [2, 3], aggregator: true }] })
    b.mesh(-1500)
    for (let s = 0; s < 4; s++) b.slot(s)
    // B's stream moves to A>B, so both ride A>B and B>A carries none when the fault hits it
    b.closeStream('B', 'A', 1000)
    b.openStream('B', 'A', 'A>B', 1001)
    for (const phase of ['apply', 'heal'] as const) {
      b.push({ kind: 'fault', ts: b.genesisMs + (phase === 'apply' ? 1300 : 2400), fault: 'faults[0]', action: 'down', phase, leg: 'B>A', selector: 'non-bearing-of: B (B,A)', ...(phase === 'apply' ? { hit: [], mustHit: true } : {}) })
    }
    b.end(4300)
    return b.build()
  }

  it('is not applicable when a node of the pair cannot have its streams placed, and stays unknown otherwise', () => {
    const rust = vacuousRun('rust')
    const verdicts = judge(rust, [{ kind: 'streams-survive', graceMs: 1000 }])
    expect(verdicts.map(v => v.status)).to.deep.equal(['unknown'])
    expect(unmetPrecondition(rust, verdicts)).to.match(/^precondition not met: fault faults\[0\] must hit a stream and hit none on B>A, where A \(rust\) chose the legs of its streams: /)
    const ts = vacuousRun('ts')
    expect(unmetPrecondition(ts, judge(ts, [{ kind: 'streams-survive', graceMs: 1000 }]))).to.equal(undefined)
  })
})
