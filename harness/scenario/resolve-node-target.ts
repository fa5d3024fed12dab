/**
 * Node targets, decided: which nodes a node fault (kill, pause, resume) hits.
 * Pure, like resolve-target.ts: the same target, node list and seed give the
 * same nodes, so a rerun with the seed hits the same nodes.
 *
 *   { node: C }            C
 *   { node: { random: 2 } } 2 distinct nodes drawn from the fault's own seeded generator
 *   { aggregator: true }   every aggregator of the run
 */
import { pickIndex, type Rng } from './seeded-rng.ts'
import type { NodeActionKind, NodeTarget, PairTarget, ScenarioNode, Target } from './types.ts'

export const NODE_ACTIONS: ReadonlySet<string> = new Set<NodeActionKind>(['kill', 'pause', 'resume'])

export function isNodeTarget (target: Target | NodeTarget | PairTarget): target is NodeTarget {
  return target.kind === 'node' || target.kind === 'random-nodes' || target.kind === 'aggregators'
}

/** The selector as a user wrote it, for the history ("node: C", "node: 2 random", "aggregator"). */
export function nodeSelectorText (target: NodeTarget): string {
  switch (target.kind) {
    case 'node': return `node: ${target.node}`
    case 'random-nodes': return `node: ${target.count} random`
    case 'aggregators': return 'aggregator'
  }
}

/** The nodes a target means, in node order. */
export function resolveNodeTarget (target: NodeTarget, nodes: readonly ScenarioNode[], rng: Rng): string[] {
  switch (target.kind) {
    case 'node': return [target.node]
    case 'aggregators': return nodes.filter(n => n.aggregator).map(n => n.name)
    case 'random-nodes': {
      const pool = nodes.map(n => n.name)
      const picked: string[] = []
      for (let i = 0; i < target.count && pool.length > 0; i++) picked.push(pool.splice(pickIndex(rng, pool.length), 1)[0] as string)
      return nodes.map(n => n.name).filter(n => picked.includes(n))
    }
  }
}
