/**
 * Builds the libp2p node for one config: QUIC and/or TCP listeners, noise +
 * yamux on TCP, identify, @libp2p/gossipsub with StrictNoSign and the
 * content-addressed message id of the config's wire profile, and the chosen gossip policy
 * (leg-aware: the leg discipline and our own wedge probe in place of js-libp2p's
 * connection monitor; stock: js-libp2p as shipped).
 */
import { createLibp2p } from 'libp2p'
import { quic } from '@chainsafe/libp2p-quic'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { gossipsub } from '@libp2p/gossipsub'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { identityKey } from '../../harness/contract/identity.ts'
import { toHex } from './attestation.ts'
import { messageIdFn } from '../../harness/contract/wire-profile.ts'
import type { MessageIdFn } from '../../harness/contract/wire-profile.ts'
import type { NodeConfig } from '../../harness/contract/node-config.ts'
import type { EventLog } from './events.ts'
import { LegBook } from './leg-book.ts'
import { StreamObserver } from './stream-observer.ts'
import { installLegDiscipline } from './leg-discipline.ts'
import { serveLegProbe, WedgeProbe } from './wedge-probe.ts'
import { internalsOf } from './gossip-internals.ts'
import { installMutants } from './mutants/index.ts'
import type { GossipInternals } from './gossip-internals.ts'

export interface MeshNode {
  libp2p: Libp2p<{ pubsub: GossipSub }>
  gossip: GossipSub
  internals: GossipInternals
  legs: LegBook
  observer: StreamObserver
  /** leg-aware only: probes every leg and aborts a wedged one (stopped with the node) */
  wedgeProbe?: WedgeProbe
  /** the devnet's wire profile's message id (config `wire`) */
  messageId: MessageIdFn
}

export async function buildNode (config: NodeConfig, events: EventLog): Promise<MeshNode> {
  // Set once the LegBook exists; until then nothing may be dialed at all.
  let allowDial: (addr: string) => boolean = () => false
  const messageId = messageIdFn(config.wire)
  const libp2p = await createLibp2p({
    privateKey: identityKey(config.seed, config.index),
    addresses: { listen: config.listen },
    transports: [
      quic({
        maxIdleTimeout: config.quic.maxIdleTimeoutMs,
        keepAliveInterval: config.quic.keepAliveIntervalMs,
        handshakeTimeout: config.quic.handshakeTimeoutMs
      }),
      tcp()
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      // No leg may bypass its proxy: only configured dial addresses are dialed,
      // never what identify or the peer store learned.
      denyDialMultiaddr: (ma: Multiaddr) => !allowDial(ma.toString()),
      denyDialPeer: () => false
    },
    // Every leg reaches us through a fault proxy, so every peer dials from the proxy's one host. js-libp2p
    // refuses a host's 6th inbound connection within a second (inboundConnectionThreshold 5): at boot, and
    // in a storm of redials, it closed legs that in the field come from as many hosts as there are peers
    // (an 8-node devnet: 26 legs closed before genesis). The limits below only keep a runaway bounded.
    connectionManager: { maxConnections: 1000, inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 100 },
    // leg-aware probes its legs itself, faster and with a verdict it reports (wedge-probe.ts)
    ...(config.gossipPolicy === 'leg-aware' ? { connectionMonitor: { enabled: false } } : {}),
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictNoSign',
        msgIdFn: (msg: Message) => messageId(msg.topic, msg.data),
        msgIdToStrFn: (id: Uint8Array) => toHex(id),
        D: config.gossip.D,
        Dlo: config.gossip.Dlo,
        Dhi: config.gossip.Dhi,
        Dlazy: config.gossip.Dlazy,
        heartbeatInterval: config.gossip.heartbeatMs,
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        scoreParams: { IPColocationFactorWeight: 0 }
      })
    },
    start: false
  })
  const legs = new LegBook(libp2p, events, config.redial)
  allowDial = addr => legs.isAllowedDial(addr)
  const gossip = libp2p.services.pubsub
  const internals = internalsOf(gossip)
  const observer = new StreamObserver(internals, events)
  // mutants sit on the correct node: config.ts refuses them with any other policy
  const mutants = config.mutants ?? []
  const wedgeProbe = config.gossipPolicy === 'leg-aware' ? new WedgeProbe(legs, events) : undefined
  // a leg-aware peer answers our probes on a kept stream (wedge-probe.ts); others are asked by negotiation
  if (config.gossipPolicy === 'leg-aware') await serveLegProbe(libp2p)
  const ctx = { libp2p, gossip: internals, legs, observer, events, wedgeProbe }
  installMutants(mutants, 'before-discipline', ctx)
  if (config.gossipPolicy === 'leg-aware') installLegDiscipline(internals, legs, observer, events)
  installMutants(mutants, 'after-discipline', ctx)
  wedgeProbe?.start()
  return { libp2p, gossip, internals, legs, observer, wedgeProbe, messageId }
}
