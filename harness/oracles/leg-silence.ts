/**
 * A leg given up for silence: the node heard nothing back on it for a while and dropped it (the TS
 * node's wedge probe: "wedged: no round trip on the leg in 2000 ms"; a QUIC idle timeout: "timed
 * out"). When did that silence begin? streams-survive (a silence that began under a fault on the same
 * leg is that fault's doing) and environment-silence.ts (a silence the machine's stall covered) ask.
 */
import { connectionKey, quicIdleTimeoutMs, type GossipStream, type RunIndex } from './run-index.ts'

/** A close reason that says the node heard nothing on the leg for a while. */
const SILENCE = /no round trip|wedged|timed out|idle timeout/i

/**
 * The silence a stream's leg was given up for: from when nothing came back (the give-up time minus
 * the silence its reason names, or the QUIC idle timeout) to the give-up. Undefined when the leg was
 * not given up for silence, or the history does not say how long the silence was.
 */
export function silenceBefore (s: GossipStream, ix: RunIndex): { fromMs: number, silentMs: number, gaveUp: { reason: string, atMs: number } } | undefined {
  if (s.closeMs === undefined) return undefined
  const gaveUp = givenUpForSilence(s, ix)
  if (gaveUp === undefined) return undefined
  const silentMs = Number(/in (\d+) ms/.exec(gaveUp.reason)?.[1] ?? quicIdleTimeoutMs(ix.start) ?? NaN)
  if (!(silentMs > 0)) return undefined
  return { fromMs: gaveUp.atMs - silentMs, silentMs, gaveUp }
}

/**
 * Why and when the stream's leg was given up, when it was for silence: the stream's own close reason, its
 * connection's, or the close of the same leg at the other end before it (the end that gives up first
 * aborts the connection; the far end then reports only "closed", at once or, when that one packet is
 * lost, at its own idle timeout: field-shaped seed 102, 1.5 s later under a stalled harness).
 */
function givenUpForSilence (s: GossipStream, ix: RunIndex): { reason: string, atMs: number } | undefined {
  const closeMs = s.closeMs as number
  if (SILENCE.test(s.closeReason ?? '')) return { reason: s.closeReason as string, atMs: closeMs }
  const own = ix.connections.get(connectionKey(s.node, s.connection))
  if (SILENCE.test(own?.closeReason ?? '')) return { reason: own?.closeReason as string, atMs: own?.closeMs ?? closeMs }
  const since = own?.openMs ?? s.openMs
  const within = quicIdleTimeoutMs(ix.start) ?? ix.slotMs
  const farEnd = [...ix.connections.values()].find(c => c.leg === s.leg && c.node !== s.node && c.closeMs !== undefined &&
    c.closeMs >= since && c.closeMs <= closeMs && closeMs - c.closeMs <= within && SILENCE.test(c.closeReason ?? ''))
  return farEnd === undefined ? undefined : { reason: farEnd.closeReason as string, atMs: farEnd.closeMs as number }
}
