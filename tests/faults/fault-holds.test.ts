/** Which faults hold what on a leg (harness/faults/fault-holds.ts): pure bookkeeping. */
import { expect } from 'chai'
import { DOWN, FaultHolds } from '../../harness/faults/fault-holds.ts'

describe('fault holds on one leg', () => {
  it('a key is free once every fault holding it released it; a fault applied twice holds twice', () => {
    const h = new FaultHolds()
    h.hold('latency_upstream', 'f1')
    h.hold('latency_upstream', 'f2')
    h.hold(DOWN, 'storm')
    h.hold(DOWN, 'storm')
    expect(h.release('latency_upstream', 'f1')).to.equal(false)
    expect(h.release('latency_upstream', 'f2')).to.equal(true)
    expect(h.isHeld('latency_upstream')).to.equal(false)
    expect(h.release(DOWN, 'storm')).to.equal(false)
    expect(h.heldBy('storm')).to.deep.equal([DOWN])
    expect(h.release(DOWN, 'storm')).to.equal(true)
    expect(h.heldBy('storm')).to.deep.equal([])
  })

  it('a release by a fault that holds nothing leaves the others; clear forgets every holder', () => {
    const h = new FaultHolds()
    h.hold(DOWN, 'd1')
    expect(h.release(DOWN, 'other')).to.equal(false)
    expect(h.isHeld(DOWN)).to.equal(true)
    expect(h.release('never-held', 'f')).to.equal(true)
    h.clear(DOWN)
    expect(h.isHeld(DOWN)).to.equal(false)
    h.hold('a', 'x')
    h.clearAll()
    expect(h.heldBy('x')).to.deep.equal([])
  })
})
