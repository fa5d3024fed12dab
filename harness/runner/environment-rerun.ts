/**
 * A run that came out `unknown (environment)` (the machine stalled: every
 * non-passing verdict was excused by oracles/environment-excuse.ts) is run once
 * more, same scenario, seed and overrides. The gate, the matrix and the e2e
 * fixture tests go through here, so a busy machine costs a rerun instead of a
 * red night, and what still came out unknown after the rerun is counted apart
 * from pass and fail, never folded into either.
 *
 *   runScenario ──pass / fail / unknown(other)──> counted as it is
 *        └──unknown (environment)──> runScenario again ──> counted as the rerun came out
 *                                                          (unknown (environment) again: counted as such)
 */
import { environmentUnknown } from '../oracles/environment-excuse.ts'
import type { Scenario } from '../scenario/types.ts'
import { runScenario } from './run-scenario.ts'
import type { RunOptions, RunResult } from './run-scenario.ts'

export interface EnvironmentRerun {
  /** the run that counts: the rerun when there was one */
  result: RunResult
  /** the first run, when it came out unknown (environment) and was rerun */
  stalled?: RunResult
  /** the run that counts came out unknown (environment) too */
  environment: boolean
}

/** The run ended on its own and every verdict that did not pass is unknown because the machine stalled. */
export function isEnvironmentUnknown (r: RunResult): boolean {
  return r.status === 'unknown' && r.endReason !== 'interrupted' && environmentUnknown(r.verdicts)
}

/** "the harness stalled up to 812 ms at +4.100s (slot 4)" for each stall the run's verdicts were excused by. */
export function environmentWhat (r: RunResult): string {
  return [...new Set(r.verdicts.flatMap(v => v.environment === undefined ? [] : [v.environment.what]))].join('; ')
}

export async function runWithEnvironmentRerun (scenario: Scenario, options: RunOptions = {}, onRerun?: (stalled: RunResult) => void): Promise<EnvironmentRerun> {
  const first = await runScenario(scenario, options)
  if (!isEnvironmentUnknown(first) || options.signal?.aborted === true) return { result: first, environment: false }
  onRerun?.(first)
  const again = await runScenario(scenario, options)
  return { result: again, stalled: first, environment: isEnvironmentUnknown(again) }
}
