/**
 * Coverage as the field measures it (zeam's aggregate coverage metric): for
 * aggregator G and slot s, the distinct validators whose attestation for s
 * arrived at G strictly before the slot's deadline, the end of the slot
 * (`genesisMs + (s+1) * slotMs`): a msg_received at G, or G's own
 * msg_published. Quorum is `3*count >= 2*validators` (22 of 32). Each slot
 * also gets the aggregator log's own line:
 *
 *   coverage=21/32 late=none diff=+0/-7
 *     count/validators  late: validators of s that arrived at or after the deadline ("none" or how many)
 *                       diff: +gained/-lost validators compared with slot s-1 (slot 0 compares with nothing)
 *
 * A subnet aggregator (RunNode.aggregates, with sparse subnets) is judged over
 * the validators of its subnets only: its count, quorum and line use that set.
 *
 * The report's chart and the coverage verdicts both read this one function.
 */
import type { History } from '../history/types.ts'
import type { FaultWindow } from './fault-windows.ts'
import { indexHistory, slotDeadline, slotStart, type RunIndex } from './run-index.ts'

/** One aggregator's coverage of one slot. */
export interface SlotCoverage {
  slot: number
  /** distinct validators counted before the deadline */
  count: number
  validatorCount: number
  quorum: boolean
  /** validators counted, ascending */
  validators: number[]
  /** validators of this slot whose first arrival was at or after the deadline, ascending */
  late: number[]
  /** compared with the previous slot's set */
  gained: number[]
  lost: number[]
  /** `coverage=21/32 late=none diff=+0/-7` */
  line: string
  /** the history reaches the slot's deadline (false: the run ended or is still running before it) */
  observed: boolean
  /**
   * The run itself took the aggregator down during this slot (a kill, pause or restart node
   * fault on it, its recovery grace included): the fault id and action. Nothing can judge
   * coverage at a node that is not there, so the verdicts call such a slot unknown, never fail.
   */
  down?: { fault: string, action: string }
}

/** One aggregator's series, one entry per slot 0..slots-1. */
export interface AggregatorCoverage {
  aggregator: string
  /** the validators it is judged over: all, or a subnet aggregator's (v % subnets in its subnets), ascending */
  judged: number[]
  slots: SlotCoverage[]
}

/** The validators aggregator `node` is judged over: every one, or those on the subnets it aggregates. */
export function judgedValidators (ix: RunIndex, node: string): number[] {
  const all = Array.from({ length: ix.validatorCount }, (_, v) => v)
  const aggregates = ix.nodeByName.get(node)?.aggregates
  const subnets = ix.start.subnets
  if (aggregates === undefined || subnets === undefined) return all
  return all.filter(v => aggregates.includes(v % subnets))
}

/** One coverage log line (observed slots only), e.g. for live progress. */
export interface CoverageLine {
  aggregator: string
  slot: number
  count: number
  quorum: boolean
  line: string
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

/** First arrival (unix ms) of each (slot, validator) attestation at `node`: received, or published by it. */
export function arrivals (ix: RunIndex, node: string): Map<number, Map<number, number>> {
  const bySlot = new Map<number, Map<number, number>>()
  for (const e of ix.events.get(node) ?? []) {
    if (e.type !== 'msg_received' && e.type !== 'msg_published') continue
    const slot = e.slot
    const v = e.validator
    if (typeof slot !== 'number' || typeof v !== 'number' || v < 0 || v >= ix.validatorCount) continue
    let m = bySlot.get(slot)
    if (m === undefined) { m = new Map(); bySlot.set(slot, m) }
    const prev = m.get(v)
    if (prev === undefined || e.ts < prev) m.set(v, e.ts)
  }
  return bySlot
}

export function coverageSeries (history: History, ix: RunIndex = indexHistory(history)): AggregatorCoverage[] {
  return ix.nodes.filter(n => n.aggregator).map(n => {
    const got = arrivals(ix, n.name)
    const downs = downWindows(ix, n.name)
    const judged = judgedValidators(ix, n.name)
    const mine = new Set(judged)
    let previous = new Set<number>()
    const slots: SlotCoverage[] = []
    for (let slot = 0; slot < ix.slots; slot++) {
      const deadline = slotDeadline(ix, slot)
      const counted: number[] = []
      const late: number[] = []
      for (const [v, ts] of got.get(slot) ?? []) if (mine.has(v)) (ts < deadline ? counted : late).push(v)
      counted.sort((a, b) => a - b)
      late.sort((a, b) => a - b)
      const now = new Set(counted)
      const gained = counted.filter(v => !previous.has(v))
      const lost = [...previous].filter(v => !now.has(v)).sort((a, b) => a - b)
      const c = { slot, count: counted.length, validatorCount: judged.length, quorum: hasQuorum(counted.length, judged.length), validators: counted, late, gained, lost }
      const down = downs.find(w => w.fromMs < deadline && slotStart(ix, slot) < w.toMs)
      slots.push({ ...c, line: coverageLine(c), observed: deadline <= ix.observedUntil, ...(down !== undefined ? { down: { fault: down.fault, action: down.action } } : {}) })
      previous = now
    }
    return { aggregator: n.name, judged, slots }
  })
}

/** The windows in which the run took `node` down on purpose (node faults kill, pause, restart on it). */
export function downWindows (ix: RunIndex, node: string): FaultWindow[] {
  const onNode = new Set(ix.faults.filter(f => f.node === node && DOWN_ACTIONS.has(f.action)).map(f => `${f.fault}\u0000${f.leg}`))
  return ix.faultWindows.filter(w => DOWN_ACTIONS.has(w.action) && onNode.has(`${w.fault}\u0000${w.leg}`))
}

const DOWN_ACTIONS: ReadonlySet<string> = new Set(['kill', 'pause', 'restart'])

/** The aggregator log lines of every observed slot, in slot order then aggregator order. */
export function coverageLines (history: History, ix: RunIndex = indexHistory(history)): CoverageLine[] {
  const out: CoverageLine[] = []
  for (const a of coverageSeries(history, ix)) {
    for (const s of a.slots) if (s.observed) out.push({ aggregator: a.aggregator, slot: s.slot, count: s.count, quorum: s.quorum, line: s.line })
  }
  return out.sort((x, y) => x.slot - y.slot)
}
