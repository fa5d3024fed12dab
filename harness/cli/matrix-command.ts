/** `meshflap matrix`: every scenario x ordered implementation pair x the transports it is about, judged against known-failures. */
import { join } from 'node:path'
import type { NodeImpl, GossipPolicyName } from '../scenario/types.ts'
import type { TransportName } from '../history/types.ts'
import type { RuntimeName } from '../runtime/runtime.ts'
import { planMatrix } from '../matrix/plan.ts'
import { KnownFailuresError, loadKnownFailures } from '../matrix/known-failures.ts'
import { matrixTable, runMatrix } from '../matrix/run-matrix.ts'
import { collectVersions } from '../runner/versions.ts'
import { nodesPerProcessProblem } from '../runtime/nodes-per-process.ts'
import { EXIT } from './exit-codes.ts'
import { loadAll } from './load-scenarios.ts'
import { interruptSignal } from './interrupt.ts'
import { CountProgress } from './count-progress.ts'
import { defaultFiles, shippedScenarios, sourceLine } from './default-files.ts'

export interface MatrixFlags {
  impl: NodeImpl[]
  transport: TransportName[]
  runtime: RuntimeName
  seeds: number
  policy?: GossipPolicyName
  nodesPerProcess?: number
  knownFailures?: string
  out: string
  externalCommand?: string[]
  externalImage?: string
}

export async function matrixCommand (files: string[], flags: MatrixFlags): Promise<number> {
  const flagProblem = nodesPerProcessProblem(flags.nodesPerProcess ?? 1, flags.runtime)
  if (flagProblem !== undefined) { process.stderr.write(flagProblem + '\n'); return EXIT.badInput }
  const defaults = defaultFiles()
  const knownFile = flags.knownFailures ?? defaults.knownFailures
  process.stderr.write(sourceLine('known failures', knownFile, flags.knownFailures !== undefined, '--known-failures <file> for another') + '\n')
  let known
  try {
    known = await loadKnownFailures(knownFile)
  } catch (err) {
    if (err instanceof KnownFailuresError) { process.stderr.write(err.message + '\n'); return EXIT.badInput }
    throw err
  }
  if (files.length === 0) process.stderr.write(sourceLine('scenarios', defaults.scenarioDir, false, 'name scenario files to run others') + '\n')
  const scenarioFiles = files.length > 0 ? files : await shippedScenarios(defaults.scenarioDir)
  const { scenarios, errors } = await loadAll(scenarioFiles)
  if (errors.length > 0) { process.stderr.write(errors.join('\n') + '\n'); return EXIT.badInput }
  const { cells, duplicates } = planMatrix(scenarios, { impls: flags.impl, transports: flags.transport, seeds: flags.seeds })
  const skipped = cells.filter(c => c.skip !== undefined).length
  process.stderr.write(`matrix: ${cells.length - skipped} cell(s) to run` +
    (skipped > 0 ? `, ${skipped} not applicable (listed, not run)` : '') +
    (duplicates.length > 0 ? `, ${duplicates.length} left out as the same run as another (e.g. ${duplicates[0]!.key} = ${duplicates[0]!.sameAs})` : '') + '\n')
  const dir = join(flags.out, `matrix-${new Date().toISOString().replace(/[:.]/g, '-')}`)
  const { signal, dispose } = interruptSignal()
  const progress = new CountProgress(process.stderr, 'matrix', cells.length)
  try {
    const result = await runMatrix(cells, {
      dir, runtime: flags.runtime, nodesPerProcess: flags.nodesPerProcess, known, policy: flags.policy, signal, versions: await collectVersions(),
      externalCommand: flags.externalCommand, externalImage: flags.externalImage,
      onCellStart: cell => { progress.start(cell.key) },
      onCellDone: r => { progress.done(r.class === 'new-failure' || r.class === 'unexpected-pass' ? `${r.key}: ${r.class}` : undefined) }
    })
    progress.stop()
    process.stdout.write(matrixTable(result.cells) + '\n')
    for (const c of result.cells.filter(c => c.class === 'new-failure' || c.class === 'unexpected-pass')) {
      process.stdout.write(`${c.class === 'new-failure' ? 'NEW FAILURE' : 'UNEXPECTED PASS'} ${c.key}: ${c.class === 'new-failure' ? c.summary : `listed as known (${c.knownReason ?? ''}), but it passed`}\n  ${c.dir !== '' ? `report: ${c.dir}/report.html\n  reproduce: ${c.reproduce}` : ''}\n`)
    }
    for (const c of result.cells.filter(c => c.class === 'not-applicable')) {
      process.stdout.write(`NOT APPLICABLE ${c.key}: ${c.summary}\n`)
    }
    for (const c of result.cells.filter(c => c.class === 'environment')) {
      process.stdout.write(`UNKNOWN (environment) ${c.key}: ${c.summary}\n  report: ${c.dir}/report.html\n  reproduce: ${c.reproduce}\n`)
    }
    const stalled = result.cells.filter(c => c.rerun === true).length
    if (stalled > 0) process.stdout.write(`${stalled} cell(s) rerun because the machine stalled; ${result.cells.filter(c => c.class === 'environment').length} stayed unknown (environment), counted apart\n`)
    process.stdout.write(`${result.red ? 'RED' : 'GREEN'}: ${result.cells.length} cell(s) in ${(result.wallMs / 1000).toFixed(0)} s; matrix.json, junit.xml, summary.html in ${dir}\n`)
    if (result.interrupted) return EXIT.interrupted
    return result.red ? EXIT.verdictFailed : EXIT.pass
  } finally {
    progress.stop()
    dispose()
  }
}
