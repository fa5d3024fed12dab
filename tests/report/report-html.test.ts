import { expect } from 'chai'
import { renderReportHtml } from '../../harness/report/html/report-html.ts'
import { loadReportAssets, type ReportAssets } from '../../harness/report/html/assets.ts'
import { coverageSeries } from '../../harness/oracles/coverage.ts'
import { attr, byClass, elements, parseHtml, textOf, textWithout } from './html-tree.ts'
import { loadFixtures, type Fixtures } from './load-fixtures.ts'
import { fileURLToPath } from 'node:url'
import { readHistory } from '../../harness/report/read-history.ts'
import { FAIL_VERDICTS, HOSTILE_ERROR, HOSTILE_LOG, HOSTILE_NAME, HOSTILE_VERDICTS, PASS_VERDICTS } from './samples.ts'

const URL_ATTRS = ['src', 'href', 'xlink:href', 'action', 'formaction', 'poster', 'srcset', 'data', 'background', 'manifest']

describe('report: report.html', () => {
  let fx: Fixtures
  let assets: ReportAssets
  let pages: { pass: string, fail: string, hostile: string }
  before(async () => {
    fx = await loadFixtures()
    assets = await loadReportAssets()
    pages = {
      pass: renderReportHtml(fx.pass, PASS_VERDICTS, { assets, versions: { meshflap: '0.1.0' } }),
      fail: renderReportHtml(fx.fail, FAIL_VERDICTS, { assets }),
      hostile: renderReportHtml(fx.hostile, HOSTILE_VERDICTS, { assets })
    }
  })

  it('needs no network: no external src/href, no <link>, scripts and styles inline, uPlot inlined', () => {
    for (const [name, html] of Object.entries(pages)) {
      const els = elements(parseHtml(html))
      for (const el of els) {
        for (const a of el.attrs ?? []) {
          if (URL_ATTRS.includes(a.name)) expect.fail(`${name}: <${el.tagName} ${a.name}="${a.value}">`)
        }
      }
      expect(els.filter(e => ['link', 'img', 'iframe', 'object', 'embed', 'base'].includes(e.tagName ?? '')), name).to.deep.equal([])
      // inside any tag (escaped text has &lt; and cannot match)
      expect(html, name).to.not.match(/<[^>]*\b(src|href)\s*=\s*["']?\s*(https?:)?\/\/[^>]*>/i)
      expect(html, name).to.not.match(/@import|url\(\s*["']?(https?:)?\/\//i)
      const scripts = els.filter(e => e.tagName === 'script')
      expect(scripts.map(s => attr(s, 'type') ?? 'js')).to.deep.equal(['application/json', 'js', 'js'])
      expect(textOf(scripts[1] ?? { nodeName: 'x' })).to.equal(assets.uplotJs)
      expect(els.filter(e => e.tagName === 'style').map(textOf)).to.deep.equal([assets.uplotCss, assets.reportCss])
    }
  })

  it('shows the header: scenario, seed, runtime, overall status and the verdict table with findings', () => {
    const root = parseHtml(pages.fail)
    const header = elements(root).find(e => e.tagName === 'header')
    if (header === undefined) throw new Error('no header')
    const text = textOf(header)
    for (const s of ['bearing-leg-down', 'seed7', 'runtimeprocess', 'policystock', 'run idrun-bearing-stock-s7']) expect(text).to.contain(s)
    expect(textOf(byClass(header, 'badge')[0] ?? header)).to.equal('fail')
    const rows = elements(byClass(root, 'verdicts')[0] ?? root).filter(e => e.tagName === 'tr' && attr(e, 'class') !== undefined)
    expect(rows.map(r => attr(r, 'class'))).to.deep.equal(['fail', 'fail', 'pass', 'unknown'])
    expect(textOf(rows[0] ?? root)).to.contain('A->D outbound gossip stream closed with leg A>D and was not reopened on D>A [direction A->D, leg A>D, stream c0ffee/o3, node A, +2.215s..+5.320s]')
    expect(textOf(parseHtml(pages.pass))).to.contain('version meshflap0.1.0')
    const start = fx.fail.find(e => e.kind === 'run_start')
    if (start?.kind !== 'run_start') throw new Error('fixture shape')
    const withResolved = renderReportHtml([{ ...start, resolved: { name: '</pre><b>x</b>', slots: 8 } }, ...fx.fail.slice(1)], FAIL_VERDICTS, { assets })
    expect(textOf(parseHtml(withResolved))).to.contain('scenario as run{\n  "name": "</pre><b>x</b>",\n  "slots": 8\n}')
  })

  it('prints the coverage line per slot per aggregator, marks slots below quorum, and embeds the chart data', () => {
    const root = parseHtml(pages.fail)
    const lines = textOf(byClass(root, 'coverage-lines')[0] ?? root).split('\n')
    expect(lines).to.have.length(8)
    expect(lines[2]).to.equal('slot 2: coverage=32/32 late=none diff=+0/-0')
    expect(lines[3]).to.equal('slot 3: coverage=16/32 late=none diff=+0/-16  (below quorum)')
    expect(lines[6]).to.equal('slot 6: coverage=32/32 late=none diff=+16/-0')
    expect(byClass(root, 'below').map(textOf).map(t => t.slice(0, 6))).to.deep.equal(['slot 3', 'slot 4', 'slot 5'])
    expect(textOf(parseHtml(pages.pass))).to.contain('slot 6: coverage=24/32 late=8 diff=+0/-8')

    const dataEl = elements(root).find(e => attr(e, 'id') === 'meshflap-data')
    const data = JSON.parse(textOf(dataEl ?? root)) as { coverage: { quorum: number, aggregators: Array<{ name: string, counts: number[] }>, faults: Array<{ from: number, to: number, ends: string[] }> } }
    expect(data.coverage.quorum).to.equal(22)
    expect(data.coverage.aggregators).to.deep.equal([{ name: 'D', counts: coverageSeries(fx.fail)[0]?.slots.map(s => s.count) }])
    expect(data.coverage.faults.map(f => [f.from, f.to])).to.deep.equal([[2.2, 5.2], [2.4, 5.4]])
    expect(data.coverage.faults.every(f => f.ends.includes('D'))).to.equal(true)
    expect(elements(root).filter(e => attr(e, 'id') === 'coverage-chart-0')).to.have.length(1)
  })

  it('draws the delivery heatmap per ordered pair with counts, longest gap and health', () => {
    const root = parseHtml(pages.fail)
    const table = byClass(root, 'heatmap')[0] ?? root
    const rows = elements(table).filter(e => e.tagName === 'tr').slice(1)
    expect(rows).to.have.length(4)
    const cellsOf = (i: number): string[] => elements(rows[i] ?? root).filter(e => e.tagName === 'td').map(textOf)
    // A's stream to D died with its bearing leg for 3 slots (stock): 3 slots x 8 validators lost
    expect(cellsOf(0)).to.deep.equal(['—', '64/64gap 0.99s', '64/64gap 0.99s', '40/64gap 3.99s'])
    const aToD = elements(rows[0] ?? root).filter(e => e.tagName === 'td')[3]
    expect(attr(aToD ?? root, 'class')).to.equal('h-bad')
    expect(attr(aToD ?? root, 'title')).to.match(/^A -> D: 40 of 64 delivered; longest gap 3\.99s \(\+2\.0\d\ds\.\.\+6\.0\d\ds\)$/)
  })

  it('draws only the judged window in the heatmap: a passing run whose nodes published past the last slot stays green', () => {
    const start = fx.pass.find(e => e.kind === 'run_start')
    const end = fx.pass.find(e => e.kind === 'run_end')
    if (start?.kind !== 'run_start' || end === undefined) throw new Error('fixture shape')
    // what a run looked like when nodes kept publishing after `slots`: every validator's slot `slots` and
    // `slots + 1` attestations are in the history, published while the devnet was stopping, never received
    const extra = start.nodes.flatMap(n => [start.slots, start.slots + 1].flatMap(slot => n.validators.map((v, i) => ({
      kind: 'node' as const, node: n.name, seq: 1_000_000 + slot * 1000 + v, ts: start.genesisMs + slot * start.slotMs + i,
      type: 'msg_published' as const, topic: '/leanconsensus/12345678/attestation_0/ssz_snappy', slot, validator: v, msgId: `after-${slot}-${v}`, recipients: []
    }))))
    const history = [...fx.pass.filter(e => e.kind !== 'run_end'), ...extra, { ...end, ts: Math.max(end.ts, start.genesisMs + (start.slots + 2) * start.slotMs) }]
    const cells = (html: string): string[] => elements(byClass(parseHtml(html), 'heatmap')[0] ?? parseHtml(html))
      .filter(e => e.tagName === 'td' && attr(e, 'class') !== 'self').map(td => `${attr(td, 'class') ?? ''} ${textOf(td).replace(/gap.*/, '')}`)
    const page = cells(renderReportHtml(history, PASS_VERDICTS, { assets }))
    expect(page).to.deep.equal(cells(pages.pass))
    expect(page.filter(c => c.startsWith('h-bad'))).to.deep.equal([])
    expect(page.every(c => c.endsWith(' 64/64')), page.join(', ')).to.equal(true)
  })

  it('draws a leg timeline per pair: two lanes, leg open per end, streams per direction, fault windows', () => {
    const root = parseHtml(pages.pass)
    const svgs = elements(root).filter(e => e.tagName === 'svg')
    expect(svgs).to.have.length(6)
    const titles = (cls: string): string[] => byClass(root, cls).map(textOf)
    expect(titles('fault').map(t => t.replace(/ \+.*$/, ''))).to.have.members([
      'fault faults[0]: down on D>A (non-bearing-of: A (A,D))',
      'fault faults[1]: down on A>D (bearing-of: A (A,D))',
      'fault faults[2]: latency on C>D (bearing-of: C (C,D))'
    ])
    // leg-aware: the stream that rode the downed bearing leg came back on the other leg, with a SUBSCRIBE replay
    const replays = titles('replay')
    expect(replays.some(t => t.startsWith('SUBSCRIBE replayed by A on stream'))).to.equal(true)
    const streams = [...titles('fwd'), ...titles('bwd')]
    expect(streams.filter(t => t.startsWith('gossip A->D'))).to.have.length.greaterThan(1)
    const rowLabels = byClass(root, 'row-label').map(e => textWithout(e, ['title']))
    expect(rowLabels.filter(l => l.startsWith('A>D open@A'))).to.have.length(1)
    expect(rowLabels).to.include('gossip D→A')
  })

  it('shows measured leg death per implementation, node and end (fault apply -> leg_close), marking ends slower than the QUIC detection bound', async () => {
    const root = parseHtml(pages.pass)
    const summary = byClass(root, 'leg-death-summary')[0]
    expect(summary, 'leg death summary table').to.not.equal(undefined)
    const rows = elements(summary!).filter(e => e.tagName === 'tr').map(textOf)
    expect(rows.some(r => r.includes('implementation') && r.includes('ts') && r.includes('slowest 17 ms (4 end(s))'))).to.equal(true)
    const ends = elements(byClass(root, 'leg-death-ends')[0]!).filter(e => e.tagName === 'tr').slice(1).map(textOf)
    expect(ends).to.have.length(4)
    expect(ends[0]).to.include('D>A').and.include('15 ms')
    // a recorded QUIC run (idle timeout 600 ms): the bound is stated, nothing is slower than it
    const real = await readHistory(fileURLToPath(new URL('../../fixtures/histories/bearing-leg-down-quic-stock.ndjson', import.meta.url)))
    const page = parseHtml(renderReportHtml(real, [], { assets }))
    expect(textOf(byClass(page, 'leg-death-bound')[0]!)).to.include('1200 ms').and.include('quic.maxIdleTimeoutMs 600 ms').and.include('need leg death within a slot (1000 ms)')
    expect(byClass(page, 'leg-death-slow')).to.have.length(0)
    // the negative control: A never closes its ends (a stack with a fixed long idle timeout): its rows are marked
    const stuck = real.filter(e => !(e.kind === 'node' && e.node === 'A' && e.type === 'leg_close'))
    const marked = byClass(parseHtml(renderReportHtml(stuck, [], { assets })), 'leg-death-slow').map(textOf)
    expect(marked.some(t => t.includes('not detected within'))).to.equal(true)
    expect(marked.some(t => t.includes('slower than the bound'))).to.equal(true)
  })

  it('escapes hostile node names, error messages and log lines instead of rendering them', () => {
    const html = pages.hostile
    const root = parseHtml(html)
    const els = elements(root)
    expect(els.filter(e => e.tagName === 'script')).to.have.length(3)
    expect(els.filter(e => ['a', 'img', 'iframe'].includes(e.tagName ?? ''))).to.deep.equal([])
    for (const el of els) for (const a of el.attrs ?? []) expect(a.name, `<${el.tagName}> attribute`).to.not.match(/^on/)
    const text = textOf(root)
    expect(text).to.contain(HOSTILE_NAME)
    expect(text).to.contain(HOSTILE_ERROR)
    expect(text).to.contain(HOSTILE_LOG)
    expect(text).to.contain('hostile-<svg onload=alert(1)>')
    expect(html).to.not.contain('<script>alert')
    expect(html).to.not.contain('<svg onload')
    // the data block cannot be closed by a name inside it
    const data = els.find(e => attr(e, 'id') === 'meshflap-data')
    expect(JSON.parse(textOf(data ?? root)).coverage.aggregators[0].name).to.equal('D')
    // the crash shows with its last log lines
    expect(text).to.contain('last log lines of C')
    expect(text).to.contain('crashed at')
  })

  it('renders a run that never got going (only run_start): unknown status, empty sections say so', () => {
    const start = fx.pass.find(e => e.kind === 'run_start')
    if (start?.kind !== 'run_start') throw new Error('fixture shape')
    const html = renderReportHtml([{ ...start, nodes: start.nodes.map(n => ({ ...n, aggregator: false })), legs: [] }], [], { assets })
    const text = textOf(parseHtml(html))
    expect(textOf(byClass(parseHtml(html), 'badge')[0] ?? parseHtml(html))).to.equal('unknown')
    for (const s of ['No verdicts were recorded', 'No aggregator in this run', 'No legs in this run', 'no run_end (run did not finish)', 'running at run end']) expect(text).to.contain(s)
  })
})
