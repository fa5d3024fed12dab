/**
 * Runs a planned matrix cell by cell (one devnet at a time: the cells share
 * this machine's cores) and writes, into the matrix folder:
 *
 *   matrix.json    every cell: status, class against known-failures, run dir, wall time, measured leg death
 *   junit.xml      one testcase per cell (known failures skipped, new failures/unexpected passes failed)
 *   summary.html   scenario rows x implementation pair + transport columns, linking each run's report.html
 *   <run dirs>     one per cell, as `meshflap run` writes them
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { renderSummaryHtml } from '../report/summary-html.ts'
import type { History } from '../history/types.ts'
import { readHistory } from '../report/read-history.ts'
import { environmentWhat, runWithEnvironmentRerun } from '../runner/environment-rerun.ts'
import type { RunResult } from '../runner/run-scenario.ts'
import type { RuntimeName } from '../runtime/runtime.ts'
import type { VerdictStatus } from '../oracles/verdict.ts'
import type { GossipPolicyName } from '../scenario/types.ts'
import { cellLegDeath, describeCellLegDeath, slowestLegDeath, type CellLegDeath } from './cell-leg-death.ts'
import { classifyCell, isRed } from './classify.ts'
import type { CellClass } from './classify.ts'
import { knownFailureFor } from './known-failures.ts'
import { classifyRun } from './classify-run.ts'
import type { KnownFailure } from './known-failures.ts'
import type { MatrixCell } from './plan.ts'
import { renderMatrixJunit } from './matrix-junit.ts'

export interface MatrixCellResult {
  key: string
  scenario: string
  impls: [string, string]
  transport: string
  seed: number
  status: VerdictStatus
  class: CellClass
  knownReason?: string
  summary: string
  dir: string
  reproduce: string
  wallMs: number
  /** the cell's first run came out unknown (environment) and was run again */
  rerun?: boolean
  /** measured leg death per implementation (cell-leg-death.ts): the slowest fault -> leg_close; absent when no leg was downed */
  legDeath?: CellLegDeath[]
}

export interface MatrixResult {
  red: boolean
  interrupted: boolean
  cells: MatrixCellResult[]
  wallMs: number
  dir: string
}

export interface RunMatrixOptions {
  dir: string
  runtime: RuntimeName
  known: readonly KnownFailure[]
  policy?: GossipPolicyName
  /** process runtime: TS nodes per child process (scenarios with kill/pause faults run one per process) */
  nodesPerProcess?: number
  /** what impl "external" runs: a command (process runtime) or an image (docker runtime) */
  externalCommand?: string[]
  externalImage?: string
  signal?: AbortSignal
  versions?: Record<string, string>
  onCellStart?: (cell: MatrixCell, index: number, total: number) => void
  onCellDone?: (result: MatrixCellResult, index: number, total: number) => void
}

export async function runMatrix (cells: readonly MatrixCell[], options: RunMatrixOptions): Promise<MatrixResult> {
  const started = Date.now()
  await mkdir(options.dir, { recursive: true })
  const results: MatrixCellResult[] = []
  const runs: RunResult[] = []
  for (const [i, cell] of cells.entries()) {
    if (options.signal?.aborted === true) break
    options.onCellStart?.(cell, i, cells.length)
    let result: MatrixCellResult
    if (cell.skip !== undefined) {
      result = {
        key: cell.key, scenario: cell.scenario.name, impls: cell.impls, transport: cell.transport, seed: cell.seed,
        status: 'unknown', class: 'not-applicable', summary: `not run: ${cell.skip}`, dir: '', reproduce: '', wallMs: 0
      }
      results.push(result)
      options.onCellDone?.(result, i, cells.length)
      continue
    }
    try {
      const outcome = await setUpOnceMore(async () => await runWithEnvironmentRerun(cell.scenario, {
        runtime: options.runtime,
        nodesPerProcess: options.nodesPerProcess,
        hostAloneWhenSignalled: true,
        outDir: join(options.dir, 'runs'),
        signal: options.signal,
        versions: options.versions,
        overrides: {
          seed: cell.seed, impls: cell.impls, ...(cell.force !== undefined ? { transport: cell.force } : {}),
          ...(options.policy != null ? { policy: options.policy } : {}),
          ...(options.externalCommand != null ? { externalCommand: options.externalCommand } : {}),
          ...(options.externalImage != null ? { externalImage: options.externalImage } : {})
        }
      }), options.signal)
      const run = outcome.result
      runs.push(run)
      const history = await readHistory(join(run.dir, 'history.ndjson')).catch(() => undefined)
      const legDeath = history === undefined ? [] : legDeathOf(history)
      const failed = run.verdicts.filter(v => v.status !== 'pass')
      const judged = classifyRun(cell, options.known, { status: run.status, verdicts: run.verdicts, environment: outcome.environment, ...(history !== undefined ? { history } : {}) })
      result = {
        key: cell.key, scenario: cell.scenario.name, impls: cell.impls, transport: cell.transport, seed: cell.seed,
        status: run.status, class: judged.class, ...(judged.known != null ? { knownReason: judged.known.reason } : {}),
        summary: judged.class === 'not-applicable' ? judged.why ?? ''
          : failed.length === 0 ? 'every verdict passed'
            : outcome.environment ? `unknown (environment: ${environmentWhat(run)}), twice`
              : failed.map(v => `${v.title}: ${v.findings[0]?.message ?? v.summary}`).join(' | ') + (judged.why !== undefined ? ` (known: ${judged.why})` : ''),
        dir: run.dir, reproduce: run.reproduce, wallMs: run.wallMs, ...(outcome.stalled !== undefined ? { rerun: true } : {}),
        ...(legDeath.length > 0 ? { legDeath } : {})
      }
    } catch (err) {
      // a set-up failure (a node that cannot start) is a failed cell, not the end of the matrix
      result = {
        key: cell.key, scenario: cell.scenario.name, impls: cell.impls, transport: cell.transport, seed: cell.seed,
        status: 'fail', ...setUpFailureClass(cell, options.known),
        summary: `set-up failed twice: ${(err as Error).message}`, dir: '', reproduce: '', wallMs: 0
      }
    }
    results.push(result)
    options.onCellDone?.(result, i, cells.length)
  }
  const matrix: MatrixResult = {
    red: results.some(r => isRed(r.class)),
    interrupted: results.length < cells.length,
    cells: results,
    wallMs: Date.now() - started,
    dir: options.dir
  }
  await writeMatrixFiles(matrix, runs)
  return matrix
}

/**
 * A cell whose set-up fails (a node not ready in time on a loaded machine, a placement that did not
 * take) is set up once more, as a stalled run is rerun once: one failed start says nothing about the
 * pair. A second failure is the cell's result (a node that cannot start at all fails every time).
 */
async function setUpOnceMore<T> (run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await run()
  } catch (err) {
    if (signal?.aborted === true) throw err
    return await run()
  }
}

async function writeMatrixFiles (matrix: MatrixResult, runs: readonly RunResult[]): Promise<void> {
  await writeFile(join(matrix.dir, 'matrix.json'), JSON.stringify(matrix, null, 2) + '\n')
  await writeFile(join(matrix.dir, 'junit.xml'), renderMatrixJunit(matrix.cells))
  const summaryRuns = await Promise.all(runs.map(async r => ({
    history: await readHistory(join(r.dir, 'history.ndjson')),
    verdicts: r.verdicts,
    runDir: r.dir
  })))
  if (summaryRuns.length > 0) {
    await writeFile(join(matrix.dir, 'summary.html'), renderSummaryHtml(summaryRuns, { summaryDir: matrix.dir, title: 'meshflap interop matrix' }))
  }
}

/** The pass/fail table as printed: one row per scenario, one column per implementation pair and transport. */
export function matrixTable (cells: readonly MatrixCellResult[]): string {
  const columns = [...new Set(cells.map(c => `${c.impls.join('>')} ${c.transport}`))]
  const rows = [...new Set(cells.map(c => c.scenario))]
  const mark: Record<CellClass, string> = { pass: 'pass', 'known-failure': 'known-fail', 'flaky-known': 'known-flaky', 'new-failure': 'NEW FAIL', 'unexpected-pass': 'UNEXP PASS', environment: 'env-unknown', 'not-applicable': 'n/a' }
  const cell = (scenario: string, column: string): string => {
    const hits = cells.filter(c => c.scenario === scenario && `${c.impls.join('>')} ${c.transport}` === column)
    if (hits.length === 0) return '-'
    const worst = hits.find(h => isRed(h.class)) ?? hits.find(h => h.class !== 'pass') ?? hits[0]!
    return hits.length === 1 ? mark[worst.class] : `${mark[worst.class]} ${hits.filter(h => h.status === 'pass').length}/${hits.length}`
  }
  const width = Math.max(8, ...rows.map(r => r.length))
  const colWidth = Math.max(12, ...columns.map(c => c.length))
  const lines = [`${'scenario'.padEnd(width)}  ${columns.map(c => c.padEnd(colWidth)).join('  ')}`]
  for (const r of rows) lines.push(`${r.padEnd(width)}  ${columns.map(c => cell(r, c).padEnd(colWidth)).join('  ')}`)
  // how fast each implementation saw a downed leg die (fault -> leg_close), slowest over the cell's seeds
  const deaths = rows.flatMap(r => columns.flatMap(c => {
    const hits = cells.filter(x => x.scenario === r && `${x.impls.join('>')} ${x.transport}` === c)
    const text = describeCellLegDeath(slowestLegDeath(hits.map(h => h.legDeath ?? [])))
    return text === '' ? [] : [`  ${r} ${c}: ${text}`]
  }))
  if (deaths.length > 0) lines.push('', 'slowest leg death (fault -> leg_close) per implementation:', ...deaths)
  return lines.join('\n')
}

/** A cell that could not be set up: covered only by an entry without a mechanism (there is no run to show one). */
function setUpFailureClass (cell: MatrixCell, known: readonly KnownFailure[]): Pick<MatrixCellResult, 'class' | 'knownReason'> {
  const entry = knownFailureFor(known, cell)
  return { class: classifyCell('fail', entry), ...(entry != null ? { knownReason: entry.reason } : {}) }
}

/** measured leg death; a history the measure cannot read says nothing about it (the verdicts say the rest) */
function legDeathOf (history: History): CellLegDeath[] {
  try {
    return cellLegDeath(history)
  } catch {
    return []
  }
}
