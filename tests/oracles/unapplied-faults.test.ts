/**
 * A fault that could not be resolved or applied is a `fault_failed` history entry; a run with one
 * did not test what its scenario asks, so a verdict that would pass is `unknown` (a failure stays
 * a failure), and the report lists it and marks it on the timeline.
 */
import { expect } from 'chai'
import type { FaultFailed, History } from '../../harness/history/types.ts'
import { judge } from '../../harness/oracles/judge.ts'
import { loadReportAssets } from '../../harness/report/html/assets.ts'
import { renderReportHtml } from '../../harness/report/html/report-html.ts'
import { historyToNdjson, parseHistory } from '../../harness/report/read-history.ts'
import { runResults } from '../../harness/report/results-json.ts'
import { attr, byClass, elements, parseHtml, textOf } from '../report/html-tree.ts'
import { FIVE_EXPECTATIONS } from './support/five-expectations.ts'
import { loadHistory } from './support/load-history.ts'

/** The history with a fault_failed entry 4 s after genesis (on a leg, or resolved to none). */
function withFailure (history: History, failure: Partial<FaultFailed> = {}): History {
  const start = history[0]
  if (start?.kind !== 'run_start') throw new Error('fixture shape')
  const entry: FaultFailed = { kind: 'fault_failed', ts: start.genesisMs + 4000, fault: 'faults[1]', action: 'close', selector: 'outbound-of: A (A,B)', leg: 'A>B', reason: 'leg A>B has no open connection to close', where: 'x.yaml:12', ...failure }
  const end = history.findIndex(e => e.kind === 'run_end')
  return [...history.slice(0, end), entry, ...history.slice(end)]
}

describe('oracles: a fault that did not apply', () => {
  it('turns every pass into unknown, naming the fault, where, when and why', () => {
    const clean = loadHistory('bearing-reopened')
    expect(judge(clean, FIVE_EXPECTATIONS).map(v => v.status)).to.deep.equal(['pass', 'pass', 'pass', 'pass', 'pass'])
    const verdicts = judge(withFailure(clean), FIVE_EXPECTATIONS)
    expect(verdicts.map(v => v.status)).to.deep.equal(['unknown', 'unknown', 'unknown', 'unknown', 'unknown'])
    expect(verdicts[0]?.summary).to.match(/^cannot judge: 1 fault\(s\) did not apply, so the run did not test what the scenario asks: faults\[1\] close \(outbound-of: A \(A,B\)\) on A>B at \+4\.000s \(slot 4\) did not apply: leg A>B has no open connection to close \(what was checked: /)
  })

  it('leaves a failure a failure', () => {
    const verdicts = judge(withFailure(loadHistory('bearing-never-reopens'), { leg: undefined, reason: 'no status from A: cannot tell which leg holds its outbound gossip stream to B' }), FIVE_EXPECTATIONS)
    expect(verdicts.map(v => v.status)).to.deep.equal(['unknown', 'fail', 'fail', 'fail', 'fail'])
  })

  it('survives the ndjson round trip, is listed in results.json, and the report shows it in the fault list and on the timeline', async () => {
    const history = parseHistory(historyToNdjson(withFailure(loadHistory('bearing-reopened'))))
    const verdicts = judge(history, FIVE_EXPECTATIONS)
    const results = runResults(history, verdicts)
    expect(results.status).to.equal('unknown')
    expect(results.faultsNotApplied).to.deep.equal([{ ts: results.faultsNotApplied?.[0]?.ts, fault: 'faults[1]', action: 'close', selector: 'outbound-of: A (A,B)', leg: 'A>B', reason: 'leg A>B has no open connection to close', where: 'x.yaml:12' }])

    const root = parseHtml(renderReportHtml(history, verdicts, { assets: await loadReportAssets() }))
    const failedRows = elements(byClass(root, 'faults')[0] ?? root).filter(e => e.tagName === 'tr' && attr(e, 'class') === 'fault-failed')
    expect(failedRows.map(textOf)).to.deep.equal(['faults[1]closeA>Boutbound-of: A (A,B)+4.000snot applied: leg A>B has no open connection to close (x.yaml:12)'])
    expect(elements(byClass(root, 'faults')[0] ?? root).filter(e => attr(e, 'class') === 'applied').length).to.be.greaterThan(0)
    const marks = elements(root).filter(e => e.tagName === 'line' && attr(e, 'class') === 'fault-failed')
    expect(marks).to.have.length(1)
    expect(textOf(marks[0] ?? root)).to.equal('fault faults[1]: close (outbound-of: A (A,B)) on A>B NOT APPLIED at +4.000s: leg A>B has no open connection to close')
    expect(textOf(elements(root).find(e => e.tagName === 'header') ?? root)).to.include('NOT APPLIED')
  })
})
