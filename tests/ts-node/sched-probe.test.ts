// suite: serial — measures how late the machine schedules a process; a neighbour test would be the load
/**
 * The probe the TS node and the harness share: a blocked event loop is one window late by the
 * block's length, placed where the block was, even when the block ends right at a window's end
 * (where a histogram reset per window alone can drop it).
 */
import { expect } from 'chai'
import { SchedProbe, type SchedWindow } from '../../containers/ts-node/sched-probe.ts'
import { waitFor } from '../support/wait-for.ts'

/** The stall: the event loop runs nothing for `ms`. */
const block = (ms: number): void => { const end = Date.now() + ms; while (Date.now() < end) { /* the stall */ } }

describe('ts-node: sched probe', () => {
  it('windows every ~200 ms; a 400 ms block is one window late by about 400 ms, placed on the block', async () => {
    const windows: SchedWindow[] = []
    const probe = new SchedProbe(w => { windows.push(w) })
    probe.start()
    try {
      await waitFor(() => windows.length >= 2, 5000, 'two windows before the block')
      const blockedAt = Date.now()
      block(400)
      const before = windows.length
      await waitFor(() => windows.length >= before + 2, 5000, 'two windows after the block')
      const late = windows.filter(w => w.maxLateMs > 300)
      expect(late, 'one window carries the block').to.have.length(1)
      expect(late[0]!.maxLateMs).to.be.within(370, 600)
      expect(late[0]!.maxLateAt - late[0]!.maxLateMs).to.be.within(blockedAt - 30, blockedAt + 30)
      expect(probe.status().sinceStart.maxLateMs).to.be.at.least(late[0]!.maxLateMs)
    } finally {
      probe.stop()
    }
  })

  it('a block that ends just as a window closes is still counted', async () => {
    for (const offset of [-10, -5, 0, 5, 10]) {
      const windows: SchedWindow[] = []
      const probe = new SchedProbe(w => { windows.push(w) })
      probe.start()
      try {
        await waitFor(() => windows.length >= 1, 5000, 'a first window')
        // start the block so that it ends `offset` ms from when the next window is due to close
        const closesAt = Date.now() + probe.windowMs
        await new Promise(resolve => setTimeout(resolve, Math.max(0, closesAt + offset - 300 - Date.now())))
        block(300)
        await waitFor(() => windows.length >= 3, 5000, 'two windows after the block')
        expect(Math.max(...windows.map(w => w.maxLateMs)), `block ending ${offset} ms from a window's close`).to.be.within(250, 500)
      } finally {
        probe.stop()
      }
    }
  })
})
