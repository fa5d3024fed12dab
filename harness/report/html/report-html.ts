/**
 * report.html: one self-contained page per run (inline CSS, inline uPlot, inline
 * chart script and data; no network needed to open it).
 *
 *   header     scenario, seed, runtime, variant, times, versions, overall status
 *   verdicts   pass/fail/unknown per expectation with findings
 *   coverage   per aggregator: chart (quorum line, fault windows) + field log lines
 *   delivery   publisher x receiver heatmap
 *   faults     every fault window with the gossip streams it hit ("touched no stream" when none), and every fault that did not apply with its reason
 *   leg death  per implementation, node and end: fault apply -> leg_close of the downed leg (slower than 2 x QUIC idle timeout marked)
 *   legs       timeline per pair: leg open per end, gossip streams per direction, faults
 *   nodes      exits, last log lines, error events
 *
 * A pure function of the history, the verdicts and the inlined assets: every
 * string from the history goes through `esc` (text/attributes) or
 * `jsonForScript` (the data block).
 */
import type { History } from '../../history/types.ts'
import type { Verdict } from '../../oracles/verdict.ts'
import { coverageSeries } from '../../oracles/coverage.ts'
import { environmentOf, type Environment } from '../../oracles/environment.ts'
import { deliveryMatrix } from '../delivery-matrix.ts'
import { legTimeline } from '../leg-timeline.ts'
import { formatRunTime, overallStatus, runVariant } from '../run-label.ts'
import { buildRunView, type RunView } from '../run-view.ts'
import type { ReportAssets } from './assets.ts'
import { coverageChartData, coverageSection } from './coverage-section.ts'
import { esc, jsonForScript } from './escape.ts'
import { faultsSection } from './faults-section.ts'
import { heatmapSection } from './heatmap-section.ts'
import { legDeathSection } from './leg-death-section.ts'
import { nodesSection } from './nodes-section.ts'
import { timelineSection } from './timeline-section.ts'
import { verdictSection } from './verdict-section.ts'

/** What report.html needs besides the history and verdicts. */
export interface ReportHtmlOptions {
  /** from `loadReportAssets()`; load once and pass to many renders */
  assets: ReportAssets
  versions?: Record<string, string>
}

export function renderReportHtml (history: History, verdicts: readonly Verdict[], options: ReportHtmlOptions): string {
  const view = buildRunView(history)
  const status = overallStatus(history, verdicts)
  // the coverage oracle's own series: the chart and the coverage verdicts read one function
  const coverage = coverageSeries(history, view.ix)
  const { assets } = options
  // the environment judgement the verdicts used: its stalls are shaded on the chart and the timeline
  // (set-up stalls before run_start judged nothing and lie outside both charts: left out)
  const all = environmentOf(history, view.ix)
  const env = { ...all, stalls: all.stalls.filter(i => i.toMs > view.fromMs), intervals: all.intervals.filter(i => i.toMs > view.fromMs) }
  const data = { coverage: coverageChartData(view, coverage, env.intervals) }
  const title = `meshflap ${view.start.scenario} seed=${view.start.seed} ${status}`
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${assets.uplotCss}</style>`,
    `<style>${assets.reportCss}</style>`,
    '</head><body>',
    header(view, status, options.versions ?? {}),
    `<section id="verdicts"><h2>Verdicts</h2>${verdictSection(verdicts, view.start.genesisMs)}</section>`,
    `<section id="coverage"><h2>Coverage per slot</h2><p class="muted">distinct validators whose attestation for the slot arrived before the slot's end; quorum ${esc(data.coverage.quorum)}/${esc(view.start.validatorCount)} (3·count ≥ 2·validators); fault windows shaded, darker on the aggregator's own legs; ${esc(environmentNote(env))}</p>${coverageSection(view, coverage)}</section>`,
    `<section id="delivery"><h2>Delivery: publisher × receiver</h2>${heatmapSection(deliveryMatrix(view), view.start.genesisMs)}</section>`,
    `<section id="faults"><h2>Faults and what they hit</h2>${faultsSection(view)}</section>`,
    `<section id="leg-death"><h2>Leg death: fault → leg_close per end</h2>${legDeathSection(view)}</section>`,
    `<section id="legs"><h2>Leg timeline</h2>${timelineSection(view, legTimeline(view), env)}</section>`,
    `<section id="nodes"><h2>Nodes</h2>${nodesSection(view)}</section>`,
    `<script type="application/json" id="meshflap-data">${jsonForScript(data)}</script>`,
    `<script>${assets.uplotJs}</script>`,
    `<script>${assets.reportJs}</script>`,
    '</body></html>',
    ''
  ].join('\n')
}

/** One line on what the timer-lateness probes saw: which processes reported, which stalls count. */
function environmentNote (env: Environment): string {
  if (env.probed.length === 0) return 'no process reported timer lateness (no stall shading possible)'
  const stalls = env.intervals.length === 0
    ? `no stall of the harness or of most nodes over ${env.boundMs} ms during the run`
    : `${env.intervals.length} environment stall(s) over ${env.boundMs} ms during the run hatched grey: ${env.intervals.map(i => i.what).join('; ')}`
  return `timer lateness reported by ${env.probed.join(', ')}; ${stalls}`
}

function header (view: RunView, status: string, versions: Record<string, string>): string {
  const s = view.start
  const v = runVariant(s)
  const wallMs = view.toMs - view.fromMs
  const end = view.end === undefined ? 'no run_end (run did not finish)' : `${view.end.reason}${view.end.detail !== undefined ? `: ${view.end.detail}` : ''}`
  const faultCount = view.faultWindows.length
  const failedCount = view.faultFailures.length
  const meta: Array<[string, string]> = [
    ['scenario', s.scenario], ['seed', String(s.seed)], ['runtime', s.runtime],
    ['impl', v.implPair], ['transport', v.transport], ['policy', v.policy],
    ['run id', s.runId], ['started', new Date(s.ts).toISOString()], ['wall time', `${(wallMs / 1000).toFixed(2)} s`],
    ['nodes', String(s.nodes.length)], ['validators', String(s.validatorCount)], ['slots', `${s.slots} × ${s.slotMs} ms`],
    ['faults', `${faultCount} window(s)${failedCount > 0 ? `, ${failedCount} NOT APPLIED` : ''}`], ['genesis', `${formatRunTime(s.genesisMs, s.ts)} after start`], ['end', end],
    ...Object.entries(versions).map(([k, val]): [string, string] => [`version ${k}`, val])
  ]
  const resolved = s.resolved === undefined
    ? ''
    : `<details><summary>scenario as run</summary><pre>${esc(JSON.stringify(s.resolved, null, 2))}</pre></details>`
  return `<header><h1>${esc(s.scenario)} <span class="badge ${esc(status)}">${esc(status)}</span></h1>` +
    `<dl class="meta">${meta.map(([k, val]) => `<dt>${esc(k)}</dt><dd>${esc(val)}</dd>`).join('')}</dl>${resolved}</header>`
}
