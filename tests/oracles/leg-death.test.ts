/**
 * Measured leg death (apply -> leg_close per end) and the `unknown (node X cannot detect leg loss ...)`
 * it turns a fail into: on scripted histories (a node that never closes a blackholed QUIC leg, one that
 * does in time, a TCP leg) and on a recorded real run (stock TS nodes, bearing-leg-down over QUIC:
 * their legs die in time, so the stock bug stays a fail).
 */
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { History } from '../../harness/history/types.ts'
import { judge } from '../../harness/oracles/judge.ts'
import { detectionBoundMs, excuseBySlowLegDeath, slowLegDeathLabel, slowLegDeaths } from '../../harness/oracles/leg-death-excuse.ts'
import { describeSummary, legDeathReport, legDeaths } from '../../harness/oracles/leg-death.ts'
import { indexHistory } from '../../harness/oracles/run-index.ts'
import type { Verdict } from '../../harness/oracles/verdict.ts'
import { HistoryBuilder } from './support/history-builder.ts'
import { HISTORY_DIR, parseNdjson } from './support/load-history.ts'

const IDLE_MS = 600

/** run_start.resolved as a run records it: only the QUIC settings are read here */
function withIdle (history: History, idleMs: number | null): History {
  return history.map(e => e.kind === 'run_start' && idleMs !== null ? { ...e, resolved: { quic: { maxIdleTimeoutMs: idleMs, keepAliveIntervalMs: 150 } } } : e)
}

/**
 * A and B, A>B held down from +2300 to +6300: the dialer A closes its end at `dialerCloseAt` (undefined:
 * never, a stack with a fixed long idle timeout), the listener B at +2950.
 */
function downedLeg (dialerCloseAt: number | undefined, transport: 'quic' | 'tcp' = 'quic', idleMs: number | null = IDLE_MS): History {
  const b = new HistoryBuilder({ scenario: 'leg-death', slots: 8, validatorCount: 4, transport, nodes: [{ name: 'A', validators: [0, 1] }, { name: 'B', validators: [2, 3], aggregator: true }] })
  b.mesh(-1500)
  b.fault('faults[0]', 'down', 'apply', 'A>B', 2300, 'bearing-of: A (A,B)')
  b.closeLeg('A>B', 2950, 'error: idle timeout', ['listener'])
  if (dialerCloseAt !== undefined) b.closeLeg('A>B', dialerCloseAt, 'error: idle timeout', ['dialer'])
  b.fault('faults[0]', 'down', 'heal', 'A>B', 6300)
  b.end(8200)
  return withIdle(b.build(), idleMs)
}

const GENESIS = 1_795_471_780_000
const failed = (...atMs: number[]): Verdict => ({
  expectation: 'coverage', title: 'coverage', status: 'fail', summary: `${atMs.length} finding(s)`,
  findings: atMs.map(t => ({ message: `coverage below quorum at +${t}`, node: 'B', direction: 'A->B', fromMs: GENESIS + t, toMs: GENESIS + t + 1000 }))
})

describe('oracles: measured leg death', () => {
  it('measures apply -> leg_close at each end of the connection the fault hit; an end that never closed is "not detected within" the window', () => {
    const ix = indexHistory(downedLeg(undefined))
    const ends = legDeaths(ix)
    expect(ends.map(e => [e.leg, e.role, e.node, e.transport, e.ms, e.windowMs])).to.deep.equal([
      ['A>B', 'dialer', 'A', 'quic', undefined, 4000],
      ['A>B', 'listener', 'B', 'quic', 650, 4000]
    ])
    const report = legDeathReport(ix)
    expect(report.byNode.map(describeSummary)).to.deep.equal(['not detected within 4000 ms (1 of 1 end(s)); none measured', 'slowest 650 ms (1 end(s))'])
    expect(report.byImpl).to.have.length(1)
    expect(report.byImpl[0]).to.deep.include({ name: 'ts', transport: 'quic', ends: 2, detected: 1, slowestMs: 650, undetected: 1, longestUndetectedMs: 4000 })
  })

  it('uses the connection ids the fault entry names: a leg reopened after the close is not mistaken for the downed one', () => {
    const b = new HistoryBuilder({ scenario: 'leg-death', slots: 8, validatorCount: 4, nodes: [{ name: 'A', validators: [0, 1] }, { name: 'B', validators: [2, 3] }] })
    b.mesh(-1500)
    b.fault('faults[0]', 'down', 'apply', 'A>B', 2300)
    b.closeLeg('A>B', 2900)
    b.openLeg('A', 'B', 3100) // the redial, through the proxy that drops everything: it never comes up in reality, but its ids differ
    b.closeLeg('A>B', 5000)
    b.fault('faults[0]', 'down', 'heal', 'A>B', 6300)
    b.end(8200)
    expect(legDeaths(indexHistory(b.build())).map(e => e.ms)).to.deep.equal([600, 600])
  })

  it('the detection bound is twice the configured quic.maxIdleTimeoutMs; no bound recorded, nothing is excused', () => {
    expect(detectionBoundMs(indexHistory(downedLeg(undefined)))).to.equal(1200)
    const unrecorded = indexHistory(downedLeg(undefined, 'quic', null))
    expect(detectionBoundMs(unrecorded)).to.equal(undefined)
    expect(excuseBySlowLegDeath(failed(3000), unrecorded).status).to.equal('fail')
  })

  it('turns a fail unknown when every finding lies where a node had not yet detected the death of a downed QUIC leg', () => {
    const ix = indexHistory(downedLeg(undefined))
    expect(slowLegDeaths(ix).map(s => s.end.node)).to.deep.equal(['A'])
    const v = excuseBySlowLegDeath(failed(3000, 5000), ix)
    expect(v.status).to.equal('unknown')
    expect(slowLegDeathLabel(v)).to.equal('unknown (node A (ts) cannot detect leg loss within 1200 ms: not detected within 4000 ms)')
    expect(v.summary).to.include('2 finding(s) while that leg\'s death was not yet detected (the oracle alone said: fail)')
    expect(v.slowLegDeath?.ends).to.deep.equal([{ node: 'A', impl: 'ts', leg: 'A>B', fault: 'faults[0]', boundMs: 1200, undetectedWithinMs: 4000 }])
  })

  it('says "measured M ms" for a node that detected, but later than the bound', () => {
    const v = excuseBySlowLegDeath(failed(3000), indexHistory(downedLeg(2300 + 2500)))
    expect(slowLegDeathLabel(v)).to.equal('unknown (node A (ts) cannot detect leg loss within 1200 ms: measured 2500 ms)')
  })

  it('keeps fail when one finding lies outside every undetected span (after the heal, or before the fault)', () => {
    // a finding that starts at the late leg_close (a stream that then did not reopen) is after the detection
    const late = indexHistory(downedLeg(2300 + 2500))
    expect(excuseBySlowLegDeath(failed(3000), late).status).to.equal('unknown')
    expect(excuseBySlowLegDeath(failed(3000, 4800), late).status).to.equal('fail')
    const ix = indexHistory(downedLeg(undefined))
    expect(excuseBySlowLegDeath(failed(3000, 7000), ix).status).to.equal('fail')
    expect(excuseBySlowLegDeath(failed(1000, 3000), ix).status).to.equal('fail')
    // a finding without a time cannot be placed: not explained
    expect(excuseBySlowLegDeath({ ...failed(3000), findings: [{ message: 'somewhere' }] }, ix).status).to.equal('fail')
  })

  it('only the publisher\'s late detection explains a direction: B->A (B saw the leg die in time) or no direction stays fail', () => {
    // A never sees A>B die; B, the listener, sees it at +2950. B's outbound stream is B's to move: a fail of B->A is B's own
    const ix = indexHistory(downedLeg(undefined))
    const fromB = failed(3000)
    expect(excuseBySlowLegDeath({ ...fromB, findings: fromB.findings.map(f => ({ ...f, direction: 'B->A' })) }, ix).status).to.equal('fail')
    expect(excuseBySlowLegDeath({ ...fromB, findings: fromB.findings.map(({ direction: _d, ...f }) => f) }, ix).status).to.equal('fail')
  })

  it('changes nothing for a node that detects in time (negative control), nor for a TCP leg', () => {
    const fast = indexHistory(downedLeg(2300 + 800))
    expect(slowLegDeaths(fast)).to.deep.equal([])
    expect(excuseBySlowLegDeath(failed(3000), fast)).to.deep.equal(failed(3000))
    const tcp = indexHistory(downedLeg(undefined, 'tcp'))
    expect(legDeaths(tcp)[0]?.transport).to.equal('tcp')
    expect(slowLegDeaths(tcp), 'a TCP down closes at once: the idle-timeout bound does not apply').to.deep.equal([])
    expect(excuseBySlowLegDeath(failed(3000), tcp).status).to.equal('fail')
  })

  it('judge: coverage lost while A had not seen its blackholed leg die is unknown (A cannot detect); the same loss with A detecting in time is fail', () => {
    // A holds 3 of 4 validators; its leg to the aggregator B is held down +2300..+6300, nothing of A's arrives then
    const run = (dialerCloseAt: number | undefined): History => {
      const b = new HistoryBuilder({ scenario: 'leg-death', slots: 9, validatorCount: 4, nodes: [{ name: 'A', validators: [0, 1, 2] }, { name: 'B', validators: [3], aggregator: true }] })
      b.mesh(-1500)
      for (let s = 0; s < 3; s++) b.slot(s)
      b.fault('faults[0]', 'down', 'apply', 'A>B', 2300, 'bearing-of: A (A,B)')
      b.closeLeg('A>B', 2950, 'error: idle timeout', ['listener'])
      if (dialerCloseAt !== undefined) b.closeLeg('A>B', dialerCloseAt, 'error: idle timeout', ['dialer'])
      for (let s = 3; s < 7; s++) b.slot(s, d => d.publisher === 'A' ? null : undefined)
      b.fault('faults[0]', 'down', 'heal', 'A>B', 6300)
      for (let s = 7; s < 9; s++) b.slot(s)
      b.end(9200)
      return withIdle(b.build(), IDLE_MS)
    }
    const expectations = [{ kind: 'coverage' as const, fromSlot: 0, withinSlotsAfterFault: 1 }]
    const [slow] = judge(run(undefined), expectations)
    expect(slow?.status, slow?.summary).to.equal('unknown')
    expect(slowLegDeathLabel(slow!)).to.equal('unknown (node A (ts) cannot detect leg loss within 1200 ms: not detected within 4000 ms)')
    const [fast] = judge(run(2300 + 700), expectations)
    expect(fast?.status, 'A saw its leg die in time: the loss is its own doing').to.equal('fail')
    expect(fast?.slowLegDeath).to.equal(undefined)
  })

  it('on a real stock TS run of bearing-leg-down over QUIC: legs die near the 600 ms idle timeout, and the stock bug stays fail', () => {
    // recorded with `meshflap run fixtures/scenarios/bearing-leg-down.yaml --policy stock` (seed 52)
    const history = parseNdjson(readFileSync(join(HISTORY_DIR, '..', 'bearing-leg-down-quic-stock.ndjson'), 'utf8'))
    const ix = indexHistory(history)
    const ends = legDeaths(ix)
    expect(ends).to.have.length(6)
    for (const e of ends) expect(e.ms, `${e.leg} ${e.role}`).to.be.within(IDLE_MS, 2 * IDLE_MS)
    expect(slowLegDeaths(ix)).to.deep.equal([])
    const verdicts = judge(history, [
      { kind: 'reopen-within', ms: 1000, graceMs: 1000 },
      { kind: 'coverage', fromSlot: 0, withinSlotsAfterFault: 1 },
      { kind: 'no-decay', withinSlots: 1 }
    ])
    expect(verdicts.map(v => v.status)).to.deep.equal(['fail', 'fail', 'fail'])
    expect(verdicts.every(v => v.slowLegDeath === undefined)).to.equal(true)
  })
})
