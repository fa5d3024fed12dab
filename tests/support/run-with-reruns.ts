/**
 * How the e2e tests run a shipped fixture on a busy machine: a run that came out unknown
 * (environment) is rerun once (harness/runner/environment-rerun.ts), and a run whose set-up failed
 * (DevnetSetupError: split stream placement not reached under load) is set up once more, as the
 * matrix does; twice is a failure. A set-up failure judges nothing, so a retry cannot turn a verdict.
 *
 *   const outcome = await runWithReruns(scenario, { outDir, overrides }, { onRerun, onSetupRetry })
 *   if (outcome.environment) ...  // unknown (environment) twice: judged nothing, never a pass
 */
import { DevnetSetupError } from '../../harness/devnet/devnet.ts'
import { runWithEnvironmentRerun } from '../../harness/runner/environment-rerun.ts'
import type { EnvironmentRerun } from '../../harness/runner/environment-rerun.ts'
import type { RunOptions, RunResult } from '../../harness/runner/run-scenario.ts'
import type { Scenario } from '../../harness/scenario/types.ts'

export interface RerunHooks {
  /** the run came out unknown (environment) and is run once more */
  onRerun?: (stalled: RunResult) => void
  /** the set-up failed and is tried once more; `why` is the error's first line */
  onSetupRetry?: (why: string) => void
}

export async function runWithReruns (scenario: Scenario, options: RunOptions, hooks: RerunHooks = {}): Promise<EnvironmentRerun> {
  const attempt = async (): Promise<EnvironmentRerun> => await runWithEnvironmentRerun(scenario, options, hooks.onRerun)
  return await attempt().catch(async (err: unknown) => {
    if (!(err instanceof DevnetSetupError)) throw err
    hooks.onSetupRetry?.(err.message.split('\n')[0] ?? '')
    return await attempt()
  })
}
