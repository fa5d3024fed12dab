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
import { sleep } from '../support/node-pair.ts'
import { eventOfType } from '../../harness/contract/node-events.ts'
import type { NodeEventType } from '../../harness/contract/node-events.ts'

const nodeEvents = <T extends NodeEventType>(h: HistoryEntry[], node: string, type: T): Array<Extract<NodeEntry, { type: T }>> =>
  h.filter((e): e is NodeEntry => e.kind === 'node' && e.node === node).filter(eventOfType(type))

interface ConnIds { out?: string, in?: string, outStream?: string }

/** Per node: its outbound and inbound connection ids and its outbound gossip stream id, as they are now. */
async function connIds (devnet: Devnet): Promise<Record<string, ConnIds>> {
  const ids: Record<string, ConnIds> = {}
  for (const [name, s] of Object.entries(await devnet.statuses())) {
    ids[name] = {
      out: s.legs.find(l => l.direction === 'outbound')?.id,
      in: s.legs.find(l => l.direction === 'inbound')?.id,
      outStream: s.legs.flatMap(l => l.streams).find(x => x.gossip === 'outbound')?.id
    }
  }
  return ids
}

function childPids (): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' }).split('\n').map(Number).filter(n => n > 0)
  } catch { return [] }
}

/** After stop: no child process, and every proxy port and node listen port is free again. */
async function expectNothingLeft (start: RunStart): Promise<void> {
  await sleep(200)
  const left = childPids().filter(pid => { try { return !execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).includes('ps') } catch { return false } })
  expect(left, 'child processes left behind').to.deep.equal([])
  for (const leg of start.legs) {
    for (const [what, addr] of [['proxy port of', leg.proxyAddr], ['listen port behind', leg.upstreamAddr]] as const) {
      const { host, port, protocol } = multiaddrPort(addr)
      expect(await portIsFree(host, port, protocol), `${what} ${leg.name} free`).to.equal(true)
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
      await sleep(1000)
      const before = await connIds(devnet)
      await devnet.leg('A>B').down()
      const downAt = devnet.history().filter(e => e.kind === 'fault').at(-1)!.ts
      await sleep(1000)
      const h = devnet.history()
      const closeA = nodeEvents(h, 'A', 'leg_close').find(e => e.leg === before.A!.out)
      const closeB = nodeEvents(h, 'B', 'leg_close').find(e => e.leg === before.B!.in)
      expect(closeA, 'A reports A>B closed').to.not.equal(undefined)
      expect(closeB, 'B reports A>B closed').to.not.equal(undefined)
      console.log(`      down() -> leg_close: A ${closeA!.ts - downAt} ms, B ${closeB!.ts - downAt} ms`)
      expect(closeA!.ts - downAt).to.be.at.most(50)
      expect(closeB!.ts - downAt).to.be.at.most(50)
      // the other leg (B>A) and the stream on it: untouched
      const after = await connIds(devnet)
      expect(after.B!.out).to.equal(before.B!.out)
      expect(after.A!.in).to.equal(before.A!.in)
      expect(after.B!.outStream, "B's outbound stream keeps its id").to.equal(before.B!.outStream)
      expect(nodeEvents(h, 'B', 'stream_close').filter(e => e.leg === before.B!.out)).to.have.length(0)

      await devnet.leg('A>B').up()
      const upAt = Date.now()
      await waitFor(async () => (await devnet.statuses()).A!.legs.some(l => l.direction === 'outbound'), 5000)
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
      await sleep(1000)
      const before = await connIds(devnet)
      await devnet.leg('A>B').down()
      const downAt = devnet.history().filter(e => e.kind === 'fault').at(-1)!.ts
      await sleep(idleMs * 1.1 + 500)
      const h = devnet.history()
      const closeA = nodeEvents(h, 'A', 'leg_close').find(e => e.leg === before.A!.out)
      const closeB = nodeEvents(h, 'B', 'leg_close').find(e => e.leg === before.B!.in)
      expect(closeA, 'A reports A>B closed').to.not.equal(undefined)
      expect(closeB, 'B reports A>B closed').to.not.equal(undefined)
      console.log(`      down() -> leg_close: A ${closeA!.ts - downAt} ms, B ${closeB!.ts - downAt} ms (idle timeout ${idleMs} ms)`)
      for (const close of [closeA!, closeB!]) expect(close.ts - downAt).to.be.within(idleMs * 0.9, idleMs * 1.1)
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
        await sleep(2000)
        const base = latencies(devnet.history(), Date.now() - 1500, Date.now())
        // A's outbound gossip stream rides A>B (outbound-preferred): delay what A sends on it
        await devnet.leg('A>B').latency(100, 0, { direction: 'upstream' })
        const from = Date.now() + 300
        await sleep(2500)
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
      await sleep(1000)
      const before = await connIds(devnet)
      await devnet.leg('A>B').rebind()
      const at = devnet.history().filter(e => e.kind === 'fault').at(-1)!.ts
      await sleep(idleMs * 1.1 + 1500)
      const h = devnet.history()
      const closeA = nodeEvents(h, 'A', 'leg_close').find(e => e.leg === before.A!.out)
      const closeB = nodeEvents(h, 'B', 'leg_close').find(e => e.leg === before.B!.in)
      expect(closeA, 'A>B closed at A').to.not.equal(undefined)
      expect(closeB, 'A>B closed at B').to.not.equal(undefined)
      console.log(`      rebind -> leg_close: A ${closeA!.ts - at} ms, B ${closeB!.ts - at} ms (idle timeout ${idleMs} ms)`)
      for (const close of [closeA!, closeB!]) expect(close.ts - at).to.be.within(idleMs * 0.9, idleMs * 1.1)
      const redial = nodeEvents(h, 'A', 'leg_open').find(e => e.direction === 'outbound' && e.ts > closeA!.ts)
      expect(redial, "A's redial after the dead leg").to.not.equal(undefined)
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

async function waitFor (check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await sleep(50)
  }
  throw new Error(`condition not met within ${timeoutMs} ms`)
}

async function tmp (): Promise<string> {
  const { mkdtemp } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  return await mkdtemp(join(tmpdir(), 'meshflap-faults-'))
}
