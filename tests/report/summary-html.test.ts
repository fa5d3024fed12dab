import { expect } from 'chai'
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { History } from '../../harness/history/types.ts'
import { loadReportAssets } from '../../harness/report/html/assets.ts'
import { renderSummaryHtml, type SummaryRun } from '../../harness/report/summary-html.ts'
import { writeRunDir } from '../../harness/report/write-run-dir.ts'
import { attr, elements, parseHtml, textOf } from './html-tree.ts'
import { loadFixtures } from './load-fixtures.ts'
import { FAIL_VERDICTS, HOSTILE_VERDICTS, PASS_VERDICTS } from './samples.ts'

function reseed (h: History, seed: number): History {
  return h.map(e => e.kind === 'run_start' ? { ...e, seed, runId: `${e.runId}-${seed}` } : e)
}
function retransport (h: History, transport: 'tcp'): History {
  return h.map(e => e.kind === 'run_start' ? { ...e, legs: e.legs.map(l => ({ ...l, transport })) } : e)
}

describe('report: summary.html', () => {
  let dir: string
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'meshflap-summary-')) })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('tables scenarios against impl pair x transport, counts seeds, and links every run report relatively', async () => {
    const { pass, fail, hostile } = await loadFixtures()
    const assets = await loadReportAssets()
    const runs: SummaryRun[] = [
      { history: reseed(pass, 1), verdicts: PASS_VERDICTS, runDir: join(dir, 'runs', 'pr278 s1') },
      { history: reseed(pass, 2), verdicts: PASS_VERDICTS, runDir: join(dir, 'runs', 'pr278 s2') },
      { history: reseed(pass, 3), verdicts: FAIL_VERDICTS, runDir: join(dir, 'runs', 'pr278 s3') },
      { history: retransport(pass, 'tcp'), verdicts: PASS_VERDICTS, runDir: join(dir, 'runs', 'pr278-tcp') },
      { history: fail, verdicts: FAIL_VERDICTS, runDir: join(dir, 'runs', 'bearing') },
      { history: hostile, verdicts: HOSTILE_VERDICTS, runDir: join(dir, 'other', 'hostile#1') }
    ]
    for (const r of runs) await writeRunDir(r.runDir, { history: r.history, verdicts: r.verdicts, assets })
    const summaryDir = join(dir, 'gate')
    await mkdir(summaryDir)
    const html = renderSummaryHtml(runs, { summaryDir, title: 'gate' })
    await writeFile(join(summaryDir, 'summary.html'), html)
    const root = parseHtml(html)
    const rows = elements(root).filter(e => e.tagName === 'tr')
    // columns: both policies present, so policy is part of the column
    expect(elements(rows[0] ?? root).filter(e => e.tagName === 'th').map(textOf)).to.deep.equal([
      'scenario', 'ts×ts · quic · leg-aware', 'ts×ts · quic · stock', 'ts×ts · tcp · leg-aware'
    ])
    const cells = (i: number): string[] => elements(rows[i] ?? root).filter(e => e.tagName === 'td').map(textOf)
    expect(elements(rows[1] ?? root).find(e => e.tagName === 'th')?.childNodes?.map(textOf)).to.deep.equal(['bearing-leg-down'])
    // each cell ends with its slowest measured leg death per implementation (fault -> leg_close)
    expect(cells(1)).to.deep.equal(['—', 'fail✗seed 7leg death: ts quic 17 ms', '—'])
    expect(textOf(rows[2] ?? root)).to.contain('hostile-<svg onload=alert(1)>')
    expect(cells(3)).to.deep.equal(['2/3 passseed 1seed 2✗seed 3leg death: ts quic 17 ms', '—', 'passseed 42leg death: ts tcp 17 ms'])
    expect(textOf(root)).to.contain('6 run(s): 3 pass, 3 fail, 0 unknown')

    const links = elements(root).filter(e => e.tagName === 'a').map(a => attr(a, 'href') ?? '')
    expect(links).to.have.length(6)
    for (const href of links) {
      expect(href).to.not.match(/^(\/|[a-z]+:)/)
      await access(join(summaryDir, decodeURIComponent(href)))
    }
    expect(links).to.include('../runs/pr278%20s1/report.html')
    expect(links).to.include('../other/hostile%231/report.html')
    expect(dirname(decodeURIComponent(links[0] ?? ''))).to.match(/^\.\.\/runs\//)
  })
})
