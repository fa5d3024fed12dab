/**
 * The probe the TS node and the harness share: a blocked event loop is one window late by the
 * block's length, placed where the block was, even when the block ends right at a window's end
 * (where a histogram reset per window alone can drop it).
 */
import { expect } from 'chai'
import { SchedProbe, type SchedWindow } from '../../containers/ts-node/sched-probe.ts'

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }
const block = (ms: number): void => { const end = Date.now() + ms; while (Date.now() < end) { /* the stall */ } }

describe('ts-node: sched probe', () => {
  it('windows every ~200 ms; a 400 ms block is one window late by about 400 ms, placed on the block', async () => {
    const windows: SchedWindow[] = []
    const probe = new SchedProbe(w => { windows.push(w) })
    probe.start()
    try {
      await sleep(450)
      const blockedAt = Date.now()
      block(400)
      await sleep(450)
      const late = windows.filter(w => w.maxLateMs > 300)
      expect(late, 'one window carries the block').to.have.length(1)
      expect(late[0]!.maxLateMs).to.be.within(370, 600)
      expect(late[0]!.maxLateAt - late[0]!.maxLateMs).to.be.within(blockedAt - 30, blockedAt + 30)
      expect(windows.length).to.be.within(4, 8)
      expect(probe.status().sinceStart.maxLateMs).to.be.at.least(late[0]!.maxLateMs)
    } finally {
      probe.stop()
    }
  })

  it('a block that ends just as a window closes is still counted', async () => {
    for (const offset of [195, 200, 205, 210]) {
      const windows: SchedWindow[] = []
      const probe = new SchedProbe(w => { windows.push(w) })
      probe.start()
      try {
        await sleep(offset)
        block(300)
        await sleep(300)
        expect(Math.max(...windows.map(w => w.maxLateMs)), `block at ${offset} ms`).to.be.within(250, 500)
      } finally {
        probe.stop()
      }
    }
  })
})
