/**
 * The resolved scenario: what `loadScenario` returns and the runner consumes.
 * Every default is applied and every name is checked, so the runner never
 * looks at the YAML (nor guesses a default) again.
 *
 *   scenario.yaml ──parse+validate──> raw object ──resolveScenario──> Scenario
 *                                                   └─ planFaults(scenario, seed) ──> PlannedFault[]
 *                                                         (run time) resolveTarget(target, status, rng) ──> legs
 */
import type { LegActionSpec, NodeActionSpec, PairActionSpec } from '../faults/actions/index.ts'
import type { LegName, TransportName } from '../history/types.ts'
import type { Expectation } from '../oracles/expectation.ts'
import type { GossipPolicy, WireProfile } from '../contract/node-config.ts'
import type { ImplName } from '../impls/index.ts'
import type { DegreePeering } from './resolve-topology.ts'

/** one of harness/impls/index.ts */
export type NodeImpl = ImplName
export type GossipPolicyName = GossipPolicy
export type TransportChoice = TransportName | 'mixed'
/** Which way of a leg a fault acts on: upstream = dialer->listener, downstream = listener->dialer. */
export type LegDirection = 'upstream' | 'downstream' | 'both'

/** One node of the run. */
export interface ScenarioNode {
  name: string
  /** position in `nodes` (fixes the identity with the seed) */
  index: number
  impl: NodeImpl
  /** external impl on the process runtime: argv to run (the config path is appended) */
  command?: string[]
  /** external impl on the docker runtime: the image to run */
  image?: string
  gossipPolicy: GossipPolicyName
  /** field bugs the node re-creates on top of leg-aware (containers/ts-node/MUTANTS.md); absent: none */
  mutants?: string[]
  /** validator indices this node publishes for, ascending */
  validators: number[]
  aggregator: boolean
  /** the subnets this aggregator aggregates, ascending (absent: every subnet; meaningless when not an aggregator) */
  aggregates?: number[]
  /** sparse subnets: the subnets the node subscribes to (its validators' and those it aggregates), ascending; absent: all */
  subscribeSubnets?: number[]
  /** ms after every node without a start delay is ready before this node is started (absent: with the others) */
  startDelayMs?: number
  /** ms after its start before the node subscribes to its topics (contract duties.subscribeDelayMs; absent: at once) */
  subscribeDelayMs?: number
  /** ms after genesis when the node subscribes to its topics (contract duties.subscribeAtMs; absent: see subscribeDelayMs) */
  subscribeAtMs?: number
}

/** One harness leg: the dialer's connection to the listener, through its own proxy. */
export interface ScenarioLeg {
  name: LegName
  dialer: string
  listener: string
  transport: TransportName
}

/**
 * What a fault does to the legs it hits: one file per action in harness/faults/actions/ (how
 * each is done on the engines: harness/faults/leg.ts), the union taken from their list.
 */
export type FaultActionSpec = LegActionSpec
export type FaultActionKind = FaultActionSpec['kind']

/**
 * What a fault does to the nodes it hits (harness/faults/actions/kill.ts, pause.ts, resume.ts,
 * restart.ts; applied by harness/devnet/node-faults.ts).
 */
export type { NodeActionSpec, PairActionSpec }
export type NodeActionKind = NodeActionSpec['kind']

export interface PairTarget { kind: 'pair', pair: [string, string] }

/** Which nodes a node fault hits (decided when it is due; harness/scenario/resolve-node-target.ts). */
export type NodeTarget =
  | { kind: 'node', node: string }
  /** `count` distinct nodes drawn from the seed */
  | { kind: 'random-nodes', count: number }
  /** every aggregator of the run */
  | { kind: 'aggregators' }
  /** the node whose connection holds `of`'s outbound gossip stream to `to` (decided from live status when due) */
  | { kind: 'bearing-node', of: string, to: string }

/** A leg role relative to node `of` in a pair (A, B):
 *  bearing = the leg whose connection at A holds A's outbound gossip stream to B; non-bearing = the pair's other leg;
 *  outbound = "A>B"; inbound = "B>A". */
export type LegRole = 'bearing' | 'non-bearing' | 'outbound' | 'inbound'

/**
 * Which legs a fault hits, decided at run time from live node status (`resolveTarget`).
 * `pair` absent on a role target means: that role for every peer of `of`.
 */
export type Target =
  | { kind: 'role', role: LegRole, of: string, pair?: [string, string] }
  /** the role for every peer of `count` distinct nodes drawn from the seed when the fault is due */
  | { kind: 'role-of-random', role: LegRole, count: number }
  | { kind: 'random', pair?: [string, string] }
  | { kind: 'all-legs-of', node: string }

/** One entry of `faults`, resolved (times in ms from genesis). */
export interface ScenarioFault {
  /** "faults[2]" */
  id: string
  index: number
  name?: string
  /** first application, ms after genesis */
  atMs: number
  action: FaultActionSpec | NodeActionSpec | PairActionSpec
  /** a leg target for a leg action, a node target for a node action, a pair for a pair action (resolveFaults checks the match) */
  target: Target | NodeTarget | PairTarget
  /** apply -> heal; absent = until an `up` (or the end of the run), or nothing to heal (reset, close, rebind, flap) */
  durationMs?: number
  /** how many times the fault is applied (1 = once) */
  repeat: number
  /** ms between the starts of two repetitions (set when repeat > 1) */
  everyMs?: number
  /** each repetition after the first starts up to this many ms late (drawn from the seed) */
  jitterMs: number
  /** `exercised: true`: some application must hit a gossip stream, or the run is unknown (vacuous) */
  exercised: boolean
  /** `leg-death-within`: each end of a leg the fault takes down must declare it lost within this many ms (leg-death-required.ts) */
  legDeathWithinMs?: number
  /** where it was written, "file:line" */
  where: string
}

/**
 * Where a pair's two gossip streams must sit at genesis (staged by the devnet):
 * split = A->B and B->A on different legs; same = both on pair[0]>pair[1].
 */
export interface StreamPlacement {
  pair: [string, string]
  streams: 'split' | 'same'
}

/** The fully resolved scenario. */
export interface Scenario {
  name: string
  description: string
  seed: number
  /** the file it was loaded from (or the label given to parseScenario) */
  file: string
  validatorCount: number
  subnets: number
  /** the devnet's wire profile (message-id function), the same for every node */
  wire: WireProfile
  slotMs: number
  slots: number
  /** ms between "every node is ready" and genesis (slot 0), so meshes can form */
  genesisDelayMs: number
  nodes: ScenarioNode[]
  /**
   * who peers with whom: absent = every pair (`peers: full`); `{ degree: k }` = a k-regular peering
   * drawn from `seed` (harness/scenario/resolve-topology.ts), whose pairs are the ones in `legs`
   */
  peers?: DegreePeering
  /** every peering pair's two legs, "A>B" and "B>A", in node order (every ordered pair for `peers: full`) */
  legs: ScenarioLeg[]
  quic: { maxIdleTimeoutMs: number, keepAliveIntervalMs: number, handshakeTimeoutMs: number }
  redial: { enabled: boolean, minMs: number, maxMs: number }
  gossip: { D: number, Dlo: number, Dhi: number, Dlazy: number, heartbeatMs: number }
  faults: ScenarioFault[]
  expectations: Expectation[]
  /** `all` (default): every node subscribes to every subnet; `sparse`: to its validators' and its aggregated subnets only; `aggregated`: to its aggregated subnets only (its own attestations go out through fanout) */
  subnetSubscriptions?: 'all' | 'sparse' | 'aggregated'
  /** blocks beside the attestations: `proposers[s % proposers.length]` proposes slot s (a seeded rotation) */
  blocks?: { bytes: number, proposers: string[] }
  /** pairs whose stream placement is staged before genesis (absent or empty: left to the stacks) */
  placement?: StreamPlacement[]
  /**
   * transports the scenario is about, each run by `meshflap matrix` with every leg on it (file
   * `matrix.transports`); absent: the matrix runs it only as written (its own, possibly mixed, legs)
   */
  matrixTransports?: TransportName[]
  /**
   * mutants this fixture must catch besides the one named after it (file `catches`), each a known
   * mutant name, or every mutant; `meshflap power` judges them here as on their own fixture
   */
  catches?: 'every-mutant' | string[]
}
