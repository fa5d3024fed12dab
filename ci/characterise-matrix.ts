/**
 * Characterises the matrix cells that involve one implementation over N seeds
 * (issue 12: every cell with a Rust node over at least 5 seeds), breadth first:
 * seed 1 of every cell, then seed 2 of every cell, ... so that a run stopped
 * early still covers every cell. Each finished run is appended as one JSON line
 * to <out>/cells.ndjson at once (a long run that is stopped keeps what it did, and
 * a run started again on the same <out> skips every run already in it: the four
 * hours of a 5-seed characterisation can be spread over several sittings);
 * `--table` prints cell -> passes/runs from that file, each run judged again from its
 * history with the current oracles (what `meshflap report <run-dir>` does, without writing).
 *
 *   node ci/characterise-matrix.ts --impl ts,go,rust --involving rust --seeds 5 --out runs/char-rust
 *   node ci/characterise-matrix.ts --table runs/char-rust
 *
 * Plans with harness/matrix/plan.ts (transports as each scenario is about, same-run cells once,
 * not-applicable cells recorded without a run) and runs with harness/matrix/run-matrix.ts.
 */
import { appendFile, mkdir, readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadAll } from '../harness/cli/load-scenarios.ts'
import { isImplName } from '../harness/impls/index.ts'
import type { ImplName } from '../harness/impls/index.ts'
import { loadKnownFailures } from '../harness/matrix/known-failures.ts'
import type { KnownFailure } from '../harness/matrix/known-failures.ts'
import { classifyRun } from '../harness/matrix/classify-run.ts'
import { environmentUnknown } from '../harness/oracles/environment-excuse.ts'
import { planMatrix } from '../harness/matrix/plan.ts'
import type { MatrixCell } from '../harness/matrix/plan.ts'
import { runMatrix } from '../harness/matrix/run-matrix.ts'
import type { MatrixCellResult } from '../harness/matrix/run-matrix.ts'
import { PROJECT_ROOT } from '../harness/util/paths.ts'
import { readHistory } from '../harness/report/read-history.ts'
import { judge } from '../harness/oracles/index.ts'
import { composeStatus } from '../harness/oracles/verdict.ts'
import type { HistoryEntry, RunStart } from '../harness/history/types.ts'
import type { Scenario } from '../harness/scenario/types.ts'

const { values } = parseArgs({
  options: {
    impl: { type: 'string', default: 'ts,go,rust' },
    involving: { type: 'string', default: 'rust' },
    seeds: { type: 'string', default: '5' },
    out: { type: 'string' },
    table: { type: 'string' }
  }
})

if (values.table !== undefined) {
  process.stdout.write(await table(values.table) + '\n')
} else {
  if (values.out === undefined) throw new Error('--out <dir> is required')
  const impls = values.impl.split(',').map(s => s.trim())
  const bad = impls.filter(i => !isImplName(i))
  if (bad.length > 0) throw new Error(`--impl: unknown implementation(s) ${bad.join(', ')}`)
  const dir = join(PROJECT_ROOT, 'fixtures', 'scenarios')
  const { scenarios, errors } = await loadAll((await readdir(dir)).filter(f => f.endsWith('.yaml')).sort().map(f => join(dir, f)))
  if (errors.length > 0) throw new Error(errors.join('\n'))
  const seeds = Number(values.seeds)
  const { cells } = planMatrix(scenarios, { impls: impls as ImplName[], transports: ['quic', 'tcp'], seeds })
  const involved = cells.filter(c => c.impls.includes(values.involving as ImplName))
  // breadth first: the i-th seed of every cell before the (i+1)-th of any; the 8-node scenario last in each round
  const order = (c: MatrixCell): number => (c.seed - c.scenario.seed) * 10 + (c.scenario.nodes.length > 4 ? 1 : 0)
  await mkdir(values.out, { recursive: true })
  const log = join(values.out, 'cells.ndjson')
  const done = await doneKeys(log)
  const planned = [...involved].filter(c => !done.has(c.key)).sort((a, b) => order(a) - order(b))
  if (done.size > 0) process.stderr.write(`${done.size} run(s) already in ${log}: skipped\n`)
  const known = await loadKnownFailures(join(PROJECT_ROOT, 'fixtures', 'known-failures.yaml'))
  process.stderr.write(`${planned.length} run(s) planned (${planned.filter(c => c.skip !== undefined).length} not applicable); log ${log}\n`)
  const started = Date.now()
  await runMatrix(planned, {
    dir: values.out,
    runtime: 'process',
    known,
    onCellStart: (cell, i, n) => { process.stderr.write(`[${i + 1}/${n}] ${cell.key} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`) },
    onCellDone: r => { void appendFile(log, JSON.stringify(r) + '\n') }
  })
}

/** The keys of the runs a previous sitting finished (none when there was none). */
async function doneKeys (log: string): Promise<Set<string>> {
  const text = await readFile(log, 'utf8').catch(() => '')
  return new Set(text.split('\n').filter(l => l.trim() !== '').map(l => (JSON.parse(l) as MatrixCellResult).key))
}

/** cell (seed left out) -> passes / runs, the statuses and the classes seen */
async function table (dir: string): Promise<string> {
  const rows = new Map<string, MatrixCellResult[]>()
  const known = await loadKnownFailures(join(PROJECT_ROOT, 'fixtures', 'known-failures.yaml'))
  const text = await readFile(join(dir, 'cells.ndjson'), 'utf8')
  for (const line of text.split('\n').filter(l => l.trim() !== '')) {
    const r = await rejudged(JSON.parse(line) as MatrixCellResult, known)
    const cell = r.key.replace(/ seed \d+$/, '')
    rows.set(cell, [...(rows.get(cell) ?? []), r])
  }
  const out: string[] = []
  for (const [cell, rs] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
    const pass = rs.filter(r => r.status === 'pass').length
    const statuses = rs.map(r => `${r.seed}:${label(r)}${r.status === 'pass' || r.class === 'not-applicable' ? '' : ` [${r.summary.slice(0, 90)}]`}`).join(' ')
    const wall = rs.reduce((t, r) => t + r.wallMs, 0) / 1000
    out.push(`${cell.padEnd(58)} pass ${pass}/${rs.length}  ${statuses}  (${wall.toFixed(0)} s)`)
  }
  const all = [...rows.values()].flat()
  const classes = new Map<string, number>()
  for (const r of all) classes.set(r.class, (classes.get(r.class) ?? 0) + 1)
  out.push(`${all.length} runs in ${rows.size} cells: ${[...classes].map(([c, n]) => `${n} ${c}`).join(', ')}`)
  return out.join('\n')
}

/** One run's outcome against today's known failures: pass, n/a, fail(known), unknown(known), NEW fail, NEW unknown. */
function label (r: MatrixCellResult): string {
  if (r.class === 'not-applicable') return 'n/a'
  if (r.class === 'new-failure' || r.class === 'unexpected-pass') return `NEW ${r.status}`
  return r.class === 'pass' ? 'pass' : `${r.status}(known)`
}

/** The run judged again from its history with the current oracles; set-up failures and not-applicable cells as recorded. */
async function rejudged (r: MatrixCellResult, known: readonly KnownFailure[]): Promise<MatrixCellResult> {
  if (r.dir === '') return r
  const history = (await readHistory(join(r.dir, 'history.ndjson'))).map(withSeveralBearingLegs)
  const start = history.find((e): e is RunStart => e.kind === 'run_start')
  const scenario = start?.resolved as Scenario | undefined
  if (scenario === undefined) return r
  const verdicts = judge(history, scenario.expectations)
  const failed = verdicts.filter(v => v.status !== 'pass')
  const status = composeStatus(verdicts.map(v => v.status))
  const cell = { impls: r.impls as [ImplName, ImplName], transport: r.transport as MatrixCell['transport'], scenario: { name: r.scenario } }
  const judged = classifyRun(cell, known, { status, verdicts, history, environment: status === 'unknown' && environmentUnknown(verdicts) })
  const summary = judged.class === 'not-applicable' ? judged.why ?? '' : failed.map(v => `${v.expectation} ${v.status}: ${v.findings[0]?.message ?? v.summary}`).join(' | ')
  return { ...r, status, class: judged.class, summary: summary + (judged.class !== 'not-applicable' && judged.why !== undefined ? ` (known: ${judged.why})` : '') }
}

/**
 * Histories recorded before fault_failed carried `severalBearingLegs` (2026-12-02) name the node
 * only in the reason ("A has outbound gossip streams to B on 2 connections"): read it from there, so
 * a characterisation spread over sittings is judged alike.
 */
function withSeveralBearingLegs (e: HistoryEntry): HistoryEntry {
  if (e.kind !== 'fault_failed' || e.severalBearingLegs !== undefined) return e
  const m = /^(\S+) has outbound gossip streams to \S+ on \d+ connections/.exec(e.reason) ?? /^(\S+) does not report streams, and \S+ reads gossip streams from \S+ on \d+ connections/.exec(e.reason)
  return m === null ? e : { ...e, severalBearingLegs: m[1] as string }
}
