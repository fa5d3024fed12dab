/**
 * Selector builders for test code, the same targets scenario files write
 * (`bearing-of: A`, `{ pair: [A, B], non-bearing-of: A }`, ...):
 *
 *   await devnet.fault(bearingOf('A'), 'down', { durationMs: 5000 })
 *   await devnet.fault(nonBearingOf('A', 'B'), { kind: 'flap', times: 3, downMs: 500, upMs: 500 })
 */
import type { LegRole, Target } from '../scenario/types.ts'

const role = (r: LegRole) => (node: string, peer?: string): Target =>
  ({ kind: 'role', role: r, of: node, ...(peer != null ? { pair: [node, peer] as [string, string] } : {}) })

/** the leg carrying `node`'s outbound gossip stream (to `peer`, or to every peer) */
export const bearingOf = role('bearing')
/** the pair's other leg */
export const nonBearingOf = role('non-bearing')
/** `node`'s own outbound leg ("A>B") */
export const outboundOf = role('outbound')
/** the peer's outbound leg to `node` ("B>A") */
export const inboundOf = role('inbound')
/** a leg chosen with the devnet's seed */
export const randomLeg = (pair?: [string, string]): Target => ({ kind: 'random', ...(pair != null ? { pair } : {}) })
/** every leg `node` is an end of */
export const allLegsOf = (node: string): Target => ({ kind: 'all-legs-of', node })
