/** no-decay on recorded histories: the field's +0/-N that never comes back, while a path existed. */
import { expect } from 'chai'
import { noDecay } from '../../harness/oracles/no-decay.ts'
import { loadHistory } from './support/load-history.ts'

const GENESIS = 1_795_471_780_000

describe('oracles: no-decay', () => {
  it('fails the stock bug: D loses A\'s validators at slot 3 and never gets them back, with a live path all along', () => {
    const v = noDecay(loadHistory('bearing-never-reopens'), { kind: 'no-decay', withinSlots: 1 })
    expect(v.status).to.equal('fail')
    expect(v.findings).to.have.length(1)
    expect(v.findings[0]).to.deep.include({ direction: 'A->D', node: 'D', slot: 3, fromMs: GENESIS + 3000, toMs: GENESIS + 8000 })
    expect(v.findings[0]?.message).to.include('D lost 3 of A\'s validators (0-2) at slot 3 (coverage=5/8 late=none diff=+0/-3)')
    expect(v.findings[0]?.message).to.include('never back')
    expect(v.findings[0]?.message).to.include('direct legs live: D>A live 2000 ms')
    expect(noDecay(loadHistory('bearing-never-reopens'), { kind: 'no-decay', withinSlots: 3 }).status).to.equal('fail')
  })

  it('passes when the lost validators come back within k slots (late arrivals)', () => {
    const v = noDecay(loadHistory('late-arrivals'), { kind: 'no-decay', withinSlots: 1 })
    expect(v.status, v.summary).to.equal('pass')
    expect(v.evidence?.recovered).to.equal(1)
  })

  it('excuses a loss while the publisher was cut off', () => {
    const v = noDecay(loadHistory('partition-excused'), { kind: 'no-decay', withinSlots: 1 })
    expect(v.status, v.summary).to.equal('pass')
    expect(v.evidence?.excused).to.equal(1)
  })

  it('passes a clean run with no drop at all', () => {
    expect(noDecay(loadHistory('clean-run'), { kind: 'no-decay', withinSlots: 1 }).status).to.equal('pass')
  })
})
