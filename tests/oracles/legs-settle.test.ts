/** legs-settle: every leg back within k slots of the last heal and staying up, on built histories. */
import { expect } from 'chai'
import { legsSettle } from '../../harness/oracles/legs-settle.ts'
import type { History } from '../../harness/history/types.ts'
import { HistoryBuilder } from './support/history-builder.ts'

const NODES = [{ name: 'A', validators: [0, 1, 2, 3] }, { name: 'B', validators: [4, 5, 6, 7], aggregator: true }]
const K = { kind: 'legs-settle' as const, withinSlots: 2 }

/** A>B held down +1.0..+2.0 s; it dies at +1.6 s; `after` scripts what follows (default: redialed at +2.2 s). */
function run (after: (b: HistoryBuilder) => void = b => { b.openLeg('A', 'B', 2200) }): History {
  const b = new HistoryBuilder({ scenario: 'settle', slots: 8, validatorCount: 8, nodes: NODES })
  b.mesh(-1500)
  b.fault('faults[0]', 'down', 'apply', 'A>B', 1000, 'outbound-of: A (A,B)')
  b.closeLeg('A>B', 1600)
  b.fault('faults[0]', 'up', 'heal', 'A>B', 2000)
  after(b)
  b.end(8300)
  return b.build()
}

describe('oracles: legs-settle', () => {
  it('passes when the faulted leg is redialed once and both legs stay up', () => {
    const v = legsSettle(run(), K)
    expect(v.status, v.summary).to.equal('pass')
    expect(v.summary).to.include('all 2 legs live from +4.000s (slot 4) (2 slot(s) after the last heal at +2.000s (slot 2)) to the end, one connection each; 1 redial(s) after the heal')
  })

  it('fails a redial loop: back in time, then dropping again and again', () => {
    const v = legsSettle(run(b => {
      for (let t = 2200; t < 7000; t += 1200) { b.openLeg('A', 'B', t); b.closeLeg('A>B', t + 900, 'error: handshake raced') }
      b.openLeg('A', 'B', 7200)
    }), K)
    expect(v.status).to.equal('fail')
    expect(v.findings).to.have.length(1)
    expect(v.findings[0]).to.deep.include({ leg: 'A>B' })
    expect(v.findings[0]?.message).to.match(/^leg A>B was back by \+4\.000s \(slot 4\) but dropped 3 more time\(s\) before the end of the run, with 5 dial\(s\) after the heal: a redial loop/)
  })

  it('fails a leg never redialed, and one back too late', () => {
    const never = legsSettle(run(() => {}), K)
    expect(never.status).to.equal('fail')
    expect(never.findings[0]?.message).to.equal('leg A>B was not back within 2 slot(s) of the last heal (+2.000s (slot 2)): it was not live again before the end of the judged window (0 dial(s) of it after the heal)')
    const late = legsSettle(run(b => { b.openLeg('A', 'B', 5500) }), K)
    expect(late.findings[0]?.message).to.include('it was live again only at +5.500s (slot 5)')
    // negative control: the same late redial is in time for a looser bound
    expect(legsSettle(run(b => { b.openLeg('A', 'B', 5500) }), { kind: 'legs-settle', withinSlots: 4 }).status).to.equal('pass')
  })

  it('fails a doubled leg (a second dial that was never closed)', () => {
    const v = legsSettle(run(b => { b.openLeg('A', 'B', 2200); b.openLeg('A', 'B', 2400) }), K)
    expect(v.status).to.equal('fail')
    expect(v.findings[0]?.message).to.equal('leg A>B holds 2 connections at the end of the run: the pair has more than its two legs')
  })

  it('is unknown without a fault, with a fault never healed, or when the run ends too soon after the heal', () => {
    const b = new HistoryBuilder({ scenario: 'settle', slots: 8, validatorCount: 8, nodes: NODES })
    b.mesh(-1500)
    b.end(8300)
    expect(legsSettle(b.build(), K).summary).to.include('no fault was applied')
    const unhealed = run().filter(e => !(e.kind === 'fault' && e.phase === 'heal'))
    expect(legsSettle(unhealed, K).summary).to.include('fault faults[0] (down on A>B) was never healed')
    const v = legsSettle(run(), { kind: 'legs-settle', withinSlots: 7 })
    expect(v.status).to.equal('unknown')
    expect(v.summary).to.include('7 slot(s) later is past the end of the judged window')
  })
})
