/**
 * Composes the measured leg death (leg-death.ts) with the other verdicts, the way
 * environment-excuse.ts composes a machine stall: a failed verdict whose every
 * finding lies where a node had not yet detected the death of a QUIC leg a fault
 * took down, later than the detection bound, becomes
 * `unknown (node X cannot detect leg loss within N ms: measured M ms)`. Such a run
 * did not show the node's gossip is wrong (it never learnt the leg was gone, so
 * nothing could reopen), nor that it is right. One finding outside those spans
 * keeps `fail`; a node that detects in time changes nothing.
 *
 * The bound N is twice the scenario's `quic.maxIdleTimeoutMs` (the node's config
 * sets that timeout): a node slower than twice its configured timeout is not
 * applying it (a black-box stack with a fixed ~60 s idle timeout, say), while a
 * node that applies it closes within the timeout plus one keep-alive interval.
 * TCP legs are not judged here: a TCP `down` closes the connection at once.
 *
 *   apply ─────────── +N ───────────────── leg_close (or heal, undetected)
 *   [   finding here is explained: the node had not seen the leg die   ]
 */
import { legDeaths, type LegDeathEnd } from './leg-death.ts'
import { healthFindings } from './node-health.ts'
import { quicDetectionBoundMs, slotAt, slotStart, type RunIndex } from './run-index.ts'
import { MAX_FINDINGS } from './verdict-parts.ts'
import type { Finding, Verdict } from './verdict.ts'

/** One end that detected a downed QUIC leg later than the bound (or not while the fault was in force). */
export interface SlowLegDeath {
  end: LegDeathEnd
  boundMs: number
  /** the span in which the end had not detected the death: apply .. its leg_close (or the heal) */
  fromMs: number
  toMs: number
}

/** Twice the scenario's configured QUIC idle timeout, or undefined when the history does not record it. */
export function detectionBoundMs (ix: RunIndex): number | undefined {
  return quicDetectionBoundMs(ix.start)
}

/**
 * The leg ends that died later than their bound, or were not seen to die within a fault longer than it.
 * The bound is the fault's declared `leg-death-within` (any transport: the scenario said the fault needs
 * it), else twice the configured QUIC idle timeout (QUIC legs only).
 */
export function slowLegDeaths (ix: RunIndex): SlowLegDeath[] {
  const idleBoundMs = detectionBoundMs(ix)
  return legDeaths(ix).flatMap(end => {
    const boundMs = end.requiredWithinMs ?? (end.transport === 'quic' ? idleBoundMs : undefined)
    if (boundMs === undefined || (end.ms ?? end.windowMs) <= boundMs) return []
    return [{ end, boundMs, fromMs: end.appliedMs, toMs: end.appliedMs + (end.ms ?? end.windowMs) }]
  })
}

/** "node A (zig) cannot detect leg loss within 1200 ms: measured 60012 ms" (or "not detected within 10000 ms") */
export function slowLabel (s: SlowLegDeath): string {
  const measured = s.end.ms === undefined ? `not detected within ${s.end.windowMs} ms` : `measured ${s.end.ms} ms`
  return `node ${s.end.node} (${s.end.impl}) cannot detect leg loss within ${s.boundMs} ms: ${measured}`
}

/** The verdict, or its `unknown (node X cannot detect leg loss ...)` form when slow leg deaths explain every finding. */
export function excuseBySlowLegDeath (v: Verdict, ix: RunIndex): Verdict {
  if (v.status !== 'fail' || v.findings.length === 0 || v.findings.length >= MAX_FINDINGS) return v
  // a node that crashed or never came up is a failure whatever its idle timer did
  if (healthFindings(ix).length > 0) return v
  const slow = slowLegDeaths(ix)
  if (slow.length === 0) return v
  const used = new Set<SlowLegDeath>()
  for (const f of v.findings) {
    const by = slowDeathsExplaining(f, ix, slow, v.expectation)
    if (by.length === 0) return v
    for (const s of by) used.add(s)
  }
  const slowLegDeath = slowLegDeathNote(used, v.findings.length)
  return {
    ...v,
    status: 'unknown',
    summary: `${slowLegDeath.what}; ${v.findings.length} finding(s) while that leg's death was not yet detected (the oracle alone said: fail); first: ${(v.findings[0] as Finding).message.split('\n')[0] ?? ''}`,
    slowLegDeath
  }
}

/** The slow leg deaths a finding lies inside: it starts after the fault and strictly before that end's leg_close. */
export function slowDeathsExplaining (f: Finding, ix: RunIndex, slow: readonly SlowLegDeath[], expectation?: string): SlowLegDeath[] {
  // a delivery gap starts at the slot of the last delivery before it: what went missing is the first slot after that
  const at = expectation === 'delivery-gap' && f.fromMs !== undefined ? slotStart(ix, slotAt(ix, f.fromMs) + 1) : findingStart(f, ix)
  // only the publisher's own late detection explains a direction: its outbound stream rode the dead leg,
  // and it alone must see the leg die to move it (a receiver slow to see it still gets the moved stream;
  // a suite run had a stock node's starvation excused by the receiver C's 1292 ms against 1200)
  const publisher = f.direction?.split('->')[0]
  if (publisher === undefined || publisher === '') return []
  // strictly before the leg_close: what starts at the close (a stream that then fails to reopen) is the node's own doing
  return at === undefined ? [] : slow.filter(s => s.end.node === publisher && at >= s.fromMs && at < s.toMs)
}

/** The verdict's `slowLegDeath` field for the ends used: one line per node, its slowest end. */
export function slowLegDeathNote (used: Iterable<SlowLegDeath>, explained: number): NonNullable<Verdict['slowLegDeath']> {
  const all = [...used]
  const worst = new Map<string, SlowLegDeath>()
  for (const s of all) {
    const prev = worst.get(s.end.node)
    if (prev === undefined || s.toMs - s.fromMs > prev.toMs - prev.fromMs) worst.set(s.end.node, s)
  }
  const what = [...worst.values()].map(slowLabel).join('; ')
  return { what, explained, ends: all.map(s => ({ node: s.end.node, impl: s.end.impl, leg: s.end.leg, fault: s.end.fault, boundMs: s.boundMs, ...(s.end.ms !== undefined ? { ms: s.end.ms } : { undetectedWithinMs: s.end.windowMs }) })) }
}

/** "unknown (node A (zig) cannot detect leg loss within 1200 ms: measured 60012 ms)", or the status. */
export function slowLegDeathLabel (v: Verdict): string {
  return v.slowLegDeath === undefined ? v.status : `unknown (${v.slowLegDeath.what})`
}

function findingStart (f: Finding, ix: RunIndex): number | undefined {
  if (f.fromMs !== undefined) return f.fromMs
  return f.slot !== undefined ? slotStart(ix, f.slot) : undefined
}
