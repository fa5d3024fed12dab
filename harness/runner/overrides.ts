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
  const nodes = scenario.nodes.map((n, i) => {
    const impl = impls != null && impls.length > 0 ? impls[i % impls.length]! : n.impl
    return {
      ...n,
      impl,
      // the Go peer is stock go-libp2p-pubsub and has no other policy (CONTRACT.md "Go peer notes");
      // a node given another implementation takes that one's own default, not the policy written for the old one
      gossipPolicy: impl === 'go' ? 'stock' as const : o.policy ?? (impl === n.impl ? n.gossipPolicy : 'leg-aware' as const),
      ...(impl === 'external' && o.externalCommand != null ? { command: o.externalCommand } : {}),
      ...(impl === 'external' && o.externalImage != null ? { image: o.externalImage } : {})
    }
  })
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
