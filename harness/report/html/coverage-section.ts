/**
 * Coverage per slot per aggregator: a uPlot chart (drawn by report-client.js
 * from the page's JSON data) and the same numbers as the field log's text lines,
 * which also make the page useful with scripts off.
 */
import { quorumCount, type AggregatorCoverage } from '../../oracles/coverage.ts'
import type { EnvironmentInterval } from '../../oracles/environment.ts'
import type { RunView } from '../run-view.ts'
import { slotAt } from '../run-view.ts'
import { esc } from './escape.ts'

/** What the chart script needs, in slot units (0 = genesis). */
export interface CoverageChartData {
  slots: number[]
  xMin: number
  xMax: number
  validatorCount: number
  quorum: number
  aggregators: Array<{ name: string, counts: number[] }>
  /** `ends`: the leg's dialer and listener, so a chart can shade faults on its aggregator's own legs darker */
  faults: Array<{ from: number, to: number, instant: boolean, ends: string[] }>
  /** environment stalls (the harness or most nodes not scheduled, oracles/environment.ts), shaded apart from faults */
  stalls: Array<{ from: number, to: number, what: string }>
}

export function coverageChartData (view: RunView, series: readonly AggregatorCoverage[], stalls: readonly EnvironmentInterval[] = []): CoverageChartData {
  const slots = Array.from({ length: view.start.slots }, (_, i) => i)
  return {
    slots,
    xMin: -0.5,
    xMax: Math.max(0.5, view.start.slots - 0.5),
    validatorCount: view.start.validatorCount,
    quorum: quorumCount(view.start.validatorCount),
    aggregators: series.map(a => ({ name: a.aggregator, counts: a.slots.map(s => s.count) })),
    faults: view.faultWindows.map(w => {
      const leg = view.start.legs.find(l => l.name === w.leg)
      const ends = leg !== undefined ? [leg.dialer, leg.listener] : w.leg.split('>')
      return { from: slotAt(view, w.fromMs), to: slotAt(view, w.toMs), instant: w.instant, ends }
    }),
    stalls: stalls.map(i => ({ from: slotAt(view, i.fromMs), to: slotAt(view, i.toMs), what: i.what }))
  }
}

export function coverageSection (view: RunView, series: readonly AggregatorCoverage[]): string {
  if (series.length === 0) return '<p class="muted">No aggregator in this run.</p>'
  const width = String(view.start.slots - 1).length
  return series.map((agg, i) => {
    const below = agg.slots.filter(s => !s.quorum).length
    const lines = agg.slots.map(s => {
      const cls = [!s.quorum ? 'below' : '', s.lost.length > 0 && s.gained.length === 0 ? 'decay' : ''].filter(Boolean).join(' ')
      const text = `slot ${String(s.slot).padStart(width)}: ${s.line}${s.quorum ? '' : '  (below quorum)'}`
      return cls === '' ? esc(text) : `<span class="${cls}">${esc(text)}</span>`
    })
    return `<h3>aggregator ${esc(agg.aggregator)} <span class="muted">${below === 0 ? 'quorum every slot' : `${below} slot(s) below quorum`}</span></h3>` +
      `<div class="coverage-chart" id="coverage-chart-${i}"></div>` +
      `<pre class="coverage-lines">${lines.join('\n')}</pre>`
  }).join('\n')
}
