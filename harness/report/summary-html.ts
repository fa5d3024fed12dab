/**
 * The summary page of many runs (matrix, gate): rows are scenarios, columns are
 * impl pair × transport (× policy when the runs mix policies), each cell the
 * runs of that combination (one per seed) with pass counts and a link to each
 * run's report.html, relative to where the summary is written.
 *
 *              ts×ts · quic        ts×ts · tcp       ts×go · quic
 *   pr278      3/3 pass s1 s2 s3   3/3 pass ...      2/3 pass s1 s2 ✗s3
 *              leg death: ts quic 780 ms                ...
 * (each cell also lists its slowest measured leg death per implementation, matrix/cell-leg-death.ts)
 */
import { join, relative, sep } from 'node:path'
import type { History } from '../history/types.ts'
import type { Verdict, VerdictStatus } from '../oracles/verdict.ts'
import { cellLegDeath, describeCellLegDeath, slowestLegDeath, type CellLegDeath } from '../matrix/cell-leg-death.ts'
import { esc } from './html/escape.ts'
import { overallStatus, runVariant } from './run-label.ts'
import { HistoryShapeError } from './run-view.ts'
import { REPORT_FILE } from './write-run-dir.ts'

/** One run as the summary sees it. */
export interface SummaryRun {
  history: History
  verdicts: readonly Verdict[]
  /** the run's directory (holding report.html) */
  runDir: string
}

/** Where the summary page is written (links are relative to it) and its title. */
export interface SummaryOptions {
  summaryDir: string
  title?: string
}

interface Cell {
  runs: Array<{ seed: number, status: VerdictStatus, href: string, runId: string }>
  /** each run's measured leg death per implementation */
  legDeath: CellLegDeath[][]
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:16px 24px;color:#1f2328}
table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.pass{background:#dafbe1}td.fail{background:#ffcecb}td.unknown{background:#fff8c5}
a{margin-right:6px;text-decoration:none}a.fail{color:#cf222e;font-weight:600}a.unknown{color:#9a6700}a.pass{color:#1a7f37}
.count{font-weight:600;margin-right:8px}.muted{color:#57606a}.leg-death{font-size:12px;color:#57606a}`

/** A link from the summary's directory to a run's report.html, as a relative URL. */
export function reportHref (summaryDir: string, runDir: string): string {
  const rel = relative(summaryDir, join(runDir, REPORT_FILE))
  return rel.split(sep).map(seg => (seg === '..' || seg === '.') ? seg : encodeURIComponent(seg)).join('/')
}

export function renderSummaryHtml (runs: readonly SummaryRun[], options: SummaryOptions): string {
  const rows = new Map<string, Map<string, Cell>>()
  const columns = new Set<string>()
  const policies = new Set<string>()
  const parsed = runs.map(r => {
    const start = r.history.find(e => e.kind === 'run_start')
    if (start?.kind !== 'run_start') throw new HistoryShapeError(`run in ${r.runDir}: history has no run_start entry`)
    const variant = runVariant(start)
    policies.add(variant.policy)
    return { run: r, start, variant, status: overallStatus(r.history, r.verdicts) }
  })
  const withPolicy = policies.size > 1
  for (const p of parsed) {
    const col = `${p.variant.implPair} · ${p.variant.transport}${withPolicy ? ` · ${p.variant.policy}` : ''}`
    columns.add(col)
    let row = rows.get(p.start.scenario)
    if (row === undefined) { row = new Map(); rows.set(p.start.scenario, row) }
    let cell = row.get(col)
    if (cell === undefined) { cell = { runs: [], legDeath: [] }; row.set(col, cell) }
    cell.runs.push({ seed: p.start.seed, status: p.status, href: reportHref(options.summaryDir, p.run.runDir), runId: p.start.runId })
    cell.legDeath.push(cellLegDeath(p.run.history))
  }
  const cols = [...columns].sort()
  const scenarios = [...rows.keys()].sort()
  const total = { pass: 0, fail: 0, unknown: 0 }
  for (const p of parsed) total[p.status]++
  const body = scenarios.map(scenario => {
    const row = rows.get(scenario) ?? new Map<string, Cell>()
    const cells = cols.map(col => {
      const cell = row.get(col)
      if (cell === undefined) return '<td class="muted">—</td>'
      cell.runs.sort((a, b) => a.seed - b.seed)
      const passed = cell.runs.filter(r => r.status === 'pass').length
      const cls = cell.runs.some(r => r.status === 'fail') ? 'fail' : cell.runs.some(r => r.status === 'unknown') ? 'unknown' : 'pass'
      const count = cell.runs.length === 1 ? cls : `${passed}/${cell.runs.length} pass`
      const links = cell.runs.map(r =>
        `<a class="${r.status}" href="${esc(r.href)}" title="${esc(`run ${r.runId}: ${r.status}`)}">${r.status === 'pass' ? '' : r.status === 'fail' ? '✗' : '?'}seed ${esc(r.seed)}</a>`)
      const death = describeCellLegDeath(slowestLegDeath(cell.legDeath))
      const deathLine = death === '' ? '' : `<div class="leg-death" title="slowest fault -> leg_close per implementation over the cell's runs">leg death: ${esc(death)}</div>`
      return `<td class="${cls}"><span class="count">${esc(count)}</span>${links.join('')}${deathLine}</td>`
    })
    return `<tr><th>${esc(scenario)}</th>${cells.join('')}</tr>`
  })
  const title = options.title ?? 'meshflap summary'
  return [
    '<!DOCTYPE html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${esc(title)}</h1>`,
    `<p>${parsed.length} run(s): ${total.pass} pass, ${total.fail} fail, ${total.unknown} unknown</p>`,
    `<table><thead><tr><th>scenario</th>${cols.map(c => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`,
    '</body></html>',
    ''
  ].join('\n')
}
