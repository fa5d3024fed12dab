/**
 * A run in which a fault could not be resolved or applied did not test what
 * its scenario asks: a verdict that would pass is `unknown` instead, naming
 * each fault that did not apply and why. A failure stays a failure (it
 * happened under the faults that did apply).
 *
 *   fault_failed entries ──> pass ──> unknown "cannot judge: faults[0]#2 (bearing-of: A (A,B)) did not apply: ..."
 *                            fail ──> fail (unchanged)
 */
import type { FaultFailed } from '../history/types.ts'
import { when, type RunIndex } from './run-index.ts'
import type { Verdict } from './verdict.ts'

export function unappliedFaults (verdict: Verdict, ix: RunIndex): Verdict {
  if (verdict.status !== 'pass' || ix.faultFailures.length === 0) return verdict
  const list = ix.faultFailures.map(f => describeFailure(ix, f))
  return {
    ...verdict,
    status: 'unknown',
    summary: `cannot judge: ${list.length} fault(s) did not apply, so the run did not test what the scenario asks: ${list.join('; ')} (what was checked: ${verdict.summary})`
  }
}

/** "faults[0]#2 down (bearing-of: A (A,B)) on A>B at +2.000s (slot 2) did not apply: no status from A" */
export function describeFailure (ix: RunIndex, f: FaultFailed): string {
  return `${f.fault} ${f.action}${f.selector !== undefined ? ` (${f.selector})` : ''}${f.leg !== undefined ? ` on ${f.leg}` : ''} at ${when(ix, f.ts)} did not apply: ${f.reason}`
}
