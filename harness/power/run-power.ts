/**
 * Runs a planned power measurement cell by cell (one devnet at a time, as the
 * matrix does, or `lanes` devnets at once, each taking the next cell as it
 * frees up; through the same environment-rerun runner) and writes, into the
 * power folder:
 *
 *   power.json   every cell, the table and the problems (the exit rule)
 *   junit.xml    one testcase per (variant, fixture)
 *   power.html   variants x fixtures, "caught k/N", each cell linking a run's report.html
 *   runs/        one run directory per cell, as `meshflap run` writes them
 *
 * The three files are rewritten after every cell, so an interrupted measurement
 * leaves a table of what it did and `--resume` (resume.ts) carries on from it.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { environmentWhat, runWithEnvironmentRerun } from '../runner/environment-rerun.ts'
import type { EnvironmentRerun } from '../runner/environment-rerun.ts'
import type { RuntimeName } from '../runtime/runtime.ts'
import { renderPowerHtml } from './power-html.ts'
import { renderPowerJunit } from './power-junit.ts'
import { powerProblems, powerTable, unmeasuredMutants } from './power-table.ts'
import type { PowerCellResult, PowerEntry, PowerProblem } from './power-table.ts'
import { variantOverrides } from './plan.ts'
import type { PowerCell, PowerVariant } from './plan.ts'
import type { PowerProgress } from './resume.ts'
import { runInLanes } from '../util/lanes.ts'

export interface PowerResult {
  red: boolean
  interrupted: boolean
  cells: PowerCellResult[]
  entries: PowerEntry[]
  problems: PowerProblem[]
  variants: string[]
  fixtures: string[]
  seeds: number
  runtime: RuntimeName
  wallMs: number
  dir: string
}

export interface RunPowerOptions {
  dir: string
  runtime: RuntimeName
  seeds: number
  variants: readonly PowerVariant[]
  signal?: AbortSignal
  versions?: Record<string, string>
  onCellStart?: (cell: PowerCell, index: number, total: number) => void
  onCellDone?: (result: PowerCellResult, index: number, total: number) => void
  onNote?: (message: string) => void
  /** cells measured by an earlier, interrupted run into the same folder (resume.ts): kept, not run again */
  done?: PowerProgress
  /** devnets run at once (default 1); each run still judges its own machine stalls */
  lanes?: number
  /** process runtime: TS nodes per child process (scenarios with kill/pause faults run one per process) */
  nodesPerProcess?: number
}

async function runOnce (cell: PowerCell, options: RunPowerOptions): Promise<EnvironmentRerun> {
  return await runWithEnvironmentRerun(cell.scenario, {
    runtime: options.runtime,
    nodesPerProcess: options.nodesPerProcess,
    hostAloneWhenSignalled: true,
    outDir: join(options.dir, 'runs'),
    signal: options.signal,
    versions: options.versions,
    overrides: { seed: cell.seed, ...variantOverrides(cell.variant) }
  })
}

/**
 * With lanes, how many nodes may run at once per core: four small fixtures (2-3 nodes) side by
 * side, while the 8-node field-shaped fixture runs alone on 2 cores. Measured on 2 cores: 4 lanes
 * of the 2-node fixtures ran 24 runs in 71 s with every verdict as in one lane (3 s a run, 10 s alone).
 */
const NODES_AT_ONCE_PER_CORE = 4

export async function runPower (cells: readonly PowerCell[], options: RunPowerOptions): Promise<PowerResult> {
  const started = Date.now()
  await mkdir(options.dir, { recursive: true })
  // by plan index, so power.json lists cells in plan order whatever lane finished first
  const byIndex = new Map<number, PowerCellResult>()
  const aborted = (): boolean => options.signal?.aborted === true
  const done = options.done?.cells ?? new Map<string, PowerCellResult>()
  const dropped = [...done.keys()].filter(k => !cells.some(c => c.key === k))
  if (dropped.length > 0) options.onNote?.(`resume: ${dropped.length} earlier cell(s) are not in this plan and are left out: ${dropped.slice(0, 3).join('; ')}${dropped.length > 3 ? '; ...' : ''}`)
  const results = (): PowerCellResult[] => [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r)
  const summarise = (complete: boolean): PowerResult => summary(cells, results(), options, complete, (options.done?.wallMs ?? 0) + Date.now() - started)
  for (const [i, cell] of cells.entries()) {
    const earlier = done.get(cell.key)
    if (earlier === undefined) continue
    byIndex.set(i, earlier)
    options.onCellDone?.(earlier, i, cells.length)
  }
  // the files are rewritten after every cell; two lanes finishing together must not interleave their writes
  let writes = Promise.resolve()
  const todo = [...cells.entries()].filter(([i]) => !byIndex.has(i))
  const lanes = { lanes: options.lanes ?? 1, weight: ([, c]: [number, PowerCell]) => c.scenario.nodes.length, budget: NODES_AT_ONCE_PER_CORE * availableParallelism(), stop: aborted }
  await runInLanes(todo, lanes, async ([i, cell]) => {
    options.onCellStart?.(cell, i, cells.length)
    const result = await runCell(cell, options)
    // a cell cut short by Ctrl-C measured nothing: left out, so a resume runs it again
    if (aborted()) return
    byIndex.set(i, result)
    options.onCellDone?.(result, i, cells.length)
    writes = writes.then(async () => { await writePowerFiles(summarise(false)) })
    await writes
  })
  await writes
  const power = summarise(byIndex.size === cells.length)
  await writePowerFiles(power)
  return power
}

/** One cell through the environment-rerun runner; a devnet that cannot start is unknown, not a verdict. */
async function runCell (cell: PowerCell, options: RunPowerOptions): Promise<PowerCellResult> {
  const aborted = (): boolean => options.signal?.aborted === true
  const base = { key: cell.key, fixture: cell.scenario.name, variant: cell.variant, seed: cell.seed, own: cell.own }
  try {
    const outcome = await runOnce(cell, options).catch(async (err: unknown) => {
      // a node that did not come up in time on a loaded machine says nothing about the variant: one more try
      if (aborted()) throw err
      options.onNote?.(`${cell.key}: set-up failed (${(err as Error).message.split('\n')[0] ?? ''}); trying once more`)
      return await runOnce(cell, options)
    })
    const run = outcome.result
    const failed = run.verdicts.filter(v => v.status !== 'pass')
    return {
      ...base,
      status: run.status,
      summary: failed.length === 0 ? (run.status === 'pass' ? 'every verdict passed' : `${run.status} (${run.endReason})`)
        : outcome.environment ? `unknown (environment: ${environmentWhat(run)}), twice`
          : failed.map(v => `${v.title}: ${v.findings[0]?.message ?? v.summary}`).join(' | '),
      dir: run.dir, reproduce: run.reproduce, wallMs: run.wallMs
    }
  } catch (err) {
    // for a mutant: not a catch. Interrupted: the caller drops it
    return { ...base, status: 'unknown', summary: `set-up failed: ${(err as Error).message.split('\n')[0] ?? ''}`, dir: '', reproduce: '', wallMs: 0 }
  }
}

function summary (cells: readonly PowerCell[], results: PowerCellResult[], options: RunPowerOptions, complete: boolean, wallMs: number): PowerResult {
  const entries = powerTable(results)
  const mutants = options.variants.filter(v => v.kind === 'mutant').map(v => v.name)
  const problems = [...powerProblems(entries), ...(complete ? unmeasuredMutants(entries, mutants.filter(m => cells.some(c => c.variant.name === m))) : [])]
  return {
    red: problems.length > 0,
    interrupted: !complete,
    cells: [...results],
    entries,
    problems,
    variants: options.variants.map(v => v.name),
    fixtures: [...new Set(cells.map(c => c.scenario.name))],
    seeds: options.seeds,
    runtime: options.runtime,
    wallMs,
    dir: options.dir
  }
}

async function writePowerFiles (p: PowerResult): Promise<void> {
  await writeFile(join(p.dir, 'power.json'), JSON.stringify(p, null, 2) + '\n')
  await writeFile(join(p.dir, 'junit.xml'), renderPowerJunit(p.entries, p.problems))
  await writeFile(join(p.dir, 'power.html'), renderPowerHtml({
    title: 'meshflap power: which fixture catches which field bug',
    dir: p.dir, variants: p.variants, fixtures: p.fixtures, entries: p.entries, problems: p.problems,
    seeds: p.seeds, runtime: p.runtime, wallMs: p.wallMs
  }))
}
