/**
 * Issue 6: the Go peer against the TS node and against itself, over QUIC and
 * TCP, as real processes on 127.0.0.1. Each pair dials both ways through the
 * control API and must end with two legs (one per dialer), gossip streams both
 * ways, and attestations delivered both ways with the same message ids.
 */
import { expect } from 'chai'
import { eventOfType } from '../../harness/contract/node-events.ts'
import type { MsgPublishedEvent, NodeEvent, NodeEventType } from '../../harness/contract/node-events.ts'
import { status } from '../support/node-pair.ts'
import { waitFor } from '../support/wait-for.ts'
import { PeerSet, receivedValidators } from './peer-set.ts'
import type { Impl, Peer } from './peer-set.ts'

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

describe('Go peer interop (real processes)', function () {
  this.timeout(90_000)
  let set: PeerSet | undefined

  afterEach(async () => {
    await set?.[Symbol.asyncDispose]()
    set = undefined
  })

  const pairs: Array<[Impl, Impl]> = [['ts', 'go'], ['go', 'ts'], ['go', 'go']]
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
          expect(s.gossipPolicy).to.equal(me.impl === 'go' ? 'stock' : 'leg-aware')
          expect(Object.keys(s.topics)).to.have.length(4)
        }

        await waitFor(() => receivedValidators(a, b).size === 2 && receivedValidators(b, a).size === 2, 20_000,
          'A has attestations of validators 2 and 3, and B of 0 and 1')
        expectSameMessageIds(a, b)
        expectSameMessageIds(b, a)

        for (const g of [a, b].filter(p => p.impl === 'go')) {
          const other = g === a ? b : a
          expect(g.events[0]?.type, 'ready is the first event').to.equal('ready')
          expect(g.events.map(e => e.seq), 'seq 1, 2, 3, ...').to.deep.equal(g.events.map((_, i) => i + 1))
          const types = <T extends NodeEventType>(t: T): Array<Extract<NodeEvent, { type: T }>> => g.events.filter(eventOfType(t)).filter(e => 'peer' in e && e.peer === other.node.peerId)
          expect(types('leg_open').map(e => e.direction).sort(), `${g.name} leg_open events`).to.deep.equal(['inbound', 'outbound'])
          const streams = types('stream_open')
          expect(streams.map(e => e.direction).sort(), `${g.name} stream_open events`).to.include.members(['inbound', 'outbound'])
          expect(streams.every(e => /^\/meshsub\//.test(e.protocol))).to.equal(true)
          const legIds = new Set(types('leg_open').map(e => e.leg))
          expect(streams.every(e => legIds.has(e.leg)), 'streams ride reported legs').to.equal(true)
          const received = g.events.filter(eventOfType('msg_received')).filter(e => e.from === other.node.peerId)
          expect(received.every(e => e.leg !== undefined && legIds.has(e.leg)), 'msg_received names a leg to the sender').to.equal(true)
          // Once the mesh formed the Go peer's publishes go to the other peer.
          await waitFor(() => published(g).some(e => e.recipients.includes(other.node.peerId)), 10_000,
            `${g.name} publishes with ${other.name} among the recipients`)
        }
      })
    }
  }
})
