/** report.html shades the environment's stalls on the coverage chart (data block) and the leg timeline (SVG). */
import { expect } from 'chai'
import { renderReportHtml } from '../../harness/report/html/report-html.ts'
import { loadReportAssets } from '../../harness/report/html/assets.ts'
import { judge } from '../../harness/oracles/judge.ts'
import { FOUR_NODES_32, HistoryBuilder } from '../oracles/support/history-builder.ts'
import { withSched } from '../oracles/support/sched-windows.ts'
import { byClass, elements, parseHtml, textOf } from './html-tree.ts'

function history (stalls: Parameters<typeof withSched>[1]): ReturnType<typeof withSched> {
  const b = new HistoryBuilder({
    scenario: 'env-report', slots: 8, validatorCount: 32,
    nodes: FOUR_NODES_32
  })
  b.mesh(-1500)
  for (let s = 0; s < 8; s++) b.slot(s, d => d.slot === 4 ? 1100 : undefined)
  b.end(8200)
  return withSched(b.build(), stalls, -4000)
}

describe('report: environment stalls', () => {
  it('hatches the harness stall on the chart, shades it on every pair of the timeline, and says so', async () => {
    // the first stall is before run_start (set-up): judged nothing, drawn nowhere
    const h = history([{ source: 'harness', atMs: -3000, lateMs: 600 }, { source: 'harness', atMs: 4950, lateMs: 900 }, { source: 'B', atMs: 6500, lateMs: 400 }])
    const verdicts = judge(h, [{ kind: 'coverage', fromSlot: 0 }])
    expect(verdicts[0]?.status).to.equal('unknown')
    const html = renderReportHtml(h, verdicts, { assets: await loadReportAssets() })
    const root = parseHtml(html)
    const data = JSON.parse(textOf(elements(root).find(e => e.tagName === 'script') ?? root)) as { coverage: { stalls: Array<{ from: number, to: number, what: string }> } }
    expect(data.coverage.stalls).to.deep.equal([{ from: 4.05, to: 4.95, what: 'the harness stalled up to 900 ms at +4.050s (slot 4)' }])
    // 6 pairs: each shows the shared stall; B's own stall only on B's 3 pairs
    expect(byClass(root, 'stall').length).to.equal(6 * 2)
    expect(byClass(root, 'stall-node').length).to.equal(3 * 2)
    expect(textOf(root)).to.contain('1 environment stall(s) over 250 ms during the run hatched grey: the harness stalled up to 900 ms at +4.050s (slot 4)')
  })

  it('says when nothing stalled, and when no process reported lateness', async () => {
    const assets = await loadReportAssets()
    const quiet = parseHtml(renderReportHtml(history([]), [], { assets }))
    expect(byClass(quiet, 'stall')).to.have.length(0)
    expect(textOf(quiet)).to.contain('timer lateness reported by A, B, C, D, harness; no stall of the harness or of most nodes over 250 ms during the run')
    const bare = history([]).filter(e => e.kind !== 'harness_sched' && !(e.kind === 'node' && e.type === 'sched'))
    expect(textOf(parseHtml(renderReportHtml(bare, [], { assets })))).to.contain('no process reported timer lateness')
  })
})
