/** reopen-within on recorded histories: the stock bug's stream never comes back; leg-aware's does at once. */
import { expect } from 'chai'
import type { ReopenCase } from '../../harness/oracles/reopen-within.ts'
import { reopenWithin } from '../../harness/oracles/reopen-within.ts'
import { loadHistory } from './support/load-history.ts'

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
})
