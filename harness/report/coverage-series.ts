/**
 * Coverage per slot per aggregator, as issue 4 and the field define it:
 * for aggregator G and slot s, the distinct validators whose attestation for s
 * arrived at G before the slot's deadline (the end of the slot,
 * `genesisMs + (s+1) * slotMs`); G's own validators count when G published them.
 * Quorum is `3*count >= 2*validators` (22 of 32). Each slot also gets the field
 * log's own line: `coverage=21/32 late=none diff=+0/-7`, where `late` are
 * validators of s that arrived after the deadline and `diff` compares the set
 * with the previous slot's (+gained/-lost).
 *
 * NOTE: this belongs to the coverage oracle. harness/oracles did not export a
 * coverage function when the report was written; once it does, the report
 * should call the oracle's function and this file should go, so the chart and
 * the verdict can never disagree.
 */
import type { RunView } from './run-view.ts'

/** One aggregator's coverage of one slot. */
export interface SlotCoverage {
  slot: number
  /** distinct validators counted before the deadline */
  count: number
  validatorCount: number
  quorum: boolean
  /** validators counted, ascending */
  validators: number[]
  /** validators of this slot that arrived after the deadline */
  late: number[]
  /** vs the previous slot's set (the first slot compares with the empty set) */
  gained: number[]
  lost: number[]
  /** the field log's shape: `coverage=21/32 late=none diff=+0/-7` */
  line: string
}

/** The coverage series of one aggregator, one entry per slot 0..slots-1. */
export interface AggregatorCoverage {
  aggregator: string
  slots: SlotCoverage[]
}

export function hasQuorum (count: number, validatorCount: number): boolean {
  return 3 * count >= 2 * validatorCount
}

/** The smallest count that reaches quorum (22 for 32). */
export function quorumCount (validatorCount: number): number {
  return Math.ceil((2 * validatorCount) / 3)
}

export function coverageLine (c: Pick<SlotCoverage, 'count' | 'validatorCount' | 'late' | 'gained' | 'lost'>): string {
  const late = c.late.length === 0 ? 'none' : String(c.late.length)
  return `coverage=${c.count}/${c.validatorCount} late=${late} diff=+${c.gained.length}/-${c.lost.length}`
}

export function coverageSeries (view: RunView): AggregatorCoverage[] {
  const { genesisMs, slotMs, slots, validatorCount } = view.start
  const aggregators = view.nodes.filter(n => n.aggregator).map(n => n.name)
  // per aggregator: slot -> validator -> first arrival ts
  const arrivals = new Map<string, Map<number, Map<number, number>>>(aggregators.map(a => [a, new Map()]))
  for (const e of view.nodeEvents) {
    if (e.type !== 'msg_received' && e.type !== 'msg_published') continue
    const perSlot = arrivals.get(e.node)
    if (perSlot === undefined || typeof e.slot !== 'number' || typeof e.validator !== 'number') continue
    let perValidator = perSlot.get(e.slot)
    if (perValidator === undefined) { perValidator = new Map(); perSlot.set(e.slot, perValidator) }
    const seen = perValidator.get(e.validator)
    if (seen === undefined || e.ts < seen) perValidator.set(e.validator, e.ts)
  }
  return aggregators.map(aggregator => {
    const perSlot = arrivals.get(aggregator) ?? new Map<number, Map<number, number>>()
    const series: SlotCoverage[] = []
    let previous = new Set<number>()
    for (let slot = 0; slot < slots; slot++) {
      const deadline = genesisMs + (slot + 1) * slotMs
      const onTime: number[] = []
      const late: number[] = []
      for (const [v, ts] of perSlot.get(slot) ?? []) (ts < deadline ? onTime : late).push(v)
      onTime.sort((a, b) => a - b)
      late.sort((a, b) => a - b)
      const current = new Set(onTime)
      const gained = onTime.filter(v => !previous.has(v))
      const lost = [...previous].filter(v => !current.has(v)).sort((a, b) => a - b)
      const c = { slot, count: onTime.length, validatorCount, quorum: hasQuorum(onTime.length, validatorCount), validators: onTime, late, gained, lost }
      series.push({ ...c, line: coverageLine(c) })
      previous = current
    }
    return { aggregator, slots: series }
  })
}
