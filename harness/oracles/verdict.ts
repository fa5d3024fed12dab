/**
 * A verdict is a pure function's judgement of one expectation over a history
 * (Jepsen's checker shape): pass, fail, or unknown when the history cannot say
 * (e.g. a node never became ready). `compose` lets fail beat unknown beat pass.
 */
export type VerdictStatus = 'pass' | 'fail' | 'unknown'

/** One concrete thing that went wrong, in the words a node developer uses. */
export interface Finding {
  message: string
  /** e.g. "A->B" for a direction, "A>B" for a leg */
  direction?: string
  leg?: string
  stream?: string
  node?: string
  /** unix ms on the history's clock (renderers show them relative to genesis); messages also say "+3.412s (slot 3)" */
  fromMs?: number
  toMs?: number
  slot?: number
}

export interface Verdict {
  /** expectation kind, e.g. "delivery-gap" */
  expectation: string
  /** human title, e.g. "delivery-gap <= 1000 ms" */
  title: string
  status: VerdictStatus
  summary: string
  findings: Finding[]
  /** extra numbers for reports (per-slot coverage lines, measured reopen delays, ...) */
  evidence?: Record<string, unknown>
  /**
   * Set when the verdict is `unknown` because the machine stalled, not the code (environment-excuse.ts):
   * what stalled and for how long, how many findings the stall explains, and its intervals (unix ms).
   */
  environment?: { what: string, explained: number, intervals: Array<{ fromMs: number, toMs: number, what: string }> }
  /**
   * Set when the verdict is `unknown` because a node detected the death of a downed QUIC leg later than
   * twice its configured idle timeout (leg-death-excuse.ts): which ends, bound and measured ms.
   */
  slowLegDeath?: { what: string, explained: number, ends: Array<{ node: string, impl: string, leg: string, fault: string, boundMs: number, ms?: number, undetectedWithinMs?: number }> }
}

export function composeStatus (statuses: VerdictStatus[]): VerdictStatus {
  if (statuses.includes('fail')) return 'fail'
  if (statuses.includes('unknown')) return 'unknown'
  return 'pass'
}
