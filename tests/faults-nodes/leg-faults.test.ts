/**
 * Issue 3 node-level tests: real TS nodes, every leg through its own proxy
 * (real toxiproxy-server for TCP, meshflap's UDP proxy for QUIC).
 */
import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import { Devnet } from '../../harness/devnet/devnet.ts'
import type { HistoryEntry, NodeEntry, RunStart } from '../../harness/history/types.ts'
import { multiaddrPort, portIsFree } from '../support/ports.ts'
import { pairScenario } from '../support/pair-scenario.ts'
import { eventOfType } from '../../harness/contract/node-events.ts'
import type { NodeEventType } from '../../harness/contract/node-events.ts'
import { waitFor, waitForValue } from '../support/wait-for.ts'

const nodeEvents = <T extends NodeEventType>(h: HistoryEntry[], node: string, type: T): Array<Extract<NodeEntry, { type: T }>> =>
  h.filter((e): e is NodeEntry => e.kind === 'node' && e.node === node).filter(eventOfType(type))

interface ConnIds { out?: string, in?: string, outStream?: string, outStreamLeg?: string }

/** Per node: its outbound and inbound connection ids and its outbound gossip stream id (and that stream's leg), as they are now. */
async function connIds (devnet: Devnet): Promise<Record<string, ConnIds>> {
  const ids: Record<string, ConnIds> = {}
  for (const [name, s] of Object.entries(await devnet.statuses())) {
    const bearing = s.legs.find(l => l.streams.some(x => x.gossip === 'outbound'))
    ids[name] = {
      out: s.legs.find(l => l.direction === 'outbound')?.id,
      in: s.legs.find(l => l.direction === 'inbound')?.id,
      outStream: bearing?.streams.find(x => x.gossip === 'outbound')?.id,
      outStreamLeg: bearing?.id
    }
  }
  return ids
}

/**
 * The ids once the pair is in the state the tests fault: both legs up at both nodes, and each
 * node's outbound gossip stream on its own outbound leg (leg-aware's outbound-preferred placement),
 * so that faulting A>B hits A's stream and leaves B's alone.
 */
async function placedIds (devnet: Devnet): Promise<Record<string, ConnIds>> {
  let last: Record<string, ConnIds> = {}
  return await waitForValue(async () => {
    last = await connIds(devnet)
    return ['A', 'B'].every(n => last[n]?.in != null && last[n]?.out != null && last[n]?.outStreamLeg === last[n]?.out) && last
  }, 5000, () => `each node's outbound gossip stream rides its own outbound leg (now ${JSON.stringify(last)})`)
}

/** A node's first event of `type` matching `match`, once it is in the history. */
async function nodeEvent<T extends NodeEventType> (devnet: Devnet, node: string, type: T, match: (e: Extract<NodeEntry, { type: T }>) => boolean, timeoutMs: number, what: string): Promise<Extract<NodeEntry, { type: T }>> {
  return await waitForValue(() => nodeEvents(devnet.history(), node, type).find(match), timeoutMs, what)
}

function childPids (): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' }).split('\n').map(Number).filter(n => n > 0)
  } catch { return [] }
}

/** After stop: no child process, and every proxy port and node listen port is free again (sockets close a tick after their owner). */
async function expectNothingLeft (start: RunStart): Promise<void> {
  const left = (): number[] => childPids().filter(pid => { try { return !execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).includes('ps') } catch { return false } })
  await waitFor(() => left().length === 0, 3000, () => `no child process is left behind (left: ${JSON.stringify(left())})`)
  for (const leg of start.legs) {
    for (const [what, addr] of [['proxy port of', leg.proxyAddr], ['listen port behind', leg.upstreamAddr]] as const) {
      const { host, port, protocol } = multiaddrPort(addr)
      await waitFor(async () => await portIsFree(host, port, protocol), 3000, `${what} ${leg.name} is free`)
    }
  }
}

describe('fault plane on real nodes', function () {
  this.timeout(120_000)

  for (const transport of ['quic', 'tcp'] as const) {
    it(`${transport}: every leg's dialer-side remote address is its proxy's address`, async () => {
      const devnet = await Devnet.start(pairScenario(transport), { dir: await tmp() })
      let start: RunStart
      try {
        start = devnet.history().find((e): e is RunStart => e.kind === 'run_start')!
        const statuses = await devnet.statuses()
        for (const leg of start.legs) {
          const at = statuses[leg.dialer]!
          const conn = at.legs.find(l => l.direction === 'outbound')!
          expect(conn.remote.replace(/\/p2p\/.*/, ''), leg.name).to.equal(leg.proxyAddr)
          expect(leg.proxyAddr).to.not.equal(leg.upstreamAddr)
        }
      } finally {
        await devnet.stop()
      }
      await expectNothingLeft(start)
    })
  }

  it('tcp: down() closes that leg at both ends within 50 ms, the other leg is untouched, up() brings a redialed leg', async () => {
    const devnet = await Devnet.start(pairScenario('tcp'), { dir: await tmp() })
    const start = devnet.history().find((e): e is RunStart => e.kind === 'run_start')!
    try {
      const before = await placedIds(devnet)
      await devnet.leg('A>B').down()
      const downAt = devnet.history().filter(e => e.kind === 'fault').at(-1)!.ts
      const closeA = await nodeEvent(devnet, 'A', 'leg_close', e => e.leg === before.A!.out, 5000, 'A reports A>B closed')
      const closeB = await nodeEvent(devnet, 'B', 'leg_close', e => e.leg === before.B!.in, 5000, 'B reports A>B closed')
      console.log(`      down() -> leg_close: A ${closeA.ts - downAt} ms, B ${closeB.ts - downAt} ms`)
      expect(closeA.ts - downAt).to.be.at.most(50)
      expect(closeB.ts - downAt).to.be.at.most(50)
      // A's reaction to the close is over once its stream reopened on B>A: only then is "untouched" shown
      await nodeEvent(devnet, 'A', 'subscribe_replayed', e => e.ts >= downAt, 5000, 'A reopens its outbound stream on B>A')
      // the other leg (B>A) and the stream on it: untouched
      const after = await connIds(devnet)
      expect(after.B!.out).to.equal(before.B!.out)
      expect(after.A!.in).to.equal(before.A!.in)
      expect(after.B!.outStream, "B's outbound stream keeps its id").to.equal(before.B!.outStream)
      expect(nodeEvents(devnet.history(), 'B', 'stream_close').filter(e => e.leg === before.B!.out)).to.have.length(0)

      // from when up() is sent: A's redial may be through before up() returns (the conform check's race)
      const upAt = Date.now()
      await devnet.leg('A>B').up()
      await waitFor(async () => (await devnet.statuses()).A!.legs.some(l => l.direction === 'outbound'), 5000, 'A holds an outbound leg again')
      const reopened = nodeEvents(devnet.history(), 'A', 'leg_open').find(e => e.direction === 'outbound' && e.ts >= upAt)
      expect(reopened, "A's redial through the proxy after up()").to.not.equal(undefined)
    } finally {
      await devnet.stop()
    }
    await expectNothingLeft(start)
  })

  it('quic: down() kills the leg at the QUIC idle timeout (+-10 %) at both ends, the other leg untouched', async () => {
    const idleMs = 2000
    const scenario = pairScenario('quic', { idleMs })
    scenario.quic.keepAliveIntervalMs = 100 // so the last datagram before down() is at most ~100 ms old
    const devnet = await Devnet.start(scenario, { dir: await tmp() })
    const start = devnet.history().find((e): e is RunStart => e.kind === 'run_start')!
    try {
      const before = await placedIds(devnet)
      await devnet.leg('A>B').down()
      const downAt = devnet.history().filter(e => e.kind === 'fault').at(-1)!.ts
      // wait well past the bound, so that a late close fails the bound below, not the wait
      const closeA = await nodeEvent(devnet, 'A', 'leg_close', e => e.leg === before.A!.out, idleMs * 2 + 3000, 'A reports A>B closed')
      const closeB = await nodeEvent(devnet, 'B', 'leg_close', e => e.leg === before.B!.in, idleMs * 2 + 3000, 'B reports A>B closed')
      console.log(`      down() -> leg_close: A ${closeA.ts - downAt} ms, B ${closeB.ts - downAt} ms (idle timeout ${idleMs} ms)`)
      for (const close of [closeA, closeB]) expect(close.ts - downAt).to.be.within(idleMs * 0.9, idleMs * 1.1)
      await nodeEvent(devnet, 'A', 'subscribe_replayed', e => e.ts >= downAt, 5000, 'A reopens its outbound stream on B>A')
      const after = await connIds(devnet)
      expect(after.B!.out).to.equal(before.B!.out)
      expect(after.A!.in).to.equal(before.A!.in)
      expect(after.B!.outStream, "B's outbound stream keeps its id").to.equal(before.B!.outStream)
      await devnet.leg('A>B').up()
    } finally {
      await devnet.stop()
    }
    await expectNothingLeft(start)
  })

  for (const transport of ['quic', 'tcp'] as const) {
    it(`${transport}: latency 100 ms on one leg adds 100 ms +-20 % to deliveries on that leg only`, async () => {
      const devnet = await Devnet.start(pairScenario(transport, { slotMs: 250 }), { dir: await tmp() })
      const start = devnet.history().find((e): e is RunStart => e.kind === 'run_start')!
      try {
        await placedIds(devnet)
        // baseline: SAMPLES deliveries each way, from slot 1 on (slot 0 may still see the mesh forming)
        const baseFrom = devnet.slotStart(1)
        await waitForSamples(devnet, baseFrom, 'baseline')
        const base = latencies(devnet.history(), baseFrom, Date.now())
        // A's outbound gossip stream rides A>B (outbound-preferred): delay what A sends on it
        await devnet.leg('A>B').latency(100, 0, { direction: 'upstream' })
        const from = Date.now() + 300 // skip what crossed the proxy before the toxic was in force
        await waitForSamples(devnet, from, 'with the latency toxic')
        const slowed = latencies(devnet.history(), from, Date.now())
        const added = slowed.aToB - base.aToB
        console.log(`      A->B median delivery ${base.aToB} -> ${slowed.aToB} ms (+${added}); B->A ${base.bToA} -> ${slowed.bToA} ms`)
        expect(added).to.be.within(80, 120)
        expect(slowed.bToA - base.bToA, 'B->A (other leg) unchanged').to.be.below(20)
      } finally {
        await devnet.stop()
      }
      await expectNothingLeft(start)
    })
  }

  // @chainsafe/libp2p-quic builds its quinn config after rust-libp2p's, which sets
  // `server_config.migration(false)` (rust/config.rs): the listener drops packets of a known
  // connection that arrive from a new source address. So a rebind is, for this stack, a silent
  // path loss: the leg dies at the idle timeout, the dialer redials, leg-aware moves the stream.
  it('quic: rebind (new upstream source port) is a silent path loss for this QUIC stack: the leg dies at the idle timeout and is redialed', async () => {
    const idleMs = 2000
    const scenario = pairScenario('quic', { idleMs })
    scenario.quic.keepAliveIntervalMs = 100
    const devnet = await Devnet.start(scenario, { dir: await tmp() })
    const start = devnet.history().find((e): e is RunStart => e.kind === 'run_start')!
    try {
      const before = await placedIds(devnet)
      await devnet.leg('A>B').rebind()
      const at = devnet.history().filter(e => e.kind === 'fault').at(-1)!.ts
      // wait well past the bound, so that a late close fails the bound below, not the wait
      const closeA = await nodeEvent(devnet, 'A', 'leg_close', e => e.leg === before.A!.out, idleMs * 2 + 3000, 'A>B closed at A')
      const closeB = await nodeEvent(devnet, 'B', 'leg_close', e => e.leg === before.B!.in, idleMs * 2 + 3000, 'A>B closed at B')
      console.log(`      rebind -> leg_close: A ${closeA.ts - at} ms, B ${closeB.ts - at} ms (idle timeout ${idleMs} ms)`)
      for (const close of [closeA, closeB]) expect(close.ts - at).to.be.within(idleMs * 0.9, idleMs * 1.1)
      await nodeEvent(devnet, 'A', 'leg_open', e => e.direction === 'outbound' && e.ts > closeA.ts, 5000, "A's redial after the dead leg")
      const after = await connIds(devnet)
      expect(after.B!.outStream, "B's stream on the other leg keeps its id").to.equal(before.B!.outStream)
    } finally {
      await devnet.stop()
    }
    await expectNothingLeft(start)
  })
})

function latencies (h: HistoryEntry[], from: number, to: number): { aToB: number, bToA: number } {
  const med = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN }
  const recv = (node: string, validators: number[]): number[] => nodeEvents(h, node, 'msg_received')
    .filter(e => e.ts >= from && e.ts <= to && validators.includes(e.validator as number)).map(e => e.latencyMs as number)
  return { aToB: med(recv('B', [0, 1])), bToA: med(recv('A', [2, 3])) }
}

/** Deliveries per direction a median latency is taken over (slotMs 250, 2 validators a side: 8 a second). */
const SAMPLES = 12

async function waitForSamples (devnet: Devnet, from: number, what: string): Promise<void> {
  const count = (node: string, validators: number[]): number => nodeEvents(devnet.history(), node, 'msg_received')
    .filter(e => e.ts >= from && validators.includes(e.validator as number)).length
  await waitFor(() => count('B', [0, 1]) >= SAMPLES && count('A', [2, 3]) >= SAMPLES, 15_000,
    () => `${SAMPLES} deliveries each way ${what} (A->B ${count('B', [0, 1])}, B->A ${count('A', [2, 3])})`)
}

async function tmp (): Promise<string> {
  const { mkdtemp } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  return await mkdtemp(join(tmpdir(), 'meshflap-faults-'))
}
