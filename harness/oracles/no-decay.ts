/**
 * Expectation `no-decay`: the field's `+0/-N` that never comes back. When an
 * aggregator's coverage loses validators from one slot to the next while
 * their publisher still had a live leg path to it, those validators must be
 * counted again within k slots. A loss while the publisher was cut off (no
 * path of live legs) is excused: there was nothing to deliver over.
 *
 *   slot 4  coverage=32/32 late=none diff=+0/-0
 *   slot 5  coverage=24/32 late=none diff=+0/-8     A's 8 lost; A>D or D>A live all along
 *   slot 6  coverage=24/32 late=none diff=+0/-0     not back within 1 slot: finding "A->D"
 */
import type { History } from '../history/types.ts'
import { coverageSeries } from './coverage.ts'
import type { NoDecayExpectation } from './expectation.ts'
import { LegLiveness } from './leg-liveness.ts'
import { healthFindings } from './node-health.ts'
import { indexHistory, ranges, slotDeadline, slotStart, span, type RunIndex } from './run-index.ts'
import type { Finding, Verdict } from './verdict.ts'
import { verdictOf } from './verdict-parts.ts'

export function noDecay (history: History, params: NoDecayExpectation, ix: RunIndex = indexHistory(history), legs: LegLiveness = new LegLiveness(ix)): Verdict {
  const k = params.withinSlots
  const findings: Finding[] = []
  const drops: Array<Record<string, unknown>> = []
  let excused = 0
  let recovered = 0
  let tooLate = 0
  let aggregatorDown = 0
  const series = coverageSeries(history, ix)
  for (const a of series) {
    const observed = a.slots.filter(s => s.observed)
    for (const s of observed) {
      if (s.lost.length === 0) continue
      const byOwner = new Map<string, number[]>()
      for (const v of s.lost) {
        const owner = ix.ownerOf.get(v)
        if (owner === undefined || owner === a.aggregator) continue
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), v])
      }
      for (const [publisher, lost] of byOwner) {
        const from = slotStart(ix, s.slot)
        const until = slotDeadline(ix, s.slot + k)
        const lastJudgeable = s.slot + k
        if (lastJudgeable >= ix.slots || (observed.at(-1)?.slot ?? -1) < lastJudgeable) { tooLate++; continue }
        // the run took the aggregator down in that span: nothing counted there, nothing to judge
        if (a.slots.slice(s.slot, s.slot + k + 1).some(w => w.down !== undefined)) { aggregatorDown++; continue }
        if (!legs.pathThroughout(publisher, a.aggregator, from, until)) { excused++; continue }
        const window = a.slots.slice(s.slot + 1, s.slot + k + 1)
        const missing = lost.filter(v => !window.some(w => w.validators.includes(v)))
        const back = a.slots.slice(s.slot + k + 1).find(w => missing.every(v => w.validators.includes(v)))
        drops.push({ aggregator: a.aggregator, publisher, slot: s.slot, lost, missing, backAtSlot: back?.slot ?? null })
        if (missing.length === 0) { recovered++; continue }
        const direct = legs.liveLegsDuring(publisher, a.aggregator, from, until)
        findings.push({
          message: `${a.aggregator} lost ${lost.length} of ${publisher}'s validators (${ranges(lost)}) at slot ${s.slot} (${s.line})` +
            ` and ${ranges(missing)} did not come back within ${k} slot(s)` +
            (back !== undefined ? ` (back at slot ${back.slot})` : ' (never back before the run ended)') +
            `, although ${publisher} had a live leg path to ${a.aggregator} throughout ${span(ix, from, until)}` +
            (direct.length > 0 ? `; direct legs live: ${direct.join(', ')}` : '; no direct leg, relayed paths only'),
          direction: `${publisher}->${a.aggregator}`,
          node: a.aggregator,
          slot: s.slot,
          fromMs: from,
          toMs: back !== undefined ? slotStart(ix, back.slot) : Math.min(ix.observedUntil, ix.lastSlotEnd)
        })
      }
    }
  }
  const unknown: string[] = []
  if (series.length === 0) unknown.push('the run has no aggregator')
  return verdictOf(params, {
    findings,
    health: healthFindings(ix),
    unknown,
    checked: (drops.length === 0 ? 'no coverage drop while the publisher had a live leg path' : `${drops.length} coverage drop(s) while the publisher had a live leg path, all recovered within ${k} slot(s)`) +
      `; ${excused} excused (publisher cut off), ${tooLate} too close to the end to judge` +
      (aggregatorDown > 0 ? `, ${aggregatorDown} not judged (the run took the aggregator down)` : ''),
    evidence: { drops, excused, recovered, tooLate, aggregatorDown }
  })
}
