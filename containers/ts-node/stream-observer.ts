/**
 * Watches gossipsub's /meshsub streams without changing what it does (both
 * policies): stream_open / stream_close events, and which leg each stream
 * rides, so msg_received can name the leg a message arrived on.
 */
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { EventLog } from './events.ts'
import type { GossipInternals } from './gossip-internals.ts'

export interface StreamPlacement {
  stream: Stream
  leg: Connection
  key: string
}

export type OutboundOpenedHook = (peer: PeerId, placement: StreamPlacement) => void

export class StreamObserver {
  private readonly legOfStream = new WeakMap<Stream, Connection>()
  private readonly outboundOpened: OutboundOpenedHook[] = []
  private readonly events: EventLog

  constructor (gossip: GossipInternals, events: EventLog) {
    this.events = events
    const createOutbound = gossip.createOutboundStream.bind(gossip)
    gossip.createOutboundStream = async (peerId, connection) => {
      const id = peerId.toString()
      const before = gossip.streamsOutbound.get(id)
      await createOutbound(peerId, connection)
      const after = gossip.streamsOutbound.get(id)
      if (after != null && after !== before) {
        const placement = this.track(peerId, after.rawStream, connection)
        for (const hook of this.outboundOpened) hook(peerId, placement)
      }
    }
    const onIncoming = gossip.onIncomingStream.bind(gossip)
    gossip.onIncomingStream = (stream, connection) => {
      this.track(connection.remotePeer, stream, connection)
      onIncoming(stream, connection)
    }
  }

  onOutboundOpened (hook: OutboundOpenedHook): void {
    this.outboundOpened.push(hook)
  }

  legOf (stream: Stream | undefined): Connection | undefined {
    return stream == null ? undefined : this.legOfStream.get(stream)
  }

  private track (peerId: PeerId, stream: Stream, leg: Connection): StreamPlacement {
    const key = streamKey(leg, stream)
    this.legOfStream.set(stream, leg)
    const peer = peerId.toString()
    this.events.emit('stream_open', { stream: key, leg: leg.id, peer, protocol: stream.protocol, direction: stream.direction })
    stream.addEventListener('close', evt => {
      const error = (evt as Event & { error?: Error }).error
      this.events.emit('stream_close', {
        stream: key, leg: leg.id, peer, direction: stream.direction,
        reason: error != null ? `error: ${error.message}` : 'closed'
      })
    }, { once: true })
    return { stream, leg, key }
  }
}

/** Stream ids are only unique per leg, so the event id names both. */
export function streamKey (leg: Connection, stream: Stream): string {
  return `${leg.id}/${stream.direction === 'outbound' ? 'o' : 'i'}${stream.id}`
}
