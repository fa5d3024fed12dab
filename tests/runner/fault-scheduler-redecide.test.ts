/**
 * The fault scheduler decides a stream-placement selector once more when it could not be decided
 * (the stream it names was being reopened): the scheduler's own logic, over a devnet stand-in that
 * answers status from a script. Real runs of the same path: tests/runner/fault-failed.test.ts.
 */
import { expect } from 'chai'
import type { Devnet } from '../../harness/devnet/devnet.ts'
import type { FaultTag } from '../../harness/faults/leg.ts'
import { FaultScheduler } from '../../harness/runner/fault-scheduler.ts'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { planFaults } from '../../harness/scenario/plan-faults.ts'
import { statusSnapshot } from '../../harness/scenario/status-snapshot.ts'
import type { StatusSnapshot, StatusView } from '../../harness/scenario/status-snapshot.ts'

const SCENARIO = `
name: redecide
description: a close of the leg bearing A's stream to B
seed: 3
validators: 4
nodes: { count: 2 }
transport: quic
slotMs: 500
slots: 4
faults:
  - { atMs: 300, action: close, target: { pair: [A, B], bearing-of: A } }
expectations: [streams-survive]
`
const NODES = [{ name: 'A', peerId: 'pA' }, { name: 'B', peerId: 'pB' }]

/** A's status with its outbound gossip stream to B on its outbound connection, or on none (a reopen in flight). */
function snapshot (streamOnLeg: boolean): StatusSnapshot {
  const a: StatusView = { name: 'A', peerId: 'pA', legs: [{ id: 'c1', peer: 'pB', direction: 'outbound', streams: streamOnLeg ? [{ id: 's1', gossip: 'outbound' }] : [] }, { id: 'c2', peer: 'pB', direction: 'inbound', streams: [] }] }
  const b: StatusView = { name: 'B', peerId: 'pB', legs: [] }
  return statusSnapshot(NODES, [a, b])
}

async function run (answers: boolean[]): Promise<{ closed: string[], failed: string[], notes: string[], asked: number }> {
  const closed: string[] = []
  const failed: string[] = []
  let asked = 0
  const devnet = {
    genesisMs: Date.now(),
    scenario: parseScenario(SCENARIO, 'redecide.yaml'),
    log: { debug: () => {} },
    snapshot: async () => snapshot(answers[Math.min(asked++, answers.length - 1)]!),
    logResolution: () => {},
    leg: (name: string) => ({ name, transport: 'quic', close: async (tag: FaultTag) => { closed.push(`${name} ${tag.selector ?? ''}`) } }),
    recordFaultFailed: (f: { reason: string }) => { failed.push(f.reason) }
  } as unknown as Devnet
  const notes: string[] = []
  const scheduler = new FaultScheduler(devnet, planFaults(devnet.scenario), { signal: new AbortController().signal, note: m => { notes.push(m) } })
  scheduler.start()
  // every case ends in a close or a fault_failed; wait for it (a loaded machine runs timers late)
  while (closed.length + failed.length === 0) await new Promise(resolve => setTimeout(resolve, 50))
  await scheduler.settle()
  return { closed, failed, notes, asked }
}

describe('fault scheduler: a selector undecided at its time', function () {
  this.timeout(10_000)

  it('is decided once more from fresh status and applied when that decides it', async () => {
    const r = await run([false, true])
    expect(r.asked).to.equal(2)
    expect(r.closed).to.deep.equal(['A>B bearing-of: A (A,B)'])
    expect(r.failed).to.deep.equal([])
  })

  it('is recorded as not applied when it is still undecided', async () => {
    const r = await run([false, false])
    expect(r.asked).to.equal(2)
    expect(r.closed).to.deep.equal([])
    expect(r.failed).to.have.length(1)
    expect(r.failed[0]).to.match(/no outbound gossip stream|A .*B/)
  })

  it('a selector decided at once is not asked again', async () => {
    const r = await run([true])
    expect(r.asked).to.equal(1)
    expect(r.closed).to.deep.equal(['A>B bearing-of: A (A,B)'])
  })
})
