/**
 * report.html of a partial topology (a ring of 4, `peers: { degree: 2 }`): the heatmap shows every
 * publisher->receiver direction (relayed ones too, all delivered), the leg timeline only the pairs
 * that peer.
 */
import { expect } from 'chai'
import { renderReportHtml } from '../../harness/report/html/report-html.ts'
import { loadReportAssets } from '../../harness/report/html/assets.ts'
import { judge } from '../../harness/oracles/judge.ts'
import { HistoryBuilder } from '../oracles/support/history-builder.ts'
import { attr, byClass, elements, parseHtml, textOf } from './html-tree.ts'

describe('report: a partial topology', () => {
  it('renders every direction in the heatmap and only the peering pairs in the timeline', async () => {
    const b = new HistoryBuilder({
      scenario: 'ring', slots: 4, validatorCount: 8, peering: [['A', 'B'], ['B', 'C'], ['C', 'D'], ['A', 'D']],
      nodes: [{ name: 'A', validators: [0, 1] }, { name: 'B', validators: [2, 3] }, { name: 'C', validators: [4, 5], aggregator: true }, { name: 'D', validators: [6, 7] }]
    })
    b.mesh(-1500)
    for (let s = 0; s < 4; s++) b.slot(s)
    b.end(4300)
    const h = b.build()
    const verdicts = judge(h, [{ kind: 'coverage', fromSlot: 0 }, { kind: 'delivery-gap', maxMs: 1000 }])
    expect(verdicts.map(v => v.status)).to.deep.equal(['pass', 'pass'])
    const root = parseHtml(renderReportHtml(h, verdicts, { assets: await loadReportAssets() }))
    const cells = elements(byClass(root, 'heatmap')[0] ?? root).filter(e => e.tagName === 'td' && attr(e, 'class') !== 'self')
    expect(cells).to.have.length(12)
    for (const c of cells) expect(`${attr(c, 'class') ?? ''} ${textOf(c)}`).to.match(/^h-good (\d+)\/\1/)
    const pairs = elements(root).filter(e => e.tagName === 'h3' && textOf(e).includes('⇄')).map(e => textOf(e).split(' ').slice(0, 3).join(' '))
    expect(pairs.sort()).to.deep.equal(['A ⇄ B', 'A ⇄ D', 'B ⇄ C', 'C ⇄ D'])
  })
})
