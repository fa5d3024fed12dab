/**
 * What one fault action is: its scenario-file form, its rules and how it is
 * applied. Each action is one file of this folder holding one of these, listed
 * once in index.ts; the scenario loader, the schema and the fault plane all read
 * that list, so adding an action is one new file and one line there.
 *
 *   actions/<name>.ts ──> FAULT_ACTIONS (index.ts) ──┬─> schema-issues.ts  (the action's JSON Schema entry)
 *                                                   ├─> resolve-faults.ts (fromFile, takesDuration, params)
 *                                                   ├─> action-rules.ts   (transports and bounds of leg actions)
 *                                                   └─> apply-fault.ts / node-faults.ts / fault-scheduler.ts (apply)
 */
import type { FaultEntry, TransportName } from '../../history/types.ts'
import type { RunningNode } from '../../runtime/runtime.ts'
import type { FieldIssue, FieldPath } from '../../scenario/scenario-error.ts'
import type { FaultTag, Leg } from '../leg.ts'

/** One numeric parameter of an action, as the resolved spec holds it. */
export interface ParamRule {
  /** field of the resolved spec */
  field: string
  /** the key a scenario file writes (differs for latency's jitter) */
  fileKey: string
  unit: string
  integer: boolean
  min: number
  max?: number
  /** why the bound is what it is (shown with the error) */
  why?: string
}

/** The parts every action has, whatever it acts on. */
interface ActionBase<S extends { kind: string }> {
  kind: S['kind']
  /** true: `duration` ends it after that long; false: over at once, or it brings its own timing */
  takesDuration: boolean
  /** numeric parameters with unit and bounds (checked by the loader and before any engine call) */
  params: readonly ParamRule[]
  /**
   * The action's entry under `definitions.action` of the scenario JSON Schema (the one-key map
   * form `{ <kind>: {...} }`), with the `description` an editor shows.
   */
  schema: Readonly<Record<string, unknown>>
  /**
   * The resolved spec from what the file wrote: `params` undefined for the bare name
   * (`action: kill`), the map's value otherwise (already schema-checked). An input the schema
   * cannot refuse (burstMs >= everyMs) is pushed to `issues` at `path` and gives undefined.
   */
  fromFile: (params: Readonly<Record<string, unknown>> | undefined, path: FieldPath, issues: FieldIssue[], ctx: FromFileContext) => S | undefined
}

/** What turning a file's action into a spec may need to know about the run. */
export interface FromFileContext {
  /** a span as a file writes it ({ ms } or { slots }), in ms */
  spanMs: (span: { ms?: number, slots?: number }) => number
}

/** How a leg action is applied: to one leg, healed after `durationMs` by `healAfter`. */
export interface LegActionContext {
  leg: Leg
  tag: FaultTag
  signal: AbortSignal
  /** waits the fault's duration (if it has one), then runs `heal` */
  healAfter: (heal: () => Promise<void>) => Promise<void>
}

export interface LegAction<S extends { kind: string }> extends ActionBase<S> {
  on: 'leg'
  /** leg transports the engines can do it on */
  transports: readonly TransportName[]
  /** what to use instead on the other transport */
  otherwise?: string
  /** narrower transports for some settings of the action (latency with reorder: QUIC), and why */
  transportsFor?: (action: S) => { transports: readonly TransportName[], why: string } | undefined
  /**
   * It acts on the leg's connection, so a `random` target draws among the legs that have one when
   * it is decided (a leg whose connection is gone, waiting for its redial behind a down leg, would
   * leave the fault unapplied and the run unjudged).
   */
  needsConnection?: boolean
  apply (action: S, ctx: LegActionContext): Promise<void>
}

/** Who is down on purpose: what the hang watchdog and Devnet.statuses() ask. */
export type NodeFaultState = 'paused' | 'killed' | 'restarting'

/** How a node action is applied: to one node, through its runtime, recorded on every leg of the node. */
export interface NodeActionContext {
  node: string
  running: RunningNode
  /** the state the run put the node in (undefined: up) */
  state: NodeFaultState | undefined
  setState: (state: NodeFaultState | undefined) => void
  /** one FaultEntry per leg touching the node, stamped `ts` */
  record: (action: FaultEntry['action'], phase: 'apply' | 'heal', ts: number, params?: Record<string, unknown>) => void
  /** how long after the node is back its directions stay excused (reconnect, resubscribe) */
  recoveryGraceMs: number
  /** stops the node, waits `afterMs`, starts it again with the same identity, ports and config, and reconnects it */
  restart: (afterMs: number, signal: AbortSignal) => Promise<void>
  /** the fault's `duration`, if it has one */
  durationMs: number | undefined
  signal: AbortSignal
}

export interface NodeAction<S extends { kind: string }> extends ActionBase<S> {
  on: 'node'
  /**
   * The signal it sends to the node's whole process (kill: SIGKILL), when it is one: such an
   * action cannot hit one node of a process that hosts several (the process runtime's
   * `nodesPerProcess`), and a scenario with it is refused there (recheck-scenario.ts).
   */
  signalsProcess?: string
  apply (action: S, ctx: NodeActionContext): Promise<void>
}

/** How a pair action is applied: to both ends of a pair at once. */
export interface PairActionContext {
  pair: [string, string]
  tag: { fault: string, selector?: string }
  signal: AbortSignal
  /** the devnet's simultaneous dial of the pair (harness/devnet/simultaneous-dial.ts) */
  simultaneousDial: () => Promise<{ outcomes: string[] }>
  /** a problem the run should report (the outcome itself is in the history) */
  note: (message: string) => void
}

export interface PairAction<S extends { kind: string }> extends ActionBase<S> {
  on: 'pair'
  apply (action: S, ctx: PairActionContext): Promise<void>
}

/** Any action of the list, for code that walks it (apply is a method, so a specific action fits). */
export type AnyAction = LegAction<{ kind: string }> | NodeAction<{ kind: string }> | PairAction<{ kind: string }>

/** The resolved spec an action's file produces. */
export type SpecOf<A> = A extends { fromFile: (...args: never[]) => infer S } ? Exclude<S, undefined> : never

/** An action with no parameters: the bare name and the empty map both give `{ kind }`. */
export function bare<K extends string> (kind: K): (params: unknown) => { kind: K } {
  return () => ({ kind })
}

export const BOTH: readonly TransportName[] = ['quic', 'tcp']
