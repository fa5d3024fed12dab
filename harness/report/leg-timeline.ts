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
 * Connection and stream lifetimes come from the oracles' index (a stream ends
 * with its connection, a connection with its node's exit), so the timeline shows
 * what the verdicts judged. A stream's flow is taken from its sender's outbound
 * stream; for a node that reports no streams at all (e.g. behind host.NewStream),
 * from the receiver's inbound stream, so a lane is never blank because one end is mute.
 */
import type { LegName, TransportName } from '../history/types.ts'
import type { FaultWindow } from '../oracles/fault-windows.ts'
import { legOf, type RunView } from './run-view.ts'

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
  const { ix } = view
  const endOf = (closeMs: number | undefined): number => closeMs ?? view.toMs

  // connection lifetimes per end, as the oracles index them (closed by leg_close or the node's exit)
  for (const c of ix.connections.values()) {
    const lane = c.leg !== undefined ? lanes.get(c.leg) : undefined
    if (lane === undefined) continue
    const iv: LaneInterval = { fromMs: c.openMs, toMs: endOf(c.closeMs), open: c.closeMs === undefined, id: c.id, ...(c.closeReason !== undefined ? { reason: c.closeReason } : {}) }
    ;(c.direction === 'outbound' ? lane.openAtDialer : lane.openAtListener).push(iv)
  }
  // gossip streams: the sender's view, the receiver's only when the sender reports no streams at all
  const reportsStreams = new Set(ix.streams.map(st => st.node))
  const protocols = new Map<string, string>()
  for (const e of view.nodeEvents) {
    if (e.type === 'stream_open') protocols.set(`${e.node}\u0000${e.stream}`, e.protocol)
  }
  for (const st of ix.streams) {
    const lane = st.leg !== undefined ? lanes.get(st.leg) : undefined
    if (lane === undefined) continue
    const outbound = st.direction === 'outbound'
    if (!outbound && reportsStreams.has(st.peer)) continue
    const sender = outbound ? st.node : st.peer
    const receiver = outbound ? st.peer : st.node
    const protocol = protocols.get(`${st.node}\u0000${st.id}`)
    const iv: LaneStream = {
      fromMs: st.openMs,
      toMs: endOf(st.closeMs),
      open: st.closeMs === undefined,
      id: st.id,
      flow: `${sender}->${receiver}`,
      reportedBy: st.node,
      ...(st.closeReason !== undefined ? { reason: st.closeReason } : {}),
      ...(protocol !== undefined ? { protocol } : {})
    }
    ;(sender === lane.dialer ? lane.forward : lane.backward).push(iv)
  }
  for (const e of view.nodeEvents) {
    if (e.type !== 'subscribe_replayed') continue
    const end = legOf(view, e.node, e.leg)
    const lane = end !== undefined ? lanes.get(end.leg) : undefined
    if (lane === undefined) continue
    lane.replays.push({
      ts: e.ts,
      node: e.node,
      stream: e.stream,
      closedStream: e.closedStream,
      reopenMs: e.reopenMs
    })
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

function newLane (view: RunView, name: LegName): LegLane {
  const declared = view.start.legs.find(l => l.name === name)
  const cut = name.indexOf('>')
  // a leg not declared in run_start is named from two run nodes' names; split where both halves are nodes
  const names = new Set(view.nodes.map(n => n.name))
  let dialer = declared?.dialer ?? name.slice(0, cut)
  let listener = declared?.listener ?? name.slice(cut + 1)
  if (declared === undefined) {
    for (let i = name.indexOf('>'); i >= 0; i = name.indexOf('>', i + 1)) {
      if (names.has(name.slice(0, i)) && names.has(name.slice(i + 1))) { dialer = name.slice(0, i); listener = name.slice(i + 1); break }
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
