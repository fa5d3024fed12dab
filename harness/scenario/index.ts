/**
 * Scenarios, listed explicitly (nothing registers itself on import):
 *
 *   load-scenario.ts ....... loadScenario(file) / parseScenario(text, file): YAML -> schema -> checks -> Scenario
 *   scenario.schema.json ... the JSON Schema editors use (`# yaml-language-server: $schema=...`)
 *   types.ts ............... the resolved Scenario the runner consumes
 *   scenario-file.ts ....... the file as written (TS face of the schema)
 *   scenario-error.ts ...... ScenarioError: every problem with file:line:col, field path, expected (exit code 2)
 *   plan-faults.ts ......... planFaults(scenario, seed): the time-ordered fault schedule
 *   resolve-target.ts ...... resolveTarget(target, snapshot, rng): selector -> harness legs + connection ids
 *   resolve-node-target.ts . resolveNodeTarget / decideNodeTarget(target, nodes, rng, status?): node-fault target -> node names
 *   status-snapshot.ts ..... the /v1/status view selectors read (and who peers, for `peers: { degree }`)
 *   resolve-topology.ts .... peeringPairs(names, peers, seed): `peers: full` or a seeded k-regular connected peering
 *   seeded-rng.ts .......... the seeded generator every random choice comes from
 *   defaults.ts ............ every default value
 */
export { loadScenario, parseScenario } from './load-scenario.ts'
export { ScenarioError, formatPath, formatProblem } from './scenario-error.ts'
export type { FieldIssue, FieldPath, ScenarioProblem } from './scenario-error.ts'
export { scenarioSchema } from './schema-issues.ts'
export { resolveScenario } from './resolve-scenario.ts'
export type { ResolveOptions, Resolved } from './resolve-scenario.ts'
export { candidateLegs, spanMs } from './resolve-faults.ts'
export { evenShares, legName } from './resolve-nodes.ts'
export { planFaults, mixSeed } from './plan-faults.ts'
export type { PlannedFault } from './plan-faults.ts'
export { resolveTarget, selectorText } from './resolve-target.ts'
export type { TargetedLeg, TargetResolution, UnresolvedPair } from './resolve-target.ts'
export { peering, peersOf, statusSnapshot } from './status-snapshot.ts'
export { degreeProblem, peeringPairs, peersFromLegs } from './resolve-topology.ts'
export type { DegreePeering } from './resolve-topology.ts'
export type { LegView, StatusSnapshot, StatusView, StreamView } from './status-snapshot.ts'
export { childSeed, pickIndex, seededRng } from './seeded-rng.ts'
export type { Rng, RngFactory } from './seeded-rng.ts'
export { DEFAULTS, defaultNodeName } from './defaults.ts'
export type {
  FaultActionKind, FaultActionSpec, GossipPolicyName, LegDirection, LegRole, NodeImpl, Scenario, ScenarioFault,
  ScenarioLeg, ScenarioNode, Target, TransportChoice
} from './types.ts'
export type * from './scenario-file.ts'
