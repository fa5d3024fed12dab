/**
 * One row of a conformance report card (`meshflap conform`, containers/CONTRACT.md section 8):
 * what was checked, how it came out, and the evidence a client team needs to act on it.
 */

/**
 * pass / fail; `not-reported`: the node does not report what the check reads (declared or
 * simply absent), so it cannot be judged, which is not a failure; `not-run`: an earlier step
 * the check needs failed (its evidence names it).
 */
export type CheckStatus = 'pass' | 'fail' | 'not-reported' | 'not-run'

export interface CheckResult {
  /** stable id, e.g. "legs.own-outbound" (JUnit test name) */
  id: string
  title: string
  status: CheckStatus
  /** what was seen: values, ids, measured times; for a failure, what was expected */
  evidence: string
}

/** Thrown by a check to say "the node does not report this". */
export class NotReported extends Error {}

/** Runs one check: an Error is a failure with its message as evidence; NotReported is not-reported. */
export async function check (id: string, title: string, body: () => Promise<string> | string): Promise<CheckResult> {
  try {
    return { id, title, status: 'pass', evidence: await body() }
  } catch (err) {
    const status = err instanceof NotReported ? 'not-reported' : 'fail'
    return { id, title, status, evidence: (err as Error).message }
  }
}

export function notRun (id: string, title: string, because: string): CheckResult {
  return { id, title, status: 'not-run', evidence: because }
}

/** A failed expectation inside a check (the message is the row's evidence). */
export function expectThat (ok: boolean, message: string): void {
  if (!ok) throw new Error(message)
}
