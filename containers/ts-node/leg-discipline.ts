/**
 * The `leg-aware` gossip policy: the seed fix (zig-libp2p PR #278) applied to
 * @libp2p/gossipsub. Stock gossipsub keys one outbound /meshsub stream per peer
 * and forgets it when its leg dies, although the peer is still connected on
 * the other leg; so publishing silently reaches nobody (field-notes.md).
 *
 *   - our outbound stream prefers our own outbound leg (waits for it while it is being dialed);
 *   - a leg closing that does not carry the stream leaves the stream alone (stock already does);
 *   - the stream's own leg closing while another leg survives: reopen on the
 *     survivor at once; opening the stream sends our SUBSCRIBEs (the replay);
 *   - an inbound stream failing while another leg survives does not drop the peer;
 *   - the peer is forgotten only when its last leg closes (the registrar's onDisconnect).
 */
import type { Connection, PeerId } from '@libp2p/interface'
import type { EventLog } from './events.ts'
import type { GossipInternals } from './gossip-internals.ts'
import type { LegBook } from './leg-book.ts'
import type { StreamObserver } from './stream-observer.ts'

export function installLegDiscipline (gossip: GossipInternals, legs: LegBook, observer: StreamObserver, events: EventLog): void {
  const reopening = new Map<string, { since: number, from: string }>()

  const pickLeg = (peer: string, exclude?: Connection): Connection | undefined => {
    const open = legs.openLegsTo(peer).filter(c => c !== exclude)
    return open.find(c => c.direction === 'outbound') ?? open[0]
  }

  const createOutbound = gossip.createOutboundStream.bind(gossip)
  gossip.createOutboundStream = async (peerId, connection) => {
    const peer = peerId.toString()
    if (gossip.streamsOutbound.has(peer)) return
    // Our outbound leg to this peer is being dialed: let its onConnect place the stream there.
    if (connection.direction === 'inbound' && legs.isDialing(peer) && !reopening.has(peer)) return
    const leg = connection.direction === 'outbound' && connection.status === 'open' ? connection : pickLeg(peer) ?? connection
    await createOutbound(peerId, leg)
  }

  // The outbound dial failed: the stream must not wait for a leg that is not coming.
  legs.onDialFailed(peer => {
    const peerId = gossip.peers.get(peer)
    const leg = pickLeg(peer)
    if (peerId != null && leg != null && !gossip.streamsOutbound.has(peer)) void gossip.createOutboundStream(peerId, leg)
  })

  observer.onOutboundOpened((peerId, placement) => {
    const peer = peerId.toString()
    const pending = reopening.get(peer)
    if (pending != null) {
      reopening.delete(peer)
      events.emit('subscribe_replayed', {
        peer, leg: placement.leg.id, stream: placement.key, topics: [...gossip.subscriptions],
        closedStream: pending.from, reopenMs: Date.now() - pending.since
      })
    }
    placement.stream.addEventListener('close', () => { reopenIfPeerSurvives(peerId, placement.leg, placement.key) }, { once: true })
  })

  const reopenIfPeerSurvives = (peerId: PeerId, closedLeg: Connection, closedKey: string): void => {
    const peer = peerId.toString()
    if (!gossip.peers.has(peer) || gossip.streamsOutbound.has(peer)) return
    const survivor = pickLeg(peer, closedLeg)
    if (survivor == null) return // the last leg is going: onDisconnect forgets the peer
    reopening.set(peer, { since: Date.now(), from: closedKey })
    void gossip.createOutboundStream(peerId, survivor)
  }

  const onReadError = gossip.handlePeerReadStreamError.bind(gossip)
  gossip.handlePeerReadStreamError = (err, peerId) => {
    const peer = peerId.toString()
    const inbound = gossip.streamsInbound.get(peer)
    const deadLeg = observer.legOf(inbound?.rawStream)
    if (pickLeg(peer, deadLeg) == null) { onReadError(err, peerId); return }
    if (inbound != null && inbound.rawStream.status !== 'open') gossip.streamsInbound.delete(peer)
    events.emit('error', { message: `inbound gossip stream from ${peer} failed (${err.message}); peer kept, another leg is live`, peer })
  }
}
