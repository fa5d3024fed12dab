import { expect } from 'chai'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { XMLValidator } from 'fast-xml-parser'
import { loadReportAssets } from '../../harness/report/html/assets.ts'
import { renderReportHtml } from '../../harness/report/html/report-html.ts'
import { historyToNdjson, HistoryParseError, parseHistory, readHistory } from '../../harness/report/read-history.ts'
import { parseResults, runResults } from '../../harness/report/results-json.ts'
import { HISTORY_FILE, writeRunDir } from '../../harness/report/write-run-dir.ts'
import { FIXTURES } from './make-fixtures.ts'
import { fixturePath, loadFixtures } from './load-fixtures.ts'
import { sampleHistory } from './sample-history.ts'
import { FAIL_VERDICTS } from './samples.ts'

describe('report: run directory', () => {
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'meshflap-report-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('writes results.json, junit.xml and report.html, and re-renders the same from the saved history.ndjson', async () => {
    const { fail } = await loadFixtures()
    const assets = await loadReportAssets()
    // what the runner does during a run
    await writeFile(join(dir, HISTORY_FILE), historyToNdjson(fail))
    const files = await writeRunDir(dir, { history: fail, verdicts: FAIL_VERDICTS, versions: { meshflap: '0.1.0' }, assets })
    expect((await readdir(dir)).sort()).to.deep.equal(['history.ndjson', 'junit.xml', 'report.html', 'results.json'])
    expect(parseResults(await readFile(files.results, 'utf8'))).to.deep.equal(runResults(fail, FAIL_VERDICTS, { versions: { meshflap: '0.1.0' } }))
    expect(XMLValidator.validate(await readFile(files.junit, 'utf8'))).to.equal(true)
    // `meshflap report <run-dir>`: read the history back and render again: same bytes
    const again = await readHistory(join(dir, HISTORY_FILE))
    expect(again).to.deep.equal(fail)
    expect(renderReportHtml(again, FAIL_VERDICTS, { assets, versions: { meshflap: '0.1.0' } })).to.equal(await readFile(files.report, 'utf8'))
  })

  it('names file and line of a bad history line, and drops only a torn final line', async () => {
    const { pass } = await loadFixtures()
    const text = historyToNdjson(pass)
    const lines = text.split('\n')
    lines[4] = '{"kind":"node","ts":'
    expect(() => parseHistory(lines.join('\n'), 'run/history.ndjson')).to.throw(HistoryParseError, /^run\/history.ndjson:5: not JSON/)
    expect(() => parseHistory('{"kind":"nope","ts":1}\n', 'h')).to.throw(HistoryParseError, /h:1: unknown entry kind "nope"/)
    expect(() => parseHistory('{"kind":"node"}\n', 'h')).to.throw(HistoryParseError, /h:1: entry has no numeric ts/)
    expect(() => parseHistory('{"kind":"run_end","ts":1,"reason":"completed"}\n', 'h')).to.throw(HistoryParseError, /no run_start/)
    // the writer died mid-line: the run still renders, and the caller is told
    const torn: number[] = []
    const cut = text.slice(0, text.length - 20)
    const h = parseHistory(cut, 'h', { onTornTail: line => torn.push(line) })
    expect(h).to.deep.equal(pass.slice(0, -1))
    expect(torn).to.deep.equal([pass.length])
    const path = join(dir, HISTORY_FILE)
    await writeFile(path, cut.replace(/\n[^\n]*$/, '\n') + 'garbage\n')
    await readHistory(path).then(() => expect.fail('should throw'), (err: unknown) => {
      expect(err).to.be.instanceOf(HistoryParseError)
      expect((err as HistoryParseError).line).to.equal(pass.length)
    })
  })

  it('keeps the committed sample histories identical to what the simulator produces', async () => {
    for (const [file, spec] of Object.entries(FIXTURES)) {
      expect(await readFile(fixturePath(file), 'utf8'), `${file}: regenerate with node tests/report/make-fixtures.ts`).to.equal(historyToNdjson(sampleHistory(spec)))
    }
  })
})
