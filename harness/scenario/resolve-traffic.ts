/**
 * The traffic beside the attestations: sparse subnet subscriptions, subnet
 * aggregators and the block proposer duty.
 *
 *   subnets: 4, subnetSubscriptions: sparse
 *     node with validators 0-7 (subnets 0-3 all hit) ......... subscribes 0,1,2,3
 *     node with validators [1, 5], aggregator: { subnets: [2] }  subscribes 1,2
 *   subnetSubscriptions: aggregated: that node subscribes 2 only (it publishes on 1 through fanout)
 *   blocks: { bytes: 262144, proposers: [A, B, C] }
 *     slot s is proposed by rotation[s % 3], rotation = the proposers in an order the run seed draws
 *     (drawn at start, `blockDuties`, because `meshflap run --seed` replaces the seed after loading)
 */
import type { BlockDuty } from '../contract/node-config.ts'
import { DEFAULTS } from './defaults.ts'
import { unknownNode } from './resolve-nodes.ts'
import type { FieldIssue } from './scenario-error.ts'
import type { ScenarioFile } from './scenario-file.ts'
import { pickIndex, seededRng } from './seeded-rng.ts'
import type { Scenario, ScenarioNode } from './types.ts'

export interface Traffic {
  subnetSubscriptions: Scenario['subnetSubscriptions']
  blocks?: Scenario['blocks']
}

/** The subnet a validator publishes on (contract section 5). */
export function subnetOf (validator: number, subnets: number): number {
  return validator % subnets
}

/** Checks aggregator subnets and proposers, and sets each node's `subscribeSubnets` when subscriptions are sparse. */
export function resolveTraffic (file: ScenarioFile, nodes: ScenarioNode[], issues: FieldIssue[]): Traffic {
  const subnets = file.subnets ?? DEFAULTS.subnets
  const subscriptions = file.subnetSubscriptions ?? DEFAULTS.subnetSubscriptions
  if (Array.isArray(file.nodes)) {
    file.nodes.forEach((n, i) => {
      if (typeof n.aggregator !== 'object') return
      n.aggregator.subnets.forEach((s, j) => {
        if (s >= subnets) issues.push({ path: ['nodes', i, 'aggregator', 'subnets', j], message: `subnet ${s} does not exist`, expected: `a subnet in 0..${subnets - 1} (subnets: ${subnets})` })
      })
    })
  }
  if (subscriptions !== 'all') {
    const aggregated = new Set(nodes.filter(n => n.aggregator).flatMap(n => n.aggregates ?? range(subnets)))
    const orphans = range(subnets).filter(s => !aggregated.has(s))
    if (orphans.length > 0) {
      issues.push({ path: ['subnetSubscriptions'], message: `subnet(s) ${orphans.join(', ')} have no aggregator: their attestations would be judged nowhere`, expected: 'aggregator: true or aggregator: { subnets: [...] } covering every subnet' })
    }
    for (const n of nodes) {
      // aggregated: its own attestations go out through fanout
      const own = subscriptions === 'sparse' ? n.validators.map(v => subnetOf(v, subnets)) : []
      const agg = n.aggregator ? n.aggregates ?? range(subnets) : []
      n.subscribeSubnets = [...new Set([...own, ...agg])].sort((a, b) => a - b)
    }
  }
  if (file.blocks === undefined) return { subnetSubscriptions: subscriptions }
  const names = nodes.map(n => n.name)
  const proposers = file.blocks.proposers ?? names
  proposers.forEach((p, i) => {
    const issue = unknownNode(p, ['blocks', 'proposers', i], names)
    if (issue !== undefined) issues.push(issue)
  })
  return { subnetSubscriptions: subscriptions, blocks: { bytes: file.blocks.bytes, proposers: [...proposers] } }
}

/** The proposers in the rotation the seed draws (a Fisher-Yates shuffle): rotation[s % n] proposes slot s. */
export function proposerRotation (proposers: readonly string[], seed: number): string[] {
  // a generator of its own, so adding blocks does not move any other seeded choice of the run
  const rng = seededRng((seed ^ 0xb10c) >>> 0)
  const out = [...proposers]
  for (let i = out.length - 1; i > 0; i--) {
    const j = pickIndex(rng, i + 1)
    const t = out[i] as string
    out[i] = out[j] as string
    out[j] = t
  }
  return out
}

/** Each node's contract duties.blocks for this seed (every node subscribes; proposers get every/offset); empty without blocks. */
export function blockDuties (scenario: Pick<Scenario, 'blocks' | 'nodes'>, seed: number): Map<string, BlockDuty> {
  const out = new Map<string, BlockDuty>()
  if (scenario.blocks === undefined) return out
  const rotation = proposerRotation(scenario.blocks.proposers, seed)
  for (const n of scenario.nodes) {
    const offset = rotation.indexOf(n.name)
    out.set(n.name, offset < 0 ? { bytes: scenario.blocks.bytes } : { bytes: scenario.blocks.bytes, every: rotation.length, offset })
  }
  return out
}

function range (n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}
