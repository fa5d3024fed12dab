/** `meshflap gate`, `meshflap rerun <run-dir>`, `meshflap triage <run-dir>`. */
import { readdir, readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { parse } from 'yaml'
import type { RuntimeName } from '../runtime/runtime.ts'
import { collectVersions } from '../runner/versions.ts'
import { nodesPerProcessProblem } from '../runtime/nodes-per-process.ts'
import { gateTable, runGate } from '../reruns/gate.ts'
import { compareVerdicts, readSavedRun, replay, RunDirError } from '../reruns/rerun.ts'
import { triage } from '../reruns/triage.ts'
import { KnownFailuresError, loadKnownFailures } from '../matrix/known-failures.ts'
import { EXIT } from './exit-codes.ts'
import { loadAll } from './load-scenarios.ts'
import { interruptSignal } from './interrupt.ts'
import { CountProgress } from './count-progress.ts'
import { defaultFiles, shownPath, sourceLine } from './default-files.ts'

export async function gateCommand (opts: { runtime: RuntimeName, seeds: number, nodesPerProcess?: number, set?: string, knownFailures?: string, out: string }): Promise<number> {
  const flagProblem = nodesPerProcessProblem(opts.nodesPerProcess ?? 1, opts.runtime)
  if (flagProblem !== undefined) { process.stderr.write(flagProblem + '\n'); return EXIT.badInput }
  let files: string[]
  try {
    const set = await gatingSet(opts.set, opts.knownFailures)
    process.stderr.write(`${set.source}\n`)
    files = set.files
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    return EXIT.badInput
  }
  const { scenarios, errors } = await loadAll(files)
  if (errors.length > 0) { process.stderr.write(errors.join('\n') + '\n'); return EXIT.badInput }
  const dir = join(opts.out, `gate-${new Date().toISOString().replace(/[:.]/g, '-')}`)
  const { signal, dispose } = interruptSignal()
  const progress = new CountProgress(process.stderr, 'gate', scenarios.length * opts.seeds)
  try {
    const result = await runGate(scenarios, {
      seeds: opts.seeds, runtime: opts.runtime, nodesPerProcess: opts.nodesPerProcess, dir, signal, versions: await collectVersions(),
      onRunStart: label => { progress.start(label) },
      onRunDone: r => { progress.done(r.status === 'pass' ? undefined : `${r.status === 'fail' ? 'FAIL' : 'UNKNOWN'} ${r.scenario.name} seed ${r.scenario.seed}`) }
    })
    progress.stop()
    process.stdout.write(gateTable(result) + '\n')
    for (const row of result.rows) {
      for (const f of row.failures) process.stdout.write(`FAIL ${row.scenario} seed ${f.seed}: ${f.summary}\n  report: ${f.dir}/report.html\n  reproduce: ${f.reproduce}\n`)
      for (const u of row.environment) process.stdout.write(`UNKNOWN (environment) ${row.scenario} seed ${u.seed}, twice: ${u.what}\n  report: ${u.dir}/report.html\n  reproduce: ${u.reproduce}\n`)
      if (row.passed === 0 && row.runs > 0 && row.failures.length === 0) process.stdout.write(`NOT JUDGED ${row.scenario}: no run passed (every run was cut short or the machine stalled)\n`)
    }
    process.stdout.write(`${result.pass ? 'GATE PASSED' : 'GATE FAILED'} in ${(result.wallMs / 1000).toFixed(0)} s; gate.json and junit.xml in ${dir}\n`)
    if (result.interrupted) return EXIT.interrupted
    return result.pass ? EXIT.pass : EXIT.verdictFailed
  } finally {
    progress.stop()
    dispose()
  }
}

/**
 * The gating set: the set file's `scenarios` (paths relative to that file), or, when it lists
 * none, every shipped scenario the known-failures file does not name. Defaults are meshflap's own
 * files (harness/cli/default-files.ts); a file the user names must exist.
 */
export async function gatingSet (givenSet?: string, givenKnown?: string): Promise<{ files: string[], source: string }> {
  const defaults = defaultFiles()
  const setFile = resolve(givenSet ?? defaults.gateSet)
  let text: string
  try { text = await readFile(setFile, 'utf8') } catch (err) { throw new Error(`${shownPath(setFile)}: cannot read the gating set: ${(err as Error).message}`) }
  const data = parse(text) as { scenarios?: unknown } | null
  const source = sourceLine('gating set', setFile, givenSet !== undefined, '--set <file> for another')
  if (data?.scenarios !== undefined) {
    if (!Array.isArray(data.scenarios) || !data.scenarios.every(s => typeof s === 'string')) {
      throw new Error(`${shownPath(setFile)}: field "scenarios" must be a list of scenario file paths (relative to the set file)`)
    }
    return { files: (data.scenarios as string[]).map(f => resolve(dirname(setFile), f)), source }
  }
  const knownFile = givenKnown ?? defaults.knownFailures
  const known = await loadKnownFailures(knownFile).catch((err: Error) => { if (err instanceof KnownFailuresError && !/cannot read/.test(err.message)) throw err; return [] })
  const names = new Set(known.map(k => k.scenario))
  const dir = defaults.scenarioDir
  const files = (await readdir(dir)).filter(f => f.endsWith('.yaml') && !names.has(f.replace(/\.yaml$/, ''))).sort().map(f => join(dir, f))
  return { files, source: `${source}; it lists no scenarios: ${sourceLine('every shipped scenario except the known failures of', knownFile, givenKnown !== undefined, '--known-failures <file> for another')}` }
}

export async function rerunCommand (dir: string, opts: { runtime?: RuntimeName }): Promise<number> {
  let saved
  try { saved = await readSavedRun(dir) } catch (err) {
    if (err instanceof RunDirError) { process.stderr.write(err.message + '\n'); return EXIT.badInput }
    throw err
  }
  const { signal, dispose } = interruptSignal()
  try {
    const r = await replay(saved, { runtime: opts.runtime, signal })
    if (r.endReason === 'interrupted') return EXIT.interrupted
    const cmp = compareVerdicts(saved, r)
    for (const row of cmp.rows) process.stdout.write(`  ${row.before === row.after ? 'same' : 'DIFF'}  ${row.title}: ${row.before} -> ${row.after}\n`)
    process.stdout.write(`${cmp.same ? 'SAME VERDICTS' : 'DIFFERENT VERDICTS'}: ${saved.scenario.name} seed ${saved.seed} (${saved.status} -> ${r.status})\n  rerun: ${r.dir}/report.html\n`)
    return cmp.same ? EXIT.pass : EXIT.verdictFailed
  } finally {
    dispose()
  }
}

export async function triageCommand (dir: string, opts: { runs: number, runtime?: RuntimeName }): Promise<number> {
  let saved
  try { saved = await readSavedRun(dir) } catch (err) {
    if (err instanceof RunDirError) { process.stderr.write(err.message + '\n'); return EXIT.badInput }
    throw err
  }
  if (saved.status === 'pass') { process.stderr.write(`${dir}: this run passed; triage is for failed runs\n`); return EXIT.badInput }
  const { signal, dispose } = interruptSignal()
  const progress = new CountProgress(process.stderr, 'triage', opts.runs * 2)
  try {
    const t = await triage(saved, {
      runs: opts.runs, runtime: opts.runtime, signal,
      onRun: (label, r) => { progress.start(label); progress.done(`${label}: ${r.status}`) }
    })
    progress.stop()
    process.stdout.write(`${t.class.toUpperCase()}: ${t.summary}\n`)
    return signal.aborted ? EXIT.interrupted : EXIT.pass
  } finally {
    progress.stop()
    dispose()
  }
}
