/**
 * The run history: the ONE record of a run that verdicts and reports read
 * (written as `history.ndjson`, one entry per line, on one clock: unix ms).
 *
 *   run_start ─┬─ node events (every node's NDJSON, tagged with its name)
 *              ├─ fault entries (what the fault plane did, to which leg)
 *              ├─ fault_failed (a fault that could not be resolved or applied, and why)
 *              ├─ node_exit (a node process/container ended)
 *              ├─ harness_sched (the harness's own timer lateness, per window)
 *              ├─ status (a node's per-topic mesh, sampled from /v1/status every heartbeat)
 *   run_end  ──┘
 *
 * Nothing else is bookkept beside it: if a verdict or a chart needs a fact,
 * the fact goes into the history first.
 */
import type { ActionKind } from '../faults/actions/index.ts'
import type { GossipPolicy } from '../contract/node-config.ts'
import type { NodeEvent, Transport } from '../contract/node-events.ts'
import type { ImplName } from '../impls/index.ts'

/** Harness-level leg name: the dialer's leg to the listener, e.g. "A>B". Stable across redials
 *  (every incarnation of A's outbound leg to B goes through the same proxy). */
export type LegName = `${string}>${string}`

export type TransportName = Transport

export interface RunNode {
  name: string
  index: number
  peerId: string
  impl: ImplName
  /**
   * The policy the node ran as recorded: meshflap writes a GossipPolicy; a history built by hand to
   * show another stack's behaviour may name that stack's (fixtures/histories/oracles: "zig-v0.2.51").
   */
  gossipPolicy: GossipPolicy | (string & {})
  /** the field bugs the node re-created (containers/ts-node/MUTANTS.md); absent: none, the correct node */
  mutants?: string[]
  validators: number[]
  aggregator: boolean
  /** a subnet aggregator's subnets (absent: every subnet); coverage judges it over their validators */
  aggregates?: number[]
  /** sparse subnets: the subnets the node subscribed to (absent: every subnet); it is judged only on their attestations */
  subscribeSubnets?: number[]
}

export interface RunLeg {
  name: LegName
  dialer: string
  listener: string
  transport: TransportName
  /** the address the dialer is handed (the proxy's listen address) */
  proxyAddr: string
  /** the listener's real address the proxy forwards to */
  upstreamAddr: string
  /** the fault engine proxy name */
  proxy: string
}

export interface RunStart {
  kind: 'run_start'
  ts: number
  runId: string
  scenario: string
  seed: number
  runtime: string
  genesisMs: number
  slotMs: number
  slots: number
  validatorCount: number
  /** attestation subnets (validator v on subnet v % subnets); absent in older histories */
  subnets?: number
  nodes: RunNode[]
  legs: RunLeg[]
  /** pairs whose stream placement was staged, and the streams each of their legs carried at run start */
  placement?: Array<{ pair: [string, string], streams: 'split' | 'same', legs: Record<LegName, string[]>, unmet?: string }>
  /** the resolved scenario, as run (for rerun bundles and reports) */
  resolved?: unknown
}

/** One event of a node (harness/contract/node-events.ts), tagged with the node's name. */
export type NodeEntry = NodeEvent & { kind: 'node', node: string }

/**
 * What a fault entry records: any action of harness/faults/actions/ (node faults with
 * FaultEntry.node set, one entry per leg touching the node; simultaneous-dial on both legs of
 * its pair; a flap records as down/up), or `heal` (every toxic of a leg removed).
 */
export type FaultAction = ActionKind | 'heal'

/** One fault plane action on one leg. A fault with a duration gives an `apply` and a later `heal` entry. */
export interface FaultEntry {
  kind: 'fault'
  ts: number
  /** scenario fault id (e.g. "faults[0]#3" for its 3rd repetition) or a test's own label */
  fault: string
  action: FaultAction
  phase: 'apply' | 'heal'
  leg: LegName
  /** the selector that chose the leg, as written, e.g. "bearing-of: A (A,B)" */
  selector?: string
  /** the node-local connection ids the leg had when the fault was applied */
  dialerLeg?: string
  listenerLeg?: string
  params?: Record<string, unknown>
  /**
   * A node fault (kill, pause, resume, restart): the node it hit. It is recorded once per leg touching
   * the node, so every verdict sees those legs faulted (the node's own directions are excused)
   * and every other leg not; a resume's or restart heal's `params.graceMs` extends the window for recovery.
   */
  node?: string
  /**
   * What the fault hit (apply entries of scenario faults): the gossip stream directions, "A->B" for A's
   * outbound stream to B, that rode the leg as live status showed it just before the fault started.
   * Empty = the fault touched no stream. Absent = not recorded (oracles derive it from stream events).
   */
  hit?: string[]
  /** the scenario requires this fault to hit a stream (`exercised: true`): if it hit none the run is vacuous */
  mustHit?: boolean
  /** the scenario's `leg-death-within` for this fault, ms: each end must declare the leg lost within it */
  legDeathWithinMs?: number
}

/**
 * A fault (or one leg of it) that was not applied: its selector resolved to no leg, or the
 * engine refused the action. A run with one did not test what its scenario asks, so its
 * verdicts cannot pass (they are `unknown` unless something failed).
 */
export interface FaultFailed {
  kind: 'fault_failed'
  ts: number
  /** scenario fault id ("faults[0]#2") or a test's own label */
  fault: string
  /** the action kind, e.g. "down" */
  action: string
  /** the selector, as resolved ("bearing-of: A (A,B)") or as written */
  selector?: string
  /** the leg it failed on; absent when no leg was resolved */
  leg?: LegName
  reason: string
  /** "file:line" of the scenario fault */
  where?: string
  /** the node that held its outbound gossip streams to the peer on several legs, so a bearing selector had no single target (UnresolvedPair.severalBearingLegs) */
  severalBearingLegs?: string
}

export interface NodeExit {
  kind: 'node_exit'
  ts: number
  node: string
  code: number | null
  signal: string | null
  expected: boolean
  lastLines: string[]
}

/** One sample of a node's gossip mesh (GET /v1/status `topics`): per subscribed topic, the peer ids in its mesh. */
export interface StatusSample {
  kind: 'status'
  /** when the answer came back */
  ts: number
  node: string
  mesh: Record<string, string[]>
}

export interface RunEnd {
  kind: 'run_end'
  ts: number
  reason: 'completed' | 'interrupted' | 'node-failed' | 'setup-failed'
  detail?: string
}

/**
 * The harness's own timer-lateness probe (harness/devnet/harness-probe.ts): one entry per window, the
 * same fields as a node's `sched` event (containers/CONTRACT.md), so the history also says when the
 * harness process (and the in-process UDP proxy with it) was not being scheduled.
 */
export interface HarnessSched {
  kind: 'harness_sched'
  ts: number
  /** the time this window covered, ms (ends at ts) */
  windowMs: number
  /** the longest any timer of the window fired late, ms */
  maxLateMs: number
  p99LateMs: number
  /** when that latest timer finally ran (unix ms): the process was not running timers in [maxLateAt - maxLateMs, maxLateAt] */
  maxLateAt: number
  /** CPU time the process used in the window, ms (near windowMs = busy; near 0 during a stall = not scheduled) */
  cpuMs?: number
}

export type HistoryEntry = RunStart | NodeEntry | FaultEntry | FaultFailed | NodeExit | StatusSample | RunEnd | HarnessSched

export type History = readonly HistoryEntry[]
