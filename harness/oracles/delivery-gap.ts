/**
 * Expectation `delivery-gap`: for every publisher P and receiver R, no stretch
 * longer than `maxMs` in which none of P's attestations reached R while the
 * pair P-R had a live leg. Any path counts as delivery (relayed copies too);
 * time with no live P-R leg is excused. A pair that does not peer
 * (`peers: { degree }`) has no leg of its own: it is judged end to end, and
 * only time with no path of live legs from P to R is excused.
 *
 * Publishers publish once per slot, so deliveries are measured on the slot
 * clock: an attestation of slot s that reached R before the slot's deadline
 * counts at the slot's start (its cadence point); a late one counts when it
 * arrived. A run where every slot is delivered has gaps of exactly one slot,
 * counting from the cadence point before slot 0 to the end of the last slot.
 *
 *   P publishes   |s0      |s1      |s2      |s3      |s4
 *   R receives     x        x                          x        => gap s1 -> s4 = 3 slots
 *   P-R live      ======================.........=========      => 2 slots of it live: > 1 slot, a finding
 */
import type { History } from '../history/types.ts'
import type { DeliveryGapExpectation } from './expectation.ts'
import { LegLiveness } from './leg-liveness.ts'
import { healthFindings } from './node-health.ts'
import { indexHistory, slotAt, slotDeadline, slotStart, span, type RunIndex } from './run-index.ts'
import type { Finding, Verdict } from './verdict.ts'
import { verdictOf } from './verdict-parts.ts'
import { heardValidators } from './subnet-interest.ts'

/** The longest gap of one publisher->receiver direction (for the report's heatmap). */
export interface DirectionGap {
  direction: string
  deliveries: number
  maxGapMs: number
  /** how much of that longest gap the pair had a live leg (a pair that does not peer: a path of live legs) */
  maxGapLiveMs: number
  /** the most time any one gap had a live P-R leg */
  maxLiveGapMs: number
}

export function deliveryGap (history: History, params: DeliveryGapExpectation, ix: RunIndex = indexHistory(history), legs: LegLiveness = new LegLiveness(ix)): Verdict {
  const findings: Finding[] = []
  const directions: DirectionGap[] = []
  const publishers = ix.nodes.filter(n => n.validators.length > 0)
  // a live run (no run_end yet) is judged up to the start of its current slot, whose deliveries may still be in flight
  const seenUntil = ix.end !== undefined ? ix.observedUntil : slotStart(ix, slotAt(ix, ix.observedUntil))
  for (const p of publishers) {
    for (const r of ix.nodes) {
      if (r.name === p.name) continue
      // sparse subnets: only the attestations R subscribes to; none at all is no direction
      const own = new Set(heardValidators(ix, p, r))
      if (own.size === 0) continue
      // cadence points run from the one before slot 0 (genesis - slotMs) to the one after the last slot
      // (its end), so a missing first or last slot is a gap like any other; cut at either node's exit
      const exitAt = Math.min(ix.exits.get(p.name)?.ts ?? Infinity, ix.exits.get(r.name)?.ts ?? Infinity)
      const windowEnd = Math.min(ix.lastSlotEnd, seenUntil, exitAt)
      const windowStart = ix.genesisMs - ix.slotMs
      if (windowEnd <= windowStart) continue
      const points = cadencePoints(ix, r.name, own).filter(t => t >= windowStart && t < windowEnd)
      const marks = [windowStart, ...points, windowEnd]
      const direct = legs.peers(p.name, r.name)
      let maxGap = 0
      let maxGapLive = 0
      let maxLive = 0
      for (let i = 1; i < marks.length; i++) {
        const from = marks[i - 1] as number
        const to = marks[i] as number
        const gap = to - from
        const live = direct ? legs.pairLiveMs(p.name, r.name, from, to) : legs.reachableMs(p.name, r.name, from, to)
        if (gap > maxGap) { maxGap = gap; maxGapLive = live }
        maxLive = Math.max(maxLive, live)
        if (gap <= params.maxMs || live <= params.maxMs) continue
        const liveLegs = direct ? legs.liveLegsDuring(p.name, r.name, from, to) : []
        const ongoing = i === marks.length - 1
        findings.push({
          message: `${p.name}->${r.name}: no attestation of ${p.name}'s validators reached ${r.name} for ${gap} ms, ${span(ix, from, to)}` +
            `${ongoing ? ' (until the end of the judged window)' : ''}, ${live} ms of it while ` +
            (direct ? `they had a live leg: ${liveLegs.join(', ')}` : `a path of live legs connected them (they do not peer: judged end to end)`),
          direction: `${p.name}->${r.name}`,
          node: r.name,
          slot: slotAt(ix, from),
          fromMs: from,
          toMs: to,
          ...(liveLegs.length === 1 ? { leg: (liveLegs[0] as string).split(' ')[0] as string } : {})
        })
      }
      directions.push({ direction: `${p.name}->${r.name}`, deliveries: points.length, maxGapMs: maxGap, maxGapLiveMs: maxGapLive, maxLiveGapMs: maxLive })
    }
  }
  const unknown: string[] = []
  if (publishers.length === 0) unknown.push('no node publishes (no validators)')
  if (ix.observedUntil <= ix.genesisMs) unknown.push('the history ends before genesis')
  return verdictOf(params, {
    findings,
    health: healthFindings(ix),
    unknown,
    checked: `${directions.length} publisher->receiver directions; longest gap ${Math.max(0, ...directions.map(d => d.maxGapMs))} ms, ` +
      `longest live time in a gap ${Math.max(0, ...directions.map(d => d.maxLiveGapMs))} ms (bound ${params.maxMs} ms)`,
    evidence: { directions }
  })
}

/** R's deliveries of `validators`' attestations on the slot clock, ascending (one point per delivered slot, plus late arrivals). */
function cadencePoints (ix: RunIndex, receiver: string, validators: ReadonlySet<number>): number[] {
  const firstBySlot = new Map<number, number>()
  for (const e of ix.events.get(receiver) ?? []) {
    if (e.type !== 'msg_received' || typeof e.slot !== 'number' || typeof e.validator !== 'number' || !validators.has(e.validator)) continue
    const prev = firstBySlot.get(e.slot)
    if (prev === undefined || e.ts < prev) firstBySlot.set(e.slot, e.ts)
  }
  const points: number[] = []
  for (const [slot, ts] of firstBySlot) points.push(ts < slotDeadline(ix, slot) ? slotStart(ix, slot) : ts)
  return points.sort((a, b) => a - b)
}
