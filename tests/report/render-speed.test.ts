import { expect } from 'chai'
import { loadReportAssets } from '../../harness/report/html/assets.ts'
import { renderReportHtml } from '../../harness/report/html/report-html.ts'
import { renderRunJunit } from '../../harness/report/junit.ts'
import { renderResultsJson } from '../../harness/report/results-json.ts'
import { parseHistory, historyToNdjson } from '../../harness/report/read-history.ts'
import { sampleHistory, type SampleFault } from './sample-history.ts'
import { FAIL_VERDICTS } from './samples.ts'

/** quorum-32 sized: 8 nodes x 4 validators, 30 slots, seeded flaps across all pairs. */
function quorum32History (): ReturnType<typeof sampleHistory> {
  const nodes = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']
  let s = 12345
  const next = (): number => { s = (s * 1103515245 + 12345) % 2 ** 31; return s / 2 ** 31 }
  const faults: SampleFault[] = Array.from({ length: 20 }, () => {
    const a = nodes[Math.floor(next() * 8)] ?? 'A'
    const others = nodes.filter(n => n !== a)
    const b = others[Math.floor(next() * 7)] ?? 'B'
    return { atSlot: 1 + next() * 27, durationSlots: 0.5 + next() * 2, action: 'down', pair: [a, b], role: next() < 0.5 ? 'bearing-of' : 'non-bearing-of', of: a }
  })
  return sampleHistory({
    runId: 'run-quorum-32', scenario: 'quorum-32', seed: 9, nodes, validatorsPerNode: 4, aggregators: ['A', 'E'],
    slots: 30, slotMs: 1000, policy: 'stock', transport: 'quic', faults
  })
}

describe('report: render speed', () => {
  it('renders results.json, junit.xml and report.html of a 30-slot 8-node run well under a second', async () => {
    const history = quorum32History()
    const assets = await loadReportAssets()
    const ndjson = historyToNdjson(history)
    const t0 = performance.now()
    const parsed = parseHistory(ndjson)
    const t1 = performance.now()
    const results = renderResultsJson(parsed, FAIL_VERDICTS)
    const junit = renderRunJunit(parsed, FAIL_VERDICTS)
    const html = renderReportHtml(parsed, FAIL_VERDICTS, { assets })
    const t2 = performance.now()
    console.log(`      ${history.length} entries (${(ndjson.length / 1024).toFixed(0)} KiB): parse ${(t1 - t0).toFixed(0)} ms, render all three ${(t2 - t1).toFixed(0)} ms, report.html ${(html.length / 1024).toFixed(0)} KiB`)
    expect(results.length + junit.length).to.be.greaterThan(0)
    expect(history.filter(e => e.kind === 'fault').length).to.be.greaterThan(20)
    expect(html).to.contain('aggregator E')
    // the whole thing, parse included, on a shared 2-core machine
    expect(t2 - t0).to.be.below(1000)
  })
})
