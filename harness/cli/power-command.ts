/**
 * `meshflap power`: every fixture x variant (correct node, each mutant, stock)
 * x N seeds; exit 1 when a mutant escapes its own fixture on any seed or the
 * correct node fails any fixture (harness/power/power-table.ts).
 */
import { join } from 'node:path'
import type { RuntimeName } from '../runtime/runtime.ts'
import { allMutants } from '../impls/index.ts'
import { fixturesOfMutants, judgedCells, missingFixtures, planPower, powerVariants } from '../power/plan.ts'
import { runPower } from '../power/run-power.ts'
import { PowerResumeError, readPowerProgress, type PowerProgress } from '../power/resume.ts'
import { powerTableText } from '../power/power-table.ts'
import { collectVersions } from '../runner/versions.ts'
import { nodesPerProcessProblem } from '../runtime/nodes-per-process.ts'
import { EXIT } from './exit-codes.ts'
import { loadAll } from './load-scenarios.ts'
import { interruptSignal } from './interrupt.ts'
import { CountProgress } from './count-progress.ts'
import { defaultFiles, shippedScenarios, sourceLine } from './default-files.ts'

export interface PowerFlags {
  runtime: RuntimeName
  seeds: number
  out: string
  /** only these mutants (default: every mutant) */
  mutant?: string[]
  /** only the cells the exit rule judges (correct node everywhere, each mutant on its own fixture) */
  judgedOnly?: boolean
  /** the folder of an earlier, interrupted power run to carry on (harness/power/resume.ts) */
  resume?: string
  /** devnets run at once (default 1) */
  parallel?: number
  nodesPerProcess?: number
}

export async function powerCommand (files: string[], flags: PowerFlags): Promise<number> {
  const flagProblem = nodesPerProcessProblem(flags.nodesPerProcess ?? 1, flags.runtime)
  if (flagProblem !== undefined) { process.stderr.write(flagProblem + '\n'); return EXIT.badInput }
  const known = allMutants()
  const mutants = flags.mutant === undefined ? known : known.filter(m => flags.mutant!.includes(m.name))
  const variants = powerVariants(mutants)
  // default: each mutant's own fixture and every shipped one that lists it under `catches:` (field-shaped)
  const dir = defaultFiles().scenarioDir
  if (files.length === 0) process.stderr.write(sourceLine('fixtures', dir, false, 'name scenario files to measure others') + '\n')
  const loaded = await loadAll(files.length > 0 ? files : await shippedScenarios(dir))
  const scenarios = files.length > 0 ? loaded.scenarios : fixturesOfMutants(loaded.scenarios, variants)
  const errors = [...loaded.errors, ...missingFixtures(scenarios, variants)]
  if (errors.length > 0) { process.stderr.write(errors.join('\n') + '\n'); return EXIT.badInput }
  const planned = planPower(scenarios, variants, flags.seeds)
  const cells = flags.judgedOnly === true ? judgedCells(planned) : planned
  let done: PowerProgress | undefined
  if (flags.resume !== undefined) {
    try {
      done = await readPowerProgress(flags.resume, flags.runtime)
    } catch (err) {
      if (!(err instanceof PowerResumeError)) throw err
      process.stderr.write(err.message + '\n')
      return EXIT.badInput
    }
  }
  const out = flags.resume ?? join(flags.out, `power-${new Date().toISOString().replace(/[:.]/g, '-')}`)
  if (done !== undefined) process.stderr.write(`resume: ${cells.filter(c => done.cells.has(c.key)).length} of ${cells.length} cell(s) already measured in ${out}\n`)
  const { signal, dispose } = interruptSignal()
  const progress = new CountProgress(process.stderr, 'power', cells.length)
  try {
    const result = await runPower(cells, {
      dir: out, runtime: flags.runtime, seeds: flags.seeds, variants, signal, versions: await collectVersions(), lanes: flags.parallel ?? 1, nodesPerProcess: flags.nodesPerProcess,
      ...(done !== undefined ? { done } : {}),
      onCellStart: cell => { progress.start(cell.key) },
      onNote: message => { process.stderr.write(message + '\n') },
      onCellDone: r => { progress.done(r.variant.kind === 'correct' && r.status !== 'pass' ? `${r.key}: the correct node did not pass (${r.summary})` : undefined) }
    })
    progress.stop()
    process.stdout.write(powerTableText(result.entries, result.variants, result.fixtures) + '\n')
    for (const p of result.problems) process.stdout.write(`PROBLEM ${p.message}\n`)
    process.stdout.write(`${result.red ? 'RED' : 'GREEN'}: ${result.cells.length} run(s) in ${(result.wallMs / 1000).toFixed(0)} s; power.json, junit.xml, power.html in ${out}\n`)
    if (result.interrupted) {
      process.stderr.write(`interrupted: carry on with the same command and --resume ${out}\n`)
      return EXIT.interrupted
    }
    return result.red ? EXIT.verdictFailed : EXIT.pass
  } finally {
    progress.stop()
    dispose()
  }
}
