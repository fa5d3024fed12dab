/** runInLanes: at most N at once, list order, stops taking items when told. */
import { expect } from 'chai'
import { setTimeout as sleep } from 'node:timers/promises'
import { runInLanes } from '../../harness/util/lanes.ts'

describe('runInLanes', () => {
  it('runs every item, never more than `lanes` at once, starting them in list order', async () => {
    let running = 0
    let most = 0
    const started: number[] = []
    await runInLanes([30, 5, 20, 5, 10, 5], { lanes: 2 }, async (ms, i) => {
      started.push(i)
      running++
      most = Math.max(most, running)
      await sleep(ms)
      running--
    })
    expect(started).to.deep.equal([0, 1, 2, 3, 4, 5])
    expect(most).to.equal(2)
  })

  it('with one lane is a plain loop', async () => {
    const order: string[] = []
    await runInLanes(['a', 'b', 'c'], { lanes: 1 }, async item => { order.push(`start ${item}`); await sleep(1); order.push(`end ${item}`) })
    expect(order).to.deep.equal(['start a', 'end a', 'start b', 'end b', 'start c', 'end c'])
  })

  it('takes no new item once stop() says so; started ones finish', async () => {
    const done: number[] = []
    let stop = false
    await runInLanes([0, 1, 2, 3, 4], { lanes: 2, stop: () => stop }, async i => { await sleep(5); done.push(i); if (i === 0) stop = true })
    expect(done).to.have.members([0, 1])
  })

  it('keeps the weights running within the budget; an item heavier than it runs alone', async () => {
    const weights = [2, 2, 8, 2, 3, 3, 3]
    let load = 0
    let most = 0
    const alone: boolean[] = []
    await runInLanes(weights, { lanes: 4, weight: w => w, budget: 6 }, async w => {
      alone.push(load === 0)
      load += w
      most = Math.max(most, w > 6 ? 0 : load)
      await sleep(10)
      load -= w
    })
    expect(most).to.be.at.most(6)
    expect(alone[2], 'the 8 started with nothing running').to.equal(true)
  })
})
