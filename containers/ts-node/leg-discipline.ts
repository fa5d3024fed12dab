/**
 * The `leg-aware` gossip policy: the seed fix (zig-libp2p PR #278) applied to
 * @libp2p/gossipsub. Stock gossipsub keys one outbound /meshsub stream per peer
 * and forgets it when its leg dies, although the peer is still connected on
 * the other leg; so publishing silently reaches nobody (docs/field-bugs.md, class 2).
 *
 *   - our outbound stream prefers our own outbound leg (waits for it while it is being dialed);
 *   - a leg closing that does not carry the stream leaves the stream alone (stock already does);
 *   - the stream's own leg closing while another leg survives: reopen on the
 *     survivor at once; opening the stream sends our SUBSCRIBEs (the replay);
 *     RPCs sent while the peer has no stream (a reopen in flight, or a reopen
 *     that failed and waits for a retry) wait for the new stream instead of
 *     being dropped (up to MAX_HELD_RPCS per peer), and an RPC sent with no
 *     reopen in flight starts one at once;
 *   - the messages written on a stream shortly before it closed are re-sent on
 *     its successor: a close by the peer can lose what was still in flight
 *     (recent-sends.ts says why); the peer's seen-cache drops duplicates;
 *   - so are the GRAFTs and PRUNEs written in that window: a GRAFT lost with its
 *     leg leaves us listing the peer in a mesh it does not list us in (a phantom
 *     mesh member, zig-libp2p class 1), and nothing else sends it again while the
 *     peer stays connected; a GRAFT or PRUNE the peer already had is a no-op;
 *   - and on every later stream to a peer a GRAFT for each topic whose mesh lists the peer: the peer
 *     may have seen its last leg to us close, and dropped us, while we saw no disconnect;
 *   - a leg that stays up but carries nothing (no round trip for 2 s) is aborted, so its
 *     stream reopens on the other leg as above (wedge-probe.ts; zig-libp2p class 7);
 *   - an inbound stream failing while another leg survives does not drop the peer;
 *   - the peer is forgotten only when its last leg closes (the registrar's onDisconnect).
 */
import type { Connection, PeerId } from '@libp2p/interface'
import type { EventLog } from './events.ts'
import type { GossipInternals, GossipStreamHandle } from './gossip-internals.ts'
import type { LegBook } from './leg-book.ts'
import type { StreamObserver } from './stream-observer.ts'
import { streamKey } from './stream-observer.ts'
import { RecentSends, RESENT_CONTROL } from './recent-sends.ts'
import { currentControl } from './current-control.ts'
import type { WaitingRpc } from './current-control.ts'
import { smallFirst } from './small-first.ts'

const MAX_HELD_RPCS = 1024
/**
 * How long before a stream's close a message written on it is re-sent on the
 * successor. Covers a one-way delivery on a loaded machine or a slow leg
 * (the stream tests measure single-digit ms on loopback; a 500 ms latency
 * fault must still be covered).
 */
export const RESEND_WINDOW_MS = 2000

interface GossipRpc { messages?: unknown[], control?: { graft?: unknown[], prune?: unknown[] } }

/** The GRAFT/PRUNE part of an RPC, as an RPC of its own (IHAVE/IWANT are hints: losing one costs nothing lasting). */
function meshControlOf (rpc: GossipRpc): Record<string | symbol, unknown> | undefined {
  const graft = rpc.control?.graft ?? []
  const prune = rpc.control?.prune ?? []
  if (graft.length === 0 && prune.length === 0) return undefined
  return { subscriptions: [], messages: [], control: { graft, prune, ihave: [], iwant: [], idontwant: [] }, [RESENT_CONTROL]: true }
}

export function installLegDiscipline (gossip: GossipInternals, legs: LegBook, observer: StreamObserver, events: EventLog): void {
  const reopening = new Map<string, { since: number, from: string }>()
  const inFlight = new Set<string>()
  const held = new Map<string, unknown[]>()
  const hadStream = new Set<string>()
  const sent = new RecentSends<unknown, unknown>(RESEND_WINDOW_MS)
  const sentControl = new RecentSends<unknown, Record<string | symbol, unknown>>(RESEND_WINDOW_MS)
  const closedAt = new Map<string, number>()

  const pickLeg = (peer: string, exclude?: Connection): Connection | undefined => {
    const open = legs.openLegsTo(peer).filter(c => c !== exclude)
    return open.find(c => c.direction === 'outbound') ?? open[0]
  }

  // One stream creation per peer at a time: gossipsub's own queue serialises its
  // calls, but a reopen comes from a close event and would race it.
  const createOutbound = gossip.createOutboundStream.bind(gossip)
  const openOn = async (peerId: PeerId, leg: Connection): Promise<void> => {
    const peer = peerId.toString()
    if (inFlight.has(peer) || gossip.streamsOutbound.has(peer)) return
    inFlight.add(peer)
    try {
      await createOutbound(peerId, leg)
    } finally {
      inFlight.delete(peer) // held RPCs stay held: the heartbeat check or the next send retries
    }
    if (!gossip.streamsOutbound.has(peer) && gossip.peers.has(peer)) {
      // gossipsub swallows the error of a failed newStream: say so, and let the heartbeat check retry
      events.emit('error', { message: `opening the gossip stream to ${peer} on leg ${leg.id} failed; retrying on the next heartbeat`, peer, leg: leg.id })
    }
  }

  // Safety net, once per gossipsub heartbeat: a peer we still gossip with that has a live leg
  // but no outbound stream (a reopen that failed, a close we never heard of) gets one now.
  // Only for peers that had a stream before: the first placement is onConnect's (outbound-preferred).
  gossip.addEventListener('gossipsub:heartbeat', () => {
    forgetGonePeers()
    for (const peer of [...gossip.streamsOutbound.keys()]) dropIfLegGone(peer)
    for (const peer of gossip.peers.keys()) reopenIfStreamless(peer, '(none: heartbeat check)')
  })

  /**
   * A stream whose leg is gone, though no close event told us: a reopen raced its survivor's close
   * (the stream opened 2 ms after its leg closed, measured in a loaded quorum-32 run), so neither
   * the stream's nor the leg's close came while it was the peer's stream, and the stale stream kept
   * every later leg from getting one. Drop it as a leg close would have.
   */
  const dropIfLegGone = (peer: string): void => {
    const out = gossip.streamsOutbound.get(peer)
    if (out == null) return
    const leg = observer.legOf(out.rawStream)
    if (out.rawStream.status === 'open' && (leg == null || leg.status === 'open')) return
    const key = leg != null ? streamKey(leg, out.rawStream) : '(unknown)'
    events.emit('error', { message: `the gossip stream ${key} to ${peer} rode a leg that is gone (stream ${out.rawStream.status}, leg ${leg?.status ?? 'unknown'}) and no close was reported; reopening`, peer })
    dropOutbound(peer, out, leg, 'its leg is gone')
  }

  /**
   * Forgets the peer's outbound stream, whose leg is gone, and reopens it on a surviving leg (with
   * no leg known, the heartbeat check reopens it).
   */
  const dropOutbound = (peer: string, out: GossipStreamHandle, leg: Connection | undefined, why: string): void => {
    gossip.streamsOutbound.delete(peer)
    markClosed(peer)
    out.rawStream.abort(new Error(why))
    const peerId = gossip.peers.get(peer)
    if (peerId != null && leg != null) reopenIfPeerSurvives(peerId, leg, streamKey(leg, out.rawStream))
  }

  /**
   * A peer we gossip with that had a stream, has a live leg and neither a stream nor a reopen
   * under way gets a reopen now; `from` says what noticed (recorded in subscribe_replayed).
   */
  const reopenIfStreamless = (peer: string, from: string): void => {
    const peerId = gossip.peers.get(peer)
    if (peerId == null || !hadStream.has(peer) || gossip.streamsOutbound.has(peer) || inFlight.has(peer)) return
    const leg = pickLeg(peer)
    if (leg == null) return
    if (!reopening.has(peer)) reopening.set(peer, { since: Date.now(), from })
    void openOn(peerId, leg)
  }

  const forgetGonePeers = (): void => {
    for (const peer of new Set([...held.keys(), ...sent.peers(), ...closedAt.keys()])) {
      if (gossip.peers.has(peer)) continue
      const dropped = held.get(peer)?.length ?? 0
      if (dropped > 0) events.emit('error', { message: `dropped ${dropped} held RPCs to ${peer}: its last leg closed before a stream reopened`, peer })
      held.delete(peer)
      sent.forget(peer)
      sentControl.forget(peer)
      closedAt.delete(peer)
    }
  }

  const sendRpc = gossip.sendRpc.bind(gossip)
  /**
   * Writes on the current stream and remembers the messages in case the stream dies under them.
   * A write refused because the stream is already closing is held for its successor.
   */
  const write = (peer: string, rpc: unknown): boolean => {
    const stream = gossip.streamsOutbound.get(peer)?.rawStream
    if (stream == null || !sendRpc(peer, rpc)) return gossip.peers.has(peer) && hold(peer, rpc)
    sent.record(peer, stream, (rpc as GossipRpc).messages ?? [])
    const control = meshControlOf(rpc as GossipRpc)
    if (control != null) sentControl.record(peer, stream, [control])
    return true
  }
  /** Keeps an RPC for the peer's next stream; with no reopen under way, starts one. */
  const hold = (peer: string, rpc: unknown): boolean => {
    const queue = held.get(peer) ?? []
    if (queue.length >= MAX_HELD_RPCS) return false
    queue.push(rpc)
    held.set(peer, queue)
    // a reopen that failed would otherwise wait for the heartbeat check
    reopenIfStreamless(peer, '(none: send with no stream)')
    return true
  }
  gossip.sendRpc = write

  gossip.createOutboundStream = async (peerId, connection) => {
    const peer = peerId.toString()
    // Our outbound leg to this peer is being dialed: let its onConnect place the stream there.
    if (connection.direction === 'inbound' && legs.isDialing(peer) && !reopening.has(peer)) return
    const leg = connection.direction === 'outbound' && connection.status === 'open' ? connection : pickLeg(peer) ?? connection
    await openOn(peerId, leg)
  }

  // The outbound dial failed: the stream must not wait for a leg that is not coming.
  legs.onDialFailed(peer => {
    const peerId = gossip.peers.get(peer)
    const leg = pickLeg(peer)
    if (peerId != null && leg != null) void openOn(peerId, leg)
  })

  observer.onOutboundOpened((peerId, placement) => {
    const peer = peerId.toString()
    // a later stream to the peer, whether our reopen or gossipsub's own on a new leg after the old ones closed
    const reopened = hadStream.has(peer)
    hadStream.add(peer)
    // oldest first: what the dead stream may have lost, then what waited for this one
    const closed = closedAt.get(peer) ?? Date.now()
    const lost = sent.takeUnconfirmed(peer, placement.stream, closed)
    const lostControl = sentControl.takeUnconfirmed(peer, placement.stream, closed)
    closedAt.delete(peer)
    const resentControl = lostControl.filter(control => writeIfCurrent(peer, control)).length
    const queue = held.get(peer)
    held.delete(peer)
    // small first (small-first.ts): attestations must not wait behind the blocks of those seconds
    const waiting: WaitingRpc[] = [...(lost.length > 0 ? [{ subscriptions: [], messages: lost }] : []), ...(queue ?? []) as WaitingRpc[]]
    for (const rpc of smallFirst(waiting)) writeIfCurrent(peer, rpc)
    const meshGrafts = reopened ? graftsForMeshOf(peer) : undefined
    if (meshGrafts != null) write(peer, meshGrafts.rpc)
    const pending = reopening.get(peer)
    if (pending != null) {
      reopening.delete(peer)
      events.emit('subscribe_replayed', {
        peer, leg: placement.leg.id, stream: placement.key, topics: [...gossip.subscriptions],
        closedStream: pending.from, reopenMs: Date.now() - pending.since,
        resentMessages: lost.length, resentControl, heldRpcs: queue?.length ?? 0,
        replayedGrafts: meshGrafts?.topics.length ?? 0
      })
    }
    placement.stream.addEventListener('close', () => {
      markClosed(peer)
      reopenIfPeerSurvives(peerId, placement.leg, placement.key)
    }, { once: true })
    // opened on a leg that closed meanwhile: its close event has passed, so act now
    if (placement.leg.status !== 'open') dropIfLegGone(peer)
  })

  /**
   * A GRAFT for every topic whose mesh lists the peer, sent on every stream to it after the first
   * (our reopen, or gossipsub's own open on a new leg after the old ones closed): the peer may
   * have seen its last leg to us close (its wedge probe fired first, and our new leg came up after)
   * and dropped us from its meshes, while we never saw a disconnect and still list it. Nothing
   * else repairs that one-sided listing while the peer's mesh holds Dlo others (field-shaped
   * seeds 95 and 99: 9-12 s). A GRAFT for a mesh that already lists us is a no-op.
   */
  const graftsForMeshOf = (peer: string): { rpc: Record<string | symbol, unknown>, topics: string[] } | undefined => {
    const topics = [...gossip.mesh.entries()].filter(([, peers]) => peers.has(peer)).map(([topic]) => topic)
    const rpc = meshControlOf({ control: { graft: topics.map(topicID => ({ topicID })) } })
    return rpc === undefined ? undefined : { topics, rpc }
  }

  /** Writes an RPC that waited with only its still-current GRAFTs/PRUNEs (current-control.ts); false when nothing was left. */
  const writeIfCurrent = (peer: string, rpc: unknown): boolean => {
    const current = currentControl(rpc as WaitingRpc, topic => gossip.mesh.get(topic)?.has(peer) === true)
    return current !== undefined && write(peer, current)
  }

  /** The first news of a stream's end fixes the window its tail is re-sent from. */
  const markClosed = (peer: string): void => {
    if (!closedAt.has(peer) && !gossip.streamsOutbound.has(peer)) closedAt.set(peer, Date.now())
  }

  // A leg's close can be reported before the close event of the stream riding it;
  // every publish in between would go into a dead stream, so act on the first news.
  legs.onLegClosed(conn => {
    const peer = conn.remotePeer.toString()
    const out = gossip.streamsOutbound.get(peer)
    if (out == null || observer.legOf(out.rawStream) !== conn) return
    dropOutbound(peer, out, conn, 'its leg closed')
  })

  const reopenIfPeerSurvives = (peerId: PeerId, closedLeg: Connection, closedKey: string): void => {
    const peer = peerId.toString()
    if (!gossip.peers.has(peer) || gossip.streamsOutbound.has(peer) || inFlight.has(peer)) return
    const survivor = pickLeg(peer, closedLeg)
    if (survivor == null) return // the last leg is going: onDisconnect forgets the peer
    reopening.set(peer, { since: Date.now(), from: closedKey })
    void openOn(peerId, survivor)
  }

  const onReadError = gossip.handlePeerReadStreamError.bind(gossip)
  gossip.handlePeerReadStreamError = (err, peerId) => {
    const peer = peerId.toString()
    const inbound = gossip.streamsInbound.get(peer)
    // The error may come from an older inbound stream the peer already replaced (it reopened on
    // the surviving leg before its old leg's close reached us): the current one is fine.
    if (inbound != null && inbound.rawStream.status === 'open') {
      events.emit('error', { message: `an older inbound gossip stream from ${peer} failed (${err.message}); the current one is open`, peer })
      return
    }
    const deadLeg = observer.legOf(inbound?.rawStream)
    if (pickLeg(peer, deadLeg) == null) { onReadError(err, peerId); return }
    if (inbound != null && inbound.rawStream.status !== 'open') gossip.streamsInbound.delete(peer)
    events.emit('error', { message: `inbound gossip stream from ${peer} failed (${err.message}); peer kept, another leg is live`, peer })
  }
}
