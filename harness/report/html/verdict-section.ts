/** The header's verdict table: one row per expectation, findings in words, evidence folded away. */
import type { Verdict } from '../../oracles/verdict.ts'
import { formatFinding } from '../run-label.ts'
import { esc } from './escape.ts'

/** Evidence longer than this is cut on the page (results.json has all of it). */
const MAX_EVIDENCE_CHARS = 20_000

export function verdictSection (verdicts: readonly Verdict[], genesisMs: number): string {
  if (verdicts.length === 0) return '<p class="muted">No verdicts were recorded for this run.</p>'
  const rows = verdicts.map(v => {
    const findings = v.findings.length === 0
      ? '<span class="muted">none</span>'
      : `<ul>${v.findings.map(f => `<li>${esc(formatFinding(f, genesisMs))}</li>`).join('')}</ul>`
    let evidence = ''
    if (v.evidence !== undefined) {
      let text = JSON.stringify(v.evidence, null, 1)
      if (text.length > MAX_EVIDENCE_CHARS) text = text.slice(0, MAX_EVIDENCE_CHARS) + '\n... (cut; full evidence in results.json)'
      evidence = `<details><summary>evidence</summary><pre>${esc(text)}</pre></details>`
    }
    return `<tr class="${esc(v.status)}"><td><span class="badge ${esc(v.status)}">${esc(v.status)}</span></td>` +
      `<td><b>${esc(v.title)}</b><br><span class="muted mono">${esc(v.expectation)}</span></td>` +
      `<td>${esc(v.summary)}</td><td class="findings">${findings}${evidence}</td></tr>`
  })
  return '<table class="verdicts"><thead><tr><th>status</th><th>expectation</th><th>summary</th><th>findings</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
}
