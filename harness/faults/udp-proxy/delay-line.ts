/**
 * A delay line for one direction of one flow: datagrams wait until their due
 * time, then leave through `send`. One timer per line, armed for the earliest
 * due datagram, instead of one timer per datagram.
 *
 * Order: arrival order, by default, whatever the jitter: a datagram drawn a
 * shorter delay than the one before it waits for that one (a FIFO queue on a
 * jittery path; toxiproxy's TCP latency keeps order too, so a scenario's
 * `latency` means the same on QUIC and TCP legs). With `reorder` each
 * datagram leaves at its own due time, so a later one may overtake an
 * earlier one: per-datagram reordering, which QUIC's loss detection reads as
 * loss (measured: 40 +- 10 ms with 128 KiB blocks made every slot's
 * attestations late behind a collapsed congestion window; in order, none).
 *
 *   arrivals   a b c        drawn delays 30 10 20
 *   in order   a(30) b(30) c(30)          reorder   b(10) c(20) a(30)
 */
import type { RandomSource } from './random.ts'

/** Time and the one timer a delay line arms: injectable, so its order can be unit-tested without waiting. */
export interface DelayClock {
  now: () => number
  setTimer: (fire: () => void, ms: number) => unknown
  clearTimer: (timer: unknown) => void
}

const systemClock: DelayClock = {
  now: performance.now.bind(performance),
  setTimer: (fire, ms) => setTimeout(fire, ms),
  clearTimer: (timer) => { clearTimeout(timer as NodeJS.Timeout) }
}

export class DelayLine {
  private readonly send: (msg: Buffer) => void
  private readonly random: RandomSource
  private readonly clock: DelayClock
  // parallel arrays sorted by due time, read from `head` (no per-item objects)
  private due: number[] = []
  private msgs: Buffer[] = []
  private head = 0
  private timer: unknown
  private readonly onTimer = (): void => { this.timer = undefined; this.drain() }

  constructor (send: (msg: Buffer) => void, random: RandomSource, clock: DelayClock = systemClock) {
    this.send = send
    this.random = random
    this.clock = clock
  }

  get size (): number {
    return this.due.length - this.head
  }

  /** Holds `msg` for latencyMs +- jitterMs (uniform, never below 0), and behind what it already holds unless `reorder`. */
  push (msg: Buffer, latencyMs: number, jitterMs: number, reorder = false): void {
    const delay = jitterMs > 0 ? Math.max(0, latencyMs + (this.random() * 2 - 1) * jitterMs) : latencyMs
    const last = this.size > 0 ? this.due[this.due.length - 1] ?? 0 : 0
    const drawn = this.clock.now() + delay
    const due = reorder ? drawn : Math.max(drawn, last)
    let i = this.due.length
    while (i > this.head && (this.due[i - 1] ?? 0) > due) i--
    if (i === this.due.length) {
      this.due.push(due)
      this.msgs.push(msg)
    } else {
      this.due.splice(i, 0, due)
      this.msgs.splice(i, 0, msg)
    }
    if (i === this.head) this.arm()
  }

  /** Sends everything now (the latency toxic was removed: toxiproxy flushes too). */
  flush (): void {
    for (let i = this.head; i < this.msgs.length; i++) this.send(this.msgs[i] as Buffer)
    this.clear()
  }

  /** Forgets everything (the proxy was disabled or closed: datagrams in flight are lost). */
  clear (): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer)
    this.timer = undefined
    this.due = []
    this.msgs = []
    this.head = 0
  }

  private drain (): void {
    const now = this.clock.now()
    // setTimeout may fire up to ~1 ms early relative to performance.now(): accept that slack
    while (this.head < this.due.length && (this.due[this.head] ?? 0) <= now + 0.5) {
      const msg = this.msgs[this.head] as Buffer
      this.head++
      this.send(msg)
    }
    if (this.head === this.due.length) {
      this.due.length = 0
      this.msgs.length = 0
      this.head = 0
    } else if (this.head > 1024) {
      this.due = this.due.slice(this.head)
      this.msgs = this.msgs.slice(this.head)
      this.head = 0
    }
    this.arm()
  }

  private arm (): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer)
    this.timer = undefined
    const first = this.due[this.head]
    if (first === undefined) return
    this.timer = this.clock.setTimer(this.onTimer, Math.max(0, first - this.clock.now()))
  }
}
