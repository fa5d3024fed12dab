/**
 * `leg-death-within` on a fault: the scenario says the fault means something only once each end of
 * the downed leg has declared it lost within the span. An end slower than that turns every would-be
 * pass unknown (node X cannot detect leg loss ...), and is the bound for excusing a fail; without the
 * declaration passes stand (negative control). Scripted histories, and a recorded real run re-judged
 * with a declaration no node can meet and one every node met.
 */
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FaultEntry, History } from '../../harness/history/types.ts'
import { judge } from '../../harness/oracles/judge.ts'
import { slowLegDeathLabel, slowLegDeaths } from '../../harness/oracles/leg-death-excuse.ts'
import { unknownWhenDeclaredDeathMissed } from '../../harness/oracles/leg-death-required.ts'
import { indexHistory } from '../../harness/oracles/run-index.ts'
import type { Verdict } from '../../harness/oracles/verdict.ts'
import { HistoryBuilder } from './support/history-builder.ts'
import { HISTORY_DIR, parseNdjson } from './support/load-history.ts'

/** Every apply entry of the history's faults declares `leg-death-within` (as the runner records it). */
function declaring (history: History, withinMs: number): History {
  return history.map(e => e.kind === 'fault' && (e as FaultEntry).phase === 'apply' ? { ...e, legDeathWithinMs: withinMs } : e)
}

/** A and B over `transport`; A>B held down +2300..+6300; B closes its end at +2950, A at `dialerCloseAt` (never when undefined). */
function downedLeg (dialerCloseAt: number | undefined, transport: 'quic' | 'tcp' = 'quic'): History {
  const b = new HistoryBuilder({ scenario: 'leg-death-required', slots: 9, validatorCount: 4, transport, nodes: [{ name: 'A', validators: [0, 1] }, { name: 'B', validators: [2, 3], aggregator: true }] })
  b.mesh(-1500)
  for (let s = 0; s < 9; s++) b.slot(s)
  b.fault('faults[0]', 'down', 'apply', 'A>B', 2300, 'bearing-of: A (A,B)')
  b.closeLeg('A>B', 2950, 'error: idle timeout', ['listener'])
  if (dialerCloseAt !== undefined) b.closeLeg('A>B', dialerCloseAt, 'error: idle timeout', ['dialer'])
  b.fault('faults[0]', 'down', 'heal', 'A>B', 6300)
  b.end(9200)
  return b.build()
}

const COVERAGE = [{ kind: 'coverage' as const, fromSlot: 0 }]

describe('oracles: a fault that declares leg-death-within', () => {
  it('negative control: without the declaration an undetected leg death leaves the pass standing', () => {
    const [v] = judge(downedLeg(undefined), COVERAGE)
    expect(v?.status, v?.summary).to.equal('pass')
  })

  it('an end that never declared the leg lost within the span turns the pass unknown, naming the node, the bound and what was measured', () => {
    const [v] = judge(declaring(downedLeg(undefined), 1500), COVERAGE)
    expect(v?.status, v?.summary).to.equal('unknown')
    expect(slowLegDeathLabel(v!)).to.equal('unknown (node A (ts) cannot detect leg loss within 1500 ms: not detected within 4000 ms)')
    expect(v?.summary).to.match(/the scenario says the fault needs it \(leg-death-within\).*the oracle alone said: pass/)
  })

  it('an end that detected, but later than declared, says "measured M ms"; both ends in time leave the pass', () => {
    const [late] = judge(declaring(downedLeg(2300 + 2100), 1500), COVERAGE)
    expect(slowLegDeathLabel(late!)).to.equal('unknown (node A (ts) cannot detect leg loss within 1500 ms: measured 2100 ms)')
    const [inTime] = judge(declaring(downedLeg(2300 + 900), 1500), COVERAGE)
    expect(inTime?.status, inTime?.summary).to.equal('pass')
  })

  it('applies to any transport: a TCP leg the fault held down but no end closed is judged by the declared bound', () => {
    const tcp = indexHistory(declaring(downedLeg(undefined, 'tcp'), 1500))
    expect(slowLegDeaths(tcp).map(s => [s.end.node, s.boundMs])).to.deep.equal([['A', 1500]])
    expect(slowLegDeaths(indexHistory(downedLeg(undefined, 'tcp'))), 'undeclared TCP: no bound').to.deep.equal([])
  })

  it('leaves fails and unknowns alone (a fail is excused only inside the undetected span, by excuseBySlowLegDeath)', () => {
    const ix = indexHistory(declaring(downedLeg(undefined), 1500))
    const fail: Verdict = { expectation: 'coverage', title: 'coverage', status: 'fail', summary: 'x', findings: [] }
    const unknown: Verdict = { ...fail, status: 'unknown' }
    expect(unknownWhenDeclaredDeathMissed([fail, unknown], ix)).to.deep.equal([fail, unknown])
  })

  it('on a recorded real run (stock TS, bearing-leg-down over QUIC, legs dead in 600-1200 ms): 200 ms is missed by every end, 5 s by none', () => {
    // recorded with `meshflap run fixtures/scenarios/bearing-leg-down.yaml --policy stock` (seed 52)
    const history = parseNdjson(readFileSync(join(HISTORY_DIR, '..', 'bearing-leg-down-quic-stock.ndjson'), 'utf8'))
    const expectations = [{ kind: 'streams-survive' as const, graceMs: 1000 }, { kind: 'coverage' as const, fromSlot: 0, withinSlotsAfterFault: 1 }]
    const asRecorded = judge(history, expectations).map(v => v.status)
    expect(asRecorded, 'streams-survive passes (stock closes streams only on the downed legs); coverage fails (the stock bug)').to.deep.equal(['pass', 'fail'])
    const strict = judge(declaring(history, 200), expectations)
    expect(slowLegDeaths(indexHistory(declaring(history, 200)))).to.have.length(6)
    expect(slowLegDeathLabel(strict[0]!)).to.match(/^unknown \(node [A-D] \(ts\) cannot detect leg loss within 200 ms: measured \d+ ms/)
    expect(strict[1]?.status, 'the coverage loss lies after the legs were seen dead: still fail').to.equal('fail')
    expect(judge(declaring(history, 5000), expectations).map(v => v.status)).to.deep.equal(asRecorded)
  })
})
