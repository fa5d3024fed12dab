/** delivery-gap on recorded histories: measured on the slot clock, excused while the pair had no live leg. */
import { expect } from 'chai'
import type { DirectionGap } from '../../harness/oracles/delivery-gap.ts'
import { deliveryGap } from '../../harness/oracles/delivery-gap.ts'
import { loadHistory, truncate } from './support/load-history.ts'

const GENESIS = 1_795_471_780_000
const gap = (maxMs: number) => ({ kind: 'delivery-gap' as const, maxMs })

describe('oracles: delivery-gap', () => {
  it('passes a clean run at one slot: every gap is exactly the cadence', () => {
    const v = deliveryGap(loadHistory('clean-run'), gap(1000))
    expect(v.status, v.summary).to.equal('pass')
    const dirs = v.evidence?.directions as DirectionGap[]
    expect(dirs).to.have.length(12)
    expect(dirs.every(d => d.maxGapMs === 1000 && d.deliveries === 8)).to.equal(true)
  })

  it('fails the starved directions of the stock bug, from the last delivery to the end', () => {
    const v = deliveryGap(loadHistory('bearing-never-reopens'), gap(1000))
    expect(v.status).to.equal('fail')
    expect(v.findings.map(f => f.direction)).to.deep.equal(['A->B', 'A->C', 'A->D'])
    expect(v.findings[2]).to.deep.include({ node: 'D', slot: 2, fromMs: GENESIS + 2000, toMs: GENESIS + 8000 })
    expect(v.findings[2]?.message).to.include('D>A live 6000 ms')
  })

  it('counts a late arrival when it arrived: 2 s without news at 1 s fails, at 2 s passes', () => {
    const history = loadHistory('late-arrivals')
    const strict = deliveryGap(history, gap(1000))
    expect(strict.status).to.equal('fail')
    expect(strict.findings.map(f => [f.direction, (f.toMs ?? 0) - (f.fromMs ?? 0)])).to.deep.equal([['A->B', 2000], ['A->C', 2000], ['A->D', 2000]])
    expect(deliveryGap(history, gap(2000)).status).to.equal('pass')
  })

  it('at the slot boundary: the arrival 1 ms before the deadline is on time; without it, the next one (at the deadline) is late', () => {
    const history = loadHistory('slot-boundary')
    expect(deliveryGap(history, gap(1000)).status).to.equal('pass')
    const withoutEarly = history.filter(e => !(e.kind === 'node' && e.node === 'D' && e.type === 'msg_received' && e.slot === 1 && e.validator === 0))
    const v = deliveryGap(withoutEarly, gap(1000))
    expect(v.status).to.equal('fail')
    expect(v.findings).to.have.length(1)
    expect(v.findings[0]).to.deep.include({ direction: 'A->D', fromMs: GENESIS, toMs: GENESIS + 2000 })
  })

  it('a live run is judged up to its current slot, not into deliveries still in flight', () => {
    const early = truncate(loadHistory('clean-run'), 4005) // slot 4 published, not yet delivered
    expect(deliveryGap(early, gap(1000)).status).to.equal('pass')
    expect(deliveryGap(truncate(loadHistory('bearing-never-reopens'), 4005), gap(1000)).findings.map(f => f.direction)).to.deep.equal(['A->B', 'A->C', 'A->D'])
  })

  it('a missing first slot is a gap like any other', () => {
    const history = loadHistory('clean-run').filter(e => !(e.kind === 'node' && e.node === 'D' && e.type === 'msg_received' && e.slot === 0 && [0, 1, 2].includes(e.validator as number)))
    const v = deliveryGap(history, gap(1000))
    expect(v.findings.map(f => [f.direction, (f.fromMs ?? 0) - GENESIS, (f.toMs ?? 0) - GENESIS])).to.deep.equal([['A->D', -1000, 1000]])
  })

  it('excuses the time A had no live leg to the receiver', () => {
    const v = deliveryGap(loadHistory('partition-excused'), gap(1000))
    expect(v.status, v.summary).to.equal('pass')
    const ab = (v.evidence?.directions as DirectionGap[]).find(d => d.direction === 'A->B')
    expect(ab).to.deep.include({ maxGapMs: 3000, maxGapLiveMs: 800, maxLiveGapMs: 1000 }) // [+2.0, +2.1) before the fault + [+4.3, +5.0) after the redial
  })
})
