/**
 * A read-only view of one run's history that every report renderer shares.
 * It is built on the oracles' own index (`indexHistory`: connections mapped to
 * harness legs, stream lifetimes, fault windows, the slot clock), so a chart
 * can never draw a leg, stream or fault window differently from how a verdict
 * judged it. Nothing here is new bookkeeping: each field is derived from
 * history entries, once per render.
 *
 *   history ──indexHistory──> RunIndex ──buildRunView──> RunView { ix, time window,
 *                                                                   node events in order,
 *                                                                   node-local leg id -> "A>B" }
 */
import type { FaultFailed, History, LegName, NodeEntry, NodeExit, RunEnd, RunNode, RunStart } from '../history/types.ts'
import type { FaultWindow } from '../oracles/fault-windows.ts'
import { connectionKey, HistoryError, indexHistory, type RunIndex } from '../oracles/run-index.ts'

/** The history has no `run_start` (or is otherwise unusable for a report). */
export class HistoryShapeError extends Error {
  override name = 'HistoryShapeError'
}

/** Where one node-local connection id sits in the harness's leg naming. */
export interface LegEnd {
  /** harness leg name: dialer>listener */
  leg: LegName
  /** the node that reported the connection */
  node: string
  /** the other node */
  peer: string
  /** which end of the leg `node` is */
  role: 'dialer' | 'listener'
}

/** Derived facts of one run; build with `buildRunView`. */
export interface RunView {
  /** the oracles' index of the same history */
  ix: RunIndex
  start: RunStart
  end: RunEnd | undefined
  /** time window of the run, unix ms: run_start .. run_end (or the last entry) */
  fromMs: number
  toMs: number
  nodes: RunNode[]
  /** every node event, in history order */
  nodeEvents: NodeEntry[]
  faultWindows: FaultWindow[]
  /** faults that could not be resolved or applied */
  faultFailures: FaultFailed[]
  exits: NodeExit[]
  /** legs declared in run_start, then any other leg seen in connections or faults, in first-seen order */
  legNames: LegName[]
}

export function buildRunView (history: History): RunView {
  let ix: RunIndex
  try {
    ix = indexHistory(history)
  } catch (err) {
    if (err instanceof HistoryError) throw new HistoryShapeError(err.message)
    throw err
  }
  const nodeEvents: NodeEntry[] = []
  const exits: NodeExit[] = []
  for (const e of history) {
    if (e.kind === 'node') nodeEvents.push(e)
    else if (e.kind === 'node_exit') exits.push(e)
  }
  const legNames: LegName[] = ix.start.legs.map(l => l.name)
  const seen = new Set<string>(legNames)
  const add = (leg: LegName | undefined): void => { if (leg !== undefined && !seen.has(leg)) { seen.add(leg); legNames.push(leg) } }
  for (const c of ix.connections.values()) add(c.leg)
  for (const w of ix.faultWindows) add(w.leg)
  for (const f of ix.faultFailures) add(f.leg)
  return {
    ix,
    start: ix.start,
    end: ix.end,
    fromMs: ix.start.ts,
    toMs: ix.observedUntil,
    nodes: ix.nodes,
    nodeEvents,
    faultWindows: ix.faultWindows,
    faultFailures: ix.faultFailures,
    exits,
    legNames
  }
}

/** The harness leg a node-local connection id belongs to, if the node reported its `leg_open` to a run node. */
export function legOf (view: RunView, node: string, localLeg: unknown): LegEnd | undefined {
  if (typeof localLeg !== 'string') return undefined
  const c = view.ix.connections.get(connectionKey(node, localLeg))
  if (c?.leg === undefined) return undefined
  return { leg: c.leg, node, peer: c.peer, role: c.direction === 'outbound' ? 'dialer' : 'listener' }
}

/** Slot number (fractional) of a unix ms timestamp: 0 at genesis. */
export function slotAt (view: RunView, ts: number): number {
  return (ts - view.start.genesisMs) / view.start.slotMs
}
