/**
 * Expectation `latency`: per direction (publisher -> receiver), the p50 and
 * p99 of attestation latency stay within the bounds. Coverage and
 * delivery-gap count arrivals; this one asks how late they came, so
 * "attestations arrived, but 900 ms late behind blocks" is a finding.
 *
 *   receiver R: msg_received {msgId, slot, validator v, latencyMs}   (first arrival of each msgId at R)
 *   direction owner(v)->R: sorted latencies ──> p50, p99 (nearest rank) ──> over a bound = finding
 *
 * The latency is the node's own `latencyMs` (arrival minus the publish time
 * the attestation carries); a node that omits it is measured from the
 * publisher's msg_published entry instead (one host clock).
 */
import type { History, NodeEntry } from '../history/types.ts'
import type { LatencyExpectation } from './expectation.ts'
import { healthFindings } from './node-health.ts'
import { indexHistory, slotStart, when, type RunIndex } from './run-index.ts'
import { judgedUntil } from './streams-survive.ts'
import type { Finding, Verdict } from './verdict.ts'
import { verdictOf } from './verdict-parts.ts'

/** One direction's measured latencies. */
export interface DirectionLatency {
  direction: string
  samples: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** the slowest arrival: when, and which attestation */
  slowest: { ts: number, slot: number, validator: number }
}

/** Nearest-rank percentile of an ascending list (q in (0, 1]). */
export function percentile (sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number
}

interface Sample { ms: number, ts: number, slot: number, validator: number }

/** Every direction's latencies, from the first arrival of each attestation at each receiver. */
export function directionLatencies (ix: RunIndex, fromSlot: number, until: number): { latencies: DirectionLatency[], unmeasured: number } {
  const publishedAt = new Map<string, number>()
  for (const list of ix.events.values()) {
    for (const e of list) if (e.type === 'msg_published' && !publishedAt.has(e.msgId)) publishedAt.set(e.msgId, e.ts)
  }
  const byDirection = new Map<string, Sample[]>()
  let unmeasured = 0
  for (const [receiver, list] of ix.events) {
    const seen = new Set<string>()
    for (const e of list as NodeEntry[]) {
      if (e.type !== 'msg_received' || e.slot === undefined || e.validator === undefined) continue
      if (e.slot < fromSlot || slotStart(ix, e.slot) >= until || seen.has(e.msgId)) continue
      seen.add(e.msgId)
      const publisher = ix.ownerOf.get(e.validator)
      if (publisher === undefined || publisher === receiver) continue
      const published = publishedAt.get(e.msgId)
      const ms = e.latencyMs ?? (published !== undefined ? e.ts - published : undefined)
      if (ms === undefined) { unmeasured++; continue }
      const direction = `${publisher}->${receiver}`
      const samples = byDirection.get(direction) ?? []
      samples.push({ ms, ts: e.ts, slot: e.slot, validator: e.validator })
      byDirection.set(direction, samples)
    }
  }
  const latencies = [...byDirection].sort(([a], [b]) => a.localeCompare(b)).map(([direction, samples]): DirectionLatency => {
    const sorted = samples.map(s => s.ms).sort((a, b) => a - b)
    const slowest = samples.reduce((m, s) => s.ms > m.ms ? s : m)
    return {
      direction, samples: samples.length, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), maxMs: slowest.ms,
      slowest: { ts: slowest.ts, slot: slowest.slot, validator: slowest.validator }
    }
  })
  return { latencies, unmeasured }
}

export function latency (history: History, params: LatencyExpectation, ix: RunIndex = indexHistory(history)): Verdict {
  const until = judgedUntil(ix)
  const { latencies, unmeasured } = directionLatencies(ix, params.fromSlot, until)
  const findings: Finding[] = []
  for (const d of latencies) {
    const over: string[] = []
    if (params.p50Ms !== undefined && d.p50Ms > params.p50Ms) over.push(`p50 ${d.p50Ms} ms over the ${params.p50Ms} ms bound`)
    if (params.p99Ms !== undefined && d.p99Ms > params.p99Ms) over.push(`p99 ${d.p99Ms} ms over the ${params.p99Ms} ms bound`)
    if (over.length === 0) continue
    findings.push({
      message: `${d.direction}: attestation latency ${over.join(' and ')} (p50 ${d.p50Ms} ms, p99 ${d.p99Ms} ms, max ${d.maxMs} ms over ${d.samples} attestation(s) from slot ${params.fromSlot});` +
        ` the slowest, validator ${d.slowest.validator} of slot ${d.slowest.slot}, arrived at ${when(ix, d.slowest.ts)}`,
      direction: d.direction,
      slot: d.slowest.slot,
      fromMs: slotStart(ix, params.fromSlot),
      toMs: d.slowest.ts
    })
  }
  const unknown: string[] = []
  if (latencies.length === 0) unknown.push(`no attestation arrival from slot ${params.fromSlot} could be measured${unmeasured > 0 ? ` (${unmeasured} arrival(s) carried no latency and had no msg_published)` : ''}`)
  const worst = latencies.reduce<DirectionLatency | undefined>((m, d) => m === undefined || d.p99Ms > m.p99Ms ? d : m, undefined)
  return verdictOf(params, {
    findings,
    health: healthFindings(ix),
    unknown,
    checked: `${latencies.length} direction(s), ${latencies.reduce((n, d) => n + d.samples, 0)} first arrival(s), all within the bounds` +
      (worst !== undefined ? `; worst p99 ${worst.p99Ms} ms (${worst.direction}, p50 ${worst.p50Ms} ms)` : '') +
      '; a direction with no arrival is for delivery-gap and coverage to judge',
    evidence: { latencies, unmeasured }
  })
}
