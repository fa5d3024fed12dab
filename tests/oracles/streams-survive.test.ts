/** streams-survive on recorded histories: a close on an unfaulted leg during a fault is a finding. */
import { expect } from 'chai'
import { streamsSurvive } from '../../harness/oracles/streams-survive.ts'
import { loadHistory } from './support/load-history.ts'
import type { History } from '../../harness/history/types.ts'
import { HistoryBuilder } from './support/history-builder.ts'

const GENESIS = 1_795_471_780_000

describe('oracles: streams-survive', () => {
  it('passes when only streams on the faulted legs close (leg-aware, bearing legs down)', () => {
    const v = streamsSurvive(loadHistory('bearing-reopened'), { kind: 'streams-survive', graceMs: 1000 })
    expect(v.status, v.summary).to.equal('pass')
    expect(v.summary).to.include('6 stream close(s) while a fault was in force, all on faulted legs')
  })

  it('fails on the PR #278 bug: A\'s stream to B on A>B dies when B>A flaps, named by direction, leg, stream and time', () => {
    const v = streamsSurvive(loadHistory('non-bearing-stream-killed'), { kind: 'streams-survive', graceMs: 1000 })
    expect(v.status).to.equal('fail')
    expect(v.findings).to.have.length(2) // A's outbound view and B's inbound view of the same stream
    const f = v.findings.find(x => x.node === 'A')
    expect(f).to.deep.include({ direction: 'A->B', leg: 'A>B', stream: 'ac1/o25', slot: 2, fromMs: GENESIS + 2100, toMs: GENESIS + 2700 })
    expect(f?.message).to.include("A's outbound gossip stream ac1/o25 to B (A->B) on leg A>B (A's connection ac1) closed at +2.700s (slot 2)")
    expect(f?.message).to.include('down on B>A, non-bearing-of: A (A,B)')
    expect(f?.message).to.include('leg A>B was not faulted')
    expect(v.findings.find(x => x.node === 'B')).to.deep.include({ direction: 'A->B', leg: 'A>B', stream: 'bc2/i25' })
  })

  it('a close outside [apply, heal + grace] is not the fault\'s doing', () => {
    const history = loadHistory('non-bearing-stream-killed').map(e => e.kind === 'node' && e.type === 'stream_close' && e.stream === 'ac1/o25' ? { ...e, ts: GENESIS + 4200 } : e)
    // B's view still closes at +2.7 s; A's view moved past heal (+3.1 s) + 1 s grace
    const v = streamsSurvive(history, { kind: 'streams-survive', graceMs: 1000 })
    expect(v.findings.map(f => f.node)).to.deep.equal(['B'])
    const wider = streamsSurvive(history, { kind: 'streams-survive', graceMs: 1200 })
    expect(wider.findings.map(f => f.node).sort()).to.deep.equal(['A', 'B'])
  })

  // the recorded PR #278 history with more faults laid over it: the close of A's stream to B on A>B
  // at +2.700 s must be blamed on the fault on the same pair (B>A down from +2.100 s), not on an
  // earlier window elsewhere that is still within grace
  const withFaults = (extra: Array<{ fault: string, action: 'down' | 'latency', leg: string, fromMs: number, toMs: number }>): History => {
    const entries = extra.flatMap(f => [
      { kind: 'fault', ts: GENESIS + f.fromMs, fault: f.fault, action: f.action, phase: 'apply', leg: f.leg },
      { kind: 'fault', ts: GENESIS + f.toMs, fault: f.fault, action: f.action === 'down' ? 'up' : f.action, phase: 'heal', leg: f.leg }
    ]) as unknown as History
    return [...loadHistory('non-bearing-stream-killed'), ...entries].sort((a, b) => a.ts - b.ts)
  }

  it('attribution: a close is blamed on the fault on its own pair, not on an overlapping one elsewhere', () => {
    // C>D down +1.100..+2.204 s (within 1 s grace at +2.700 s, and applied first)
    const v = streamsSurvive(withFaults([{ fault: 'faults[1]#1', action: 'down', leg: 'C>D', fromMs: 1100, toMs: 2204 }]), { kind: 'streams-survive', graceMs: 1000 })
    const f = v.findings.find(x => x.node === 'A')
    expect(f?.message).to.include('faults[0]#1 (down on B>A, non-bearing-of: A (A,B)) was in force')
    expect(f?.message).to.not.include('faults[1]#1')
    expect(f).to.deep.include({ fromMs: GENESIS + 2100 })
  })

  it('attribution: every fault on the pair that explains the close is listed, the one in force first', () => {
    // a latency window on B>A that healed at +2.300 s is still within grace at +2.700 s
    const v = streamsSurvive(withFaults([
      { fault: 'faults[1]#1', action: 'down', leg: 'C>D', fromMs: 1100, toMs: 2204 },
      { fault: 'faults[2]#1', action: 'latency', leg: 'B>A', fromMs: 1500, toMs: 2300 }
    ]), { kind: 'streams-survive', graceMs: 1000 })
    const f = v.findings.find(x => x.node === 'A')
    expect(f?.message).to.include('while 2 faults could explain it: faults[0]#1 (down on B>A, non-bearing-of: A (A,B)) was in force')
    expect(f?.message).to.include('; faults[2]#1 (latency on B>A) was within grace after its heal')
    expect(f?.message).to.not.include('faults[1]#1')
  })

  it('attribution: with no fault on the pair, every window in force is named', () => {
    const history = withFaults([{ fault: 'faults[1]#1', action: 'down', leg: 'C>D', fromMs: 1100, toMs: 2204 }])
      .filter(e => !(e.kind === 'fault' && e.fault === 'faults[0]#1'))
    const v = streamsSurvive(history, { kind: 'streams-survive', graceMs: 1000 })
    const f = v.findings.find(x => x.node === 'A')
    expect(f?.message).to.include('faults[1]#1 (down on C>D) was within grace after its heal, +1.100s..+2.204s (slots 1-2) (no fault was on the pair of A>B)')
  })

  it('is unknown, not pass, when no fault was applied', () => {
    const v = streamsSurvive(loadHistory('clean-run'), { kind: 'streams-survive', graceMs: 1000 })
    expect(v.status).to.equal('unknown')
    expect(v.summary).to.include('no fault was applied')
  })

  it('judges a node that reports legs but no stream events (contract: optional) from its peers\' ends; unknown when they report none either', () => {
    const without = (nodes: string[]) => loadHistory('bearing-reopened').filter(e => !(e.kind === 'node' && nodes.includes(e.node) && (e.type === 'stream_open' || e.type === 'stream_close')))
    const v = streamsSurvive(without(['C']), { kind: 'streams-survive', graceMs: 1000 })
    expect(v.status).to.equal('pass')
    expect(v.summary).to.include("C reports no streams: judged from its peers' ends")
    const all = streamsSurvive(without(['A', 'B', 'C', 'D']), { kind: 'streams-survive', graceMs: 1000 })
    expect(all.status).to.equal('unknown')
    expect(all.summary).to.include('node C reports legs but no gossip stream events (optional in the contract), nor do its peers')
  })

  // a rebind on a QUIC stack that refuses path migration kills its leg at the idle timeout
  // (measured in tests/faults-nodes/leg-faults.test.ts): a stream closing on that leg by then is the fault's doing
  const rebound = (idleMs: number | undefined): History => {
    const history = loadHistory('non-bearing-stream-killed').map(e => e.kind === 'run_start'
      ? { ...e, resolved: idleMs === undefined ? undefined : { quic: { maxIdleTimeoutMs: idleMs } } }
      : e) as History
    const rebind = { kind: 'fault', ts: GENESIS + 1500, fault: 'faults[1]', action: 'rebind', phase: 'apply', leg: 'A>B', selector: 'random (any leg)' }
    return [...history, rebind as unknown as History[number]].sort((a, b) => a.ts - b.ts)
  }

  it('a rebind explains a close on its own leg up to twice the QUIC idle timeout later; recorded without the timeout, it is an instant', () => {
    // A>B rebound at +1.5 s, A's stream on it closes at +2.7 s: within 2 x 1000 ms
    const v = streamsSurvive(rebound(1000), { kind: 'streams-survive', graceMs: 200 })
    expect(v.findings.filter(f => f.leg === 'A>B'), v.summary).to.deep.equal([])
    // the control: no idle timeout in the history, so the rebind ends at +1.5 s (+200 ms grace) and the close is a finding
    const control = streamsSurvive(rebound(undefined), { kind: 'streams-survive', graceMs: 200 })
    expect(control.findings.filter(f => f.leg === 'A>B').map(f => f.node).sort()).to.deep.equal(['A', 'B'])
    // and a timeout too short to reach the close: 2 x 500 ms ends at +2.5 s
    const short = streamsSurvive(rebound(500), { kind: 'streams-survive', graceMs: 100 })
    expect(short.findings.filter(f => f.leg === 'A>B').map(f => f.node).sort()).to.deep.equal(['A', 'B'])
  })

  // a `close` fault names the connections it closed (dialerLeg / listenerLeg): a stream on one of them ends with it
  const closedAt = (ms: number, dialerLeg: string, listenerLeg: string): History => {
    const close = { kind: 'fault', ts: GENESIS + ms, fault: 'faults[7]#1', action: 'close', phase: 'apply', leg: 'A>B', selector: 'random (any leg)', dialerLeg, listenerLeg }
    return [...loadHistory('non-bearing-stream-killed'), close as unknown as History[number]].sort((a, b) => a.ts - b.ts)
  }

  it('a stream on a connection a close fault closed is that fault\'s doing, however late its end heard (a lost QUIC close)', () => {
    // A>B closed at +0.5 s: instant, its slot of grace long over when A's stream on it ends at +2.7 s
    const v = streamsSurvive(closedAt(500, 'ac1', 'bc2'), { kind: 'streams-survive', graceMs: 1000 })
    expect(v.findings.filter(f => f.leg === 'A>B'), v.summary).to.deep.equal([])
    // the control: a close of other connections on the same leg (an earlier dial) explains nothing here
    const control = streamsSurvive(closedAt(500, 'ac0', 'bc0'), { kind: 'streams-survive', graceMs: 1000 })
    expect(control.findings.filter(f => f.leg === 'A>B').map(f => f.node).sort()).to.deep.equal(['A', 'B'])
    // and a close after the stream had already ended explains nothing either
    const after = streamsSurvive(closedAt(2800, 'ac1', 'bc2'), { kind: 'streams-survive', graceMs: 1000 })
    expect(after.findings.filter(f => f.leg === 'A>B').map(f => f.node).sort()).to.deep.equal(['A', 'B'])
  })

  // a QUIC or TCP leg blocked for d ms retransmits on a backed-off timer: it may carry nothing for up to ~d after the heal
  const recovering = (idleMs: number | undefined, action = 'down'): History => {
    const history = loadHistory('non-bearing-stream-killed').map(e => e.kind === 'run_start'
      ? { ...e, resolved: idleMs === undefined ? undefined : { quic: { maxIdleTimeoutMs: idleMs } } }
      : e) as History
    const apply = { kind: 'fault', ts: GENESIS + 1000, fault: 'faults[9]', action, phase: 'apply', leg: 'A>B', selector: 'random (any leg)' }
    const heal = { kind: 'fault', ts: GENESIS + 2000, fault: 'faults[9]', action: action === 'down' ? 'up' : action, phase: 'heal', leg: 'A>B' }
    return [...history, ...[apply, heal] as unknown as History].sort((a, b) => a.ts - b.ts)
  }

  it('a leg blocked for d ms counts as faulted up to min(d, idle timeout) past its heal and grace; not for an instant, nor without the timeout', () => {
    // A>B down +1.0..+2.0 s; its stream closes at +2.7 s while B>A's down (another fault) is in force: within 2.0 + 1.0 + 0.2
    const v = streamsSurvive(recovering(2000), { kind: 'streams-survive', graceMs: 200 })
    expect(v.findings.filter(f => f.leg === 'A>B'), v.summary).to.deep.equal([])
    // a 300 ms idle timeout caps the tail: 2.0 + 0.3 + 0.2 = +2.5 s, the close at +2.7 s is a finding
    const capped = streamsSurvive(recovering(300), { kind: 'streams-survive', graceMs: 200 })
    expect(capped.findings.filter(f => f.leg === 'A>B').map(f => f.node).sort()).to.deep.equal(['A', 'B'])
    // no idle timeout recorded: no tail
    const unrecorded = streamsSurvive(recovering(undefined), { kind: 'streams-survive', graceMs: 200 })
    expect(unrecorded.findings.filter(f => f.leg === 'A>B').map(f => f.node).sort()).to.deep.equal(['A', 'B'])
    // latency does not block the leg: no tail either
    const slowed = streamsSurvive(recovering(2000, 'latency'), { kind: 'streams-survive', graceMs: 200 })
    expect(slowed.findings.filter(f => f.leg === 'A>B').map(f => f.node).sort()).to.deep.equal(['A', 'B'])
  })

  // field-shaped seed 94 in a power run: a burst loss on N7>N4 until +8.65 s; N4 heard nothing on N7>N4 from +7.70 s
  // and gave it up at +9.70 s ("wedged: no round trip on the leg in 2000 ms") while a down on N4>N7 was in force
  const silencedAfter = (burstHealMs: number, reason: string): History => {
    const b = new HistoryBuilder({ scenario: 'silence', slots: 14, validatorCount: 4, nodes: [{ name: 'A', validators: [0, 1] }, { name: 'B', validators: [2, 3], aggregator: true }] })
    b.mesh(-1500)
    b.fault('faults[4]#1', 'burst-loss', 'apply', 'B>A', 5600, 'random (any leg)', { burstMs: 300, everyMs: 1000 })
    b.fault('faults[4]#1', 'burst-loss', 'heal', 'B>A', burstHealMs)
    b.fault('faults[6]#1', 'down', 'apply', 'A>B', 8700, 'bearing-of: A (A,B)')
    b.closeLeg('B>A', 9700, reason)
    b.fault('faults[6]#1', 'up', 'heal', 'A>B', 12_700)
    b.end(14_200)
    return b.build()
  }

  it('a leg given up for a silence that began while a fault held that very leg is that fault\'s doing, however late after the heal', () => {
    const v = streamsSurvive(silencedAfter(8650, 'wedged: no round trip on the leg in 2000 ms'), { kind: 'streams-survive', graceMs: 1000 })
    expect(v.findings.filter(f => f.leg === 'B>A'), v.summary).to.deep.equal([])
    // negative controls: a close that is no silence (torn down: PR #278), or a silence that began after the heal and its grace
    const torn = streamsSurvive(silencedAfter(8650, 'closed'), { kind: 'streams-survive', graceMs: 1000 })
    expect(torn.findings.filter(f => f.leg === 'B>A').map(f => f.node).sort()).to.deep.equal(['A', 'B'])
    const later = streamsSurvive(silencedAfter(6500, 'wedged: no round trip on the leg in 2000 ms'), { kind: 'streams-survive', graceMs: 1000 })
    expect(later.findings.filter(f => f.leg === 'B>A').map(f => f.node).sort()).to.deep.equal(['A', 'B'])
  })
})
