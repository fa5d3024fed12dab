/**
 * Every expectation of a scenario judged over one history (Jepsen's
 * `compose` + `check-safe`): the history is indexed once, each oracle runs on
 * it, and an oracle that throws becomes an `unknown` verdict naming the
 * error instead of crashing the run. One verdict per expectation, in order.
 *
 *   history ──indexHistory──> RunIndex ──┬─ streamsSurvive ──> Verdict
 *                                        ├─ reopenWithin
 *                                        ├─ deliveryGap
 *                                        ├─ coverageQuorum
 *                                        └─ noDecay
 *   a fault_failed in the history turns a pass into unknown (unapplied-faults.ts)
 */
import type { History } from '../history/types.ts'
import { coverageQuorum } from './coverage-quorum.ts'
import { deliveryGap } from './delivery-gap.ts'
import { expectationTitle, type Expectation } from './expectation.ts'
import { LegLiveness } from './leg-liveness.ts'
import { noDecay } from './no-decay.ts'
import { reopenWithin } from './reopen-within.ts'
import { indexHistory, type RunIndex } from './run-index.ts'
import { streamsSurvive } from './streams-survive.ts'
import { unappliedFaults } from './unapplied-faults.ts'
import type { Verdict } from './verdict.ts'

/** Runs one expectation's oracle on an indexed history; a pass with a fault that did not apply is unknown. */
export function judgeOne (history: History, e: Expectation, ix: RunIndex, legs: LegLiveness): Verdict {
  return unappliedFaults(oracleFor(history, e, ix, legs), ix)
}

function oracleFor (history: History, e: Expectation, ix: RunIndex, legs: LegLiveness): Verdict {
  switch (e.kind) {
    case 'streams-survive': return streamsSurvive(history, e, ix)
    case 'reopen-within': return reopenWithin(history, e, ix, legs)
    case 'delivery-gap': return deliveryGap(history, e, ix, legs)
    case 'coverage': return coverageQuorum(history, e, ix)
    case 'no-decay': return noDecay(history, e, ix, legs)
  }
  throw new TypeError(`unknown expectation kind ${JSON.stringify((e as { kind?: unknown }).kind)}`)
}

function crashed (e: Expectation, what: string, err: unknown): Verdict {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  return {
    expectation: e.kind,
    title: expectationTitle(e),
    status: 'unknown',
    summary: `${what}: ${message}`,
    findings: [],
    evidence: { error: message, ...(err instanceof Error && err.stack !== undefined ? { stack: err.stack } : {}) }
  }
}

export function judge (history: History, expectations: readonly Expectation[]): Verdict[] {
  let ix: RunIndex
  let legs: LegLiveness
  try {
    ix = indexHistory(history)
    legs = new LegLiveness(ix)
  } catch (err) {
    return expectations.map(e => crashed(e, 'the history cannot be judged', err))
  }
  return expectations.map(e => {
    try {
      return judgeOne(history, e, ix, legs)
    } catch (err) {
      return crashed(e, `the ${e.kind} oracle failed`, err)
    }
  })
}
