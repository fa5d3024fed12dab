/** `meshflap run`: load every scenario, run each (x repeat), print verdicts, exit 0/1/2/130. */
import { relative } from 'node:path'
import type { NodeImpl, GossipPolicyName } from '../scenario/types.ts'
import type { TransportName } from '../history/types.ts'
import type { RuntimeName } from '../runtime/runtime.ts'
import { nodesPerProcessProblem } from '../runtime/nodes-per-process.ts'
import { runScenario } from '../runner/run-scenario.ts'
import type { RunOptions, RunResult } from '../runner/run-scenario.ts'
import { runWithEnvironmentRerun } from '../runner/environment-rerun.ts'
import { collectVersions } from '../runner/versions.ts'
import { DevnetSetupError } from '../devnet/devnet.ts'
import { EXIT } from './exit-codes.ts'
import { loadAll } from './load-scenarios.ts'
import { interruptSignal } from './interrupt.ts'
import { ProgressLine } from './progress-line.ts'
import { printRunResult } from './print-result.ts'
import { createLogger } from './logger.ts'
import { applyOverrides, overrideFlags } from '../runner/overrides.ts'
import type { ScenarioOverrides } from '../runner/overrides.ts'
import { recheckScenario } from '../scenario/recheck-scenario.ts'
import { formatProblem } from '../scenario/scenario-error.ts'
import { ImplLaunchError, IMPLEMENTATIONS, allMutantNames } from '../impls/index.ts'

export interface RunFlags {
  runtime: RuntimeName
  nodesPerProcess?: number
  policy?: GossipPolicyName
  impl?: NodeImpl[]
  transport?: TransportName
  mutant?: string
  seed?: number
  repeat: number
  out: string
  externalCommand?: string[]
  externalImage?: string
  /** false (--no-environment-rerun): a run that came out unknown (environment) is not run once more */
  environmentRerun?: boolean
}

export async function runCommand (files: string[], flags: RunFlags): Promise<number> {
  const flagProblem = checkMutantFlag(flags.mutant, flags.policy) ?? nodesPerProcessProblem(flags.nodesPerProcess ?? 1, flags.runtime)
  if (flagProblem !== undefined) {
    process.stderr.write(flagProblem + '\n')
    return EXIT.badInput
  }
  const { scenarios, errors } = await loadAll(files)
  const overrides: ScenarioOverrides = { policy: flags.policy, impls: flags.impl, transport: flags.transport, mutant: flags.mutant, externalCommand: flags.externalCommand, externalImage: flags.externalImage }
  // every file, as the flags change it, is checked before the first run starts
  for (const s of scenarios) {
    if (flags.mutant !== undefined && !applyOverrides(s, overrides).nodes.some(n => n.mutants?.includes(flags.mutant!) === true)) {
      errors.push(`${s.file}: --mutant ${flags.mutant}: no node of this scenario has an implementation with that mutant (${mutantOwners(flags.mutant)})`)
    }
    const problems = recheckScenario(applyOverrides(s, overrides), { runtime: flags.runtime, nodesPerProcess: flags.nodesPerProcess, because: overrideFlags(overrides).join(' ') })
    if (problems.length > 0) errors.push(`invalid with these options: ${problems.map(formatProblem).join('\n  ')}`)
  }
  if (errors.length > 0) {
    process.stderr.write(errors.join('\n') + '\n')
    return EXIT.badInput
  }
  const { signal, dispose } = interruptSignal()
  const logger = createLogger()
  const versions = await collectVersions()
  const results: RunResult[] = []
  try {
    for (const scenario of scenarios) {
      for (let r = 0; r < flags.repeat; r++) {
        if (signal.aborted) break
        const seed = (flags.seed ?? scenario.seed) + r
        const line = new ProgressLine(process.stderr, `${scenario.name} seed ${seed}`)
        let result: RunResult
        try {
          const options: RunOptions = {
            runtime: flags.runtime,
            nodesPerProcess: flags.nodesPerProcess,
            outDir: flags.out,
            signal,
            versions,
            logger,
            overrides: { ...overrides, seed },
            onProgress: state => { line.update(state) },
            onNote: message => { line.note(message) }
          }
          result = flags.environmentRerun === false
            ? await runScenario(scenario, options)
            : (await runWithEnvironmentRerun(scenario, options, stalled => {
                line.done()
                printRunResult(process.stdout, stalled, relative(process.cwd(), stalled.dir))
                process.stdout.write(`  running it once more (same seed): a run the machine stalled judged nothing; --no-environment-rerun keeps the first\n`)
              })).result
        } catch (err) {
          line.done()
          // no engine, no swarm, an engine that is no manager: nothing was started, nothing judged (exit 2)
          const setup = err instanceof DevnetSetupError || err instanceof ImplLaunchError || ['NodeStartError', 'DockerUnavailableError', 'SwarmUnavailableError', 'SwarmSettingsError'].includes((err as Error).name)
          process.stderr.write(`${scenario.name}: ${setup ? 'set-up failed' : 'run failed'}: ${(err as Error).message}\n`)
          return EXIT.badInput
        } finally {
          line.done()
        }
        results.push(result)
        printRunResult(process.stdout, result, relative(process.cwd(), result.dir))
      }
    }
  } finally {
    dispose()
  }
  if (signal.aborted) return EXIT.interrupted
  return results.every(r => r.status === 'pass') ? EXIT.pass : EXIT.verdictFailed
}

/** `--mutant NAME`: a name some implementation has, and not with `--policy stock` (mutants modify leg-aware). */
export function checkMutantFlag (mutant: string | undefined, policy?: GossipPolicyName): string | undefined {
  if (mutant === undefined) return undefined
  const known = allMutantNames()
  if (!known.includes(mutant)) return `--mutant: unknown mutant "${mutant}"; known: ${known.join(', ')} (containers/ts-node/MUTANTS.md)`
  if (policy !== undefined && policy !== 'leg-aware') return `--mutant ${mutant} modifies the leg-aware policy; it cannot run with --policy ${policy}`
  return undefined
}

function mutantOwners (mutant: string): string {
  const owners = IMPLEMENTATIONS.filter(i => (i.mutants ?? []).some(m => m.name === mutant)).map(i => `impl ${i.name}`)
  return owners.length > 0 ? `it is a mutant of ${owners.join(', ')}` : 'no implementation has it'
}
