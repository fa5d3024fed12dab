/**
 * Expectation `coverage`: every aggregator reaches quorum (or `min`) in every
 * slot from `fromSlot` on; with `withinSlotsAfterFault: k`, the slots that
 * overlap [fault apply, apply + k slots) may fall short, every other may not.
 * A shortfall names the aggregator, the slots, the field's log line and whose
 * validators were missing, i.e. which directions starved ("A->D").
 */
import type { History } from '../history/types.ts'
import { coverageSeries, quorumCount, type AggregatorCoverage, type SlotCoverage } from './coverage.ts'
import type { CoverageExpectation } from './expectation.ts'
import { faultApplies } from './fault-windows.ts'
import { healthFindings } from './node-health.ts'
import { indexHistory, ranges, slotDeadline, slotStart, type RunIndex } from './run-index.ts'
import type { Finding, Verdict } from './verdict.ts'
import { verdictOf } from './verdict-parts.ts'

export function coverageQuorum (history: History, params: CoverageExpectation, ix: RunIndex = indexHistory(history)): Verdict {
  // per aggregator: a subnet aggregator's quorum is of its own subnets' validators
  const needOf = (a: AggregatorCoverage): number => params.min ?? quorumCount(a.judged.length)
  const exempt = exemptSlots(ix, params.withinSlotsAfterFault)
  const findings: Finding[] = []
  const unknown: string[] = []
  let judged = 0
  const series = coverageSeries(history, ix)
  for (const a of series) {
    const need = needOf(a)
    let run: SlotCoverage[] = []
    const flush = (): void => {
      if (run.length > 0) findings.push(shortfall(ix, a, run, need))
      run = []
    }
    for (const s of a.slots) {
      if (s.slot < params.fromSlot || exempt.has(s.slot) || !s.observed || s.down !== undefined) { flush(); continue }
      judged++
      if (s.count < need) run.push(s)
      else flush()
    }
    flush()
    const down = a.slots.filter(s => s.slot >= params.fromSlot && s.observed && s.down !== undefined && !exempt.has(s.slot))
    if (down.length > 0) {
      const why = [...new Set(down.map(s => `${s.down?.action ?? ''} ${s.down?.fault ?? ''}`))].join(', ')
      unknown.push(`${a.aggregator}: slots ${ranges(down.map(s => s.slot))} not judged: the run took the aggregator down (${why}), nothing can count its coverage`)
    }
    const unobserved = a.slots.filter(s => s.slot >= params.fromSlot && !s.observed)
    if (unobserved.length > 0 && ix.end !== undefined) unknown.push(`${a.aggregator}: slots ${ranges(unobserved.map(s => s.slot))} were not observed (the run ended at ${ix.end.reason})`)
  }
  if (series.length === 0) unknown.push('the run has no aggregator')
  else if (judged === 0 && unknown.length === 0) unknown.push('no slot to judge yet')
  return verdictOf(params, {
    findings,
    health: healthFindings(ix),
    unknown,
    checked: `${boundsText(series, needOf)} in all ${judged} judged aggregator-slots` +
      (exempt.size > 0 ? ` (slots ${ranges(exempt)} exempt: within ${params.withinSlotsAfterFault ?? 0} slot(s) of a fault)` : ''),
    evidence: {
      need: Object.fromEntries(series.map(a => [a.aggregator, needOf(a)])),
      exemptSlots: [...exempt].sort((x, y) => x - y),
      coverage: Object.fromEntries(series.map(a => [a.aggregator, a.slots.map(s => ({ slot: s.slot, count: s.count, line: s.line }))]))
    }
  })
}

/** "C, D: coverage >= 22/32" when every aggregator has one bound, else "C: coverage >= 6/8, D: coverage >= 3/4". */
function boundsText (series: readonly AggregatorCoverage[], needOf: (a: AggregatorCoverage) => number): string {
  const bound = (a: AggregatorCoverage): string => `coverage >= ${needOf(a)}/${a.judged.length}`
  const bounds = new Set(series.map(bound))
  if (bounds.size <= 1) return `${series.map(a => a.aggregator).join(', ')}: ${[...bounds][0] ?? 'coverage'}`
  return series.map(a => `${a.aggregator}: ${bound(a)}`).join(', ')
}

/** Slots overlapping [apply, apply + k*slotMs) of any fault application. */
export function exemptSlots (ix: RunIndex, k: number | undefined): Set<number> {
  const out = new Set<number>()
  if (k === undefined) return out
  for (const f of faultApplies(ix.faults)) {
    const until = f.ts + k * ix.slotMs
    for (let s = Math.max(0, Math.floor((f.ts - ix.genesisMs) / ix.slotMs)); s < ix.slots && slotStart(ix, s) < until; s++) {
      if (slotDeadline(ix, s) > f.ts) out.add(s)
    }
  }
  return out
}

function shortfall (ix: RunIndex, a: AggregatorCoverage, run: SlotCoverage[], need: number): Finding {
  const { aggregator, slots: series } = a
  const first = run[0] as SlotCoverage
  const last = run.at(-1) as SlotCoverage
  // where the missing validators were lost: the field's "+0/-N" line, possibly in an exempt slot before the shortfall
  const dropped = series.slice(0, first.slot + 1).reverse().find(s => s.lost.length > 0 && s.lost.some(v => !first.validators.includes(v)))
  const missing = new Set(a.judged.filter(v => !first.validators.includes(v)))
  const byOwner = new Map<string, number[]>()
  for (const v of missing) {
    const owner = ix.ownerOf.get(v) ?? 'no node'
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), v])
  }
  const worst = [...byOwner].sort((x, y) => y[1].length - x[1].length)
  const owned = (node: string): number => ix.nodeByName.get(node)?.validators.length ?? 0
  const missingText = worst.map(([node, vs]) => node === 'no node'
    ? `${vs.length} unassigned (${ranges(vs)})`
    : `${vs.length} of ${node}'s ${owned(node)} (${ranges(vs)}, ${node}->${aggregator})`).join('; ')
  const slots = first.slot === last.slot ? `slot ${first.slot}` : `slots ${first.slot}-${last.slot}`
  const top = worst.find(([node]) => node !== 'no node')
  return {
    message: `${aggregator}: coverage below ${need}/${a.judged.length} in ${slots}: slot ${first.slot} ${first.line}` +
      (run.length > 1 ? `, slot ${last.slot} ${last.line}` : '') + `; missing at slot ${first.slot}: ${missingText}` +
      (dropped !== undefined && dropped.slot !== first.slot ? `; lost at slot ${dropped.slot} (${dropped.line})` : ''),
    node: aggregator,
    slot: first.slot,
    fromMs: slotStart(ix, first.slot),
    toMs: slotDeadline(ix, last.slot),
    ...(top !== undefined ? { direction: `${top[0]}->${aggregator}` } : {})
  }
}
