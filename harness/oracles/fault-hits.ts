/**
 * What each fault hit: the gossip stream directions ("A->B") that rode its
 * leg when it started. A pass over a fault that touched no stream says
 * nothing about streams, so verdicts say so, and a fault written with
 * `exercised: true` that hit nothing turns every would-be pass into
 * `unknown (vacuous)`.
 *
 *   apply entry with `hit` (recorded by the runner from live status)  ──> that list
 *   apply entry without it (a hand-built history, an older run)       ──> derived: streams open on the leg at apply
 */
import type { FaultWindow } from './fault-windows.ts'
import { span, type RunIndex } from './run-index.ts'
import type { Verdict } from './verdict.ts'

/** One fault window and the streams it hit. */
export interface FaultHit {
  fault: string
  action: string
  leg: string
  fromMs: number
  toMs: number
  selector?: string
  /** stream directions, sorted; empty = it touched no stream */
  streams: string[]
  /** true: from the fault's own record; false: derived from stream events */
  recorded: boolean
  mustHit: boolean
}

/** The streams one window hit: its recorded `hit`, else the streams the history shows open on the leg at its start. */
export function hitOf (ix: RunIndex, w: FaultWindow): FaultHit {
  const recorded = w.hit !== undefined
  const streams = recorded
    ? [...(w.hit as string[])].sort()
    : [...new Set(ix.streams
        .filter(s => s.leg === w.leg && s.openMs <= w.fromMs && (s.closeMs === undefined || s.closeMs >= w.fromMs))
        .map(s => s.direction === 'outbound' ? `${s.node}->${s.peer}` : `${s.peer}->${s.node}`))].sort()
  return {
    fault: w.fault, action: w.action, leg: w.leg, fromMs: w.fromMs, toMs: w.toMs,
    ...(w.selector !== undefined ? { selector: w.selector } : {}),
    streams, recorded, mustHit: w.mustHit === true
  }
}

export function faultHits (ix: RunIndex, windows: readonly FaultWindow[] = ix.faultWindows): FaultHit[] {
  return windows.map(w => hitOf(ix, w))
}

/** For a verdict's summary: "the fault touched no stream", "2 of 5 fault window(s) touched no stream (...)", or '' when every one hit. */
export function untouchedNote (ix: RunIndex, hits: readonly FaultHit[]): string {
  const none = hits.filter(h => h.streams.length === 0)
  if (hits.length === 0 || none.length === 0) return ''
  if (none.length === hits.length) return `the fault touched no stream (${hits.length === 1 ? 'its window' : `all ${hits.length} fault windows`}: no gossip stream rode the faulted leg when it started)`
  const list = none.slice(0, 4).map(h => `${h.fault} on ${h.leg} ${span(ix, h.fromMs, h.toMs)}`).join('; ')
  return `${none.length} of ${hits.length} fault window(s) touched no stream (${list}${none.length > 4 ? '; ...' : ''})`
}

/** The scenario fault a window belongs to: "faults[0]" for "faults[0]#2#1" (repetition 2, flap cycle 1). */
export function scenarioFaultOf (fault: string): string {
  const cut = fault.indexOf('#')
  return cut < 0 ? fault : fault.slice(0, cut)
}

/**
 * Why the run is vacuous: each scenario fault that must hit a stream and whose applications (every
 * repetition, every leg it resolved to) all hit none. One that hit a stream once was exercised: a
 * later repetition finding the streams moved away (or destroyed by the first) is the run's story,
 * not a vacuous run. Empty = not vacuous.
 */
export function vacuousReasons (ix: RunIndex, hits: readonly FaultHit[] = faultHits(ix)): string[] {
  const byFault = new Map<string, FaultHit[]>()
  for (const h of hits) {
    if (!h.mustHit) continue
    const id = scenarioFaultOf(h.fault)
    const list = byFault.get(id) ?? []
    list.push(h)
    byFault.set(id, list)
  }
  const reasons: string[] = []
  for (const [fault, list] of byFault) {
    if (list.some(h => h.streams.length > 0)) continue
    const first = list[0] as FaultHit
    const last = list.at(-1) as FaultHit
    const legs = [...new Set(list.map(h => h.leg))]
    reasons.push(`fault ${fault} (${first.action} on ${legs.join(', ')}${first.selector !== undefined ? `, ${first.selector}` : ''}, ${list.length} window(s) ${span(ix, first.fromMs, last.toMs)}) must be exercised but hit no gossip stream`)
  }
  return reasons
}

/** A pass over a vacuous run is no pass: it becomes unknown (vacuous). Fails and unknowns stay as they are. */
export function markVacuous (verdicts: readonly Verdict[], reasons: readonly string[]): Verdict[] {
  if (reasons.length === 0) return [...verdicts]
  return verdicts.map(v => v.status !== 'pass'
    ? v
    : { ...v, status: 'unknown', summary: `unknown (vacuous): ${reasons.join('; ')}; without it: ${v.summary}`, evidence: { ...v.evidence, vacuous: [...reasons] } })
}
