/**
 * The parts of @libp2p/gossipsub 17's GossipSub instance that meshflap reads
 * or wraps. They are public at runtime but not in the published types, so
 * this is the one place that knows their shape (checked against 17.1.1).
 */
import type { Connection, PeerId, Stream } from '@libp2p/interface'

export interface GossipStreamHandle {
  rawStream: Stream
  protocol?: string
}

export interface GossipInternals {
  peers: Map<string, PeerId>
  streamsOutbound: Map<string, GossipStreamHandle>
  streamsInbound: Map<string, GossipStreamHandle>
  subscriptions: Set<string>
  mesh: Map<string, Set<string>>
  topics: Map<string, Set<string>>
  createOutboundStream: (peerId: PeerId, connection: Connection) => Promise<void>
  onIncomingStream: (stream: Stream, connection: Connection) => void
  handlePeerReadStreamError: (err: Error, peerId: PeerId) => void
  /** records a peer's SUBSCRIBE/UNSUBSCRIBE for one topic; false: ignored (read by a mutant) */
  handleReceivedSubscription: (from: PeerId, topic: string, subscribe: boolean) => boolean
  /** encodes and writes one RPC to the peer's outbound stream; false when there is none */
  sendRpc: (id: string, rpc: unknown) => boolean
  addEventListener: (type: 'gossipsub:heartbeat', listener: () => void) => void
}

export function internalsOf (gossip: unknown): GossipInternals {
  const g = gossip as Partial<GossipInternals>
  for (const key of ['streamsOutbound', 'streamsInbound', 'peers', 'createOutboundStream', 'onIncomingStream', 'handlePeerReadStreamError', 'handleReceivedSubscription', 'sendRpc'] as const) {
    if (g[key] == null) throw new Error(`@libp2p/gossipsub no longer has "${key}": the leg discipline needs to be re-checked against this version`)
  }
  return g as GossipInternals
}
