/**
 * Node targets, decided: which nodes a node fault (kill, pause, resume) hits.
 * Pure, like resolve-target.ts: the same target, node list and seed give the
 * same nodes, so a rerun with the seed hits the same nodes.
 *
 *   { node: C }            C
 *   { node: { random: 2 } } 2 distinct nodes drawn from the fault's own seeded generator
 *   { aggregator: true }   every aggregator of the run
 *   { pair: [A, B], bearing-node-of: A }
 *                          the dialer of the leg that holds A's outbound gossip stream to B right
 *                          now (A or B), decided from live status like `bearing-of`: never a guess
 */
import { resolveTarget } from './resolve-target.ts'
import { pickIndex, type Rng } from './seeded-rng.ts'
import type { StatusSnapshot } from './status-snapshot.ts'
import type { NodeTarget, PairTarget, ScenarioNode, Target } from './types.ts'

/** What a node target meant when it was due: the nodes, or why it meant none. */
export interface NodeResolution {
  nodes: string[]
  /** set when live status could not decide (bearing-node-of with no stream from `of` to `to`) */
  unresolved?: string
  /** with `unresolved`: the node held its streams on several legs (UnresolvedPair.severalBearingLegs) */
  severalBearingLegs?: string
  /** why these nodes, for the debug log */
  why?: string
}

export function isNodeTarget (target: Target | NodeTarget | PairTarget): target is NodeTarget {
  return target.kind === 'node' || target.kind === 'random-nodes' || target.kind === 'aggregators' || target.kind === 'bearing-node'
}

/** The selector as a user wrote it, for the history ("node: C", "node: 2 random", "aggregator"). */
export function nodeSelectorText (target: NodeTarget): string {
  switch (target.kind) {
    case 'node': return `node: ${target.node}`
    case 'random-nodes': return `node: ${target.count} random`
    case 'aggregators': return 'aggregator'
    case 'bearing-node': return `bearing-node-of: ${target.of} (${target.of},${target.to})`
  }
}

/** Whether the target must be decided from live status (the caller then passes a snapshot). */
export function needsStatus (target: NodeTarget): boolean {
  return target.kind === 'bearing-node'
}

/** The nodes a target means, in node order (`snapshot`: live status, for targets that need it). */
export function resolveNodeTarget (target: NodeTarget, nodes: readonly ScenarioNode[], rng: Rng, snapshot?: StatusSnapshot): string[] {
  return decideNodeTarget(target, nodes, rng, snapshot).nodes
}

/** resolveNodeTarget with the reason when live status could not decide. */
export function decideNodeTarget (target: NodeTarget, nodes: readonly ScenarioNode[], rng: Rng, snapshot?: StatusSnapshot): NodeResolution {
  switch (target.kind) {
    case 'node': return { nodes: [target.node] }
    case 'aggregators': return { nodes: nodes.filter(n => n.aggregator).map(n => n.name) }
    case 'bearing-node': {
      if (snapshot === undefined) return { nodes: [], unresolved: 'no live status to decide from' }
      // the same decision as the leg selector `bearing-of`: the node is that leg's dialer
      const leg: Target = { kind: 'role', role: 'bearing', of: target.of, pair: [target.of, target.to] }
      const r = resolveTarget(leg, snapshot, rng)
      const found = r.legs[0]
      if (found === undefined) {
        const u = r.unresolved[0]
        return { nodes: [], unresolved: u?.reason ?? `no leg holds ${target.of}'s outbound gossip stream to ${target.to}`, ...(u?.severalBearingLegs !== undefined ? { severalBearingLegs: u.severalBearingLegs } : {}) }
      }
      return { nodes: [found.dialer], why: `${found.leg} ${found.why}` }
    }
    case 'random-nodes': {
      const pool = nodes.map(n => n.name)
      const picked: string[] = []
      for (let i = 0; i < target.count && pool.length > 0; i++) picked.push(pool.splice(pickIndex(rng, pool.length), 1)[0] as string)
      return { nodes: nodes.map(n => n.name).filter(n => picked.includes(n)) }
    }
  }
}
