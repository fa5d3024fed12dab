/** streams-survive on recorded histories: a close on an unfaulted leg during a fault is a finding. */
import { expect } from 'chai'
import { streamsSurvive } from '../../harness/oracles/streams-survive.ts'
import { loadHistory } from './support/load-history.ts'

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

  it('is unknown, not pass, when no fault was applied', () => {
    const v = streamsSurvive(loadHistory('clean-run'), { kind: 'streams-survive', graceMs: 1000 })
    expect(v.status).to.equal('unknown')
    expect(v.summary).to.include('no fault was applied')
  })

  it('is unknown when a node reports legs but no stream events (contract: optional)', () => {
    const history = loadHistory('bearing-reopened').filter(e => !(e.kind === 'node' && e.node === 'C' && (e.type === 'stream_open' || e.type === 'stream_close')))
    const v = streamsSurvive(history, { kind: 'streams-survive', graceMs: 1000 })
    expect(v.status).to.equal('unknown')
    expect(v.summary).to.include('node C reports legs but no gossip stream events')
  })
})
