/**
 * Start order and timing on real nodes: `subscribe: { delayMs }` (contract
 * duties.subscribeDelayMs) holds a node's SUBSCRIBE back while its legs and
 * streams are up, so its peer learns of it only after the delay, for the TS
 * node, the Go peer and the Rust peer; `subscribe: { atMs }` (duties.subscribeAtMs) times
 * that subscribe from genesis instead, as faults are timed (negative: before genesis); `start: { delayMs }` starts a
 * node that long after the others are ready.
 */
import { expect } from 'chai'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Devnet } from '../../harness/devnet/devnet.ts'
import type { NodeEntry } from '../../harness/history/types.ts'
import type { NodeImpl, Scenario } from '../../harness/scenario/types.ts'
import { pairScenario } from '../support/pair-scenario.ts'
import { waitFor } from '../support/wait-for.ts'

const readyAt = (devnet: Devnet, node: string): number =>
  (devnet.history().find((e): e is NodeEntry => e.kind === 'node' && e.node === node && e.type === 'ready') as NodeEntry).ts

/** A QUIC pair whose B runs `impl` (the Go and Rust peers have only stock) with one subscribe setting. */
function pairWithB (impl: NodeImpl, name: string, subscribe: { subscribeDelayMs: number } | { subscribeAtMs: number }): Scenario {
  const scenario = pairScenario('quic', { name })
  const b = scenario.nodes[1]!
  b.impl = impl
  b.gossipPolicy = impl === 'go' || impl === 'rust' ? 'stock' : b.gossipPolicy
  Object.assign(b, subscribe)
  return scenario
}

describe('start order and timing on real nodes', function () {
  this.timeout(180_000)

  for (const impl of ['ts', 'go', 'rust'] as NodeImpl[]) {
    it(`${impl}: subscribe delay 15 s: B lists no topic and A sees B subscribe to nothing until 15 s after B was ready, then all four`, async () => {
      // long enough that the devnet is up (meshed) well before it ends, on a loaded machine too
      const delayMs = 15_000
      const scenario = pairWithB(impl, `subscribe-delay-${impl}`, { subscribeDelayMs: delayMs })
      const devnet = await Devnet.start(scenario, { dir: await mkdtemp(join(tmpdir(), 'meshflap-order-')) })
      try {
        const bReady = readyAt(devnet, 'B')
        const bPeer = devnet.node('B').running.peerId
        let bSubscribedAt = 0
        let aSawAt = 0
        let earlyTopics = -1
        await waitFor(async () => {
          const now = Date.now()
          const [sb, sa] = await Promise.all([devnet.node('B').client.status(2000), devnet.node('A').client.status(2000)])
          const bTopics = Object.keys(sb.topics).length
          const aKnows = Object.values(sa.topics).filter(t => t.subscribers.includes(bPeer)).length
          if (now < bReady + delayMs * 0.9) earlyTopics = Math.max(earlyTopics, bTopics + aKnows)
          if (bTopics === 4 && bSubscribedAt === 0) bSubscribedAt = now
          if (aKnows === 4 && aSawAt === 0) aSawAt = now
          return bSubscribedAt > 0 && aSawAt > 0
        }, delayMs + 20_000, 'B subscribed and A knows it', 100)
        console.log(`      ${impl}: B ready -> B subscribed ${bSubscribedAt - bReady} ms, A sees it ${aSawAt - bReady} ms (delay ${delayMs} ms)`)
        expect(earlyTopics, 'polled before the delay was over (a slow start would make this test vacuous)').to.be.at.least(0)
        expect(earlyTopics, 'topics B had, or A knew of, before the delay').to.equal(0)
        expect(bSubscribedAt - bReady).to.be.at.least(delayMs * 0.9)
        expect(aSawAt - bReady).to.be.at.least(delayMs * 0.9)
      } finally {
        await devnet.stop()
      }
    })
  }

  // 3 s after genesis; and 3 s before it (negative atMs: 1 s after the devnet connected, genesis 4 s after that),
  // which a node that clamps atMs at 0 or drops its sign misses by 3 s or more
  const timings = [{ atMs: 3000, genesisDelayMs: undefined }, { atMs: -3000, genesisDelayMs: 4000 }]
  for (const impl of ['ts', 'go', 'rust'] as NodeImpl[]) for (const { atMs, genesisDelayMs } of timings) {
    it(`${impl}: subscribe at ${atMs} ms from genesis: B lists no topic before it, all four soon after`, async () => {
      const scenario = pairWithB(impl, `subscribe-at-${impl}`, { subscribeAtMs: atMs })
      if (genesisDelayMs !== undefined) scenario.genesisDelayMs = genesisDelayMs
      const devnet = await Devnet.start(scenario, { dir: await mkdtemp(join(tmpdir(), 'meshflap-order-')) })
      try {
        const due = devnet.genesisMs + atMs
        // the last poll sent while B had no topic, the first answer in which it had all four
        let lastBare = 0
        let firstFull = 0
        await waitFor(async () => {
          const sent = Date.now()
          const topics = Object.keys((await devnet.node('B').client.status(2000)).topics).length
          if (topics === 0) lastBare = sent
          if (topics === 4 && firstFull === 0) firstFull = Date.now()
          return firstFull > 0
        }, Math.max(0, atMs) + 20_000, 'B subscribed', 50)
        console.log(`      ${impl}: genesis + ${atMs} ms -> B bare until ${lastBare - due} ms, subscribed by ${firstFull - due} ms`)
        expect(lastBare, 'B had no topic until shortly before genesis + atMs (polled every 50 ms)').to.be.at.least(due - 1000)
        // loose bounds on purpose: a subscribe timed from the node's start (or at once) is seconds early
        expect(firstFull, 'B subscribed within 2 s of genesis + atMs').to.be.at.most(due + 2000)
      } finally {
        await devnet.stop()
      }
    })
  }

  it('start delay: B is started 3 s after A is ready', async () => {
    const scenario = pairScenario('quic', { name: 'start-delay' })
    scenario.nodes[1]!.startDelayMs = 3000
    const devnet = await Devnet.start(scenario, { dir: await mkdtemp(join(tmpdir(), 'meshflap-order-')) })
    try {
      const gap = readyAt(devnet, 'B') - readyAt(devnet, 'A')
      console.log(`      B ready ${gap} ms after A`)
      expect(gap).to.be.at.least(3000)
    } finally {
      await devnet.stop()
    }
  })
})
