/**
 * Measured leg death: for every fault that takes a leg down (`down`, `blackhole`,
 * each down of a `flap`), how long each end took to declare the connection the
 * fault hit lost (its `leg_close`), counted from the fault's apply. A TCP `down`
 * closes the connection at once; a QUIC leg only dies when each end's idle timer
 * runs out, so this is where a node that does not apply the configured
 * `quic.maxIdleTimeoutMs` (a black-box stack with a fixed ~60 s) shows up.
 *
 *   apply (A>B, A's c7, B's c9) ──────────────────── heal
 *     A: leg_close c7 at +640 ms      ──> A dialer   640 ms
 *     B: no leg_close of c9 by heal   ──> B listener not detected within 10000 ms
 *
 * The connections are the ones the fault entry names (`dialerLeg`/`listenerLeg`,
 * taken at apply time); without them, the end's connection on that leg open at the
 * apply. A close by the node's exit is not a detection. Pure, over the RunIndex.
 */
import type { FaultAction, LegName, TransportName } from '../history/types.ts'
import { connectionKey, type Connection, type RunIndex } from './run-index.ts'

/** Actions after which nothing passes the leg and the connection is left to die by itself. */
const TAKES_LEG_DOWN: ReadonlySet<FaultAction> = new Set<FaultAction>(['down', 'blackhole'])

/** One end of one downed leg. */
export interface LegDeathEnd {
  fault: string
  action: FaultAction
  leg: LegName
  transport: TransportName | undefined
  node: string
  impl: string
  role: 'dialer' | 'listener'
  /** node-local connection id the fault hit */
  connection: string
  appliedMs: number
  /** how long the fault was in force (apply to heal, or to the end of the history) */
  windowMs: number
  /** apply -> leg_close; absent when the end did not close it while the fault was in force */
  ms?: number
  /** the scenario's `leg-death-within` for the fault (FaultEntry.legDeathWithinMs) */
  requiredWithinMs?: number
}

/** The slowest ends of one node or implementation (and transport). */
export interface LegDeathSummary {
  /** node name, or implementation name for the per-implementation summary */
  name: string
  impl: string
  transport: TransportName | undefined
  ends: number
  detected: number
  /** the slowest measured leg death, ms (absent: none measured) */
  slowestMs?: number
  /** ends that never closed while the fault was in force, and the longest such window */
  undetected: number
  longestUndetectedMs?: number
}

export interface LegDeathReport {
  ends: LegDeathEnd[]
  byNode: LegDeathSummary[]
  byImpl: LegDeathSummary[]
}

export function legDeaths (ix: RunIndex): LegDeathEnd[] {
  const transportOf = new Map(ix.start.legs.map(l => [l.name, l.transport]))
  const out: LegDeathEnd[] = []
  for (const w of ix.faultWindows) {
    if (!TAKES_LEG_DOWN.has(w.action) || w.instant) continue
    const entry = ix.faults.find(f => f.phase === 'apply' && f.fault === w.fault && f.leg === w.leg && f.ts === w.fromMs && f.action === w.action)
    const [dialer, listener] = w.leg.split('>') as [string, string]
    for (const [role, node, id] of [['dialer', dialer, entry?.dialerLeg], ['listener', listener, entry?.listenerLeg]] as const) {
      const conn = id !== undefined ? ix.connections.get(connectionKey(node, id)) : openAt(ix, node, w.leg, w.fromMs)
      // no connection up at the apply: nothing there to die
      if (conn === undefined || conn.openMs > w.fromMs || (conn.closeMs !== undefined && conn.closeMs < w.fromMs)) continue
      const closed = conn.closeMs !== undefined && conn.closeReason !== 'node exited' && conn.closeMs <= w.toMs
      out.push({
        fault: w.fault, action: w.action, leg: w.leg, transport: transportOf.get(w.leg), node, impl: ix.nodeByName.get(node)?.impl ?? '?', role,
        connection: conn.id, appliedMs: w.fromMs, windowMs: w.toMs - w.fromMs, ...(closed ? { ms: (conn.closeMs as number) - w.fromMs } : {}),
        ...(w.legDeathWithinMs !== undefined ? { requiredWithinMs: w.legDeathWithinMs } : {})
      })
    }
  }
  return out
}

/** The node's connection on `leg` open at `t` (its end of the leg), when the fault entry did not name it. */
function openAt (ix: RunIndex, node: string, leg: LegName, t: number): Connection | undefined {
  return [...ix.connections.values()].filter(c => c.node === node && c.leg === leg && c.openMs <= t && (c.closeMs ?? Infinity) >= t).at(-1)
}

/** Every end, summarised per node and per implementation (each per transport). */
export function legDeathReport (ix: RunIndex): LegDeathReport {
  const ends = legDeaths(ix)
  return {
    ends,
    byNode: summarise(ends, e => e.node),
    byImpl: summarise(ends, e => e.impl)
  }
}

function summarise (ends: readonly LegDeathEnd[], nameOf: (e: LegDeathEnd) => string): LegDeathSummary[] {
  const groups = new Map<string, LegDeathEnd[]>()
  for (const e of ends) {
    const key = `${nameOf(e)}\u0000${e.transport ?? ''}`
    groups.set(key, [...(groups.get(key) ?? []), e])
  }
  return [...groups.values()].map(g => {
    const first = g[0] as LegDeathEnd
    const measured = g.flatMap(e => e.ms === undefined ? [] : [e.ms])
    const missed = g.filter(e => e.ms === undefined).map(e => e.windowMs)
    return {
      name: nameOf(first), impl: first.impl, transport: first.transport, ends: g.length, detected: measured.length,
      ...(measured.length > 0 ? { slowestMs: Math.max(...measured) } : {}),
      undetected: missed.length, ...(missed.length > 0 ? { longestUndetectedMs: Math.max(...missed) } : {})
    }
  }).sort((a, b) => a.name.localeCompare(b.name) || (a.transport ?? '').localeCompare(b.transport ?? ''))
}

/** "slowest 640 ms (3 ends)", "not detected within 10000 ms (1 of 3 ends); slowest measured 640 ms" */
export function describeSummary (s: LegDeathSummary): string {
  const measured = s.slowestMs === undefined ? 'none measured' : `slowest ${s.slowestMs} ms`
  if (s.undetected === 0) return `${measured} (${s.ends} end(s))`
  return `not detected within ${s.longestUndetectedMs ?? 0} ms (${s.undetected} of ${s.ends} end(s)); ${measured}`
}

/** "640 ms" or "not detected within 10000 ms" */
export function describeEnd (e: LegDeathEnd): string {
  return e.ms === undefined ? `not detected within ${e.windowMs} ms` : `${e.ms} ms`
}
