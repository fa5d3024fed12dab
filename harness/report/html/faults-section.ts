/** The fault windows of the run and what each one hit: a fault that touched no gossip stream tested nothing about streams. */
import { faultHits } from '../../oracles/fault-hits.ts'
import { formatRunTime } from '../run-label.ts'
import type { RunView } from '../run-view.ts'
import { esc } from './escape.ts'

export function faultsSection (view: RunView): string {
  const hits = faultHits(view.ix)
  if (hits.length === 0) return '<p class="muted">No fault was applied.</p>'
  const genesis = view.start.genesisMs
  const rows = hits.map(h => {
    const hit = h.streams.length === 0
      ? `<b>touched no stream</b>${h.mustHit ? ' (required: the run is vacuous)' : ''}`
      : esc(h.streams.join(', '))
    return `<tr><td class="mono">${esc(h.fault)}</td><td>${esc(h.action)}</td><td class="mono">${esc(h.leg)}</td>` +
      `<td>${esc(h.selector ?? '')}</td><td class="mono">${esc(formatRunTime(h.fromMs, genesis))}..${esc(formatRunTime(h.toMs, genesis))}</td>` +
      `<td>${hit}${h.recorded ? '' : ' <span class="muted">(from stream events)</span>'}</td></tr>`
  })
  return '<table><thead><tr><th>fault</th><th>action</th><th>leg</th><th>selector</th><th>window</th><th>streams it hit (sender-&gt;receiver)</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
}
