/** Set-up pacing (harness/devnet/boot-pacing.ts): first dials at most N at once, in call order; the mesh poll slows with size. */
import { expect } from 'chai'
import { DIALS_IN_FLIGHT, limitInFlight, meshPollMs } from '../../harness/devnet/boot-pacing.ts'

describe('boot pacing', () => {
  it('runs at most `limit` calls at once, the rest in call order, and every call settles (a rejection frees its place)', async () => {
    let running = 0
    let peak = 0
    const started: number[] = []
    const dial = limitInFlight(3, async (i: number) => {
      started.push(i)
      running++
      peak = Math.max(peak, running)
      await new Promise(resolve => setTimeout(resolve, 5 + (i % 3)))
      running--
      if (i === 4) throw new Error('dial failed')
    })
    const results = await Promise.allSettled(Array.from({ length: 10 }, async (_, i) => { await dial(i) }))
    expect(peak).to.equal(3)
    expect(started).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(results.filter(r => r.status === 'rejected')).to.have.length(1)
  })

  it('dials in flight scale with the cores; the poll is 100 ms up to 10 nodes, then 10 ms per node', () => {
    expect(DIALS_IN_FLIGHT).to.be.at.least(8)
    expect(meshPollMs(4)).to.equal(100)
    expect(meshPollMs(10)).to.equal(100)
    expect(meshPollMs(64)).to.equal(640)
  })
})
