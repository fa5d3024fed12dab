/**
 * Command-line overrides applied to a resolved scenario before it runs
 * (`--seed`, `--policy`, `--impl ts,go`, `--transport`, `--mutant`). Pure: the result is
 * what gets recorded as the resolved scenario, so a rerun needs no flags.
 */
import type { GossipPolicyName, NodeImpl, Scenario, ScenarioLeg, TransportChoice } from '../scenario/types.ts'
import { legsFor } from '../scenario/resolve-nodes.ts'
import { peeringPairs } from '../scenario/resolve-topology.ts'
import type { TransportName } from '../history/types.ts'
import { implementation } from '../impls/index.ts'

export interface ScenarioOverrides {
  seed?: number
  policy?: GossipPolicyName
  /** assigned to nodes round-robin in node order */
  impls?: NodeImpl[]
  transport?: TransportName
  /**
   * one mutant (containers/ts-node/MUTANTS.md) on every node whose implementation has it: that node
   * runs leg-aware plus exactly this mutant; other nodes run as written
   */
  mutant?: string
  /** external impl entry: process command / docker image for nodes with impl 'external' */
  externalCommand?: string[]
  externalImage?: string
}

export function applyOverrides (scenario: Scenario, o: ScenarioOverrides): Scenario {
  const impls = o.impls
  const nodes = scenario.nodes.map((n, i) => {
    const impl = impls != null && impls.length > 0 ? impls[i % impls.length]! : n.impl
    const spec = implementation(impl)
    // a node given another implementation takes that one's default, not the policy written for the old one;
    // a policy the implementation does not have (the Go peer is stock only) gives its default too
    const wanted = o.policy ?? (impl === n.impl ? n.gossipPolicy : spec.defaultPolicy)
    const policy = spec.policies.includes(wanted) ? wanted : spec.defaultPolicy
    // a node given another implementation keeps no mutant of the old one
    const { mutants: written, ...rest } = n
    const kept = impl === n.impl ? written : undefined
    const mutants = o.mutant != null ? ((spec.mutants ?? []).some(m => m.name === o.mutant) ? [o.mutant] : kept) : kept
    const mutated = o.mutant != null && mutants?.includes(o.mutant) === true
    return {
      ...rest,
      impl,
      gossipPolicy: mutated ? 'leg-aware' as const : policy,
      ...(mutants !== undefined && mutants.length > 0 ? { mutants } : {}),
      ...(spec.perNode && o.externalCommand != null ? { command: o.externalCommand } : {}),
      ...(spec.perNode && o.externalImage != null ? { image: o.externalImage } : {})
    }
  })
  return {
    ...scenario,
    seed: o.seed ?? scenario.seed,
    nodes,
    legs: o.transport != null ? reseeded(scenario, o.seed).map(l => ({ ...l, transport: o.transport! })) : reseeded(scenario, o.seed)
  }
}

/**
 * The legs under another seed: a seeded peering (`peers: { degree }`) is drawn again from it, with
 * the transport choice the legs had (one transport, or mixed; such a file has no per-pair overrides).
 */
function reseeded (scenario: Scenario, seed: number | undefined): ScenarioLeg[] {
  if (scenario.peers === undefined || seed === undefined || seed === scenario.seed) return scenario.legs
  const kinds = [...new Set(scenario.legs.map(l => l.transport))]
  const choice: TransportChoice = kinds.length === 1 ? kinds[0] as TransportName : 'mixed'
  const pairs = peeringPairs(scenario.nodes.map(n => n.name), scenario.peers, seed)
  const peering = new Set(pairs.flatMap(([a, b]) => [`${a}>${b}`, `${b}>${a}`]))
  return legsFor(scenario.nodes, choice).filter(l => peering.has(l.name))
}

/** The flags that reproduce these overrides on the command line. */
export function overrideFlags (o: ScenarioOverrides): string[] {
  const flags: string[] = []
  if (o.seed != null) flags.push('--seed', String(o.seed))
  if (o.policy != null) flags.push('--policy', o.policy)
  if (o.impls != null && o.impls.length > 0) flags.push('--impl', o.impls.join(','))
  if (o.transport != null) flags.push('--transport', o.transport)
  if (o.mutant != null) flags.push('--mutant', o.mutant)
  return flags
}
