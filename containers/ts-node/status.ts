/** The `GET /v1/status` snapshot (shape: harness/contract/node-status.ts): the node's live view of its legs, streams and gossip state. */
import type { MeshNode } from './node.ts'
import type { NodeConfig } from '../../harness/contract/node-config.ts'
import { localAddrOf, transportOf } from './leg-book.ts'
import { streamKey } from './stream-observer.ts'
import type { LegStatus, NodeStatus } from '../../harness/contract/node-status.ts'

export function statusOf (node: MeshNode, config: NodeConfig): NodeStatus {
  const { libp2p, internals } = node
  const outboundStreams = new Set([...internals.streamsOutbound.values()].map(s => s.rawStream))
  const inboundStreams = new Set([...internals.streamsInbound.values()].map(s => s.rawStream))
  const legs = libp2p.getConnections().map((c): LegStatus => ({
    id: c.id,
    peer: c.remotePeer.toString(),
    direction: c.direction,
    transport: transportOf(c.remoteAddr.toString()),
    local: localAddrOf(c),
    remote: c.remoteAddr.toString(),
    openedAt: c.timeline.open,
    streams: c.streams.map(s => ({
      id: streamKey(c, s),
      protocol: s.protocol,
      direction: s.direction,
      ...(outboundStreams.has(s) ? { gossip: 'outbound' as const } : inboundStreams.has(s) ? { gossip: 'inbound' as const } : {})
    }))
  }))
  const topics: NodeStatus['topics'] = {}
  for (const topic of internals.subscriptions) {
    topics[topic] = {
      mesh: [...(internals.mesh.get(topic) ?? [])],
      subscribers: [...(internals.topics.get(topic) ?? [])]
    }
  }
  return {
    name: config.name,
    peerId: libp2p.peerId.toString(),
    impl: 'ts',
    gossipPolicy: config.gossipPolicy,
    redialEnabled: node.legs.redialEnabled,
    listen: libp2p.getMultiaddrs().map(m => m.toString().replace(/\/p2p\/.*$/, '')),
    legs,
    topics,
    gossipPeers: [...internals.peers.keys()]
  }
}
