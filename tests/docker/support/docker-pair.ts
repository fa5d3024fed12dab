/**
 * Helpers for docker runtime tests: node configs, a pair of nodes whose two legs
 * are dialed through a fault engine's proxies, and the events they record.
 */
import type { NodeConfig } from '../../../harness/contract/node-config.ts'
import type { NodeStatus } from '../../../harness/contract/node-status.ts'
import { NodeClient } from '../../../harness/devnet/node-client.ts'
import { hostPortOf, listenFor, multiaddrOf } from '../../../harness/devnet/addresses.ts'
import type { FaultEngine } from '../../../harness/faults/engine.ts'
import { eventOfType } from '../../../harness/contract/node-events.ts'
import type { NodeEvent } from '../../../harness/contract/node-events.ts'
import type { RunningNode } from '../../../harness/runtime/runtime.ts'

export type Transport = 'quic' | 'tcp'

/** A node config parked far from genesis: duties start when the test says so. */
export function nodeConfig (name: string, index: number, validators: number[], transport: Transport, slotMs = 500): NodeConfig {
  return {
    name,
    index,
    seed: 11,
    control: { host: '127.0.0.1', port: 0 },
    listen: [transport === 'quic' ? '/ip4/0.0.0.0/udp/0/quic-v1' : '/ip4/0.0.0.0/tcp/0'],
    peers: [],
    gossipPolicy: 'leg-aware',
    redial: { enabled: true, minMs: 100, maxMs: 1000 },
    quic: { maxIdleTimeoutMs: 2000, keepAliveIntervalMs: 500, handshakeTimeoutMs: 5000 },
    gossip: { D: 8, Dlo: 6, Dhi: 12, Dlazy: 6, heartbeatMs: 700 },
    duties: { genesisMs: Date.now() + 3_600_000, slotMs, validators, subnets: 4, forkDigest: '12345678', paddingBytes: 64 },
    exitOnStdinClose: true
  }
}

/** A started node plus everything it reported. */
export interface Recorded {
  node: RunningNode
  client: NodeClient
  events: NodeEvent[]
  validators: number[]
}

export function record (node: RunningNode, validators: number[]): Recorded {
  const events: NodeEvent[] = []
  node.onEvent(e => { events.push(e) })
  return { node, client: new NodeClient(node.name, node.controlUrl), events, validators }
}

/**
 * Dials each node's outbound leg through its own proxy on the engine:
 * `from>to` listens on the engine container's IP and forwards to `to`'s listen address.
 * Returns the proxies' listen addresses by name.
 */
export async function dialThroughProxies (engine: FaultEngine, a: Recorded, b: Recorded, transport: Transport): Promise<Map<string, string>> {
  const proxies = new Map<string, string>()
  for (const [from, to] of [[a, b], [b, a]] as const) {
    const name = `${from.node.name}-to-${to.node.name}`
    const upstream = listenFor(to.node.listen, transport)
    if (upstream === undefined) throw new Error(`${to.node.name} has no ${transport} listen address: ${to.node.listen.join(', ')}`)
    const proxy = await engine.createProxy(name, `${engine.proxyHost}:0`, hostPortOf(upstream))
    proxies.set(name, proxy.listen)
    await from.client.dial(to.node.peerId, multiaddrOf(proxy.listen, transport), to.node.name)
  }
  return proxies
}

/** Both directions hold a leg and an outbound + inbound gossip stream. */
export function meshed (s: NodeStatus): boolean {
  const gossip = s.legs.flatMap(l => l.streams.map(x => x.gossip))
  return s.legs.some(l => l.direction === 'outbound') && s.legs.some(l => l.direction === 'inbound') &&
    gossip.includes('outbound') && gossip.includes('inbound')
}

/** The attestations `to` received from `from`'s validators, with the transport of the leg each came on. */
export function deliveries (from: Recorded, to: Recorded): Array<{ slot: number, validator: number, transport: string | undefined }> {
  const transportOfLeg = new Map<string, string>()
  for (const e of to.events) if (e.type === 'leg_open') transportOfLeg.set(e.leg, e.transport)
  return to.events
    .filter(eventOfType('msg_received'))
    .filter(e => e.validator !== undefined && from.validators.includes(e.validator))
    .map(e => ({ slot: e.slot as number, validator: e.validator as number, transport: e.leg === undefined ? undefined : transportOfLeg.get(e.leg) }))
}
