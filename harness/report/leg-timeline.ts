/**
 * The leg timeline: per node pair, one lane per harness leg ("A>B" and "B>A"),
 * showing when each end saw the leg open, which gossip streams it bore in which
 * direction, and the fault windows on it.
 *
 *   lane A>B   open@A      ████████░░░░██████████   (leg_open/leg_close at A)
 *              open@B      ████████░░░░██████████   (at B: a half-open leg shows as a difference)
 *              gossip A→B  ███████████████████████  (A's outbound stream on this leg)
 *              gossip B→A  ░░░░░░░░░░░░░░░░░░░░░░░  (B's outbound stream rides the other leg)
 *              faults         ▒▒▒▒
 *
 * A stream's flow is taken from its sender's `stream_open` (direction outbound);
 * for a node that reports no streams at all (e.g. behind host.NewStream), from the
 * receiver's inbound stream, so a lane is never blank just because one end is mute.
 */
import type { LegName, TransportName } from '../history/types.ts'
import type { FaultWindow } from './fault-windows.ts'
import { legOf, peerName, type RunView } from './run-view.ts'

/** A time interval on a lane, with what a tooltip should say about it. */
export interface LaneInterval {
  fromMs: number
  toMs: number
  /** no close was recorded: the interval runs to the node's exit or the run's end */
  open: boolean
  /** node-local id (connection or stream) */
  id: string
  /** close reason, if any */
  reason?: string
}

/** A gossip stream borne by a leg. */
export interface LaneStream extends LaneInterval {
  /** sender -> receiver */
  flow: string
  /** the node whose events this interval comes from */
  reportedBy: string
  protocol?: string
}

/** An outbound gossip stream reopened on this leg after its old one closed. */
export interface LaneReplay {
  ts: number
  node: string
  stream: string
  closedStream?: string
  reopenMs?: number
}

/** One harness leg over time. */
export interface LegLane {
  leg: LegName
  dialer: string
  listener: string
  transport?: TransportName
  openAtDialer: LaneInterval[]
  openAtListener: LaneInterval[]
  /** streams carrying dialer -> listener gossip */
  forward: LaneStream[]
  /** streams carrying listener -> dialer gossip */
  backward: LaneStream[]
  faults: FaultWindow[]
  replays: LaneReplay[]
}

/** Both legs of one node pair. */
export interface PairTimeline {
  a: string
  b: string
  lanes: LegLane[]
}

export function legTimeline (view: RunView): PairTimeline[] {
  const lanes = new Map<string, LegLane>()
  for (const name of view.legNames) lanes.set(name, newLane(view, name))
  const exitAt = new Map(view.exits.map(x => [x.node, x.ts]))
  const endFor = (node: string): number => Math.min(exitAt.get(node) ?? view.toMs, view.toMs)
  const reportsStreams = new Set(view.nodeEvents.filter(e => e.type === 'stream_open').map(e => e.node))

  const openLegs = new Map<string, LaneInterval>()
  const openStreams = new Map<string, LaneStream>()
  for (const e of view.nodeEvents) {
    if (e.type === 'leg_open' || e.type === 'leg_close') {
      const end = legOf(view, e.node, e.leg)
      const lane = end !== undefined ? lanes.get(end.leg) : undefined
      if (end === undefined || lane === undefined) continue
      const key = `${e.node}\u0000${String(e.leg)}`
      if (e.type === 'leg_open') {
        const iv: LaneInterval = { fromMs: e.ts, toMs: endFor(e.node), open: true, id: String(e.leg) }
        openLegs.set(key, iv);
        (end.role === 'dialer' ? lane.openAtDialer : lane.openAtListener).push(iv)
      } else {
        const iv = openLegs.get(key)
        if (iv !== undefined) close(iv, e.ts, e.reason)
        openLegs.delete(key)
      }
    } else if (e.type === 'stream_open' || e.type === 'stream_close') {
      const key = `${e.node}\u0000${String(e.stream)}`
      if (e.type === 'stream_close') {
        const iv = openStreams.get(key)
        if (iv !== undefined) close(iv, e.ts, e.reason)
        openStreams.delete(key)
        continue
      }
      const end = legOf(view, e.node, e.leg)
      const lane = end !== undefined ? lanes.get(end.leg) : undefined
      if (end === undefined || lane === undefined) continue
      const outbound = e.direction === 'outbound'
      // keep the sender's view; the receiver's only when the sender reports no streams
      if (!outbound && reportsStreams.has(end.peer)) continue
      const sender = outbound ? e.node : end.peer
      const receiver = outbound ? end.peer : e.node
      const iv: LaneStream = {
        fromMs: e.ts,
        toMs: endFor(e.node),
        open: true,
        id: String(e.stream),
        flow: `${sender}->${receiver}`,
        reportedBy: e.node,
        ...(typeof e.protocol === 'string' ? { protocol: e.protocol } : {})
      }
      openStreams.set(key, iv);
      (sender === lane.dialer ? lane.forward : lane.backward).push(iv)
    } else if (e.type === 'subscribe_replayed') {
      const end = legOf(view, e.node, e.leg)
      const lane = end !== undefined ? lanes.get(end.leg) : undefined
      if (lane === undefined) continue
      lane.replays.push({
        ts: e.ts,
        node: e.node,
        stream: String(e.stream),
        ...(typeof e.closedStream === 'string' ? { closedStream: e.closedStream } : {}),
        ...(typeof e.reopenMs === 'number' ? { reopenMs: e.reopenMs } : {})
      })
    }
  }
  for (const w of view.faultWindows) lanes.get(w.leg)?.faults.push(w)

  // group lanes by unordered pair, in run node order
  const order = new Map(view.nodes.map((n, i) => [n.name, i]))
  const rank = (n: string): number => order.get(n) ?? Number.MAX_SAFE_INTEGER
  const pairs = new Map<string, PairTimeline>()
  for (const lane of lanes.values()) {
    const [a, b] = rank(lane.dialer) <= rank(lane.listener) ? [lane.dialer, lane.listener] : [lane.listener, lane.dialer]
    const key = `${a}\u0000${b}`
    let pair = pairs.get(key)
    if (pair === undefined) { pair = { a, b, lanes: [] }; pairs.set(key, pair) }
    pair.lanes.push(lane)
  }
  const sorted = [...pairs.values()].sort((x, y) => rank(x.a) - rank(y.a) || rank(x.b) - rank(y.b) || x.a.localeCompare(y.a) || x.b.localeCompare(y.b))
  for (const p of sorted) p.lanes.sort((x, y) => (x.dialer === p.a ? 0 : 1) - (y.dialer === p.a ? 0 : 1))
  return sorted
}

function close (iv: LaneInterval, ts: number, reason: unknown): void {
  iv.toMs = ts
  iv.open = false
  if (typeof reason === 'string') iv.reason = reason
}

function newLane (view: RunView, name: LegName): LegLane {
  const declared = view.start.legs.find(l => l.name === name)
  const fromEvents = [...view.legEnds.values()].find(e => e.leg === name)
  let dialer = declared?.dialer
  let listener = declared?.listener
  if (dialer === undefined || listener === undefined) {
    if (fromEvents !== undefined) {
      dialer = fromEvents.role === 'dialer' ? fromEvents.node : fromEvents.peer
      listener = fromEvents.role === 'dialer' ? fromEvents.peer : fromEvents.node
    } else {
      const cut = name.indexOf('>')
      dialer = peerName(view, name.slice(0, cut))
      listener = peerName(view, name.slice(cut + 1))
    }
  }
  return {
    leg: name,
    dialer,
    listener,
    ...(declared !== undefined ? { transport: declared.transport } : {}),
    openAtDialer: [],
    openAtListener: [],
    forward: [],
    backward: [],
    faults: [],
    replays: []
  }
}
