/**
 * Every expectation of a scenario judged over one history (Jepsen's
 * `compose` + `check-safe`): the history is indexed once, each oracle runs on
 * it, and an oracle that throws becomes an `unknown` verdict naming the
 * error instead of crashing the run. One verdict per expectation, in order.
 * A run that could not do what its scenario asked of a node (unhonoured-config.ts)
 * gets `unknown` verdicts.
 *
 *   history ──indexHistory──> RunIndex ──┬─ streamsSurvive ──> Verdict
 *                                        ├─ reopenWithin
 *                                        ├─ unwedgeWithin
 *                                        ├─ deliveryGap
 *                                        ├─ coverageQuorum
 *                                        ├─ noDecay
 *                                        ├─ latency
 *                                        ├─ legsSettle
 *                                        ├─ meshConsistent (over the sampled status entries)
 *                                        └─ blockDelivery
 *                        environmentOf ──> excuseByEnvironment: a fail the machine's stall
 *                                          explains becomes unknown (environment: ...)
 *                        excuseBySlowLegDeath: a fail inside a QUIC leg's undetected death
 *                                          becomes unknown (node X cannot detect leg loss ...)
 *                        excuseByEnvironmentAndLegDeath: each finding one or the other: unknown for both
 *   a fault with `exercised: true` that hit no stream ──> every pass becomes unknown (vacuous)
 *   a fault with `leg-death-within` whose leg an end saw die too late ──> every pass becomes unknown
 *                                          (node X cannot detect leg loss ..., leg-death-required.ts)
 *   a fault_failed in the history turns a pass into unknown (unapplied-faults.ts)
 */
import type { History } from '../history/types.ts'
import { blockDelivery } from './block-delivery.ts'
import { coverageQuorum } from './coverage-quorum.ts'
import { deliveryGap } from './delivery-gap.ts'
import { environmentOf, type Environment } from './environment.ts'
import { excuseByEnvironment } from './environment-excuse.ts'
import { excuseBySlowLegDeath } from './leg-death-excuse.ts'
import { unknownWhenDeclaredDeathMissed } from './leg-death-required.ts'
import { excuseByEnvironmentAndLegDeath } from './mixed-excuse.ts'
import { expectationTitle, type Expectation } from './expectation.ts'
import { markVacuous, vacuousReasons } from './fault-hits.ts'
import { latency } from './latency.ts'
import { LegLiveness } from './leg-liveness.ts'
import { legsSettle } from './legs-settle.ts'
import { meshConsistent } from './mesh-consistent.ts'
import { noDecay } from './no-decay.ts'
import { reopenWithin } from './reopen-within.ts'
import { indexHistory, type RunIndex } from './run-index.ts'
import { streamsSurvive } from './streams-survive.ts'
import { unappliedFaults } from './unapplied-faults.ts'
import { unwedgeWithin } from './unwedge-within.ts'
import type { Verdict } from './verdict.ts'
import { unhonouredConfig, unknownWhenUnhonoured } from './unhonoured-config.ts'

/** Runs one expectation's oracle on an indexed history; a pass with a fault that did not apply is unknown. */
export function judgeOne (history: History, e: Expectation, ix: RunIndex, legs: LegLiveness): Verdict {
  return unappliedFaults(oracleFor(history, e, ix, legs), ix)
}

function oracleFor (history: History, e: Expectation, ix: RunIndex, legs: LegLiveness): Verdict {
  switch (e.kind) {
    case 'streams-survive': return streamsSurvive(history, e, ix)
    case 'reopen-within': return reopenWithin(history, e, ix, legs)
    case 'unwedge-within': return unwedgeWithin(history, e, ix, legs)
    case 'delivery-gap': return deliveryGap(history, e, ix, legs)
    case 'coverage': return coverageQuorum(history, e, ix)
    case 'no-decay': return noDecay(history, e, ix, legs)
    case 'latency': return latency(history, e, ix)
    case 'legs-settle': return legsSettle(history, e, ix, legs)
    case 'mesh-consistent': return meshConsistent(history, e, ix)
    case 'block-delivery': return blockDelivery(history, e, ix)
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
  const unhonoured = unhonouredConfig(ix)
  let env: Environment | undefined
  try {
    env = environmentOf(history, ix)
  } catch {
    env = undefined // without it, no verdict is excused: they stand as the oracles gave them
  }
  const verdicts = expectations.map(e => {
    try {
      const v = judgeOne(history, e, ix, legs)
      const single = excuseBySlowLegDeath(env === undefined ? v : excuseByEnvironment(v, e, env, ix), ix)
      return unknownWhenUnhonoured(env === undefined ? single : excuseByEnvironmentAndLegDeath(single, e, env, ix), unhonoured)
    } catch (err) {
      return crashed(e, `the ${e.kind} oracle failed`, err)
    }
  })
  // a fault the scenario required to hit a stream that hit none: no pass can rest on it
  // a fault the scenario said needs leg death within a span, seen later than that: no pass can rest on it
  return markVacuous(unknownWhenDeclaredDeathMissed(verdicts, ix), vacuousReasons(ix))
}
