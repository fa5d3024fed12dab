/**
 * Every default a scenario field takes when the file leaves it out. The JSON
 * Schema repeats them as `default` for editors; tests/scenario/schema.test.ts
 * checks the two agree, so this file is the one to change.
 */
import type { WireProfile } from '../contract/node-config.ts'
import type { GossipPolicyName, LegDirection, NodeImpl, TransportChoice } from './types.ts'

export const DEFAULTS = {
  seed: 1,
  validators: 32,
  subnets: 4,
  subnetSubscriptions: 'all' as 'all' | 'sparse' | 'aggregated',
  slotMs: 1000,
  slots: 10,
  genesisDelayMs: 1500,
  transport: 'quic' as TransportChoice,
  peers: 'full' as const,
  impl: 'ts' as NodeImpl,
  gossipPolicy: 'leg-aware' as GossipPolicyName,
  wire: 'lean' as WireProfile,
  // short on purpose: a blackholed QUIC leg must die within a couple of slots of a short run
  quic: { maxIdleTimeoutMs: 2000, keepAliveIntervalMs: 500, handshakeTimeoutMs: 5000 },
  redial: { enabled: true, minMs: 100, maxMs: 1000 },
  // the lean consensus network's values (docs/field-bugs.md, "The network the fixtures model")
  gossip: { D: 8, Dlo: 6, Dhi: 12, Dlazy: 6, heartbeatMs: 700 },
  flap: { times: 1, downMs: 500, upMs: 500 },
  direction: 'both' as LegDirection,
  latencyJitterMs: 0,
  closeAbort: false,
  // harness/faults/leg.ts STALL_MAX_BYTES: above a QUIC ACK or PING packet
  stallMaxBytes: 100,
  burstLoss: { burstMs: 200, everyMs: 1000 },
  repeat: 1,
  coverageFromSlot: 0,
  noDecayWithinSlots: 1,
  legsSettleWithinSlots: 2,
  meshConsistentHeartbeats: 3,
  // a block is due at every node before the next slot's block competes with it
  blockDeliveryMaxSlots: 1
} as const

/** Node names for `nodes: { count: n }`: A, B, ..., Z, then N26, N27, ... */
export function defaultNodeName (index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : `N${index}`
}
