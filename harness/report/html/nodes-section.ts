/** Nodes of the run, how they ended (with their last log lines) and the errors they reported. */
import { formatRunTime } from '../run-label.ts'
import type { RunView } from '../run-view.ts'
import { esc } from './escape.ts'

/** More error events than this are counted, not listed. */
const MAX_ERRORS = 200

export function nodesSection (view: RunView): string {
  const genesis = view.start.genesisMs
  const exits = new Map(view.exits.map(x => [x.node, x]))
  const rows = view.nodes.map(n => {
    const x = exits.get(n.name)
    const exit = x === undefined
      ? '<span class="muted">running at run end</span>'
      : `${x.expected ? 'stopped' : '<b>crashed</b>'} at ${esc(formatRunTime(x.ts, genesis))} (code ${esc(x.code)}, signal ${esc(x.signal)})`
    return `<tr><td><b>${esc(n.name)}</b></td><td>${esc(n.impl)}</td><td>${esc(n.gossipPolicy)}</td>` +
      `<td class="mono">${esc(n.validators.join(','))}</td><td>${n.aggregator ? (n.aggregates !== undefined ? `subnets ${esc(n.aggregates.join(','))}` : 'yes') : ''}</td>` +
      `<td class="mono">${n.subscribeSubnets !== undefined ? esc(n.subscribeSubnets.join(',')) : 'all'}</td>` +
      `<td class="mono">${esc(n.peerId)}</td><td>${exit}</td></tr>`
  })
  const table = '<table><thead><tr><th>node</th><th>impl</th><th>policy</th><th>validators</th><th>aggregator</th><th>subnets</th><th>peer id</th><th>exit</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  const unexpected = view.exits.filter(x => !x.expected && x.lastLines.length > 0).map(x =>
    `<h3>last log lines of ${esc(x.node)}</h3><pre>${esc(x.lastLines.join('\n'))}</pre>`).join('')
  const errors = view.nodeEvents.filter(e => e.type === 'error')
  const listed = errors.slice(0, MAX_ERRORS).map(e =>
    `<li><span class="mono">${esc(formatRunTime(e.ts, genesis))}</span> <b>${esc(e.node)}</b>: ${esc(e.message)}</li>`).join('')
  const errorList = errors.length === 0
    ? '<p class="muted">No node reported an error event.</p>'
    : `<h3>error events (${errors.length}${errors.length > MAX_ERRORS ? `, first ${MAX_ERRORS} shown` : ''})</h3><ul>${listed}</ul>`
  return table + unexpected + errorList
}
