/**
 * Issues 6 and 12: every built contract peer (peers-under-test.ts) against the
 * TS node, against every other peer and against itself, over QUIC and TCP, as
 * real processes on 127.0.0.1. Each pair dials both ways through the control
 * API and must end with two legs (one per dialer), gossip streams both ways,
 * and attestations delivered both ways with the same message ids; a peer's
 * events name the leg of every stream and message.
 */
import { expect } from 'chai'
import { eventOfType } from '../../harness/contract/node-events.ts'
import type { MsgPublishedEvent, NodeEvent, NodeEventType } from '../../harness/contract/node-events.ts'
import { status } from '../support/node-pair.ts'
import { waitFor } from '../support/wait-for.ts'
import { PeerSet, receivedValidators } from './peer-set.ts'
import type { Impl, Peer } from './peer-set.ts'
import { PEERS } from './peers-under-test.ts'

const published = (p: Peer): MsgPublishedEvent[] => p.events.filter(eventOfType('msg_published'))

/** Every attestation `to` reports from `from`'s validators is one `from` published: same id, slot, validator. */
function expectSameMessageIds (from: Peer, to: Peer): void {
  const byId = new Map(published(from).map(e => [e.msgId, e]))
  const got = to.events.filter(eventOfType('msg_received')).filter(e => from.validators.includes(e.validator as number))
  expect(got.length, `${to.name} received attestations of ${from.name}`).to.be.greaterThan(0)
  for (const r of got) {
    const p = byId.get(r.msgId)
    expect(p, `${to.name} msg_received ${String(r.msgId)} matches a ${from.name} msg_published id`).to.not.equal(undefined)
    expect([r.slot, r.validator, r.topic]).to.deep.equal([p!.slot, p!.validator, p!.topic])
    expect(r.from, 'propagation source').to.equal(from.node.peerId)
  }
}

/** each peer with the TS node both ways and with itself, then every ordered pair of two different peers */
const pairs: Array<[Impl, Impl]> = [
  ...PEERS.flatMap((p): Array<[Impl, Impl]> => [['ts', p.impl], [p.impl, 'ts'], [p.impl, p.impl]]),
  ...PEERS.flatMap(p => PEERS.filter(q => q !== p).map((q): [Impl, Impl] => [p.impl, q.impl]))
]
const isPeer = (impl: Impl): boolean => PEERS.some(p => p.impl === impl)

describe('contract peers interop (real processes)', function () {
  this.timeout(90_000)
  let set: PeerSet | undefined

  afterEach(async () => {
    await set?.[Symbol.asyncDispose]()
    set = undefined
  })

  for (const transport of ['quic', 'tcp'] as const) {
    for (const [implA, implB] of pairs) {
      it(`${implA}<->${implB} over ${transport}: 2 legs each, gossip streams both ways, deliveries both ways`, async () => {
        set = await PeerSet.create(500, 2500)
        const [a, b] = await Promise.all([
          set.start({ name: 'A', index: 0, impl: implA, transport, validators: [0, 1] }),
          set.start({ name: 'B', index: 1, impl: implB, transport, validators: [2, 3] })
        ])
        await set.connect(a, b)

        for (const [me, other] of [[a, b], [b, a]] as const) {
          const s = await status(me)
          const legs = s.legs.filter(l => l.peer === other.node.peerId)
          expect(legs.map(l => l.direction).sort(), `${me.name}'s legs to ${other.name}`).to.deep.equal(['inbound', 'outbound'])
          expect(legs.every(l => l.transport === transport)).to.equal(true)
          const outbound = legs.find(l => l.direction === 'outbound')!
          expect(outbound.remote.replace(/\/p2p\/.*$/, ''), `${me.name} dialed exactly the given address`).to.equal(other.node.listen[0])
          expect(s.impl).to.equal(me.impl)
          expect(s.gossipPolicy).to.equal(me.impl === 'ts' ? 'leg-aware' : 'stock')
          expect(Object.keys(s.topics)).to.have.length(4)
        }

        await waitFor(() => receivedValidators(a, b).size === 2 && receivedValidators(b, a).size === 2, 20_000,
          'A has attestations of validators 2 and 3, and B of 0 and 1')
        expectSameMessageIds(a, b)
        expectSameMessageIds(b, a)

        for (const r of [a, b].filter(p => isPeer(p.impl))) {
          const other = r === a ? b : a
          expect(r.events[0]?.type, 'ready is the first event').to.equal('ready')
          expect(r.events[0]).to.include({ impl: r.impl, gossipPolicy: 'stock' })
          expect(r.events.map(e => e.seq), 'seq 1, 2, 3, ...').to.deep.equal(r.events.map((_, i) => i + 1))
          const types = <T extends NodeEventType>(t: T): Array<Extract<NodeEvent, { type: T }>> => r.events.filter(eventOfType(t)).filter(e => 'peer' in e && e.peer === other.node.peerId)
          expect(types('leg_open').map(e => e.direction).sort(), `${r.name} leg_open events`).to.deep.equal(['inbound', 'outbound'])
          const streams = types('stream_open')
          expect(streams.map(e => e.direction).sort(), `${r.name} stream_open events`).to.include.members(['inbound', 'outbound'])
          expect(streams.every(e => /^\/meshsub\/1\.[0-3]\.0$/.test(e.protocol))).to.equal(true)
          const legIds = new Set(types('leg_open').map(e => e.leg))
          expect(streams.every(e => legIds.has(e.leg)), 'streams ride reported legs').to.equal(true)
          const received = r.events.filter(eventOfType('msg_received')).filter(e => e.from === other.node.peerId)
          expect(received.length).to.be.greaterThan(0)
          expect(received.every(e => e.leg !== undefined && legIds.has(e.leg)), 'msg_received names a leg to the sender').to.equal(true)
          // the leg a message came in on carries an inbound gossip stream from the sender
          const inboundLegs = new Set(streams.filter(e => e.direction === 'inbound').map(e => e.leg))
          expect(received.every(e => e.leg !== undefined && inboundLegs.has(e.leg)), 'msg_received leg holds an inbound gossip stream').to.equal(true)
          // once the mesh formed the peer's publishes go to the other peer
          await waitFor(() => published(r).some(e => e.recipients.includes(other.node.peerId)), 10_000,
            `${r.name} publishes with ${other.name} among the recipients`)
        }
      })
    }
  }
})
