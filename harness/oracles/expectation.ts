/**
 * What a scenario expects of a run, resolved (defaults applied, slots turned
 * into ms). The scenario loader produces these; `judge` hands each one to its
 * oracle. Durations are ms; slot counts stay slot counts where the oracle
 * reasons in slots.
 *
 *   scenario YAML                                   Expectation
 *   - streams-survive                               { kind: 'streams-survive', graceMs: slotMs }
 *   - reopen-within: { ms: 1000 }                   { kind: 'reopen-within', ms: 1000 }
 *   - unwedge-within: { ms: 4000 }                  { kind: 'unwedge-within', ms: 4000 }
 *   - delivery-gap: { maxSlots: 1 }                 { kind: 'delivery-gap', maxMs: slotMs }
 *   - coverage: { from-slot: 1 }                    { kind: 'coverage', fromSlot: 1 }
 *   - coverage: { within-slots-after-fault: 1 }     { kind: 'coverage', fromSlot: 0, withinSlotsAfterFault: 1 }
 *   - no-decay: { within-slots: 1 }                 { kind: 'no-decay', withinSlots: 1 }
 *   - mesh-consistent: { heartbeats: 3 }            { kind: 'mesh-consistent', heartbeats: 3, heartbeatMs: 700, maxMs: 2100 }
 *   - legs-settle: { within-slots: 2 }              { kind: 'legs-settle', withinSlots: 2 }
 *   - latency: { p50Ms: 100, p99Ms: 300 }           { kind: 'latency', p50Ms: 100, p99Ms: 300, fromSlot: 0 }
 *   - block-delivery: { maxSlots: 1 }               { kind: 'block-delivery', maxMs: slotMs }
 */

/** Every gossip stream on a leg that was not faulted keeps its id across each fault. */
export interface StreamsSurviveExpectation {
  kind: 'streams-survive'
  /** a fault's window is [apply, heal + graceMs]: closes that late are still the fault's doing */
  graceMs: number
}

/** A gossip outbound stream closed because its leg was faulted reopens to the same peer within `ms`. */
export interface ReopenWithinExpectation {
  kind: 'reopen-within'
  ms: number
  /** a fault's window is [apply, heal + graceMs] (as streams-survive) */
  graceMs: number
}

/** An outbound gossip stream a stall wedged has a successor on another live leg to the same peer within `ms`. */
export interface UnwedgeWithinExpectation {
  kind: 'unwedge-within'
  ms: number
}

/** No publisher->receiver delivery gap longer than `maxMs` while the pair had a live leg. */
export interface DeliveryGapExpectation {
  kind: 'delivery-gap'
  maxMs: number
}

/** Every aggregator reaches `min` (default: quorum) every slot from `fromSlot`, except the slots just after a fault. */
export interface CoverageExpectation {
  kind: 'coverage'
  fromSlot: number
  /** when set, slots overlapping [fault apply, apply + k slots) may fall short */
  withinSlotsAfterFault?: number
  /** minimum count; absent = quorum (3*count >= 2*validators) */
  min?: number
}

/** A validator dropped from an aggregator's coverage while its publisher had a live leg path comes back within k slots. */
export interface NoDecayExpectation {
  kind: 'no-decay'
  withinSlots: number
}

/** Per direction (publisher -> receiver), the p50 / p99 of attestation latency stay within the bounds. */
export interface LatencyExpectation {
  kind: 'latency'
  p50Ms?: number
  p99Ms?: number
  fromSlot: number
}

/** After the last fault heals, every leg is live again within k slots and stays so (no redial loop). */
export interface LegsSettleExpectation {
  kind: 'legs-settle'
  withinSlots: number
}

/** No node lists a peer in its mesh for a topic, while the peer does not list it, for longer than k heartbeats. */
export interface MeshConsistentExpectation {
  kind: 'mesh-consistent'
  heartbeats: number
  heartbeatMs: number
  /** heartbeats x heartbeatMs */
  maxMs: number
}

/** Every published block reaches every other running node within maxMs of its publish. */
export interface BlockDeliveryExpectation {
  kind: 'block-delivery'
  maxMs: number
}

export type Expectation =
  | StreamsSurviveExpectation
  | ReopenWithinExpectation
  | UnwedgeWithinExpectation
  | DeliveryGapExpectation
  | CoverageExpectation
  | NoDecayExpectation
  | LatencyExpectation
  | LegsSettleExpectation
  | MeshConsistentExpectation
  | BlockDeliveryExpectation

export type ExpectationKind = Expectation['kind']

export const EXPECTATION_KINDS: readonly ExpectationKind[] = ['streams-survive', 'reopen-within', 'unwedge-within', 'delivery-gap', 'coverage', 'no-decay', 'latency', 'legs-settle', 'mesh-consistent', 'block-delivery']

/** The verdict title for an expectation, e.g. "delivery-gap <= 1000 ms". */
export function expectationTitle (e: Expectation): string {
  switch (e.kind) {
    case 'streams-survive': return 'streams-survive'
    case 'reopen-within': return `reopen-within ${e.ms} ms`
    case 'unwedge-within': return `unwedge-within ${e.ms} ms: a stream a stall wedged moves to another leg`
    case 'delivery-gap': return `delivery-gap <= ${e.maxMs} ms`
    case 'coverage': {
      const target = e.min === undefined ? 'quorum' : `${e.min}`
      const after = e.withinSlotsAfterFault === undefined ? '' : `, back within ${e.withinSlotsAfterFault} slot(s) after each fault`
      return `coverage >= ${target} every slot from slot ${e.fromSlot}${after}`
    }
    case 'no-decay': return `no-decay within ${e.withinSlots} slot(s)`
    case 'mesh-consistent': return `mesh-consistent: no one-sided mesh listing over ${e.heartbeats} heartbeat(s) (${e.maxMs} ms)`
    case 'block-delivery': return `block-delivery: every block at every node within ${e.maxMs} ms`
    case 'legs-settle': return `legs-settle within ${e.withinSlots} slot(s) of the last heal`
    case 'latency': return `latency ${[e.p50Ms !== undefined ? `p50 <= ${e.p50Ms} ms` : '', e.p99Ms !== undefined ? `p99 <= ${e.p99Ms} ms` : ''].filter(x => x !== '').join(', ')} per direction from slot ${e.fromSlot}`
  }
}
