/**
 * Deterministic races of the leg discipline (issue: a message lost when its leg closes gracefully).
 * The interleaving is forced through the fault plane, not hoped for:
 *
 *  1. In flight at the close. B writes M on its outbound stream; a latency fault on that leg holds
 *     M in the proxy; A closes the leg before M arrives. A graceful libp2p close flushes only the
 *     closer's own writes, so M is gone with the socket. leg-aware B must re-send M on the stream
 *     it reopens on the surviving leg.
 *  2. Published while the reopen cannot complete. B's bearing leg is closed while the surviving leg
 *     is blackholed, so the reopen hangs and then fails. What B publishes meanwhile, and after the
 *     failure, must be held (B counts A as a recipient), retried and delivered once the survivor heals.
 */
import { expect } from 'chai'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Devnet } from '../../harness/devnet/devnet.ts'
import type { NodeEntry } from '../../harness/history/types.ts'
import type { MsgReceivedEvent } from '../../harness/contract/node-events.ts'
import type { Direction } from '../../harness/faults/leg.ts'
import { pairScenario } from '../support/pair-scenario.ts'
import { waitFor } from '../support/wait-for.ts'

const PROBE_SLOT = 900_000 // far from any duty slot, so the probe message is unmistakable

/** B's outbound stream: which scenario leg bears it, and the ids of that leg at both ends. */
async function bearingOfB (devnet: Devnet): Promise<{ leg: 'A>B' | 'B>A', atA: string, atB: string, survivor: 'A>B' | 'B>A' }> {
  const { A: a, B: b } = await devnet.statuses()
  const bLeg = b!.legs.find(l => l.streams.some(s => s.gossip === 'outbound'))!
  const leg = bLeg.direction === 'outbound' ? 'B>A' : 'A>B'
  const atA = a!.legs.find(l => l.direction === (bLeg.direction === 'outbound' ? 'inbound' : 'outbound'))!.id
  return { leg, atA, atB: bLeg.id, survivor: leg === 'A>B' ? 'B>A' : 'A>B' }
}

/** The proxy direction that carries bytes from B to A on a leg. */
const fromB = (leg: 'A>B' | 'B>A'): Direction => leg === 'B>A' ? 'upstream' : 'downstream'

type Entry<T extends NodeEntry['type']> = Extract<NodeEntry, { type: T }>
const nodeEvents = <T extends NodeEntry['type']>(devnet: Devnet, node: string, type: T): Array<Entry<T>> =>
  devnet.history().filter((e): e is Entry<T> => e.kind === 'node' && e.node === node && e.type === type)

const received = (devnet: Devnet, node: string, validator: number): MsgReceivedEvent | undefined =>
  nodeEvents(devnet, node, 'msg_received').find(e => e.slot === PROBE_SLOT && e.validator === validator)

for (const transport of ['tcp', 'quic'] as const) {
  describe(`leg-aware over ${transport}: no message lost to a leg closing under it`, function () {
    this.timeout(60_000)

    it('a message in flight when the peer closes the leg arrives over the surviving leg', async () => {
      await using devnet = await Devnet.start(pairScenario(transport, { redialMaxMs: 60_000 }), { dir: await tmp() })
      const bearing = await bearingOfB(devnet)
      await devnet.leg(bearing.leg).latency(800, 0, { direction: fromB(bearing.leg) })
      await devnet.node('B').client.publish(PROBE_SLOT, 2)
      await devnet.node('A').client.closeLeg(bearing.atA) // graceful; M is still in the proxy
      await waitFor(() => received(devnet, 'A', 2) != null, 5000, 'A receives the probe message')
      const replay = nodeEvents(devnet, 'B', 'subscribe_replayed')[0]
      expect(replay?.resentMessages, 'messages B re-sent on the new stream').to.be.at.least(1)
      expect(received(devnet, 'A', 2)!.leg, 'arrived on the surviving leg').to.not.equal(bearing.atA)
    })

    it('messages published while the reopen cannot complete are held, retried and delivered', async () => {
      // the survivor must outlive a failed stream negotiation (libp2p gives up after 10 s). The correct node's
      // wedge probe would abort the blackholed survivor after 2 s, long before: this test switches it off
      // (mutant wedged-stream-never-reopened), so the slow failure the hold and retry exist for happens
      const scenario = pairScenario(transport, { idleMs: 20_000 })
      for (const n of scenario.nodes) n.mutants = ['wedged-stream-never-reopened']
      await using devnet = await Devnet.start(scenario, { dir: await tmp() })
      await Promise.all(['A', 'B'].map(async n => { await devnet.node(n).client.setRedial(false) }))
      const bearing = await bearingOfB(devnet)
      await devnet.leg(bearing.survivor).blackhole('both')
      await devnet.node('B').client.closeLeg(bearing.atB)
      await waitFor(() => nodeEvents(devnet, 'B', 'leg_close').some(e => e.leg === bearing.atB), 3000, "B's bearing leg closed")
      const a = devnet.node('A').running.peerId
      const first = await devnet.node('B').client.publish(PROBE_SLOT, 2) as { recipients: string[] }
      expect(first.recipients, 'B counts A as a recipient while the reopen is in flight').to.deep.equal([a])
      await waitFor(() => nodeEvents(devnet, 'B', 'error').some(e => String(e.message).startsWith('opening the gossip stream')), 15_000, "B's reopen on the blackholed survivor fails")
      const second = await devnet.node('B').client.publish(PROBE_SLOT, 3) as { recipients: string[] }
      expect(second.recipients, 'B counts A as a recipient after the failed reopen').to.deep.equal([a])
      await devnet.leg(bearing.survivor).heal()
      await waitFor(() => received(devnet, 'A', 2) != null && received(devnet, 'A', 3) != null, 10_000, 'A receives both messages')
    })

    it('both legs closed at once, 5 times: B always ends with its stream on a live leg, and A hears B', async () => {
      // the reopen after the first close targets the other leg, which is closing too. In a loaded quorum-32
      // run a stream opened 2 ms after its leg closed stayed F's stream to C, and F never sent to C again.
      // That exact interleaving is not forced here (this passes without the fix on a quiet machine);
      // this is the path the fix (leg-discipline.ts dropIfLegGone) must keep working
      await using devnet = await Devnet.start(pairScenario(transport), { dir: await tmp() })
      for (let round = 0; round < 5; round++) {
        const legs = (await devnet.node('B').client.status()).legs.map(l => l.id)
        await Promise.all(legs.map(async id => await devnet.node('B').client.closeLeg(id).catch(() => undefined)))
        await waitFor(async () => {
          const b = await devnet.node('B').client.status()
          return b.legs.some(l => !legs.includes(l.id) && l.streams.some(x => x.gossip === 'outbound'))
        }, 10_000, `round ${round}: B's outbound stream to A on a redialed leg`)
        // once A's SUBSCRIBE is in (a fresh peer is nobody's recipient until then), B's message must arrive
        let slot = PROBE_SLOT + round * 100
        await waitFor(async () => {
          slot++
          const sent = await devnet.node('B').client.publish(slot, 2) as { recipients: string[] }
          return sent.recipients.length > 0
        }, 5000, `round ${round}: B counts A as a recipient again`)
        await waitFor(() => nodeEvents(devnet, 'A', 'msg_received').some(e => e.slot === slot && e.validator === 2), 5000,
          `round ${round}: A receives B's message `)
      }
    })
  })
}

async function tmp (): Promise<string> {
  return await mkdtemp(join(tmpdir(), 'meshflap-inflight-'))
}
