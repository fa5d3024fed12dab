/**
 * A fault written with `leg-death-within: <span>` tests what a node does once it
 * has seen a leg die; when an end of a leg it took down did not declare that
 * connection lost within the span, the run never reached that point for that
 * end. So a verdict that would pass says nothing, and becomes
 * `unknown (node X cannot detect leg loss within N ms: measured M ms)`.
 * (A failure is excused only where its findings lie inside the undetected span:
 * leg-death-excuse.ts, which uses the same declared bound.)
 *
 *   fault with leg-death-within 1500 ms, A's end closed at +4200 ms ──> pass -> unknown
 *   no declaration                                                   ──> passes stand
 */
import { slowLegDeathNote, slowLegDeaths } from './leg-death-excuse.ts'
import type { RunIndex } from './run-index.ts'
import type { Verdict } from './verdict.ts'

/** Passes turned unknown when an end of a fault that declared `leg-death-within` was slower than declared. */
export function unknownWhenDeclaredDeathMissed (verdicts: readonly Verdict[], ix: RunIndex): Verdict[] {
  const missed = slowLegDeaths(ix).filter(s => s.end.requiredWithinMs !== undefined)
  if (missed.length === 0) return [...verdicts]
  const note = slowLegDeathNote(missed, 0)
  return verdicts.map(v => v.status !== 'pass'
    ? v
    : {
        ...v,
        status: 'unknown',
        summary: `${note.what}, and the scenario says the fault needs it (leg-death-within): the run never reached what the verdict checks (the oracle alone said: pass; ${v.summary})`,
        slowLegDeath: note
      })
}
