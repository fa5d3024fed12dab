/**
 * The fault list: every fault window as applied (fault id, action, leg, the selector that chose
 * it, when it was in force) with the gossip streams it hit — a fault that touched no stream
 * tested nothing about streams — and, marked as failed, every fault that could not be resolved
 * or applied, with the reason. The same facts the timeline draws, as text a person can search.
 */
import { faultHits } from '../../oracles/fault-hits.ts'
import { formatRunTime } from '../run-label.ts'
import type { RunView } from '../run-view.ts'
import { esc } from './escape.ts'

export function faultsSection (view: RunView): string {
  const genesis = view.start.genesisMs
  const t = (ts: number): string => formatRunTime(ts, genesis)
  const rows = [
    ...faultHits(view.ix).map(h => {
      const hit = h.streams.length === 0
        ? `<b>touched no stream</b>${h.mustHit ? ' (required: the run is vacuous)' : ''}`
        : esc(h.streams.join(', '))
      return {
        ts: h.fromMs,
        html: `<tr class="applied"><td class="mono">${esc(h.fault)}</td><td>${esc(h.action)}</td><td class="mono">${esc(h.leg)}</td>` +
          `<td>${esc(h.selector ?? '')}</td><td class="mono">${esc(`${t(h.fromMs)}..${t(h.toMs)}`)}</td>` +
          `<td>applied; hit ${hit}${h.recorded ? '' : ' <span class="muted">(from stream events)</span>'}</td></tr>`
      }
    }),
    ...view.faultFailures.map(f => ({
      ts: f.ts,
      html: `<tr class="fault-failed"><td class="mono">${esc(f.fault)}</td><td>${esc(f.action)}</td><td class="mono">${esc(f.leg ?? '(no leg)')}</td>` +
        `<td>${esc(f.selector ?? '')}</td><td class="mono">${esc(t(f.ts))}</td><td><b>not applied</b>: ${esc(f.reason)}${f.where !== undefined ? ` <span class="muted">(${esc(f.where)})</span>` : ''}</td></tr>`
    }))
  ].sort((a, b) => a.ts - b.ts)
  if (rows.length === 0) return '<p class="muted">No faults in this run.</p>'
  const failed = view.faultFailures.length
  const note = failed === 0
    ? ''
    : `<p class="fault-failed-note">${failed} fault(s) did not apply: the run did not test all of what the scenario asks, so no verdict can pass.</p>`
  return note + '<table class="faults"><thead><tr><th>fault</th><th>action</th><th>leg</th><th>selector</th><th>in force</th><th>outcome (streams hit: sender-&gt;receiver)</th></tr></thead>' +
    `<tbody>${rows.map(r => r.html).join('')}</tbody></table>`
}
