/**
 * power.html: one page, variants x fixtures, each cell "caught k/N" (the
 * correct node's row: "pass k/N") linking a failing run's report.html (for
 * the correct node and for a mutant's escapes: the run that did not fail).
 * A mutant's own fixture is outlined; a cell that breaks the exit rule is red.
 */
import { relative } from 'node:path'
import { esc } from '../report/html/escape.ts'
import { cellText } from './power-table.ts'
import type { PowerEntry, PowerProblem } from './power-table.ts'

export interface PowerPage {
  title: string
  /** the folder power.html is written to: links are relative to it */
  dir: string
  variants: string[]
  fixtures: string[]
  entries: PowerEntry[]
  problems: PowerProblem[]
  seeds: number
  runtime: string
  wallMs: number
}

export function renderPowerHtml (page: PowerPage): string {
  const link = (runDir: string | undefined, text: string): string =>
    runDir === undefined ? esc(text) : `<a href="${esc(relative(page.dir, runDir) + '/report.html')}">${esc(text)}</a>`
  const bad = new Set(page.problems.map(p => `${p.variant}\u0000${p.fixture}`))
  const cell = (v: string, f: string): string => {
    const e = page.entries.find(x => x.variant === v && x.fixture === f)
    if (e === undefined) return '<td class="none">-</td>'
    const cls = [e.own ? 'own' : '', bad.has(`${v}\u0000${f}`) ? 'bad' : e.kind === 'correct' || e.own ? 'good' : e.failed > 0 ? 'info' : ''].filter(c => c !== '').join(' ')
    // the run worth opening: a correct node's miss or a mutant's escape when there is one, else a catch
    const run = e.kind === 'correct' ? e.failingRun ?? e.escapingRun : (e.own && e.escapingRun !== undefined ? e.escapingRun : e.failingRun)
    return `<td class="${cls}">${link(run, cellText(e))}</td>`
  }
  const rows = page.variants.map(v => `<tr><th>${esc(v)}</th>${page.fixtures.map(f => cell(v, f)).join('')}</tr>`).join('\n')
  const problems = page.problems.length === 0
    ? '<p class="ok">Every mutant was caught by its own fixture on every seed, and the correct node passed every fixture on every seed.</p>'
    : `<ul class="problems">${page.problems.map(p => `<li>${esc(p.message)}</li>`).join('')}</ul>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(page.title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: left; }
td.own { outline: 2px solid #333; outline-offset: -3px; }
td.good { background: #dff0d8; } td.bad { background: #f2dede; } td.info { background: #eef3fb; }
.problems li { color: #a00; } .ok { color: #070; }
</style></head><body>
<h1>${esc(page.title)}</h1>
<p>${page.seeds} seed(s) per cell, ${esc(page.runtime)} runtime, ${(page.wallMs / 1000).toFixed(0)} s. Rows: the correct node (must pass), each mutant (the correct node plus one field bug, containers/ts-node/MUTANTS.md), stock gossipsub. An outlined cell is a fixture that must catch the mutant on every seed: the one named after its bug class, or one whose <code>catches:</code> lists it. Unknown runs count neither as caught nor as passed.</p>
${problems}
<table><thead><tr><th>variant \\ fixture</th>${page.fixtures.map(f => `<th>${esc(f)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`
}
