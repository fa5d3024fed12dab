/**
 * The live view selectors decide from: every node's `GET /v1/status` answer
 * (containers/CONTRACT.md section 7), read at the moment a fault is due, plus
 * the peer id -> node name map. Only the fields selectors read are typed, so
 * any contract implementation's status (TS node, Go peer, external) fits.
 */
import { peersFromLegs } from './resolve-topology.ts'

/** One stream on a connection, as /v1/status lists it. */
export interface StreamView {
  id: string
  protocol?: string
  direction?: string
  /** 'outbound' for the stream gossipsub sends on, 'inbound' for the one it reads; absent for others */
  gossip?: string
}

/** One node-local connection (a leg end), as /v1/status lists it. */
export interface LegView {
  /** node-local connection id */
  id: string
  /** remote peer id */
  peer: string
  direction: string
  transport?: string
  openedAt?: number
  streams: StreamView[]
}

/** A node's /v1/status answer (the parts selectors read). */
export interface StatusView {
  name: string
  peerId: string
  legs: LegView[]
  /** what the node does not report (containers/CONTRACT.md section 6); with `streams`, its legs list no streams */
  unreported?: string[]
}

/** Every node's status at one moment. */
export interface StatusSnapshot {
  /** every node of the run, in run order (also those whose status could not be read) */
  nodes: readonly string[]
  /** status by node name; absent = the node did not answer */
  status: ReadonlyMap<string, StatusView>
  /** peer id -> node name */
  names: ReadonlyMap<string, string>
  /** node -> the nodes it peers with (`peers: { degree }`); absent: every node peers with every other */
  peers?: ReadonlyMap<string, readonly string[]>
}

/** The nodes `node` peers with, in run order. */
export function peersOf (snapshot: StatusSnapshot, node: string): readonly string[] {
  return snapshot.peers?.get(node) ?? snapshot.nodes.filter(n => n !== node)
}

/** Whether a and b peer (have legs between them). */
export function peering (snapshot: StatusSnapshot, a: string, b: string): boolean {
  return a !== b && peersOf(snapshot, a).includes(b)
}

/**
 * Builds a snapshot from the run's node list (name, peerId) and the answers that came back;
 * `legs`: the run's legs, when not every pair peers (`peers: { degree }`).
 */
export function statusSnapshot (nodes: ReadonlyArray<{ name: string, peerId: string }>, answers: readonly StatusView[], legs?: ReadonlyArray<{ dialer: string, listener: string }>): StatusSnapshot {
  const names = nodes.map(n => n.name)
  return {
    nodes: names,
    status: new Map(answers.map(s => [s.name, s])),
    names: new Map(nodes.map(n => [n.peerId, n.name])),
    ...(legs !== undefined ? { peers: peersFromLegs(names, legs) } : {})
  }
}
