/** What each fault hit, and `exercised: true` faults that hit nothing making a run unknown (vacuous), on built histories. */
import { expect } from 'chai'
import { faultHits, vacuousReasons } from '../../harness/oracles/fault-hits.ts'
import { judge } from '../../harness/oracles/judge.ts'
import { indexHistory } from '../../harness/oracles/run-index.ts'
import { streamsSurvive } from '../../harness/oracles/streams-survive.ts'
import type { FaultEntry, History, HistoryEntry } from '../../harness/history/types.ts'
import { HistoryBuilder } from './support/history-builder.ts'

const NODES = [{ name: 'A', validators: [0, 1, 2, 3] }, { name: 'B', validators: [4, 5, 6, 7], aggregator: true }]

/** Two nodes, both streams on A>B (B>A idle); faults[0] takes `leg` down at +2.1 s and heals at +3.1 s. */
function run (leg: 'A>B' | 'B>A', extra: Partial<FaultEntry> = {}): History {
  const b = new HistoryBuilder({ scenario: 'hits', slots: 6, validatorCount: 8, nodes: NODES })
  for (const n of NODES) b.ready(n.name, -1800)
  b.openLeg('A', 'B', -1500)
  b.openLeg('B', 'A', -1500)
  b.openStream('A', 'B', 'A>B', -1400)
  b.openStream('B', 'A', 'A>B', -1400)
  for (let s = 0; s < 6; s++) b.slot(s)
  b.fault('faults[0]', 'down', 'apply', leg, 2100, `outbound-of: ${leg[0] as string} (A,B)`)
  b.fault('faults[0]', 'up', 'heal', leg, 3100)
  b.end(6300)
  // the builder writes no hit/mustHit: add them to the apply entry as the runner would
  return b.build().map(e => e.kind === 'fault' && e.phase === 'apply' ? { ...e, ...extra } : e)
}

describe('oracles: fault hits and vacuous runs', () => {
  it('derives what a fault hit from stream events when the entry has no record', () => {
    const hits = faultHits(indexHistory(run('A>B')))
    expect(hits).to.have.length(1)
    expect(hits[0]).to.deep.include({ fault: 'faults[0]', leg: 'A>B', streams: ['A->B', 'B->A'], recorded: false, mustHit: false })
    expect(faultHits(indexHistory(run('B>A')))[0]?.streams).to.deep.equal([])
  })

  it('prefers the recorded hit (live status when the fault started)', () => {
    const hits = faultHits(indexHistory(run('B>A', { hit: ['B->A'] })))
    expect(hits[0]).to.deep.include({ streams: ['B->A'], recorded: true })
  })

  it('streams-survive says "the fault touched no stream" when so', () => {
    const v = streamsSurvive(run('B>A'), { kind: 'streams-survive', graceMs: 1000 })
    expect(v.status).to.equal('pass')
    expect(v.summary).to.include('the fault touched no stream')
    const hit = streamsSurvive(run('A>B'), { kind: 'streams-survive', graceMs: 1000 })
    expect(hit.summary).to.not.include('touched no stream')
  })

  it('a required fault (exercised: true) that hit nothing turns every pass into unknown (vacuous)', () => {
    const history = run('B>A', { hit: [], mustHit: true })
    expect(vacuousReasons(indexHistory(history))).to.have.length(1)
    const verdicts = judge(history, [{ kind: 'streams-survive', graceMs: 1000 }, { kind: 'coverage', fromSlot: 0 }])
    for (const v of verdicts) {
      expect(v.status, v.summary).to.equal('unknown')
      expect(v.summary).to.match(/^unknown \(vacuous\): fault faults\[0\] \(down on B>A, outbound-of: B \(A,B\), 1 window\(s\) .*\) must be exercised but hit no gossip stream/)
    }
  })

  it('negative control: the same required fault that hit a stream leaves the verdicts as they are', () => {
    const history = run('A>B', { hit: ['A->B', 'B->A'], mustHit: true })
    expect(vacuousReasons(indexHistory(history))).to.deep.equal([])
    const [v] = judge(history, [{ kind: 'coverage', fromSlot: 0, withinSlotsAfterFault: 4 }])
    expect(v?.status, v?.summary).to.not.equal('unknown')
  })

  it('a repeated required fault is exercised when one of its repetitions hit a stream', () => {
    const history = run('A>B', { hit: [], mustHit: true })
    // repetition 1 hit nothing, repetition 2 (2 s later) hit A->B
    const again: HistoryEntry[] = history.flatMap((e): HistoryEntry[] => e.kind !== 'fault'
      ? [e]
      : [{ ...e, fault: 'faults[0]#1' }, { ...e, ts: e.ts + 2000, fault: 'faults[0]#2', ...(e.phase === 'apply' ? { hit: ['A->B'] } : {}) }])
    again.sort((a, b) => a.ts - b.ts)
    expect(vacuousReasons(indexHistory(again))).to.deep.equal([])
    expect(vacuousReasons(indexHistory(history))).to.have.length(1)
  })

  it('a fault that hit nothing but was not required is no reason for unknown', () => {
    expect(vacuousReasons(indexHistory(run('B>A', { hit: [] })))).to.deep.equal([])
  })
})
