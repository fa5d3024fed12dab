/** reopen-within on recorded histories: the stock bug's stream never comes back; leg-aware's does at once. */
import { expect } from 'chai'
import type { ReopenCase } from '../../harness/oracles/reopen-within.ts'
import { reopenWithin } from '../../harness/oracles/reopen-within.ts'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { HISTORY_DIR, loadHistory, parseNdjson } from './support/load-history.ts'

const GENESIS = 1_795_471_780_000
const params = (ms: number) => ({ kind: 'reopen-within' as const, ms, graceMs: 1000 })

describe('oracles: reopen-within', () => {
  it('passes when every stream a fault closed reopens on the surviving leg in time', () => {
    const v = reopenWithin(loadHistory('bearing-reopened'), params(1000))
    expect(v.status, v.summary).to.equal('pass')
    const cases = v.evidence?.cases as ReopenCase[]
    expect(cases.map(c => [c.node, c.peer, c.delayMs, c.reopenedLeg])).to.deep.equal([['A', 'B', 5, 'B>A'], ['A', 'C', 5, 'C>A'], ['A', 'D', 5, 'D>A']])
  })

  it('fails on the stock bug: the stream is never reopened although the other leg stays up', () => {
    const v = reopenWithin(loadHistory('bearing-never-reopens'), params(1000))
    expect(v.status).to.equal('fail')
    expect(v.findings.map(f => f.direction)).to.deep.equal(['A->B', 'A->C', 'A->D'])
    const f = v.findings[0]
    expect(f).to.deep.include({ leg: 'A>B', stream: 'ac1/o25', node: 'A', slot: 2, fromMs: GENESIS + 2700, toMs: GENESIS + 8000 })
    expect(f?.message).to.include('B>A (B\'s connection bc7, A\'s ac8) was live throughout the next 1000 ms')
    expect(f?.message).to.include('no outbound gossip stream to B was opened again')
  })

  it('judges the delay against the bound: B reopened after 605 ms, fine for 1000, a finding for 500', () => {
    const history = loadHistory('non-bearing-stream-killed')
    expect(reopenWithin(history, params(1000)).status).to.equal('pass')
    const strict = reopenWithin(history, params(500))
    expect(strict.status).to.equal('fail')
    expect(strict.findings[0]).to.deep.include({ direction: 'B->A', leg: 'B>A', node: 'B' })
    expect(strict.findings[0]?.message).to.include('605 ms later (limit 500 ms)')
  })

  it('is not applicable when no leg survived (unknown: nothing to reopen on)', () => {
    const v = reopenWithin(loadHistory('partition-excused'), params(1000))
    expect(v.status).to.equal('unknown')
    expect(v.summary).to.include('lost all legs to its peer')
    expect(v.evidence?.noSurvivor).to.equal(6)
  })

  it('passes a node that held another outbound stream to the peer on the surviving leg (the Rust peer: a stream per connection); without it, the same close fails', () => {
    // a real Rust-Rust run (fixtures/investigations/rust-stream-not-reopened.yaml, seed 71): A>B held down,
    // A's stream c1/s2 on it closed, A's stream c2/s4 on B>A carried on
    // recorded, not scripted: it lives beside the other real histories, outside the scripted oracles/ folder
    const history = parseNdjson(readFileSync(join(HISTORY_DIR, '..', 'rust-stream-on-each-leg.ndjson'), 'utf8'))
    const v = reopenWithin(history, params(1000))
    expect(v.status, v.summary).to.equal('pass')
    const cases = v.evidence?.cases as ReopenCase[]
    expect(cases.map(c => [c.node, c.stream, c.heldBy, c.delayMs])).to.deep.include(['A', 'c1/s2', 'c2/s4', 0])
    expect(v.summary).to.include('held another outbound stream to the peer on the surviving leg')
    // the negative control: the same history without A's stream on the surviving leg is the stock bug
    const without = history.filter(e => !(e.kind === 'node' && e.node === 'A' && 'stream' in e && e.stream === 'c2/s4'))
    const failed = reopenWithin(without, params(1000))
    expect(failed.status).to.equal('fail')
    expect(failed.findings[0]).to.deep.include({ direction: 'A->B', stream: 'c1/s2', node: 'A' })
  })
})
