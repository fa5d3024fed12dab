/**
 * unmetPrecondition: a run whose bearing faults found a stream-per-leg node (stock rust-libp2p)
 * sending on several legs is "not applicable", never a pass; anything else it leaves alone.
 */
import { expect } from 'chai'
import type { FaultFailed, HistoryEntry, RunStart } from '../../harness/history/types.ts'
import { unmetPrecondition } from '../../harness/matrix/unmet-precondition.ts'

const node = (name: string, impl: 'rust' | 'ts'): RunStart['nodes'][number] =>
  ({ name, index: 0, peerId: `p${name}`, impl, gossipPolicy: 'stock', validators: [], aggregator: false })
const start = { kind: 'run_start', ts: 0, runId: 'r', scenario: 's', seed: 1, runtime: 'process', genesisMs: 0, slotMs: 1000, slots: 4, validatorCount: 4, subnets: 1, nodes: [node('A', 'rust'), node('B', 'ts'), node('C', 'ts')] } as unknown as RunStart
const failed = (several?: string): FaultFailed => ({ kind: 'fault_failed', ts: 1, fault: 'faults[0]', action: 'down', selector: 'bearing-of: A (A,B)', reason: 'A has outbound gossip streams to B on 2 connections (c1, c2)', ...(several !== undefined ? { severalBearingLegs: several } : {}) })
const history = (...f: FaultFailed[]): HistoryEntry[] => [start, ...f]

describe('matrix: unmetPrecondition', () => {
  it('names the stream-per-leg node and its stack\'s reason when every unapplied fault is one', () => {
    const why = unmetPrecondition(history(failed('A'), failed('A')), ['unknown', 'unknown'])
    expect(why).to.match(/^precondition not met: A \(rust\) sent to a peer on several legs, so 2 fault\(s\)/)
    expect(why).to.include('libp2p-gossipsub')
  })

  it('leaves a failed run, a tested run, and a run with any other unapplied fault alone', () => {
    expect(unmetPrecondition(history(failed('A')), ['fail', 'unknown'])).to.equal(undefined)
    expect(unmetPrecondition(history(failed('A')), ['pass'])).to.equal(undefined)
    expect(unmetPrecondition(history(), ['unknown'])).to.equal(undefined)
    expect(unmetPrecondition(history(failed('A'), failed()), ['unknown'])).to.equal(undefined)
  })

  it('does not excuse a node whose implementation keeps one stream per peer (two streams there are suspicious, not a premise)', () => {
    expect(unmetPrecondition(history(failed('B')), ['unknown'])).to.equal(undefined)
    expect(unmetPrecondition(history(failed('Z')), ['unknown'])).to.equal(undefined)
  })
})
