/**
 * One pass over a history into the lookups every oracle needs: nodes by name
 * and peer id, validator owners, each node's connections mapped to harness
 * legs, gossip stream lifetimes, fault windows, readiness and exits, and the
 * slot clock. Built once by `judge` and shared; pure and read-only.
 *
 *   node A: leg_open {leg: c7, peer: B, direction: outbound}  ──> connection A/c7 = harness leg "A>B"
 *   node A: leg_open {leg: c9, peer: B, direction: inbound}   ──> connection A/c9 = harness leg "B>A"
 *   node A: stream_open {stream: c7/o1, leg: c7, direction: outbound} ──> A's gossip to B rides A>B
 */
import type { FaultEntry, FaultFailed, History, LegName, NodeEntry, NodeExit, RunEnd, RunNode, RunStart, StatusSample } from '../history/types.ts'
import { faultWindows, type FaultWindow } from './fault-windows.ts'

/** The history cannot be judged at all (no run_start). */
export class HistoryError extends Error {
  override name = 'HistoryError'
}

/** One node-local connection (one end of a harness leg) and its lifetime. */
export interface Connection {
  node: string
  /** node-local connection id */
  id: string
  /** the other node's name (its peer id when not a run node) */
  peer: string
  direction: 'outbound' | 'inbound'
  /** harness leg, undefined when the peer is not a run node */
  leg: LegName | undefined
  openMs: number
  /** leg_close, the node's exit, or undefined while still open at the end of the history */
  closeMs: number | undefined
  closeReason?: string
}

/** One gossip stream as one node saw it. */
export interface GossipStream {
  node: string
  id: string
  /** the node-local connection it rides */
  connection: string
  peer: string
  /** outbound = this node's sending stream to `peer`; inbound = the peer's sending stream, read here */
  direction: 'outbound' | 'inbound'
  leg: LegName | undefined
  openMs: number
  /** the stream_close, or the close of its connection if that came first */
  closeMs: number | undefined
  closeReason?: string
  /**
   * Set on a stream of a node that does not report streams (`unreported: streams` in its ready), as the
   * peer named here saw the other end of it: `connection` and `id` are then that peer's.
   */
  seenBy?: string
}

/** The pair's other leg: B>A for a stream riding A>B, and the reverse. */
export function otherLegOf (s: Pick<GossipStream, 'node' | 'peer' | 'leg'>): LegName {
  return s.leg === `${s.node}>${s.peer}` ? `${s.peer}>${s.node}` : `${s.node}>${s.peer}`
}

/** Either end of the stream (its node or its peer) had exited by `t`. */
export function streamEndGoneBy (ix: Pick<RunIndex, 'exits'>, s: Pick<GossipStream, 'node' | 'peer'>, t: number): boolean {
  return [s.node, s.peer].some(n => { const e = ix.exits.get(n); return e !== undefined && e.ts <= t })
}

export interface RunIndex {
  start: RunStart
  end: RunEnd | undefined
  genesisMs: number
  slotMs: number
  slots: number
  validatorCount: number
  /** the last instant the history speaks for: run_end, else its last entry */
  observedUntil: number
  /** end of the last slot, genesis + slots * slotMs */
  lastSlotEnd: number
  nodes: RunNode[]
  nodeByName: ReadonlyMap<string, RunNode>
  nameOfPeer: ReadonlyMap<string, string>
  ownerOf: ReadonlyMap<number, string>
  /** every node event, by node, in history order */
  events: ReadonlyMap<string, NodeEntry[]>
  ready: ReadonlyMap<string, number>
  exits: ReadonlyMap<string, NodeExit>
  /** key `${node}\u0000${connection id}` */
  connections: ReadonlyMap<string, Connection>
  streams: GossipStream[]
  /**
   * The streams of nodes that report no streams, from their peers' reports (each a `seenBy` copy of the
   * peer's stream, direction flipped): A's outbound stream to B is B's inbound stream from A. Kept apart
   * from `streams` so nothing is judged twice; oracles that follow one node's streams (reopen-within) add them.
   */
  mirroredStreams: GossipStream[]
  /** nodes that declared `streams` in `unreported` (their ready event) */
  silentStreams: ReadonlySet<string>
  faults: FaultEntry[]
  /** faults (or legs of one) that could not be resolved or applied */
  faultFailures: FaultFailed[]
  faultWindows: FaultWindow[]
  /** sampled mesh views (status entries), in history order */
  statuses: StatusSample[]
}

export function connectionKey (node: string, id: string): string {
  return `${node}\u0000${id}`
}

export function indexHistory (history: History): RunIndex {
  const start = history.find((e): e is RunStart => e.kind === 'run_start')
  if (start === undefined) throw new HistoryError('history has no run_start entry: nothing can be judged')
  let end: RunEnd | undefined
  let lastTs = start.ts
  const nodeByName = new Map(start.nodes.map(n => [n.name, n]))
  const nameOfPeer = new Map(start.nodes.map(n => [n.peerId, n.name]))
  const ownerOf = new Map<number, string>()
  for (const n of start.nodes) for (const v of n.validators) ownerOf.set(v, n.name)
  const events = new Map<string, NodeEntry[]>(start.nodes.map(n => [n.name, []]))
  const ready = new Map<string, number>()
  const exits = new Map<string, NodeExit>()
  const connections = new Map<string, Connection>()
  const streams = new Map<string, GossipStream>()
  const faults: FaultEntry[] = []
  const statuses: StatusSample[] = []
  const faultFailures: FaultFailed[] = []
  const silentStreams = new Set<string>()
  const peerName = (peer: string): string => nameOfPeer.get(peer) ?? peer

  for (const e of history) {
    if (e.ts > lastTs) lastTs = e.ts
    switch (e.kind) {
      case 'run_end': end = e; break
      case 'fault': faults.push(e); break
      case 'fault_failed': faultFailures.push(e); break
      case 'node_exit': if (!exits.has(e.node)) exits.set(e.node, e); break
      case 'node': {
        let list = events.get(e.node)
        if (list === undefined) { list = []; events.set(e.node, list) }
        list.push(e)
        if (e.type === 'ready' && !ready.has(e.node)) {
          ready.set(e.node, e.ts)
          if (Array.isArray(e.unreported) && e.unreported.includes('streams')) silentStreams.add(e.node)
        }
        if (e.type === 'leg_open') {
          const peer = peerName(e.peer)
          const direction = e.direction
          const known = nodeByName.has(peer)
          connections.set(connectionKey(e.node, e.leg), {
            node: e.node, id: e.leg, peer, direction,
            leg: known ? (direction === 'outbound' ? `${e.node}>${peer}` : `${peer}>${e.node}`) : undefined,
            openMs: e.ts, closeMs: undefined
          })
        }
        if (e.type === 'leg_close') {
          const c = connections.get(connectionKey(e.node, e.leg))
          if (c !== undefined && c.closeMs === undefined) { c.closeMs = e.ts; c.closeReason = e.reason }
        }
        if (e.type === 'stream_open') {
          const c = connections.get(connectionKey(e.node, e.leg))
          streams.set(connectionKey(e.node, e.stream), {
            node: e.node, id: e.stream, connection: e.leg, peer: peerName(e.peer),
            direction: e.direction, leg: c?.leg, openMs: e.ts, closeMs: undefined
          })
        }
        if (e.type === 'stream_close') {
          const s = streams.get(connectionKey(e.node, e.stream))
          if (s !== undefined && s.closeMs === undefined) { s.closeMs = e.ts; s.closeReason = e.reason }
        }
        break
      }
      case 'run_start': break
      case 'status': statuses.push(e); break
    }
  }
  // a connection or stream still open when its node exited ended then
  for (const c of connections.values()) {
    const exit = exits.get(c.node)
    if (c.closeMs === undefined && exit !== undefined && exit.ts >= c.openMs) { c.closeMs = exit.ts; c.closeReason = 'node exited' }
  }
  for (const s of streams.values()) {
    const c = connections.get(connectionKey(s.node, s.connection))
    if (c?.closeMs !== undefined && (s.closeMs === undefined || c.closeMs < s.closeMs)) {
      s.closeMs = c.closeMs
      s.closeReason = `its connection closed (${c.closeReason ?? ''})`
    }
  }
  const observedUntil = end?.ts ?? lastTs
  const mirroredStreams = [...streams.values()].filter(s => silentStreams.has(s.peer) && !silentStreams.has(s.node)).map((s): GossipStream => ({
    ...s, node: s.peer, peer: s.node, direction: s.direction === 'outbound' ? 'inbound' : 'outbound', seenBy: s.node
  }))
  return {
    start,
    end,
    genesisMs: start.genesisMs,
    slotMs: start.slotMs,
    slots: start.slots,
    validatorCount: start.validatorCount,
    observedUntil,
    lastSlotEnd: start.genesisMs + start.slots * start.slotMs,
    nodes: start.nodes,
    nodeByName,
    nameOfPeer,
    ownerOf,
    events,
    ready,
    exits,
    connections,
    streams: [...streams.values()],
    mirroredStreams,
    silentStreams,
    faults,
    faultFailures,
    faultWindows: faultWindows(faults, observedUntil, { rebindEffectMs: quicDetectionBoundMs(start) }),
    statuses
  }
}

/** The scenario's configured QUIC idle timeout, or undefined when the history does not record it. */
export function quicIdleTimeoutMs (start: RunStart): number | undefined {
  // run_start.resolved is the Scenario as run (unknown-typed in the history: read only what is needed)
  const idle = (start.resolved as { quic?: { maxIdleTimeoutMs?: unknown } } | undefined)?.quic?.maxIdleTimeoutMs
  return typeof idle === 'number' && idle > 0 ? idle : undefined
}

/**
 * Twice the scenario's configured QUIC idle timeout (the bound within which a node must notice a
 * dead QUIC leg), or undefined when the history does not record it.
 */
export function quicDetectionBoundMs (start: RunStart): number | undefined {
  const idle = quicIdleTimeoutMs(start)
  return idle === undefined ? undefined : idle * 2
}

/** Start of slot s, unix ms. */
export function slotStart (ix: RunIndex, slot: number): number {
  return ix.genesisMs + slot * ix.slotMs
}

/** The slot's deadline: the end of the slot, unix ms. An arrival counts only strictly before it. */
export function slotDeadline (ix: RunIndex, slot: number): number {
  return ix.genesisMs + (slot + 1) * ix.slotMs
}

/** The slot a unix ms falls in (negative before genesis). */
export function slotAt (ix: RunIndex, ts: number): number {
  return Math.floor((ts - ix.genesisMs) / ix.slotMs)
}

/** "+3.412s (slot 3)": a moment in a developer's words, relative to genesis. */
export function when (ix: RunIndex, ts: number): string {
  const s = (ts - ix.genesisMs) / 1000
  return `${s < 0 ? '-' : '+'}${Math.abs(s).toFixed(3)}s (${s < 0 ? 'before genesis' : `slot ${slotAt(ix, ts)}`})`
}

/** "+3.100s..+4.000s (slots 3-4)" */
export function span (ix: RunIndex, fromMs: number, toMs: number): string {
  const f = (ts: number): string => { const s = (ts - ix.genesisMs) / 1000; return `${s < 0 ? '-' : '+'}${Math.abs(s).toFixed(3)}s` }
  const a = slotAt(ix, fromMs)
  const b = slotAt(ix, Math.max(fromMs, toMs - 1))
  return `${f(fromMs)}..${f(toMs)} (${a === b ? `slot ${a}` : `slots ${a}-${b}`})`
}

/** "0-7, 9, 12-13": validator indices, compressed. */
export function ranges (values: Iterable<number>): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < sorted.length;) {
    let j = i
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++
    parts.push(i === j ? `${sorted[i] as number}` : `${sorted[i] as number}-${sorted[j] as number}`)
    i = j + 1
  }
  return parts.join(', ')
}
