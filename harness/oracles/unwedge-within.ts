/**
 * Expectation `unwedge-within`: when a `stall` fault wedges the leg that carries a
 * node's outbound gossip stream to a peer (the leg stays up, keepalives pass, gossip
 * frames do not), and the pair's other leg is live, the node has an outbound gossip
 * stream to that peer on another leg within `ms` of the stall's start. A correct node
 * notices the wedge itself (the TS node's wedge probe: no round trip for 2 s, then it
 * aborts the leg and the stream reopens on the other one); zig-libp2p's class-7 bug kept
 * the wedged stream for ever.
 *
 * Why a verdict of its own: delivery-gap and coverage see the wedge only while gossip
 * cannot route around it. In an 8-node mesh one leg of the wedged node closing for any
 * reason (another fault, the stack) lets gossip carry its messages on, although six of
 * its seven streams stay wedged for the whole stall (field-shaped, seed 98).
 *
 *   stall on A>B   from t0 ................................ heal
 *   A: a-out-b/o1 on A>B  (wedged)
 *   A: stream_open outbound to B on B>A   t1               t1 - t0 <= ms
 */
import type { History, LegName } from '../history/types.ts'
import type { UnwedgeWithinExpectation } from './expectation.ts'
import { LegLiveness } from './leg-liveness.ts'
import { healthFindings } from './node-health.ts'
import { indexHistory, otherLegOf, slotAt, streamEndGoneBy, when, type GossipStream, type RunIndex } from './run-index.ts'
import { describeStream, judgedUntil, streamDirection } from './streams-survive.ts'
import type { Finding, Verdict } from './verdict.ts'
import { verdictOf } from './verdict-parts.ts'

/** One outbound stream a stall wedged, and when the node had one on another leg. */
export interface UnwedgeCase {
  node: string
  peer: string
  stream: string
  leg: LegName
  fault: string
  stalledMs: number
  movedMs: number | null
  movedStream: string | null
  movedLeg: string | null
  delayMs: number | null
  /** another outbound stream to the peer on another leg, open at the stall and `ms` after it */
  heldBy?: string
}

export function unwedgeWithin (history: History, params: UnwedgeWithinExpectation, ix: RunIndex = indexHistory(history), legs: LegLiveness = new LegLiveness(ix)): Verdict {
  const until = judgedUntil(ix)
  const outbound = [...ix.streams, ...ix.mirroredStreams].filter(s => s.direction === 'outbound').sort((a, b) => a.openMs - b.openMs)
  const cases: UnwedgeCase[] = []
  const findings: Finding[] = []
  let noSurvivor = 0
  let shortStalls = 0
  let unjudgeable = 0
  for (const w of ix.faultWindows.filter(f => f.action === 'stall' && f.fromMs < until)) {
    const t0 = w.fromMs
    const wedged = outbound.filter(s => s.leg === w.leg && s.openMs <= t0 && (s.closeMs === undefined || s.closeMs > t0))
    for (const s of wedged) {
      if (streamEndGoneBy(ix, s, t0 + params.ms)) continue
      const other = otherLegOf(s)
      if (!legs.liveAt(other, t0)) { noSurvivor++; continue }
      const base = { node: s.node, peer: s.peer, stream: s.id, leg: w.leg, fault: w.fault, stalledMs: t0 }
      const elsewhere = (n: GossipStream): boolean => n.node === s.node && n.peer === s.peer && n.id !== s.id && n.leg !== undefined && n.leg !== w.leg
      const held = outbound.find(n => elsewhere(n) && n.openMs <= t0 && (n.closeMs === undefined || n.closeMs >= Math.min(ix.observedUntil, t0 + params.ms)))
      if (held !== undefined) {
        cases.push({ ...base, movedMs: t0, movedStream: held.id, movedLeg: held.leg ?? null, delayMs: 0, heldBy: held.id })
        continue
      }
      const next = outbound.find(n => elsewhere(n) && n.openMs >= t0)
      const delayMs = next === undefined ? null : next.openMs - t0
      if (delayMs !== null && delayMs <= params.ms) {
        cases.push({ ...base, movedMs: next!.openMs, movedStream: next!.id, movedLeg: next!.leg ?? null, delayMs })
        continue
      }
      // a stall shorter than the bound heals before anything is owed; a history that ends first cannot say
      if (Math.min(w.toMs, until) < t0 + params.ms) { shortStalls++; continue }
      if (delayMs === null && t0 + params.ms > ix.observedUntil) { unjudgeable++; continue }
      const c: UnwedgeCase = { ...base, movedMs: next?.openMs ?? null, movedStream: next?.id ?? null, movedLeg: next?.leg ?? null, delayMs }
      cases.push(c)
      findings.push(stillWedged(ix, s, c, params.ms, legs.describeLeg(other, t0), w.toMs))
    }
  }
  const unknown: string[] = []
  if (cases.length === 0 && unjudgeable === 0) {
    unknown.push(noSurvivor > 0
      ? `every outbound gossip stream a stall wedged (${noSurvivor}) had no other live leg to its peer: nowhere to move`
      : shortStalls > 0 ? `every stall that wedged a stream (${shortStalls}) healed within ${params.ms} ms` : 'no stall wedged an outbound gossip stream')
  }
  if (unjudgeable > 0 && findings.length === 0) unknown.push(`${unjudgeable} stream(s) wedged less than ${params.ms} ms before the history ends`)
  const delays = cases.flatMap(c => c.delayMs === null ? [] : [c.delayMs])
  return verdictOf(params, {
    findings,
    health: healthFindings(ix),
    unknown,
    checked: `${cases.length} outbound stream(s) wedged by a stall with another live leg, all on another leg within ${params.ms} ms (slowest ${Math.max(0, ...delays)} ms)` +
      `${cases.some(c => c.heldBy !== undefined) ? `, ${cases.filter(c => c.heldBy !== undefined).length} of them because the node already held one there` : ''}` +
      `; ${noSurvivor} without another live leg, ${shortStalls} under stalls shorter than ${params.ms} ms (not applicable)`,
    evidence: { cases, noSurvivor, shortStalls, unjudgeable }
  })
}

function stillWedged (ix: RunIndex, s: GossipStream, c: UnwedgeCase, ms: number, survivor: string, healMs: number): Finding {
  const outcome = c.movedMs === null
    ? `${s.node} opened no outbound gossip stream to ${s.peer} on another leg before the run ended`
    : `${s.node}'s next outbound gossip stream to ${s.peer} on another leg (${c.movedStream ?? '?'} on ${c.movedLeg ?? '?'}) opened only at ${when(ix, c.movedMs)}, ${c.delayMs ?? 0} ms later${c.movedMs >= healMs ? ', after the stall healed' : ''}`
  return {
    message: `${streamDirection(s)}: ${describeStream(s)} on leg ${c.leg} wedged at ${when(ix, c.stalledMs)} when fault ${c.fault} stalled that leg (up, no data);` +
      ` ${survivor} was live, but ${outcome} (limit ${ms} ms)`,
    direction: streamDirection(s),
    leg: c.leg,
    stream: s.id,
    node: s.node,
    slot: slotAt(ix, c.stalledMs),
    fromMs: c.stalledMs,
    toMs: c.movedMs ?? Math.min(ix.observedUntil, ix.lastSlotEnd)
  }
}
