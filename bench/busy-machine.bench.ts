/**
 * Verdicts on a busy machine (issue 15's measurement; not part of `npm test`):
 *
 *   npx node bench/busy-machine.bench.ts [--runs 5] [--stock-runs 5] [--load heavy|none] [--out runs/bench-busy]
 *
 * With `--load heavy` (default) it first starts `stress-ng --cpu 6 --io 2 --vm 2 --vm-bytes 1G`
 * (Debian: `apt-get install -y stress-ng`) for the whole measurement, and stops it after (also on
 * Ctrl-C or a crash: it runs in its own process group, killed on exit). Then:
 *
 *   1. `--runs` seeds each of the gating set's pr278 QUIC and TCP fixtures and bearing-leg-down on
 *      the leg-aware node, each through the rerun-once policy (runner/environment-rerun.ts):
 *      wanted 0 fail; counted: unknown (environment) on the first run, and after its rerun.
 *   2. `--stock-runs` seeds of bearing-leg-down with `--policy stock`: wanted fail every time
 *      (the stall judgement must not excuse the bug).
 *
 * For each run it also notes the environment stalls the history shows (harness / majority of
 * nodes over a quarter slot). Writes busy-machine.json to --out. Keep the counts modest on a
 * shared machine: every run holds both cores for ~30 s.
 */
import { spawn } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { environmentOf } from '../harness/oracles/environment.ts'
import { readHistory } from '../harness/report/read-history.ts'
import { environmentWhat, isEnvironmentUnknown, runWithEnvironmentRerun } from '../harness/runner/environment-rerun.ts'
import { runScenario, type RunResult } from '../harness/runner/run-scenario.ts'
import { loadScenario } from '../harness/scenario/load-scenario.ts'
import { PROJECT_ROOT } from '../harness/util/paths.ts'

const HEAVY = ['--cpu', '6', '--io', '2', '--vm', '2', '--vm-bytes', '1G']
const LEG_AWARE = ['pr278-non-bearing-leg-flap', 'pr278-non-bearing-leg-flap-tcp', 'bearing-leg-down']

interface Row { scenario: string, policy: string, seed: number, first: string, counted: string, rerun: boolean, stalls: number, worstStallMs: number, what: string, dir: string }

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, 'stock-runs': { type: 'string', default: '5' }, load: { type: 'string', default: 'heavy' }, out: { type: 'string', default: join('runs', 'bench-busy') } }
})
const runs = Number(values.runs)
const stockRuns = Number(values['stock-runs'])
if (!Number.isInteger(runs) || runs < 0 || !Number.isInteger(stockRuns) || stockRuns < 0 || !['heavy', 'none'].includes(values.load)) {
  process.stderr.write('usage: npx node bench/busy-machine.bench.ts [--runs N] [--stock-runs M] [--load heavy|none] [--out DIR]\n')
  process.exit(2)
}
const out = join(values.out, `${values.load}-${new Date().toISOString().replace(/[:.]/g, '-')}`)
await mkdir(out, { recursive: true })

const stress = values.load === 'heavy' ? startStress() : undefined
const stopStress = (): void => { if (stress?.pid !== undefined) { try { process.kill(-stress.pid, 'SIGKILL') } catch { /* already gone */ } } }
process.on('exit', stopStress)
process.on('SIGINT', () => { stopStress(); process.exit(130) })
if (stress !== undefined) await new Promise(resolve => setTimeout(resolve, 3000)) // let the load settle in

const rows: Row[] = []
const label = (r: RunResult): string => isEnvironmentUnknown(r) ? 'unknown (environment)' : r.status
try {
  for (const name of LEG_AWARE) {
    const scenario = await loadScenario(join(PROJECT_ROOT, 'fixtures', 'scenarios', `${name}.yaml`))
    for (let i = 0; i < runs; i++) {
      const seed = scenario.seed + i
      try {
        const outcome = await runWithEnvironmentRerun(scenario, { outDir: join(out, 'runs'), overrides: { seed, policy: 'leg-aware' } })
        rows.push(await row(name, 'leg-aware', seed, outcome.stalled ?? outcome.result, outcome.result, outcome.stalled !== undefined))
      } catch (err) {
        rows.push(setupFailed(name, 'leg-aware', seed, err))
      }
    }
  }
  const bearing = await loadScenario(join(PROJECT_ROOT, 'fixtures', 'scenarios', 'bearing-leg-down.yaml'))
  for (let i = 0; i < stockRuns; i++) {
    const seed = bearing.seed + i
    try {
      const r = await runScenario(bearing, { outDir: join(out, 'runs'), overrides: { seed, policy: 'stock' } })
      rows.push(await row('bearing-leg-down', 'stock', seed, r, r, false))
    } catch (err) {
      rows.push(setupFailed('bearing-leg-down', 'stock', seed, err))
    }
  }
} finally {
  stopStress()
}

await writeFile(join(out, 'busy-machine.json'), JSON.stringify({ load: values.load, stress: stress !== undefined ? ['stress-ng', ...HEAVY] : null, rows }, null, 2) + '\n')
for (const r of rows) {
  process.stdout.write(`${r.scenario.padEnd(32)} ${r.policy.padEnd(9)} seed ${String(r.seed).padEnd(4)} first ${r.first.padEnd(22)} counted ${r.counted.padEnd(22)} stalls ${r.stalls} (worst ${r.worstStallMs} ms)${r.what !== '' ? `  ${r.what}` : ''}\n`)
}
const groups = [...new Set(rows.map(r => `${r.scenario} ${r.policy}`))]
process.stdout.write('\nscenario / policy                          runs  first: pass fail env-unknown | counted: pass fail env-unknown | set-up failed\n')
for (const g of groups) {
  const rs = rows.filter(r => `${r.scenario} ${r.policy}` === g)
  const n = (k: 'first' | 'counted', s: string): number => rs.filter(r => r[k] === s).length
  process.stdout.write(`${g.padEnd(42)} ${String(rs.length).padStart(4)}  ${[n('first', 'pass'), n('first', 'fail'), n('first', 'unknown (environment)')].map(x => String(x).padStart(5)).join('')}      | ${[n('counted', 'pass'), n('counted', 'fail'), n('counted', 'unknown (environment)')].map(x => String(x).padStart(5)).join('')}        | ${n('counted', 'setup-failed')}\n`)
}
process.stdout.write(`load: ${stress !== undefined ? `stress-ng ${HEAVY.join(' ')}` : 'none added'}; details in ${out}/busy-machine.json\n`)

async function row (scenario: string, policy: string, seed: number, first: RunResult, counted: RunResult, rerun: boolean): Promise<Row> {
  const history = await readHistory(join(counted.dir, 'history.ndjson'))
  const start = history.find(e => e.kind === 'run_start')
  const [fromMs, toMs] = start?.kind === 'run_start' ? [start.genesisMs, start.genesisMs + start.slots * start.slotMs] : [0, Infinity]
  // stalls during the slots (set-up stalls before genesis judge nothing)
  const inRun = environmentOf(history).intervals.filter(i => i.toMs > fromMs && i.fromMs < toMs)
  process.stderr.write(`${scenario} ${policy} seed ${seed}: ${label(first)}${rerun ? ` -> rerun ${label(counted)}` : ''}\n`)
  return {
    scenario, policy, seed, first: label(first), counted: label(counted), rerun,
    stalls: inRun.length, worstStallMs: Math.round(Math.max(0, ...inRun.map(i => i.worstMs))),
    what: isEnvironmentUnknown(first) ? environmentWhat(first) : '', dir: counted.dir
  }
}

/** A run that never got to genesis (a node not ready in time under the load): judged nothing, counted apart. */
function setupFailed (scenario: string, policy: string, seed: number, err: unknown): Row {
  const message = (err as Error).message.split('\n')[0] ?? ''
  process.stderr.write(`${scenario} ${policy} seed ${seed}: set-up failed: ${message}\n`)
  return { scenario, policy, seed, first: 'setup-failed', counted: 'setup-failed', rerun: false, stalls: 0, worstStallMs: 0, what: message, dir: '' }
}

function startStress (): ReturnType<typeof spawn> {
  const child = spawn('stress-ng', HEAVY, { stdio: 'ignore', detached: true })
  child.on('error', err => {
    process.stderr.write(`cannot start stress-ng (${err.message}); install it with: apt-get install -y stress-ng\n`)
    process.exit(2)
  })
  return child
}
