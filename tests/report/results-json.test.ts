import { expect } from 'chai'
import type { History } from '../../harness/history/types.ts'
import { parseResults, renderResultsJson, ResultsParseError, runResults } from '../../harness/report/results-json.ts'
import { loadFixtures, type Fixtures } from './load-fixtures.ts'
import { FAIL_VERDICTS, PASS_VERDICTS } from './samples.ts'

describe('report: results.json', () => {
  let fx: Fixtures
  before(async () => { fx = await loadFixtures() })

  it('carries run id, scenario, seed, runtime, versions, wall time, status and every verdict with findings and evidence', () => {
    const r = runResults(fx.fail, FAIL_VERDICTS, { versions: { meshflap: '0.1.0', node: 'v24.21.0' } })
    const start = fx.fail[0]
    const end = fx.fail.at(-1)
    if (start?.kind !== 'run_start' || end?.kind !== 'run_end') throw new Error('fixture shape')
    expect(r).to.include({ runId: 'run-bearing-stock-s7', scenario: 'bearing-leg-down', seed: 7, runtime: 'process', status: 'fail', endReason: 'completed' })
    expect(r.versions).to.deep.equal({ meshflap: '0.1.0', node: 'v24.21.0' })
    expect(r.wallTimeMs).to.equal(end.ts - start.ts)
    expect(r.startedAt).to.equal(new Date(start.ts).toISOString())
    expect(r.counts).to.deep.equal({ pass: 1, fail: 2, unknown: 1 })
    expect(r.variant).to.deep.equal({ implPair: 'ts×ts', transport: 'quic', policy: 'stock' })
    expect(r.verdicts).to.deep.equal(FAIL_VERDICTS)
    expect(r.nodes.map(n => n.name)).to.deep.equal(['A', 'B', 'C', 'D'])
    expect(r.nodes.find(n => n.name === 'D')?.aggregator).to.equal(true)
    expect(r.nodes[0]?.exit).to.deep.equal({ code: 0, signal: null, expected: true })
  })

  it('carries the measured leg death of every downed leg end, per node and per implementation', () => {
    const r = runResults(fx.fail, FAIL_VERDICTS)
    expect(r.legDeath.ends.map(e => [e.leg, e.role, e.node, e.ms])).to.deep.equal([['D>A', 'dialer', 'D', 15], ['D>A', 'listener', 'A', 17], ['B>D', 'dialer', 'B', 15], ['B>D', 'listener', 'D', 17]])
    expect(r.legDeath.byImpl).to.deep.equal([{ name: 'ts', impl: 'ts', transport: 'quic', ends: 4, detected: 4, slowestMs: 17, undetected: 0 }])
    expect(r.legDeath.byNode.map(n => n.name)).to.deep.equal(['A', 'B', 'D'])
    // the fixture records no resolved scenario: no QUIC detection bound to state
    expect(r.legDeath.boundMs).to.equal(undefined)
  })

  it('round-trips through its text form', () => {
    const object = runResults(fx.pass, PASS_VERDICTS, { versions: { meshflap: '0.1.0' } })
    const text = renderResultsJson(fx.pass, PASS_VERDICTS, { versions: { meshflap: '0.1.0' } })
    expect(text.endsWith('\n')).to.equal(true)
    const back = parseResults(text)
    expect(back).to.deep.equal(object)
    expect(back.status).to.equal('pass')
    expect(back.verdicts[2]?.evidence).to.deep.equal(PASS_VERDICTS[2]?.evidence)
  })

  it('is never a pass when the run did not complete or nothing was judged', () => {
    const interrupted: History = fx.pass.map(e => e.kind === 'run_end' ? { ...e, reason: 'interrupted' as const } : e)
    expect(runResults(interrupted, PASS_VERDICTS).status).to.equal('unknown')
    const noEnd = fx.pass.filter(e => e.kind !== 'run_end')
    const r = runResults(noEnd, PASS_VERDICTS)
    expect(r.status).to.equal('unknown')
    expect(r.endReason).to.equal('missing')
    expect(r).to.not.have.property('endedAt')
    expect(runResults(fx.pass, []).status).to.equal('unknown')
    // a failed verdict still says fail on an interrupted run
    expect(runResults(interrupted, FAIL_VERDICTS).status).to.equal('fail')
  })

  it('rejects text that is not meshflap results, naming the field', () => {
    expect(() => parseResults('{nope', 'x/results.json')).to.throw(ResultsParseError, /x\/results.json: not JSON/)
    expect(() => parseResults('{"format":"other"}')).to.throw(ResultsParseError, /format/)
    const text = renderResultsJson(fx.pass, PASS_VERDICTS).replace('"seed": 42', '"seed": "42"')
    expect(() => parseResults(text)).to.throw(ResultsParseError, /field seed is string, expected number/)
  })
})
