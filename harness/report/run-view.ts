/**
 * A read-only view of one run's history that every report renderer shares.
 * Nothing here is new bookkeeping: each field is derived from history entries,
 * once per render, so a saved `history.ndjson` always re-renders the same report.
 *
 *   history ──buildRunView──> RunView { start, end, nodes by name/peer id,
 *                                       node-local leg id -> harness leg "A>B",
 *                                       fault windows, node exits }
 */
import type {
  FaultEntry, History, LegName, NodeEntry, NodeExit, RunEnd, RunNode, RunStart
} from '../history/types.ts'
import { faultWindows, type FaultWindow } from './fault-windows.ts'

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
  /** the other node (by name; the peer id when the peer is not a run node) */
  peer: string
  /** which end of the leg `node` is */
  role: 'dialer' | 'listener'
}

/** Derived facts of one run; build with `buildRunView`. */
export interface RunView {
  start: RunStart
  end: RunEnd | undefined
  /** time window of the run, unix ms: run_start .. run_end (or the last entry) */
  fromMs: number
  toMs: number
  nodes: RunNode[]
  nodeByName: ReadonlyMap<string, RunNode>
  /** peer id -> node name */
  nameByPeerId: ReadonlyMap<string, string>
  /** every node event, in history order */
  nodeEvents: NodeEntry[]
  faults: FaultEntry[]
  faultWindows: FaultWindow[]
  exits: NodeExit[]
  /** `${node}\u0000${localLegId}` -> leg end, from the node's `leg_open` events */
  legEnds: ReadonlyMap<string, LegEnd>
  /** legs declared in run_start, then any leg seen only in events, in first-seen order */
  legNames: LegName[]
}

export function legEndKey (node: string, localLeg: string): string {
  return `${node}\u0000${localLeg}`
}

/** The peer's node name when known, else the raw peer id (an unknown peer still gets a lane). */
export function peerName (view: Pick<RunView, 'nameByPeerId'>, peer: unknown): string {
  const id = String(peer ?? '?')
  return view.nameByPeerId.get(id) ?? id
}

export function buildRunView (history: History): RunView {
  const start = history.find(e => e.kind === 'run_start')
  if (start === undefined) throw new HistoryShapeError('history has no run_start entry')
  let end: RunEnd | undefined
  const nodeEvents: NodeEntry[] = []
  const faults: FaultEntry[] = []
  const exits: NodeExit[] = []
  let lastTs = start.ts
  for (const e of history) {
    if (e.ts > lastTs) lastTs = e.ts
    switch (e.kind) {
      case 'node': nodeEvents.push(e); break
      case 'fault': faults.push(e); break
      case 'node_exit': exits.push(e); break
      case 'run_end': end = e; break
      case 'run_start': break
    }
  }
  const toMs = end?.ts ?? lastTs
  const nodeByName = new Map(start.nodes.map(n => [n.name, n]))
  const nameByPeerId = new Map(start.nodes.map(n => [n.peerId, n.name]))
  const legEnds = new Map<string, LegEnd>()
  const legNames: LegName[] = start.legs.map(l => l.name)
  const seenLegs = new Set<string>(legNames)
  for (const e of nodeEvents) {
    if (e.type !== 'leg_open' || typeof e.leg !== 'string') continue
    const peer = peerName({ nameByPeerId }, e.peer)
    const dialer = e.direction === 'inbound' ? peer : e.node
    const listener = e.direction === 'inbound' ? e.node : peer
    const leg: LegName = `${dialer}>${listener}`
    legEnds.set(legEndKey(e.node, e.leg), { leg, node: e.node, peer, role: e.direction === 'inbound' ? 'listener' : 'dialer' })
    if (!seenLegs.has(leg)) { seenLegs.add(leg); legNames.push(leg) }
  }
  for (const f of faults) {
    if (!seenLegs.has(f.leg)) { seenLegs.add(f.leg); legNames.push(f.leg) }
  }
  return {
    start,
    end,
    fromMs: start.ts,
    toMs,
    nodes: start.nodes,
    nodeByName,
    nameByPeerId,
    nodeEvents,
    faults,
    faultWindows: faultWindows(faults, toMs),
    exits,
    legEnds,
    legNames
  }
}

/** The harness leg a node-local connection id belongs to, if the node reported its `leg_open`. */
export function legOf (view: RunView, node: string, localLeg: unknown): LegEnd | undefined {
  return typeof localLeg === 'string' ? view.legEnds.get(legEndKey(node, localLeg)) : undefined
}

/** Slot number (fractional) of a unix ms timestamp: 0 at genesis. */
export function slotAt (view: RunView, ts: number): number {
  return (ts - view.start.genesisMs) / view.start.slotMs
}
