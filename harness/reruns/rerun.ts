/**
 * Rerun bundles: a run directory holds everything to replay it — the resolved
 * scenario (history run_start.resolved: nodes, legs, faults, expectations),
 * the seed (so planFaults gives the same schedule), the runtime, and the
 * versions in results.json. `rerun` replays it and compares verdict statuses.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readHistory } from '../report/read-history.ts'
import type { RunStart } from '../history/types.ts'
import type { Scenario } from '../scenario/types.ts'
import type { RuntimeName } from '../runtime/runtime.ts'
import { runScenario } from '../runner/run-scenario.ts'
import type { RunResult } from '../runner/run-scenario.ts'
import type { VerdictStatus } from '../oracles/verdict.ts'

export class RunDirError extends Error {
  override name = 'RunDirError'
}

export interface SavedRun {
  dir: string
  scenario: Scenario
  seed: number
  runtime: RuntimeName
  /** expectation kind -> status, as judged then */
  statuses: Array<{ expectation: string, title: string, status: VerdictStatus }>
  status: VerdictStatus
}

export async function readSavedRun (dir: string): Promise<SavedRun> {
  let history
  try {
    history = await readHistory(join(dir, 'history.ndjson'))
  } catch (err) {
    throw new RunDirError(`${dir}: not a meshflap run directory: ${(err as Error).message}`)
  }
  const start = history.find((e): e is RunStart => e.kind === 'run_start')
  const scenario = start?.resolved as Scenario | undefined
  if (start == null || scenario?.nodes == null) throw new RunDirError(`${dir}/history.ndjson: no run_start with the resolved scenario (the run never started)`)
  let results: { status: VerdictStatus, verdicts: Array<{ expectation: string, title: string, status: VerdictStatus }> }
  try {
    results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as typeof results
  } catch (err) {
    throw new RunDirError(`${dir}/results.json: cannot read: ${(err as Error).message}`)
  }
  return {
    dir,
    scenario,
    seed: start.seed,
    runtime: start.runtime === 'docker' || start.runtime === 'swarm' ? start.runtime : 'process',
    statuses: results.verdicts.map(v => ({ expectation: v.expectation, title: v.title, status: v.status })),
    status: results.status
  }
}

/** Replays a saved run with a seed (default: its own) on a runtime (default: its own). */
export async function replay (saved: SavedRun, options: { seed?: number, runtime?: RuntimeName, outDir?: string, signal?: AbortSignal } = {}): Promise<RunResult> {
  // the resolved scenario already carries every override of the original run; another seed is an
  // override like --seed, so a seeded peering (`peers: { degree }`) is drawn again from it
  return await runScenario(saved.scenario, {
    overrides: { seed: options.seed ?? saved.seed },
    runtime: options.runtime ?? saved.runtime,
    outDir: options.outDir ?? join(saved.dir, 'reruns'),
    signal: options.signal
  })
}

export interface RerunComparison {
  same: boolean
  rows: Array<{ title: string, before: VerdictStatus, after: VerdictStatus | 'missing' }>
  rerun: RunResult
}

export function compareVerdicts (saved: SavedRun, rerun: RunResult): RerunComparison {
  const rows = saved.statuses.map(s => ({
    title: s.title,
    before: s.status,
    after: rerun.verdicts.find(v => v.expectation === s.expectation && v.title === s.title)?.status ?? 'missing' as const
  }))
  return { same: rows.every(r => r.before === r.after) && rerun.verdicts.length === saved.statuses.length, rows, rerun }
}
