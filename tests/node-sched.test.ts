/**
 * Timer lateness as the contract's optional `sched` event (containers/CONTRACT.md section 6), from
 * the real TS node and the real Go peer: windows every ~200 ms after `ready`, the same numbers in
 * /v1/status, and a real stall (the process stopped with SIGSTOP for 700 ms) shows up as one window
 * whose [maxLateAt - maxLateMs, maxLateAt] is the time the process was stopped.
 */
import { expect } from 'chai'
import { eventOfType, type SchedEvent } from '../harness/contract/node-events.ts'
import { NodePair, sleep, status, type NodeHandle } from './support/node-pair.ts'

const num = (v: unknown): number => { expect(v).to.be.a('number'); return v as number }

function scheds (h: NodeHandle, fromMs = 0): SchedEvent[] {
  return h.events.filter(eventOfType('sched')).filter(e => e.ts >= fromMs)
}

describe('node timer lateness (sched events)', function () {
  this.timeout(60_000)
  let pair: NodePair
  before(async () => { pair = await NodePair.start({ transport: 'tcp', impls: ['ts', 'go'], policy: 'stock' }) })
  after(async () => { await pair?.[Symbol.asyncDispose]() })

  for (const which of ['a', 'b'] as const) {
    it(`${which === 'a' ? 'TS node' : 'Go peer'}: a window every ~200 ms after ready, and /v1/status says the same`, async () => {
      const h = pair[which]
      const from = Date.now()
      await sleep(1200)
      const ready = h.events.find(e => e.type === 'ready')
      const windows = scheds(h, from)
      expect(windows.length, 'windows in ~1.2 s').to.be.within(3, 12)
      expect(windows.every(w => w.seq > (ready?.seq ?? Infinity)), 'after ready').to.equal(true)
      for (const w of windows) {
        expect(num(w.windowMs)).to.be.within(150, 2000)
        expect(num(w.maxLateMs)).to.be.at.least(0)
        expect(num(w.maxLateAt)).to.be.within(w.ts - num(w.windowMs) - 5, w.ts + 1)
        expect(num(w.p99LateMs)).to.be.at.most(num(w.maxLateMs) + 0.1)
        expect(num(w.cpuMs)).to.be.at.least(0)
      }
      const s = await status(h) as unknown as { sched: { windowMs: number, tickMs: number, last: Record<string, number> | null, sinceStart: Record<string, number> } }
      expect(s.sched).to.include({ windowMs: 200, tickMs: 20 })
      expect(s.sched.last).to.have.keys(['windowMs', 'maxLateMs', 'p99LateMs', 'maxLateAt', 'cpuMs'])
      expect(s.sched.sinceStart.windows).to.be.at.least(windows.length)
      expect(s.sched.sinceStart.maxLateMs).to.be.at.least(Math.max(...scheds(h).map(w => num(w.maxLateMs))) - 0.1)
    })

    it(`${which === 'a' ? 'TS node' : 'Go peer'}: a 700 ms SIGSTOP is one window late by about that long, placed where it was`, async () => {
      const h = pair[which]
      const pid = num(h.events.find(eventOfType('ready'))?.pid)
      await sleep(300)
      const stoppedAt = Date.now()
      process.kill(pid, 'SIGSTOP')
      await sleep(700)
      process.kill(pid, 'SIGCONT')
      const resumedAt = Date.now()
      await sleep(500)
      const late = scheds(h, stoppedAt).filter(w => num(w.maxLateMs) > 400)
      expect(late, 'one window carries the stall').to.have.length(1)
      const w = late[0]!
      expect(num(w.maxLateMs)).to.be.within(600, 1100)
      // the stall as the history will read it lies over the stop (a tick of slack either side)
      expect(num(w.maxLateAt) - num(w.maxLateMs)).to.be.within(stoppedAt - 60, stoppedAt + 60)
      expect(num(w.maxLateAt)).to.be.within(resumedAt - 60, resumedAt + 250)
    })
  }
})
