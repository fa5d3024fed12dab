/**
 * Measured leg death (oracles/leg-death.ts): per implementation and per node, the slowest time
 * from a fault taking a leg down to each end's leg_close, then every end. Over QUIC that time is
 * the node's idle timeout at work; an end slower than the detection bound (twice the configured
 * quic.maxIdleTimeoutMs) is marked, since verdicts resting on it are `unknown` (leg-death-excuse.ts).
 */
import { detectionBoundMs } from '../../oracles/leg-death-excuse.ts'
import { describeEnd, describeSummary, legDeathReport, type LegDeathSummary } from '../../oracles/leg-death.ts'
import { formatRunTime } from '../run-label.ts'
import type { RunView } from '../run-view.ts'
import { esc } from './escape.ts'

export function legDeathSection (view: RunView): string {
  const report = legDeathReport(view.ix)
  if (report.ends.length === 0) return '<p class="muted">No fault took a leg down (down, blackhole, flap): no leg death to measure.</p>'
  const bound = detectionBoundMs(view.ix)
  const slow = (ms: number | undefined, windowMs: number, transport: string | undefined): boolean =>
    bound !== undefined && transport === 'quic' && (ms ?? windowMs) > bound
  const note = bound === undefined
    ? '<p class="muted">the run records no quic.maxIdleTimeoutMs: no detection bound, no verdict turned unknown for slow leg death</p>'
    : `<p class="leg-death-bound">detection bound on QUIC legs: <b>${esc(bound)} ms</b> (twice the configured quic.maxIdleTimeoutMs ${esc(bound / 2)} ms; ${esc(slotsNote(bound, view.start.slotMs))}; a node slower than that is not applying it, and a failed verdict whose every finding lies before its leg_close is unknown)</p>`
  const summaryRows = (rows: LegDeathSummary[], what: string): string => rows.map(s => {
    const late = slow(Math.max(s.slowestMs ?? 0, s.longestUndetectedMs ?? 0), 0, s.transport)
    return `<tr${late ? ' class="leg-death-slow"' : ''}><td>${esc(what)}</td><td><b>${esc(s.name)}</b></td><td>${esc(s.impl)}</td><td>${esc(s.transport ?? '?')}</td><td>${esc(describeSummary(s))}${late ? ' <b>slower than the bound</b>' : ''}</td></tr>`
  }).join('')
  const summary = '<table class="leg-death-summary"><thead><tr><th>per</th><th>name</th><th>impl</th><th>transport</th><th>apply → leg_close</th></tr></thead>' +
    `<tbody>${summaryRows(report.byImpl, 'implementation')}${summaryRows(report.byNode, 'node')}</tbody></table>`
  const genesis = view.start.genesisMs
  const ends = report.ends.map(e => `<tr${slow(e.ms, e.windowMs, e.transport) ? ' class="leg-death-slow"' : ''}><td class="mono">${esc(e.fault)}</td><td>${esc(e.action)}</td><td class="mono">${esc(e.leg)}</td>` +
    `<td>${esc(e.role)} <b>${esc(e.node)}</b> (${esc(e.impl)})</td><td class="mono">${esc(e.connection)}</td><td class="mono">${esc(formatRunTime(e.appliedMs, genesis))}</td><td>${esc(describeEnd(e))}</td></tr>`).join('')
  return note + summary +
    '<h3>every end</h3><table class="leg-death-ends"><thead><tr><th>fault</th><th>action</th><th>leg</th><th>end</th><th>connection</th><th>applied</th><th>apply → leg_close</th></tr></thead>' +
    `<tbody>${ends}</tbody></table>`
}

/** What the bound means for the scenario's verdicts: "the faults here need leg death within a slot (1000 ms)" */
function slotsNote (boundMs: number, slotMs: number): string {
  const idleMs = boundMs / 2
  return idleMs <= slotMs
    ? `this scenario's faults that take QUIC legs down need leg death within a slot (${slotMs} ms): a node applying its idle timeout sees it there`
    : `a QUIC leg the scenario takes down dies only after ${(idleMs / slotMs).toFixed(1)} slot(s) of ${slotMs} ms`
}
