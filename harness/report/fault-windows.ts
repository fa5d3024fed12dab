/**
 * Fault windows: the fault timeline of a history as intervals per leg.
 *
 *   fault apply (fault f, leg A>B) ─────────── fault heal (f, A>B)   => window [apply, heal]
 *   fault apply with no heal before run end                           => window [apply, run end], open
 *   reset / close (nothing to heal)                                   => instant [ts, ts]
 *
 * A heal closes the open window of the same fault id on the same leg; a heal
 * whose fault id has no open window (or an `up` apply) closes the latest open
 * window on that leg, because a scenario may write `down` and `up` as two faults.
 */
import type { FaultAction, FaultEntry, LegName } from '../history/types.ts'

/** One fault on one leg, from apply to heal. */
export interface FaultWindow {
  fault: string
  action: FaultAction
  leg: LegName
  fromMs: number
  toMs: number
  /** no heal was recorded: the window runs to the end of the run */
  open: boolean
  /** a one-shot action (reset, close): nothing to heal, drawn as a mark */
  instant: boolean
  selector?: string
  params?: Record<string, unknown>
}

/** Actions that do their harm at once and leave nothing to heal. */
const INSTANT: ReadonlySet<FaultAction> = new Set<FaultAction>(['reset', 'close', 'rebind'])
/** Actions whose `apply` ends an earlier fault on the leg rather than starting one. */
const HEALING: ReadonlySet<FaultAction> = new Set<FaultAction>(['up', 'heal'])

export function faultWindows (faults: readonly FaultEntry[], runEndMs: number): FaultWindow[] {
  const done: FaultWindow[] = []
  const open: FaultWindow[] = []
  const closeWindow = (w: FaultWindow, ts: number): void => {
    open.splice(open.indexOf(w), 1)
    done.push({ ...w, toMs: ts, open: false })
  }
  for (const f of [...faults].sort((a, b) => a.ts - b.ts)) {
    const heals = f.phase === 'heal' || HEALING.has(f.action)
    if (heals) {
      const same = open.find(w => w.fault === f.fault && w.leg === f.leg)
      const latestOnLeg = open.filter(w => w.leg === f.leg).at(-1)
      const target = same ?? latestOnLeg
      if (target !== undefined) closeWindow(target, f.ts)
      continue
    }
    const w: FaultWindow = {
      fault: f.fault,
      action: f.action,
      leg: f.leg,
      fromMs: f.ts,
      toMs: f.ts,
      open: false,
      instant: INSTANT.has(f.action),
      ...(f.selector !== undefined ? { selector: f.selector } : {}),
      ...(f.params !== undefined ? { params: f.params } : {})
    }
    if (w.instant) done.push(w)
    else open.push(w)
  }
  for (const w of open) done.push({ ...w, toMs: Math.max(w.fromMs, runEndMs), open: true })
  return done.sort((a, b) => a.fromMs - b.fromMs || a.leg.localeCompare(b.leg))
}
