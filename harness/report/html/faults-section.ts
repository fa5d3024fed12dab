/**
 * The fault list: every fault window as applied (fault id, action, leg, the
 * selector that chose it, when it was in force) and, marked as failed, every
 * fault that could not be resolved or applied with the reason. The same facts
 * the timeline draws, as text a person can search.
 */
import { formatRunTime } from '../run-label.ts'
import type { RunView } from '../run-view.ts'
import { esc } from './escape.ts'

export function faultsSection (view: RunView): string {
  const genesis = view.start.genesisMs
  const t = (ts: number): string => formatRunTime(ts, genesis)
  const rows = [
    ...view.faultWindows.map(w => ({
      ts: w.fromMs,
      html: `<tr class="applied"><td class="mono">${esc(w.fault)}</td><td>${esc(w.action)}</td><td class="mono">${esc(w.leg)}</td>` +
        `<td>${esc(w.selector ?? '')}</td><td class="mono">${esc(w.instant ? t(w.fromMs) : `${t(w.fromMs)}..${w.open ? 'end' : t(w.toMs)}`)}</td><td>applied</td></tr>`
    })),
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
  return note + '<table class="faults"><thead><tr><th>fault</th><th>action</th><th>leg</th><th>selector</th><th>in force</th><th>outcome</th></tr></thead>' +
    `<tbody>${rows.map(r => r.html).join('')}</tbody></table>`
}
