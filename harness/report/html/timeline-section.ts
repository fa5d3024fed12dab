/**
 * The leg timeline as static SVG (no script needed): one block per node pair,
 * one lane per leg, four rows per lane (open at dialer, open at listener,
 * gossip dialer→listener, gossip listener→dialer), fault windows shaded across
 * the lane, slot ticks behind everything. Every rect has a <title> tooltip.
 */
import type { FaultFailed } from '../../history/types.ts'
import type { LaneInterval, LaneStream, LegLane, PairTimeline } from '../leg-timeline.ts'
import type { Environment } from '../../oracles/environment.ts'
import { formatRunTime } from '../run-label.ts'
import type { RunView } from '../run-view.ts'
import { esc } from './escape.ts'

const LABEL_W = 150
const PLOT_W = 960
const ROW_H = 11
const ROW_GAP = 2
const LANE_GAP = 8
const AXIS_H = 16
const ROWS = 4
/** longer row labels (long node names) are cut, the full text is in the tooltip */
const MAX_LABEL = 24

/** The time window a timeline is drawn over and its mapping to x pixels. */
interface Scale {
  fromMs: number
  toMs: number
  genesisMs: number
  x: (ts: number) => number
}

function scaleFor (view: RunView): Scale {
  const fromMs = view.fromMs
  const toMs = Math.max(view.toMs, fromMs + 1)
  const k = PLOT_W / (toMs - fromMs)
  return { fromMs, toMs, genesisMs: view.start.genesisMs, x: ts => LABEL_W + (Math.min(Math.max(ts, fromMs), toMs) - fromMs) * k }
}

const f1 = (n: number): string => n.toFixed(1)

function when (s: Scale, iv: { fromMs: number, toMs: number }, open: boolean): string {
  return `${formatRunTime(iv.fromMs, s.genesisMs)}..${open ? 'end' : formatRunTime(iv.toMs, s.genesisMs)}`
}

function bar (s: Scale, y: number, iv: LaneInterval, cls: string, title: string): string {
  const x0 = s.x(iv.fromMs)
  const w = Math.max(1, s.x(iv.toMs) - x0)
  return `<rect class="${cls}${iv.open ? ' unclosed' : ''}" x="${f1(x0)}" y="${y}" width="${f1(w)}" height="${ROW_H}"><title>${esc(title)}</title></rect>`
}

function streamTitle (s: Scale, st: LaneStream): string {
  return `gossip ${st.flow} stream ${st.id}${st.protocol !== undefined ? ` (${st.protocol})` : ''} ` +
    `${when(s, st, st.open)}${st.reason !== undefined ? ` closed: ${st.reason}` : ''} [reported by ${st.reportedBy}]`
}

function failedTitle (s: Scale, f: FaultFailed): string {
  return `fault ${f.fault}: ${f.action}${f.selector !== undefined ? ` (${f.selector})` : ''}${f.leg !== undefined ? ` on ${f.leg}` : ''} NOT APPLIED at ${formatRunTime(f.ts, s.genesisMs)}: ${f.reason}`
}

/** A dashed red mark at the moment a fault failed, over `y1..y2`. */
function failedMark (s: Scale, f: FaultFailed, y1: number, y2: number): string {
  const x = f1(s.x(f.ts))
  return `<line class="fault-failed" x1="${x}" x2="${x}" y1="${y1}" y2="${y2}"><title>${esc(failedTitle(s, f))}</title></line>`
}

function laneSvg (s: Scale, lane: LegLane, top: number, failures: readonly FaultFailed[]): string {
  const rowY = (r: number): number => top + r * (ROW_H + ROW_GAP)
  const laneH = ROWS * (ROW_H + ROW_GAP) - ROW_GAP
  const out: string[] = []
  out.push(`<rect class="lane-bg" x="${LABEL_W}" y="${top}" width="${PLOT_W}" height="${laneH}"></rect>`)
  for (const w of lane.faults) {
    const title = `fault ${w.fault}: ${w.action} on ${w.leg}${w.selector !== undefined ? ` (${w.selector})` : ''} ` +
      (w.instant ? `at ${formatRunTime(w.fromMs, s.genesisMs)}` : when(s, w, w.open))
    if (w.instant) {
      const x = f1(s.x(w.fromMs))
      out.push(`<line class="fault-instant" x1="${x}" x2="${x}" y1="${top}" y2="${top + laneH}"><title>${esc(title)}</title></line>`)
    } else {
      const x0 = s.x(w.fromMs)
      out.push(`<rect class="fault" x="${f1(x0)}" y="${top}" width="${f1(Math.max(2, s.x(w.toMs) - x0))}" height="${laneH}"><title>${esc(title)}</title></rect>`)
    }
  }
  const labels = [
    `${lane.leg} open@${lane.dialer}`,
    `open@${lane.listener}`,
    `gossip ${lane.dialer}→${lane.listener}`,
    `gossip ${lane.listener}→${lane.dialer}`
  ]
  labels.forEach((text, r) => {
    const shown = text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text
    out.push(`<text class="row-label" x="${LABEL_W - 6}" y="${rowY(r) + ROW_H - 2}" text-anchor="end"><title>${esc(text)}</title>${esc(shown)}</text>`)
  })
  for (const iv of lane.openAtDialer) out.push(bar(s, rowY(0), iv, 'open', `${lane.leg} open at ${lane.dialer} (conn ${iv.id}) ${when(s, iv, iv.open)}${iv.reason !== undefined ? ` closed: ${iv.reason}` : ''}`))
  for (const iv of lane.openAtListener) out.push(bar(s, rowY(1), iv, 'open', `${lane.leg} open at ${lane.listener} (conn ${iv.id}) ${when(s, iv, iv.open)}${iv.reason !== undefined ? ` closed: ${iv.reason}` : ''}`))
  for (const st of lane.forward) out.push(bar(s, rowY(2), st, 'fwd', streamTitle(s, st)))
  for (const st of lane.backward) out.push(bar(s, rowY(3), st, 'bwd', streamTitle(s, st)))
  for (const r of lane.replays) {
    const row = r.node === lane.dialer ? 2 : 3
    const title = `SUBSCRIBE replayed by ${r.node} on stream ${r.stream}` +
      (r.closedStream !== undefined ? ` after ${r.closedStream} closed` : '') + (r.reopenMs !== undefined ? `, reopened in ${r.reopenMs} ms` : '')
    out.push(`<circle class="replay" cx="${f1(s.x(r.ts))}" cy="${rowY(row) + ROW_H / 2}" r="3.5"><title>${esc(title)}</title></circle>`)
  }
  for (const f of failures) if (f.leg === lane.leg) out.push(failedMark(s, f, top, top + laneH))
  return out.join('')
}

function axisSvg (s: Scale, view: RunView, height: number): string {
  const { slotMs, slots, genesisMs } = view.start
  const step = Math.max(1, Math.ceil(slots / 15))
  const out: string[] = []
  for (let k = 0; k <= slots; k++) {
    const ts = genesisMs + k * slotMs
    if (ts < s.fromMs || ts > s.toMs) continue
    const x = f1(s.x(ts))
    out.push(`<line class="tick" x1="${x}" x2="${x}" y1="${AXIS_H}" y2="${height}"></line>`)
    if (k % step === 0) out.push(`<text class="tick-label" x="${x}" y="${AXIS_H - 4}" text-anchor="middle">s${k}</text>`)
  }
  return out.join('')
}

/**
 * Stalls behind a pair's lanes: the environment's (the harness or most nodes, as the verdicts
 * judged them) darker, a stall of only one of the pair's own nodes lighter.
 */
function stallsSvg (s: Scale, env: Environment | undefined, pair: PairTimeline, height: number): string {
  if (env === undefined) return ''
  // drawn over the lanes (which paint their own background) but let hovers through to the bars;
  // the band in the axis row carries the tooltip
  const rect = (iv: { fromMs: number, toMs: number }, cls: string, title: string): string => {
    const x0 = f1(s.x(iv.fromMs))
    const w = f1(Math.max(2, s.x(iv.toMs) - s.x(iv.fromMs)))
    return `<rect class="${cls}" x="${x0}" y="${AXIS_H}" width="${w}" height="${height - AXIS_H}"></rect>` +
      `<rect class="${cls} stall-band" x="${x0}" y="0" width="${w}" height="${AXIS_H}"><title>${esc(title)}</title></rect>`
  }
  const own = env.stalls.filter(st => st.source === pair.a || st.source === pair.b)
    .map(st => rect(st, 'stall-node', `node ${st.source} not scheduled for ${Math.round(st.lateMs)} ms, ${when(s, st, false)}`))
  const shared = env.intervals.map(i => rect(i, 'stall', `environment: ${i.what} (${when(s, i, false)})`))
  return own.join('') + shared.join('')
}

export function timelineSection (view: RunView, pairs: readonly PairTimeline[], env?: Environment): string {
  if (pairs.length === 0) return '<p class="muted">No legs in this run.</p>'
  const s = scaleFor(view)
  const exits = view.exits
  const legend = '<p class="legend"><span><i style="background:#8c959f"></i>leg open (at that end)</span>' +
    '<span><i style="background:#0969da"></i>gossip stream dialer→listener</span><span><i style="background:#8250df"></i>gossip stream listener→dialer</span>' +
    '<span><i style="background:rgba(207,34,46,0.3)"></i>fault window</span><span><i style="background:#cf222e;width:3px"></i>fault not applied (dashed)</span>' +
    (env !== undefined && env.stalls.length > 0 ? `<span><i style="background:rgba(87,96,106,0.35)"></i>environment stall (harness or most nodes, over ${env.boundMs} ms)</span><span><i style="background:rgba(87,96,106,0.12)"></i>stall of one of the pair's nodes</span>` : '') +
    '<span><i style="background:#1a7f37;border-radius:50%"></i>SUBSCRIBE replay</span>' +
    '<span class="muted">ticks: slot starts; hover for ids, times and close reasons</span></p>'
  const blocks = pairs.map(pair => {
    const laneH = ROWS * (ROW_H + ROW_GAP) - ROW_GAP
    const height = AXIS_H + pair.lanes.length * (laneH + LANE_GAP)
    const lanes = pair.lanes.map((lane, i) => laneSvg(s, lane, AXIS_H + i * (laneH + LANE_GAP), view.faultFailures)).join('')
    // a fault that resolved to no leg at all is marked across every pair
    const unplaced = view.faultFailures.filter(f => f.leg === undefined).map(f => failedMark(s, f, 0, height)).join('')
    const exitMarks = exits.filter(x => x.node === pair.a || x.node === pair.b).map(x => {
      const xp = f1(s.x(x.ts))
      const title = `node ${x.node} exited at ${formatRunTime(x.ts, s.genesisMs)} (code ${String(x.code)}, signal ${String(x.signal)}${x.expected ? ', expected' : ', UNEXPECTED'})`
      return `<line class="exit" x1="${xp}" x2="${xp}" y1="${AXIS_H}" y2="${height}"><title>${esc(title)}</title></line>`
    }).join('')
    return `<h3>${esc(pair.a)} ⇄ ${esc(pair.b)} <span class="muted">${esc(pair.lanes.map(l => `${l.leg}${l.transport !== undefined ? ` (${l.transport})` : ''}`).join(', '))}</span></h3>` +
      `<svg class="timeline" width="${LABEL_W + PLOT_W + 10}" height="${height}" role="img">` +
      `${axisSvg(s, view, height)}${lanes}${stallsSvg(s, env, pair, height)}${exitMarks}${unplaced}</svg>`
  })
  return legend + blocks.join('\n')
}
