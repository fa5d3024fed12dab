// suite: serial — measures how late the machine schedules a process; a neighbour test would be the load
/**
 * Timer lateness as the contract's optional `sched` event (containers/CONTRACT.md section 6), from
 * the real TS node, the real Go peer and the real Rust peer: windows every ~200 ms after `ready`, the
 * same numbers in /v1/status, and a real stall (the process stopped with SIGSTOP for 700 ms) shows up
 * as one window whose [maxLateAt - maxLateMs, maxLateAt] is the time the process was stopped.
 */
import { expect } from 'chai'
import { eventOfType, type SchedEvent } from '../harness/contract/node-events.ts'
import type { ImplName } from '../harness/impls/index.ts'
import { NodePair, status, type NodeHandle } from './support/node-pair.ts'
import { waitFor, waitForValue } from './support/wait-for.ts'

function scheds (h: NodeHandle, fromMs = 0): SchedEvent[] {
  return h.events.filter(eventOfType('sched')).filter(e => e.ts >= fromMs)
}

// one pair at a time (the Rust peer beside a TS node, whose own checks ran in the first pair)
const pairs: Array<{ impls: [ImplName, ImplName], checked: Array<['a' | 'b', string]> }> = [
  { impls: ['ts', 'go'], checked: [['a', 'TS node'], ['b', 'Go peer']] },
  { impls: ['ts', 'rust'], checked: [['b', 'Rust peer']] }
]

for (const { impls, checked } of pairs) describe(`node timer lateness (sched events), ${impls.join('/')} pair`, function () {
  this.timeout(60_000)
  let pair: NodePair
  before(async () => { pair = await NodePair.start({ transport: 'tcp', impls, policy: 'stock' }) })
  after(async () => { await pair?.[Symbol.asyncDispose]() })

  for (const [which, impl] of checked) {
    it(`${impl}: a window every ~200 ms after ready, and /v1/status says the same`, async () => {
      const h = pair[which]
      const from = Date.now()
      await waitFor(() => scheds(h, from).length >= 6, 10_000, `${impl} reports 6 sched windows`)
      const ready = h.events.find(eventOfType('ready'))
      const windows = scheds(h, from)
      expect(windows.every(w => w.seq > (ready?.seq ?? Infinity)), 'after ready').to.equal(true)
      for (const [i, w] of windows.entries()) {
        expect(w.windowMs).to.be.within(150, 2000)
        // a window ends when it is handed over: the next one covers the time since
        if (i > 0) expect(w.ts - (windows[i - 1] as SchedEvent).ts).to.be.within(w.windowMs - 5, w.windowMs + 5)
        expect(w.maxLateMs).to.be.at.least(0)
        expect(w.maxLateAt).to.be.within(w.ts - w.windowMs - 5, w.ts + 1)
        expect(w.p99LateMs ?? 0).to.be.at.most(w.maxLateMs + 0.1)
        expect(w.cpuMs ?? 0).to.be.at.least(0)
      }
      const s = await status(h)
      expect(s.sched).to.include({ windowMs: 200, tickMs: 20 })
      expect(s.sched?.last).to.have.keys(['windowMs', 'maxLateMs', 'p99LateMs', 'maxLateAt', 'cpuMs'])
      expect(s.sched?.sinceStart.windows).to.be.at.least(windows.length)
      expect(s.sched?.sinceStart.maxLateMs).to.be.at.least(Math.max(...scheds(h).map(w => w.maxLateMs)) - 0.1)
    })

    it(`${impl}: a 700 ms SIGSTOP is one window late by about that long, placed where it was`, async () => {
      const h = pair[which]
      const pid = h.events.find(eventOfType('ready'))?.pid
      if (pid === undefined) throw new Error(`${impl} reported no pid`)
      const stoppedAt = Date.now()
      process.kill(pid, 'SIGSTOP')
      // the stall itself: the process is not scheduled for these 700 ms
      await new Promise(resolve => setTimeout(resolve, 700))
      process.kill(pid, 'SIGCONT')
      const resumedAt = Date.now()
      const w = await waitForValue(() => scheds(h, stoppedAt).find(x => x.maxLateMs > 400), 5000, `${impl} reports the stall`)
      expect(w.maxLateMs).to.be.within(600, 1100)
      // the stall as the history will read it lies over the stop (a tick of slack either side)
      expect(w.maxLateAt - w.maxLateMs).to.be.within(stoppedAt - 60, stoppedAt + 60)
      expect(w.maxLateAt).to.be.within(resumedAt - 60, resumedAt + 250)
      await waitFor(() => scheds(h, resumedAt + 300).length >= 2, 5000, `${impl} reports two windows after the stall`)
      expect(scheds(h, stoppedAt).filter(x => x.maxLateMs > 400), 'one window carries the stall').to.have.length(1)
    })
  }
})
