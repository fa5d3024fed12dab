/**
 * Expectation `reopen-within`: when a fault takes down the leg carrying a
 * node's outbound gossip stream to a peer, and another leg to that peer is
 * still live, the node opens a new outbound stream to the peer within `ms`
 * (leg-aware: at once on the surviving leg, with a SUBSCRIBE replay). The
 * stock bug: it never does while the other leg stays up. When no other leg
 * survived, there is nothing to reopen on and the case is not applicable.
 * A node that already held another outbound stream to the peer on the
 * surviving leg (stock rust-libp2p opens one on every connection), open at
 * the close and for `ms` after it, never lost its way to the peer: that case
 * passes with delay 0, naming the stream that held (`heldBy`).
 *
 *   A: stream_close a-out-b/o1 (leg A>B faulted)  t0
 *   A: stream_open  a-in-b/o2 outbound to B       t1      t1 - t0 <= ms
 */
import type { History, LegName } from '../history/types.ts'
import type { ReopenWithinExpectation } from './expectation.ts'
import { faultHits, untouchedNote } from './fault-hits.ts'
import { LegLiveness } from './leg-liveness.ts'
import { healthFindings } from './node-health.ts'
import { indexHistory, otherLegOf, slotAt, span, streamEndGoneBy, when, type GossipStream, type RunIndex } from './run-index.ts'
import { describeStream, judgedUntil, streamDirection } from './streams-survive.ts'
import type { Finding, Verdict } from './verdict.ts'
import { verdictOf } from './verdict-parts.ts'

/** One outbound stream a fault closed, and what became of it. */
export interface ReopenCase {
  node: string
  peer: string
  stream: string
  leg: LegName
  fault: string
  closedMs: number
  /** the pair's other leg, live when it closed, with its connection ids then */
  survivors: string[]
  reopenedMs: number | null
  reopenedStream: string | null
  reopenedLeg: string | null
  delayMs: number | null
  /** another outbound stream to the peer on the surviving leg that was open at the close and `ms` after it */
  heldBy?: string
}

export function reopenWithin (history: History, params: ReopenWithinExpectation, ix: RunIndex = indexHistory(history), legs: LegLiveness = new LegLiveness(ix)): Verdict {
  const until = judgedUntil(ix)
  const findings: Finding[] = []
  const unknown: string[] = []
  const cases: ReopenCase[] = []
  let noSurvivor = 0
  let unjudgeable = 0
  // a node that reports no streams: its outbound streams as its peers saw them arrive (mirroredStreams)
  const outbound = [...ix.streams, ...ix.mirroredStreams].filter(s => s.direction === 'outbound').sort((a, b) => a.openMs - b.openMs)
  for (const s of outbound) {
    if (s.closeMs === undefined || s.closeMs > until || s.leg === undefined) continue
    const closed = s.closeMs
    const w = ix.faultWindows.find(f => f.leg === s.leg && f.fromMs <= closed && closed <= f.toMs + params.graceMs)
    if (w === undefined) continue
    if (streamEndGoneBy(ix, s, closed)) continue
    const other = otherLegOf(s)
    // the surviving leg: live when the stream closed (or within a moment of it: both ends see the close at slightly different times)
    if (!legs.liveAt(other, closed) && !legs.liveAt(other, closed + 1)) { noSurvivor++; continue }
    const held = outbound.find(n => n.node === s.node && n.peer === s.peer && n.id !== s.id && n.leg === other &&
      n.openMs <= closed && (n.closeMs === undefined || n.closeMs >= Math.min(ix.observedUntil, closed + params.ms)))
    if (held !== undefined) {
      cases.push({
        node: s.node, peer: s.peer, stream: s.id, leg: s.leg, fault: w.fault, closedMs: closed,
        survivors: [legs.describeLeg(other, legs.liveAt(other, closed) ? closed : closed + 1)],
        reopenedMs: closed, reopenedStream: held.id, reopenedLeg: held.leg ?? null, delayMs: 0, heldBy: held.id
      })
      continue
    }
    const next = outbound.find(n => n.node === s.node && n.peer === s.peer && n.id !== s.id && n.openMs >= Math.min(w.fromMs, closed) && n.openMs > s.openMs)
    const c: ReopenCase = {
      node: s.node, peer: s.peer, stream: s.id, leg: s.leg, fault: w.fault, closedMs: closed,
      survivors: [legs.describeLeg(other, legs.liveAt(other, closed) ? closed : closed + 1)],
      reopenedMs: next?.openMs ?? null,
      reopenedStream: next?.id ?? null,
      reopenedLeg: next?.leg ?? null,
      delayMs: next === undefined ? null : Math.max(0, next.openMs - closed)
    }
    cases.push(c)
    if (c.delayMs !== null && c.delayMs <= params.ms) continue
    if (c.delayMs === null && closed + params.ms > ix.observedUntil) { unjudgeable++; continue }
    findings.push(lateReopen(ix, s, c, params.ms, legs.liveThroughout(other, closed, Math.min(ix.observedUntil, closed + params.ms))))
  }
  const untouched = untouchedNote(ix, faultHits(ix, ix.faultWindows.filter(w => w.fromMs < until)))
  if (cases.length === 0 && unjudgeable === 0) {
    unknown.push(noSurvivor > 0
      ? `every outbound gossip stream a fault closed (${noSurvivor}) lost all legs to its peer: nothing to reopen on`
      : `no fault closed an outbound gossip stream${untouched !== '' ? ` (${untouched})` : ''}`)
  }
  if (unjudgeable > 0 && findings.length === 0) unknown.push(`${unjudgeable} stream(s) closed less than ${params.ms} ms before the history ends`)
  const delays = cases.flatMap(c => c.delayMs === null ? [] : [c.delayMs])
  return verdictOf(params, {
    findings,
    health: healthFindings(ix),
    unknown,
    checked: `${cases.length} outbound stream(s) closed by a fault with a surviving leg, all reopened within ${params.ms} ms (slowest ${Math.max(0, ...delays)} ms)` +
      `${cases.some(c => c.heldBy !== undefined) ? `, ${cases.filter(c => c.heldBy !== undefined).length} of them because the node held another outbound stream to the peer on the surviving leg` : ''}; ${noSurvivor} without a surviving leg (not applicable)` +
      (untouched !== '' ? `; ${untouched}` : ''),
    evidence: { cases, noSurvivor, unjudgeable }
  })
}

function lateReopen (ix: RunIndex, s: GossipStream, c: ReopenCase, ms: number, survivorHeld: boolean): Finding {
  const closed = c.closedMs
  const outcome = c.reopenedMs === null
    ? `no outbound gossip stream to ${s.peer} was opened again before the run ended (${when(ix, Math.min(ix.observedUntil, ix.lastSlotEnd))})`
    : `the next outbound stream to ${s.peer} (${c.reopenedStream ?? '?'} on ${c.reopenedLeg ?? '?'}) opened only at ${when(ix, c.reopenedMs)}, ${c.delayMs ?? 0} ms later`
  return {
    message: `${streamDirection(s)}: ${describeStream(s)} on leg ${s.leg ?? '?'} closed at ${when(ix, closed)} when fault ${c.fault} hit that leg;` +
      ` ${c.survivors.join(', ')} was live${survivorHeld ? ` throughout the next ${ms} ms` : ''}, but ${outcome} (limit ${ms} ms)`,
    direction: streamDirection(s),
    leg: s.leg ?? '',
    stream: s.id,
    node: s.node,
    slot: slotAt(ix, closed),
    fromMs: closed,
    toMs: c.reopenedMs ?? Math.min(ix.observedUntil, ix.lastSlotEnd)
  }
}

