/**
 * Wedge detection for the `leg-aware` policy (field bug class 7: a gossip
 * stream with data to send and no send progress was kept for ever; the field
 * fix reopened it after 5 s).
 *
 * Nothing below us reports "no send progress": gossipsub 17 hands each frame
 * to the stream at once (no queue of its own), and QUIC takes it into its own
 * send buffer, so the stream's write buffer stays empty while the leg carries
 * nothing. What can be seen is a round trip on the leg: every `everyMs` each
 * open leg sends 256 bytes on its probe stream (/meshflap/leg-probe/1.0.0, which
 * a leg-aware peer echoes) and waits for them back. A leg with no answer within
 * `wedgedAfterMs` is wedged and is aborted: the streams on it reopen on the
 * peer's other leg (leg-discipline.ts) and, when it was ours, the leg is
 * redialed (leg-book.ts).
 *
 *   first probe of a leg ──newStream(leg-probe)──> peer   answered: the stream is kept for the next probes
 *                                                         "not supported" (Go, Rust, stock): the leg is live,
 *                                                         and every later probe negotiates /ipfs/ping/1.0.0
 *                                                         afresh, which needs the same round trip
 *   later probes ──256 B──> echo                          answered .......... leg is live
 *                                                         none in wedgedAfterMs ... abort the leg
 *                                                         deadline noticed late ... not judged, probed again
 *
 * Why a kept stream: a negotiation per leg end per second opened a QUIC stream
 * and ran multistream-select on both ends; at 64 nodes (1024 leg ends) that was
 * 0.39 of the machine's 2 cores (the node processes used 1.69 cores before
 * genesis with leg-aware nodes, 1.30 with stock ones), enough to make every
 * node's timers late and the probes abort healthy legs. A small frame each way
 * on a kept stream is the same round trip without the stream set-up.
 *
 * On a loaded machine our own event loop can stall past the deadline while the
 * answer sits unread; a deadline noticed more than `lateMs` late therefore
 * judges nothing. The `stock` policy keeps js-libp2p's connection monitor
 * (a ping every 10 s, 5-60 s adaptive timeout) instead.
 */
import type { Connection, Stream } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'
import type { EventLog } from './events.ts'
import type { LegBook } from './leg-book.ts'

export const PING_PROTOCOL = '/ipfs/ping/1.0.0'
/** Our echo for the probe's round trip: served by leg-aware nodes only, so stock and other stacks see nothing new. */
export const PROBE_PROTOCOL = '/meshflap/leg-probe/1.0.0'

/** Serves the probe: every chunk that arrives goes back on the same stream. */
export async function serveLegProbe (libp2p: Pick<Libp2p, 'handle'>): Promise<void> {
  await libp2p.handle(PROBE_PROTOCOL, (stream: Stream) => {
    stream.addEventListener('message', e => {
      // a probe stream whose leg or peer is closing it has nothing left to answer; a throw here
      // would be an uncaught exception in an event listener, the end of the node (power found it)
      try { stream.send(e.data) } catch {}
    })
  }, { runOnLimitedConnection: true, maxInboundStreams: 4 })
}

/**
 * What each probe sends and gets back: as large as a small gossip frame, so a leg that only lets small
 * datagrams through (a `stall` passes up to 64 bytes, as keep-alives and acknowledgements do) fails
 * the probe as it fails the gossip. One byte got through such a stall: the probe then noticed the
 * wedge only when QUIC's congestion control stopped sending altogether (4.4 s instead of 2-3 s).
 */
const PROBE_BYTES = 256

/** How a leg is probed: on its kept echo stream, or (a peer without the echo) by a fresh ping negotiation. */
interface LegProbeState {
  stream?: Stream
  negotiate: boolean
  seq: number
}

export interface ProbeTiming {
  /** how often every open leg is probed */
  everyMs: number
  /** a probe unanswered this long makes the leg wedged */
  wedgedAfterMs: number
  /** a deadline that fires this much late was our stall, not the leg's */
  lateMs: number
}

/**
 * Two probes a second; wedged after 2 s without an answer, so a wedge is ended within 2.5 s (the field:
 * 5 s). At one a second a blocked leg was given up 2.7-2.9 s after the block (field-shaped seed 88), and
 * with the reopen and what it re-sent, the aggregator behind it missed 3 slots of a peer's attestations.
 */
export const PROBE_TIMING: ProbeTiming = { everyMs: 500, wedgedAfterMs: 2000, lateMs: 250 }

export class WedgeProbe {
  private readonly legs: LegBook
  private readonly events: EventLog
  private readonly timing: ProbeTiming
  private readonly probing = new Set<string>()
  private readonly state = new Map<string, LegProbeState>()
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
    for (const leg of this.state.values()) leg.stream?.abort(new Error('wedge probe stopped'))
    this.state.clear()
  }

  private probeAll (): void {
    const open = this.legs.legs().filter(c => c.status === 'open')
    for (const id of this.state.keys()) if (!open.some(c => c.id === id)) this.state.delete(id)
    for (const conn of open) {
      if (!this.probing.has(conn.id)) void this.probe(conn)
    }
  }

  private async probe (conn: Connection): Promise<void> {
    this.probing.add(conn.id)
    const sent = Date.now()
    const deadline = AbortSignal.timeout(this.timing.wedgedAfterMs)
    try {
      await this.roundTrip(conn, deadline)
    } catch (err) {
      this.judge(conn, err as Error, deadline, Date.now() - sent)
    } finally {
      this.probing.delete(conn.id)
    }
  }

  private async roundTrip (conn: Connection, signal: AbortSignal): Promise<void> {
    let leg = this.state.get(conn.id)
    if (leg === undefined) {
      leg = { negotiate: false, seq: 0 }
      this.state.set(conn.id, leg)
    }
    if (leg.negotiate) {
      const stream = await conn.newStream(PING_PROTOCOL, { signal, runOnLimitedConnection: true })
      // the negotiation was the round trip; the ping itself would add nothing
      stream.abort(new Error('wedge probe answered'))
      return
    }
    if (leg.stream === undefined || leg.stream.status !== 'open') {
      leg.stream = undefined
      try {
        leg.stream = await conn.newStream(PROBE_PROTOCOL, { signal, runOnLimitedConnection: true })
      } catch (err) {
        // the peer answered "not supported": a round trip all the same
        if ((err as Error).name === 'UnsupportedProtocolError') { leg.negotiate = true; return }
        throw err
      }
      return // the negotiation was this probe's round trip
    }
    leg.seq = (leg.seq + 1) % 256
    await echoed(leg.stream, leg.seq, signal)
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

/** Sends PROBE_BYTES bytes of `seq` and resolves when they are back (an earlier, late echo carries another byte). */
async function echoed (stream: Stream, seq: number, signal: AbortSignal): Promise<void> {
  let got = 0
  await new Promise<void>((resolve, reject) => {
    const finish = (err?: Error): void => {
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('close', onClose)
      signal.removeEventListener('abort', onAbort)
      if (err === undefined) resolve()
      else reject(err)
    }
    const onMessage = (e: { data: Uint8Array | { subarray: () => Uint8Array } }): void => {
      // the echo may come back in pieces: its last byte says it is all back
      const bytes = e.data instanceof Uint8Array ? e.data : e.data.subarray()
      got += bytes.length
      if (got >= PROBE_BYTES && bytes[bytes.length - 1] === seq) finish()
    }
    const onClose = (): void => { finish(new Error('probe stream closed')) }
    const onAbort = (): void => { finish(signal.reason as Error) }
    if (signal.aborted) { onAbort(); return }
    stream.addEventListener('message', onMessage)
    stream.addEventListener('close', onClose)
    signal.addEventListener('abort', onAbort)
    try {
      stream.send(new Uint8Array(PROBE_BYTES).fill(seq))
    } catch (err) {
      finish(err as Error) // closing under us: not a deadline, so not judged
    }
  })
}
