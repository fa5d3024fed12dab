/**
 * Expectation `legs-settle`: after the last fault heals, every pair is back to
 * its two legs within k slots and stays there to the end of the run: each
 * leg live (open at both ends, unfaulted) from heal + k slots on, with one
 * connection. A leg that keeps closing and reopening (a redial loop), one
 * never redialed, or a leg doubled by a second dial is a finding.
 *
 *   last heal ──── k slots ────┤ settled from here ────────────────┤ end of the judged window
 *   A>B  live  [==)  [=)  [=====================================)      ok
 *   B>A  live     [=)  [==)  [===)  [=====)  [====)                     finding: dropped 4 times after settling
 */
import type { History, LegName } from '../history/types.ts'
import type { LegsSettleExpectation } from './expectation.ts'
import { contains, union, type Interval } from './intervals.ts'
import { LegLiveness } from './leg-liveness.ts'
import { healthFindings } from './node-health.ts'
import { indexHistory, slotAt, when, type RunIndex } from './run-index.ts'
import { judgedUntil } from './streams-survive.ts'
import type { Finding, Verdict } from './verdict.ts'
import { verdictOf } from './verdict-parts.ts'

/** One leg after the last heal. */
export interface LegSettling {
  leg: LegName
  /** first moment from the last heal on that the leg was live (null: never) */
  backMs: number | null
  /** times it stopped being live after heal + k slots, before the end of the judged window */
  drops: number
  /** dialer-side connections of the leg opened after the last heal (1 for a clean redial) */
  opensAfterHeal: number
  /** dialer-side connections open at the end of the judged window */
  openAtEnd: number
}

function settling (ix: RunIndex, legs: LegLiveness, leg: LegName, healMs: number, settleBy: number, until: number): LegSettling {
  const live = union(legs.intervals(leg)).filter(i => i.toMs > healMs && i.fromMs < until)
    .map((i): Interval => ({ fromMs: Math.max(i.fromMs, healMs), toMs: Math.min(i.toMs, until) }))
  const dialerSide = [...ix.connections.values()].filter(c => c.leg === leg && c.direction === 'outbound')
  return {
    leg,
    backMs: live[0]?.fromMs ?? null,
    drops: live.filter(i => i.toMs > settleBy && i.toMs < until).length,
    opensAfterHeal: dialerSide.filter(c => c.openMs > healMs && c.openMs < until).length,
    openAtEnd: dialerSide.filter(c => c.openMs < until && (c.closeMs === undefined || c.closeMs >= until)).length
  }
}

export function legsSettle (history: History, params: LegsSettleExpectation, ix: RunIndex = indexHistory(history), legs: LegLiveness = new LegLiveness(ix)): Verdict {
  const until = judgedUntil(ix)
  const windows = ix.faultWindows.filter(w => w.fromMs < until)
  const unknown: string[] = []
  const findings: Finding[] = []
  const neverHealed = windows.filter(w => w.open)
  if (windows.length === 0) unknown.push('no fault was applied in the judged window: nothing to settle from')
  for (const w of neverHealed) unknown.push(`fault ${w.fault} (${w.action} on ${w.leg}) was never healed: the legs cannot settle`)
  const healMs = Math.max(...windows.map(w => w.toMs))
  const settleBy = healMs + params.withinSlots * ix.slotMs
  if (windows.length > 0 && neverHealed.length === 0 && settleBy >= until) {
    unknown.push(`the last fault healed at ${when(ix, healMs)}; ${params.withinSlots} slot(s) later is past the end of the judged window (${when(ix, until)})`)
  }
  if (unknown.length > 0) return verdictOf(params, { findings, health: healthFindings(ix), unknown, checked: '' })

  const all = ix.start.legs.map(l => settling(ix, legs, l.name, healMs, settleBy, until))
  for (const s of all) {
    const base = { leg: s.leg, fromMs: healMs, toMs: until }
    const live = legs.intervals(s.leg)
    if (!contains(live, settleBy)) {
      const back = s.backMs === null ? 'it was not live again before the end of the judged window' : `it was live again only at ${when(ix, s.backMs)}`
      findings.push({ ...base, slot: slotAt(ix, settleBy), message: `leg ${s.leg} was not back within ${params.withinSlots} slot(s) of the last heal (${when(ix, healMs)}): ${back} (${s.opensAfterHeal} dial(s) of it after the heal)` })
      continue
    }
    if (s.drops > 0) {
      findings.push({ ...base, slot: slotAt(ix, settleBy), message: `leg ${s.leg} was back by ${when(ix, settleBy)} but dropped ${s.drops} more time(s) before the end of the run, with ${s.opensAfterHeal} dial(s) after the heal: a redial loop, not a settled pair` })
      continue
    }
    if (s.openAtEnd > 1) {
      findings.push({ ...base, message: `leg ${s.leg} holds ${s.openAtEnd} connections at the end of the run: the pair has more than its two legs` })
    }
  }
  return verdictOf(params, {
    findings,
    health: healthFindings(ix),
    unknown,
    checked: `all ${all.length} legs live from ${when(ix, settleBy)} (${params.withinSlots} slot(s) after the last heal at ${when(ix, healMs)}) to the end, one connection each; ${all.reduce((n, s) => n + s.opensAfterHeal, 0)} redial(s) after the heal`,
    evidence: { healMs, settleBy, legs: all }
  })
}
