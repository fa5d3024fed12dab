/**
 * Node faults in the verdicts: a paused or killed node is recorded as a fault
 * on every leg touching it, so its own directions are excused for the window
 * (a resume's window ends graceMs later) and every other direction is judged
 * as before. Built histories, so both outcomes can be forced.
 */
import { expect } from 'chai'
import type { FaultAction, FaultEntry, History, LegName } from '../../harness/history/types.ts'
import { coverageQuorum } from '../../harness/oracles/coverage-quorum.ts'
import { deliveryGap } from '../../harness/oracles/delivery-gap.ts'
import { noDecay } from '../../harness/oracles/no-decay.ts'
import { environmentOf } from '../../harness/oracles/environment.ts'
import { faultWindows, type FaultWindow } from '../../harness/oracles/fault-windows.ts'
import { streamsSurvive } from '../../harness/oracles/streams-survive.ts'
import { healthFindings } from '../../harness/oracles/node-health.ts'
import { indexHistory } from '../../harness/oracles/run-index.ts'
import { HistoryBuilder } from './support/history-builder.ts'
import type { DeliveryOverride } from './support/history-builder.ts'

const NODES = [
  { name: 'A', validators: [0, 1] },
  { name: 'B', validators: [2, 3] },
  { name: 'C', validators: [4, 5] },
  { name: 'D', validators: [6, 7], aggregator: true }
]
const C_LEGS: LegName[] = ['A>C', 'C>A', 'B>C', 'C>B', 'D>C', 'C>D']

/** C frozen from 2100 to 4900 (slots 3-4 silent for C), resumed with one slot of grace; `recordPause: false` leaves the faults out. */
function pausedC (opts: { recordPause: boolean, drop?: DeliveryOverride }): History {
  const b = new HistoryBuilder({ scenario: 'pause-node', slots: 8, validatorCount: 8, nodes: NODES })
  b.mesh(-1500)
  const at = (action: FaultAction, phase: 'apply' | 'heal', t: number, params?: Record<string, unknown>): void => {
    if (opts.recordPause) for (const leg of C_LEGS) b.fault('faults[0]', action, phase, leg, t, 'node: C', params)
  }
  for (let s = 0; s < 3; s++) b.slot(s, opts.drop)
  at('pause', 'apply', 2100)
  for (let s = 3; s < 5; s++) b.slot(s, opts.drop, new Set(['C']))
  at('resume', 'heal', 4900, { graceMs: 1000 })
  for (let s = 5; s < 8; s++) b.slot(s, opts.drop)
  b.end(8200)
  return b.build()
}

describe('oracles: node faults', () => {
  it('fault windows: a pause on each of the node\'s legs lasts until the resume plus its grace; a kill until the end', () => {
    const ws = faultWindows([
      { kind: 'fault', ts: 1000, fault: 'f0', action: 'pause', phase: 'apply', leg: 'A>C', node: 'C' },
      { kind: 'fault', ts: 3000, fault: 'f0', action: 'resume', phase: 'heal', leg: 'A>C', node: 'C', params: { graceMs: 500 } },
      { kind: 'fault', ts: 2000, fault: 'f1', action: 'kill', phase: 'apply', leg: 'B>D', node: 'D' }
    ], 9000)
    expect(ws.map(w => [w.action, w.leg, w.fromMs, w.toMs, w.open, w.blocking])).to.deep.equal([
      ['pause', 'A>C', 1000, 3500, false, true],
      ['kill', 'B>D', 2000, 9000, true, true]
    ])
  })

  it('fault windows: a heal ends its own fault\'s window, not another fault\'s on the same leg', () => {
    // field-shaped seed 89: a blackhole applied on N2>N7 2 ms before a latency on that leg healed; the
    // latency's heal closed the blackhole's window too, so a leg death 2 s later counted as unfaulted
    const ws = faultWindows([
      { kind: 'fault', ts: 1000, fault: 'faults[5]#3', action: 'latency', phase: 'apply', leg: 'N2>N7' },
      { kind: 'fault', ts: 4000, fault: 'faults[3]#3', action: 'blackhole', phase: 'apply', leg: 'N2>N7' },
      { kind: 'fault', ts: 4002, fault: 'faults[5]#3', action: 'heal', phase: 'heal', leg: 'N2>N7' },
      { kind: 'fault', ts: 6004, fault: 'faults[3]#3', action: 'heal', phase: 'heal', leg: 'N2>N7' }
    ], 9000)
    expect(ws.map(w => [w.fault, w.fromMs, w.toMs, w.open])).to.deep.equal([
      ['faults[5]#3', 1000, 4002, false],
      ['faults[3]#3', 4000, 6004, false]
    ])
  })

  it('fault windows: a rebind lasts rebindEffectMs (the QUIC detection bound), an instant without it; a close is always an instant', () => {
    const faults: FaultEntry[] = [
      { kind: 'fault', ts: 1000, fault: 'f0', action: 'rebind', phase: 'apply', leg: 'A>B' },
      { kind: 'fault', ts: 1000, fault: 'f1', action: 'close', phase: 'apply', leg: 'B>A' },
      { kind: 'fault', ts: 8500, fault: 'f2', action: 'rebind', phase: 'apply', leg: 'C>D' }
    ]
    const row = (w: FaultWindow): unknown[] => [w.action, w.leg, w.fromMs, w.toMs, w.instant, w.blocking]
    expect(faultWindows(faults, 9000, { rebindEffectMs: 4000 }).map(row)).to.deep.equal([
      ['rebind', 'A>B', 1000, 5000, true, false],
      ['close', 'B>A', 1000, 1000, true, false],
      // cut at the end of the history
      ['rebind', 'C>D', 8500, 9000, true, false]
    ])
    expect(faultWindows(faults, 9000).map(w => w.toMs)).to.deep.equal([1000, 1000, 8500])
  })

  it('delivery-gap excuses the paused node\'s own directions (the control without the pause fails exactly those)', () => {
    const v = deliveryGap(pausedC({ recordPause: true }), { kind: 'delivery-gap', maxMs: 1000 })
    expect(v.status, v.summary).to.equal('pass')
    const control = deliveryGap(pausedC({ recordPause: false }), { kind: 'delivery-gap', maxMs: 1000 })
    expect(control.status).to.equal('fail')
    expect([...new Set(control.findings.map(f => f.direction))].sort()).to.deep.equal(['A->C', 'B->C', 'C->A', 'C->B', 'C->D', 'D->C'])
  })

  it('delivery-gap still judges everyone else across the pause: A->B starved during it is a finding', () => {
    const drop: DeliveryOverride = d => d.publisher === 'A' && d.receiver === 'B' && d.slot >= 2 && d.slot <= 4 ? null : undefined
    const v = deliveryGap(pausedC({ recordPause: true, drop }), { kind: 'delivery-gap', maxMs: 1000 })
    expect(v.status).to.equal('fail')
    expect(v.findings.map(f => f.direction)).to.deep.equal(['A->B'])
  })

  it('streams-survive: streams on the paused node\'s legs may close during the pause, a stream elsewhere may not', () => {
    const b = new HistoryBuilder({ scenario: 'pause-node', slots: 6, validatorCount: 8, nodes: NODES })
    b.mesh(-1500)
    for (const leg of C_LEGS) b.fault('faults[0]', 'pause', 'apply', leg, 2100, 'node: C')
    b.closeLeg('A>C', 3200)
    b.closeLeg('C>D', 3300)
    for (const leg of C_LEGS) b.fault('faults[0]', 'resume', 'heal', leg, 4900, 'node: C', { graceMs: 1000 })
    b.end(6200)
    expect(streamsSurvive(b.build(), { kind: 'streams-survive', graceMs: 1000 }).status).to.equal('pass')
    const b2 = new HistoryBuilder({ scenario: 'pause-node', slots: 6, validatorCount: 8, nodes: NODES })
    b2.mesh(-1500)
    for (const leg of C_LEGS) b2.fault('faults[0]', 'pause', 'apply', leg, 2100, 'node: C')
    b2.closeLeg('A>B', 3200)
    for (const leg of C_LEGS) b2.fault('faults[0]', 'resume', 'heal', leg, 4900, 'node: C', { graceMs: 1000 })
    b2.end(6200)
    const v = streamsSurvive(b2.build(), { kind: 'streams-survive', graceMs: 1000 })
    expect(v.status).to.equal('fail')
    expect(v.findings[0]?.message).to.include('A')
  })

  it('environment: nodes the scenario paused are stalled on purpose, not a machine stall (control: the same lateness unrecorded as a pause is one)', () => {
    const paused = ['A', 'B', 'C']
    const build = (recordPause: boolean): History => {
      const b = new HistoryBuilder({ scenario: 'pause-three', slots: 6, validatorCount: 8, nodes: NODES })
      b.mesh(-1500)
      for (const n of paused) b.event(n, 4950, 'sched', { windowMs: 1000, maxLateMs: 2800, maxLateAt: b.genesisMs + 4950 })
      b.end(6200)
      const h = b.build()
      if (!recordPause) return h
      // as Devnet.nodeFaults records them: one entry per leg of each paused node, with `node`
      const legsOf = (n: string): LegName[] => ['A', 'B', 'C', 'D'].filter(m => m !== n).flatMap(m => [`${n}>${m}`, `${m}>${n}`] as LegName[])
      const faults: FaultEntry[] = paused.flatMap(n => legsOf(n).flatMap((leg): FaultEntry[] => [
        { kind: 'fault', ts: b.genesisMs + 2100, fault: 'faults[0]', action: 'pause', phase: 'apply', leg, node: n, selector: 'node: 3 random' },
        { kind: 'fault', ts: b.genesisMs + 4900, fault: 'faults[0]', action: 'resume', phase: 'heal', leg, node: n, selector: 'node: 3 random', params: { graceMs: 1000 } }
      ]))
      const [start, ...rest] = h
      return [start!, ...[...rest, ...faults].sort((x, y) => x.ts - y.ts)]
    }
    expect(environmentOf(build(true)).intervals).to.deep.equal([])
    expect(environmentOf(build(false)).intervals.length, 'three of four nodes late together').to.be.greaterThan(0)
  })

  it('fault windows: a restart lasts from the stop until it is back plus its grace, and blocks the node\'s legs', () => {
    const ws = faultWindows([
      { kind: 'fault', ts: 1000, fault: 'f0', action: 'restart', phase: 'apply', leg: 'A>C', node: 'C', params: { afterMs: 1500 } },
      { kind: 'fault', ts: 3200, fault: 'f0', action: 'restart', phase: 'heal', leg: 'A>C', node: 'C', params: { graceMs: 500 } }
    ], 9000)
    expect(ws.map(w => [w.action, w.leg, w.fromMs, w.toMs, w.open, w.blocking])).to.deep.equal([['restart', 'A>C', 1000, 3700, false, true]])
  })

  it('delivery-gap excuses a restarted node\'s own directions across the restart and judges everyone else\'s', () => {
    const build = (record: boolean, drop?: DeliveryOverride): History => {
      const b = new HistoryBuilder({ scenario: 'restart-node', slots: 8, validatorCount: 8, nodes: NODES })
      b.mesh(-1500)
      const at = (phase: 'apply' | 'heal', t: number, params: Record<string, unknown>): void => {
        if (!record) return
        for (const leg of C_LEGS) b.push({ kind: 'fault', ts: b.genesisMs + t, fault: 'faults[0]', action: 'restart', phase, leg, node: 'C', selector: 'node: C', params })
      }
      for (let s = 0; s < 3; s++) b.slot(s, drop)
      at('apply', 2100, { afterMs: 1500 })
      for (let s = 3; s < 5; s++) b.slot(s, drop, new Set(['C']))
      at('heal', 4900, { graceMs: 1000 })
      for (let s = 5; s < 8; s++) b.slot(s, drop)
      b.end(8200)
      return b.build()
    }
    expect(deliveryGap(build(true), { kind: 'delivery-gap', maxMs: 1000 }).status).to.equal('pass')
    const control = deliveryGap(build(false), { kind: 'delivery-gap', maxMs: 1000 })
    expect(control.status, 'the same silence unrecorded as a restart').to.equal('fail')
    const starved = deliveryGap(build(true, d => d.publisher === 'A' && d.receiver === 'B' && d.slot >= 2 && d.slot <= 4 ? null : undefined), { kind: 'delivery-gap', maxMs: 1000 })
    expect(starved.findings.map(f => f.direction)).to.deep.equal(['A->B'])
  })

  it('coverage: a killed aggregator\'s slots are unknown (nothing can count them), not fail; the control without the recorded kill fails', () => {
    const D_LEGS: LegName[] = ['A>D', 'D>A', 'B>D', 'D>B', 'C>D', 'D>C']
    const build = (record: boolean): History => {
      const b = new HistoryBuilder({ scenario: 'kill-aggregator', slots: 6, validatorCount: 8, nodes: NODES })
      b.mesh(-1500)
      for (let s = 0; s < 3; s++) b.slot(s)
      if (record) for (const leg of D_LEGS) b.push({ kind: 'fault', ts: b.genesisMs + 2100, fault: 'faults[0]', action: 'kill', phase: 'apply', leg, node: 'D', selector: 'aggregator' })
      for (let s = 3; s < 6; s++) b.slot(s, undefined, new Set(['D']))
      b.end(6200)
      return b.build()
    }
    const v = coverageQuorum(build(true), { kind: 'coverage', fromSlot: 0 })
    expect(v.status, v.summary).to.equal('unknown')
    expect(v.summary).to.include('D: slots 2-5 not judged: the run took the aggregator down (kill faults[0])')
    expect(v.findings).to.deep.equal([])
    const control = coverageQuorum(build(false), { kind: 'coverage', fromSlot: 0 })
    expect(control.status).to.equal('fail')
    expect(control.findings[0]?.slot).to.equal(3)
    // no-decay counts nothing lost at a node the run took away
    expect(noDecay(build(true), { kind: 'no-decay', withinSlots: 1 }).findings).to.deep.equal([])
  })
})

describe('oracles: a node the hang watchdog killed', () => {
  it('the finding names the watchdog, not only a SIGKILL', () => {
    const b = new HistoryBuilder({ scenario: 'hung', slots: 4, validatorCount: 4, nodes: [{ name: 'A', validators: [0, 1] }, { name: 'B', validators: [2, 3], aggregator: true }] })
    b.mesh(-1500)
    b.exit('A', 2500, { code: null, signal: 'SIGKILL', expected: false, lastLines: [] })
    b.end(4200)
    const detail = 'node A did not answer its control API 3 times in a row (timeout); killed as hung'
    const h = b.build().map(e => e.kind === 'run_end' ? { ...e, reason: 'node-failed' as const, detail } : e)
    const [f] = healthFindings(indexHistory(h))
    expect(f?.message).to.include(`signal SIGKILL): ${detail}`)
    // another node's exit is not given the watchdog's words
    const other = b.build().map(e => e.kind === 'run_end' ? { ...e, reason: 'node-failed' as const, detail: 'node B did not answer its control API 3 times in a row' } : e)
    expect(healthFindings(indexHistory(other))[0]?.message).to.not.include('did not answer')
  })
})
