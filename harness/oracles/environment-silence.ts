/**
 * When a stream on an unfaulted leg died because the machine stood still, not because of another
 * leg: the `streams-survive` part of environment-excuse.ts.
 *
 * A node may give a leg up when nothing comes back on it for a while (the TS node's wedge probe:
 * "wedged: no round trip on the leg in 2000 ms"; a QUIC idle timeout: "timed out"). If, for at least
 * half of that silent time, the path itself was stalled, the silence was the machine's:
 *   - the harness stalled, and the leg is QUIC: the harness's UDP proxy forwards every QUIC datagram,
 *     so while its timers do not run no datagram of any QUIC leg moves;
 *   - or more than half of the run's nodes stalled at once (any transport; for a TCP leg only a stall
 *     with no harness stall merged into it counts, since the harness alone does not hold TCP legs and
 *     a merged interval does not say how much of it was the majority's).
 * Measured in a power run: field-shaped seed 102 (8 nodes on 2 cores), the harness ran its timers
 * 459, 677 and 389 ms late within the 2 s before N2 and N1 both gave up the unfaulted leg N2>N1.
 *
 *   close - silent ───────────── close
 *   harness  [=459=]   [==677==][=389=]     1.26 s of 2 s stalled: explained
 *
 * A close for any other reason (a stream torn down because another leg closed: PR #278) is never
 * explained, nor a silence the stalls cover less than half of.
 */
import { intervalsDuring, type Environment, type EnvironmentInterval } from './environment.ts'
import { measure } from './intervals.ts'
import { silenceBefore } from './leg-silence.ts'
import type { RunIndex } from './run-index.ts'
import type { Finding } from './verdict.ts'

/** The environment intervals that explain the finding's stream close, or undefined. */
export function silenceExplains (f: Finding, env: Environment, ix: RunIndex): EnvironmentInterval[] | undefined {
  const s = ix.streams.find(x => x.node === f.node && x.id === f.stream)
  if (s === undefined || s.closeMs === undefined || s.leg === undefined) return undefined
  const silence = silenceBefore(s, ix)
  if (silence === undefined) return undefined
  const { fromMs: from, silentMs, gaveUp } = silence
  const quic = ix.start.legs.find(l => l.name === s.leg)?.transport === 'quic'
  // every environment interval is a harness stall or a majority of nodes stalled (environment.ts)
  const holdsTheLeg = (i: EnvironmentInterval): boolean => quic || !i.harness
  const during = intervalsDuring(env, from, gaveUp.atMs).filter(holdsTheLeg)
  return during.length > 0 && measure(during, from, gaveUp.atMs) * 2 >= silentMs ? during : undefined
}
