/**
 * The pre-release gate: every scenario of the gating set over N seeds; it
 * passes only if no run fails and every scenario passed. One row per scenario
 * (its implementations and transports as written): pass count / runs and the
 * slowest wall time. A run that came out unknown (environment) (the machine
 * stalled) is rerun once (runner/environment-rerun.ts); one that stays so is
 * counted in its own column, neither pass nor fail, and a scenario none of
 * whose runs passed fails the gate (nothing was judged). Writes gate.json and
 * junit.xml (every run's testcases).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readHistory } from '../report/read-history.ts'
import { renderJunit } from '../report/junit.ts'
import { environmentWhat, runWithEnvironmentRerun } from '../runner/environment-rerun.ts'
import type { RunResult } from '../runner/run-scenario.ts'
import type { RuntimeName } from '../runtime/runtime.ts'
import type { Scenario } from '../scenario/types.ts'

export interface GateRow {
  scenario: string
  impls: string
  transports: string
  passed: number
  runs: number
  slowestMs: number
  failures: Array<{ seed: number, summary: string, dir: string, reproduce: string }>
  /** runs that came out unknown (environment) and were rerun */
  reruns: number
  /** of those, runs whose rerun came out unknown (environment) again: neither pass nor fail */
  environment: Array<{ seed: number, what: string, dir: string, reproduce: string }>
}

export interface GateResult {
  pass: boolean
  interrupted: boolean
  rows: GateRow[]
  wallMs: number
  dir: string
}

export interface GateOptions {
  seeds: number
  runtime: RuntimeName
  /** process runtime: TS nodes per child process (scenarios with kill/pause faults run one per process) */
  nodesPerProcess?: number
  dir: string
  signal?: AbortSignal
  versions?: Record<string, string>
  onRunStart?: (label: string) => void
  onRunDone?: (r: RunResult) => void
}

export async function runGate (scenarios: readonly Scenario[], options: GateOptions): Promise<GateResult> {
  const started = Date.now()
  await mkdir(options.dir, { recursive: true })
  const rows: GateRow[] = []
  const runs: RunResult[] = []
  let interrupted = false
  for (const scenario of scenarios) {
    const row: GateRow = {
      scenario: scenario.name,
      impls: [...new Set(scenario.nodes.map(n => n.impl))].join('+'),
      transports: [...new Set(scenario.legs.map(l => l.transport))].join('+'),
      passed: 0, runs: 0, slowestMs: 0, failures: [], reruns: 0, environment: []
    }
    rows.push(row)
    for (let i = 0; i < options.seeds; i++) {
      if (options.signal?.aborted === true) { interrupted = true; break }
      const seed = scenario.seed + i
      options.onRunStart?.(`${scenario.name} seed ${seed}`)
      const outcome = await runWithEnvironmentRerun(scenario, { runtime: options.runtime, nodesPerProcess: options.nodesPerProcess, hostAloneWhenSignalled: true, outDir: join(options.dir, 'runs'), overrides: { seed }, signal: options.signal, versions: options.versions },
        () => { row.reruns++; options.onRunStart?.(`${scenario.name} seed ${seed} (rerun: the machine stalled)`) })
      const r = outcome.result
      if (r.endReason === 'interrupted') { interrupted = true; break }
      runs.push(r)
      row.runs++
      row.slowestMs = Math.max(row.slowestMs, r.wallMs)
      if (r.status === 'pass') row.passed++
      else if (outcome.environment) row.environment.push({ seed, what: environmentWhat(r), dir: r.dir, reproduce: r.reproduce })
      else row.failures.push({ seed, dir: r.dir, reproduce: r.reproduce, summary: r.verdicts.filter(v => v.status !== 'pass').map(v => `${v.title}: ${v.findings[0]?.message ?? v.summary}`).join(' | ') })
      options.onRunDone?.(r)
    }
  }
  const judged = (r: GateRow): boolean => r.runs === options.seeds && r.failures.length === 0 && r.passed > 0 && r.passed + r.environment.length === r.runs
  const result: GateResult = { pass: !interrupted && rows.every(judged), interrupted, rows, wallMs: Date.now() - started, dir: options.dir }
  await writeFile(join(options.dir, 'gate.json'), JSON.stringify(result, null, 2) + '\n')
  const junitRuns = await Promise.all(runs.map(async r => ({ history: await readHistory(join(r.dir, 'history.ndjson')), verdicts: r.verdicts, versions: options.versions })))
  await writeFile(join(options.dir, 'junit.xml'), renderJunit(junitRuns))
  return result
}

/** The one table the gate prints. */
export function gateTable (result: GateResult): string {
  const head = ['scenario', 'impls', 'transport', 'pass/runs', 'unknown (environment)', 'slowest']
  const body = result.rows.map(r => [r.scenario, r.impls, r.transports, `${r.passed}/${r.runs}`,
    `${r.environment.length}${r.reruns > 0 ? ` (${r.reruns} rerun)` : ''}`, `${(r.slowestMs / 1000).toFixed(1)} s`])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map(b => (b[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')
  return [line(head), ...body.map(line)].join('\n')
}
