/**
 * Command-line overrides applied to a resolved scenario before it runs
 * (`--seed`, `--policy`, `--impl ts,go`, `--transport`). Pure: the result is
 * what gets recorded as the resolved scenario, so a rerun needs no flags.
 */
import type { GossipPolicyName, NodeImpl, Scenario } from '../scenario/types.ts'
import type { TransportName } from '../history/types.ts'

export interface ScenarioOverrides {
  seed?: number
  policy?: GossipPolicyName
  /** assigned to nodes round-robin in node order */
  impls?: NodeImpl[]
  transport?: TransportName
  /** external impl entry: process command / docker image for nodes with impl 'external' */
  externalCommand?: string[]
  externalImage?: string
}

export function applyOverrides (scenario: Scenario, o: ScenarioOverrides): Scenario {
  const impls = o.impls
  const nodes = scenario.nodes.map((n, i) => ({
    ...n,
    ...(o.policy != null ? { gossipPolicy: o.policy } : {}),
    ...(impls != null && impls.length > 0 ? { impl: impls[i % impls.length]! } : {}),
    ...(o.externalCommand != null ? { command: o.externalCommand } : {}),
    ...(o.externalImage != null ? { image: o.externalImage } : {})
  }))
  return {
    ...scenario,
    seed: o.seed ?? scenario.seed,
    nodes,
    legs: o.transport != null ? scenario.legs.map(l => ({ ...l, transport: o.transport! })) : scenario.legs
  }
}

/** The flags that reproduce these overrides on the command line. */
export function overrideFlags (o: ScenarioOverrides): string[] {
  const flags: string[] = []
  if (o.seed != null) flags.push('--seed', String(o.seed))
  if (o.policy != null) flags.push('--policy', o.policy)
  if (o.impls != null && o.impls.length > 0) flags.push('--impl', o.impls.join(','))
  if (o.transport != null) flags.push('--transport', o.transport)
  return flags
}
