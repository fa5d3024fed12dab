/** The publisher x receiver delivery heatmap: delivered/expected and the longest gap per ordered pair. */
import type { DeliveryMatrix } from '../delivery-matrix.ts'
import { formatRunTime } from '../run-label.ts'
import { esc } from './escape.ts'

export function heatmapSection (matrix: DeliveryMatrix, genesisMs: number): string {
  if (matrix.nodes.length === 0) return '<p class="muted">No nodes.</p>'
  const head = `<tr><th>publisher \\ receiver</th>${matrix.nodes.map(n => `<th>${esc(n)}</th>`).join('')}</tr>`
  const rows = matrix.cells.map((row, i) => {
    const cells = row.map(c => {
      if (c === undefined) return '<td class="self">—</td>'
      const gap = `${(c.longestGapMs / 1000).toFixed(2)}s`
      const title = `${c.publisher} -> ${c.receiver}: ${c.delivered} of ${c.expected} delivered; longest gap ${gap}` +
        (c.longestGapMs > 0 ? ` (${formatRunTime(c.gapFromMs, genesisMs)}..${formatRunTime(c.gapToMs, genesisMs)})` : '')
      return `<td class="h-${c.health}" title="${esc(title)}">${c.delivered}/${c.expected}<br><small>gap ${esc(gap)}</small></td>`
    })
    return `<tr><th>${esc(matrix.nodes[i])}</th>${cells.join('')}</tr>`
  })
  return '<p class="legend"><span><i class="h-good"></i>all delivered, gap ≤ 1.5 slots</span><span><i class="h-warn"></i>some lost or gap ≤ 3 slots</span>' +
    '<span><i class="h-bad"></i>&lt; 90% delivered or gap &gt; 3 slots</span></p>' +
    `<table class="heatmap"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`
}
