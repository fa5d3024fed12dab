/**
 * Wedge detection for the `leg-aware` policy (field bug class 7: a gossip
 * stream with data to send and no send progress was kept for ever; the field
 * fix reopened it after 5 s).
 *
 * Nothing below us reports "no send progress": gossipsub 17 hands each frame
 * to the stream at once (no queue of its own), and QUIC takes it into its own
 * send buffer, so the stream's write buffer stays empty while the leg carries
 * nothing. What can be seen is a round trip on the leg: every `everyMs` each
 * open leg opens a stream for /ipfs/ping/1.0.0, which needs the peer's
 * multistream-select answer (a peer that does not serve ping answers "not
 * supported", which proves the leg as well; js-libp2p's own connection monitor
 * counts it the same way). A leg with no answer within `wedgedAfterMs` is
 * wedged and is aborted: the streams on it reopen on the peer's other leg
 * (leg-discipline.ts) and, when it was ours, the leg is redialed (leg-book.ts).
 *
 *   probe ──newStream(ping)──> peer      answered (or "unsupported") .. leg is live
 *                                        no answer in wedgedAfterMs .... abort the leg
 *                                        deadline noticed late ......... not judged, probed again
 *
 * On a loaded machine our own event loop can stall past the deadline while the
 * answer sits unread; a deadline noticed more than `lateMs` late therefore
 * judges nothing. The `stock` policy keeps js-libp2p's connection monitor
 * (a ping every 10 s, 5-60 s adaptive timeout) instead.
 */
import type { Connection } from '@libp2p/interface'
import type { EventLog } from './events.ts'
import type { LegBook } from './leg-book.ts'

export const PING_PROTOCOL = '/ipfs/ping/1.0.0'

export interface ProbeTiming {
  /** how often every open leg is probed */
  everyMs: number
  /** a probe unanswered this long makes the leg wedged */
  wedgedAfterMs: number
  /** a deadline that fires this much late was our stall, not the leg's */
  lateMs: number
}

/** One probe a second; wedged after 2 s without an answer, so a wedge is ended within 3 s (the field: 5 s). */
export const PROBE_TIMING: ProbeTiming = { everyMs: 1000, wedgedAfterMs: 2000, lateMs: 250 }

export class WedgeProbe {
  private readonly legs: LegBook
  private readonly events: EventLog
  private readonly timing: ProbeTiming
  private readonly probing = new Set<string>()
  private timer?: NodeJS.Timeout
  private stopped = false

  constructor (legs: LegBook, events: EventLog, timing: ProbeTiming = PROBE_TIMING) {
    this.legs = legs
    this.events = events
    this.timing = timing
  }

  start (): void {
    if (this.stopped || this.timer != null) return
    this.timer = setInterval(() => { this.probeAll() }, this.timing.everyMs)
  }

  /** Stops probing for good (node stop, or mutant `wedged-stream-never-reopened`). */
  stop (): void {
    this.stopped = true
    clearInterval(this.timer)
  }

  private probeAll (): void {
    for (const conn of this.legs.legs()) {
      if (conn.status === 'open' && !this.probing.has(conn.id)) void this.probe(conn)
    }
  }

  private async probe (conn: Connection): Promise<void> {
    this.probing.add(conn.id)
    const sent = Date.now()
    const deadline = AbortSignal.timeout(this.timing.wedgedAfterMs)
    try {
      const stream = await conn.newStream(PING_PROTOCOL, { signal: deadline, runOnLimitedConnection: true })
      // the negotiation was the round trip; the ping itself would add nothing
      stream.abort(new Error('wedge probe answered'))
    } catch (err) {
      this.judge(conn, err as Error, deadline, Date.now() - sent)
    } finally {
      this.probing.delete(conn.id)
    }
  }

  private judge (conn: Connection, err: Error, deadline: AbortSignal, waitedMs: number): void {
    if (err.name === 'UnsupportedProtocolError') return // the peer answered
    // closed meanwhile, or failed for a reason other than our deadline: the close is reported on its own
    if (this.stopped || conn.status !== 'open' || !deadline.aborted) return
    const late = waitedMs - this.timing.wedgedAfterMs
    if (late > this.timing.lateMs) {
      this.events.emit('error', { message: `wedge probe on leg ${conn.id} not judged: its deadline was noticed ${late} ms late (this process was not scheduled)`, leg: conn.id, peer: conn.remotePeer.toString() })
      return
    }
    this.legs.abortLeg(conn, `wedged: no round trip on the leg in ${this.timing.wedgedAfterMs} ms`)
  }
}
