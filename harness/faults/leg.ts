/**
 * A Leg handle: one leg (dialer -> listener over one transport) and the
 * engine proxy it runs through, with the faults a scenario can apply to it.
 *
 *   scenario ── leg.down() ──> toxiproxy-node-client ──> engine proxy "A>B"   (TCP: toxiproxy, QUIC: UDP proxy)
 *                   └────────> record({kind:'fault', ts, leg:'A>B', action:'down', phase:'apply', ...})
 *
 * Every action is recorded once the engine confirmed it, stamped with the moment
 * it was sent (a TCP down closes connections before the engine's answer arrives), so `ts` is the moment
 * from which the fault is in force. Which engine feature each action maps to
 * (and why TCP's blackhole is a bandwidth of 0) is in harness/faults/README.md.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Proxy } from 'toxiproxy-node-client'
import type { ToxicType } from 'toxiproxy-node-client'
import type { FaultAction, FaultEntry, LegName, TransportName } from '../history/types.ts'
import type { FaultActionKind } from '../scenario/types.ts'
import { ACTION_RULES, narrowerTransports, supportsTransport } from './action-rules.ts'
import { DOWN, FaultHolds } from './fault-holds.ts'
import type { LatencySpec } from './actions/latency.ts'

export type Direction = 'upstream' | 'downstream' | 'both'
type Stream = 'upstream' | 'downstream'

/** Time, injectable so a fault schedule can be unit-tested without waiting. */
export interface LegClock {
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** What ties a history entry to the scenario: copied into every FaultEntry the action records. */
export interface FaultTag {
  /** scenario fault id, e.g. "faults[0]"; default: the Leg's `label` */
  fault?: string
  selector?: string
  dialerLeg?: string
  listenerLeg?: string
  /** stream directions riding the leg when the fault was decided (FaultEntry.hit; recorded on apply entries) */
  hit?: string[]
  /** FaultEntry.mustHit */
  mustHit?: boolean
  /** FaultEntry.legDeathWithinMs */
  legDeathWithinMs?: number
  /**
   * heal()/up() of a scenario fault: end only what this fault holds, leaving what another live
   * fault on the leg holds too (fault-holds.ts). Without it (a library call, the `up` action,
   * clean-up) they end every fault on the leg.
   */
  ownOnly?: boolean
}

/** Constructor input of a Leg. */
export interface LegOptions {
  name: LegName
  dialer: string
  listener: string
  transport: TransportName
  /** the engine proxy of this leg (toxiproxy-node-client), as created */
  proxy: Proxy
  /** asks a node's control API to close the leg (for close()); may say when it asked and how long it waited for the leg */
  closeVia?: () => Promise<ClosedVia | void>
  /** appends to the run history */
  record: (entry: FaultEntry) => void
  clock?: LegClock
  /** default FaultEntry.fault, default "manual" */
  label?: string
}

/** What a closeVia did: when it asked the node to close, after waiting how long for a connection. */
export interface ClosedVia {
  at: number
  waitedMs: number
}

/** A fault this leg's transport/engine cannot do (loss on TCP, reset on QUIC, ...). */
export class UnsupportedFaultError extends Error {
  constructor (action: string, transport: TransportName, hint: string) {
    super(`${action} is not supported on a ${transport} leg: ${hint}`)
    this.name = 'UnsupportedFaultError'
  }
}

interface ToxicJson {
  name: string
  type: string
  stream: Stream
  toxicity: number
  attributes: Record<string, number>
}

const systemClock: LegClock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => { await sleep(ms, undefined, { signal }) }
}

/** Larger than a QUIC ACK-only or PING packet (about 30-60 bytes), smaller than any packet with stream data worth the name. */
export const STALL_MAX_BYTES = 100

/** The transport check of harness/faults/action-rules.ts, as the error a Leg throws. */
function requireTransport (kind: FaultActionKind, transport: TransportName): void {
  if (!supportsTransport(kind, transport)) throw new UnsupportedFaultError(kind, transport, ACTION_RULES[kind].otherwise ?? `${kind} needs a ${ACTION_RULES[kind].transports.join(' or ')} leg`)
}

const streams = (direction: Direction): Stream[] => direction === 'both' ? ['upstream', 'downstream'] : [direction]

export class Leg {
  readonly name: LegName
  readonly dialer: string
  readonly listener: string
  readonly transport: TransportName
  private proxy: Proxy
  private readonly closeVia: (() => Promise<ClosedVia | void>) | undefined
  private readonly record: (entry: FaultEntry) => void
  private readonly clock: LegClock
  private readonly label: string
  /** the engine calls of the action before this one (see inTurn) */
  private turn: Promise<unknown> = Promise.resolve()
  /** which faults hold each toxic, and the leg down */
  private readonly holds = new FaultHolds()

  constructor (options: LegOptions) {
    this.name = options.name
    this.dialer = options.dialer
    this.listener = options.listener
    this.transport = options.transport
    this.proxy = options.proxy
    this.closeVia = options.closeVia
    this.record = options.record
    this.clock = options.clock ?? systemClock
    this.label = options.label ?? 'manual'
  }

  /** the proxy's name in its engine */
  get proxyName (): string { return this.proxy.name }
  /** the address the dialer is handed (host:port) */
  get proxyAddr (): string { return this.proxy.listen }
  /** the listener's real address */
  get upstreamAddr (): string { return this.proxy.upstream }

  /**
   * Points the proxy at the listener's new address (a restarted node whose container got a new
   * IP). Set-up, not a fault: nothing is recorded. The engines drop the proxy's live flows.
   */
  async retarget (upstream: string): Promise<void> {
    await this.inTurn(async () => {
      if (upstream === this.proxy.upstream) return
      await this.updateProxy({ enabled: this.proxy.enabled, upstream }, 'point')
    })
  }

  /** Drops the leg: toxiproxy closes its listener and every connection; the UDP proxy drops every datagram both ways. */
  async down (tag: FaultTag = {}): Promise<void> {
    await this.inTurn(async () => {
      const since = this.clock.now()
      this.holds.hold(DOWN, this.owner(tag))
      await this.setEnabled(false)
      this.emit('down', 'apply', tag, undefined, since)
    })
  }

  /** Ends a down (with `ownOnly`, this fault's: the leg comes up when no other fault holds it down). */
  async up (tag: FaultTag = {}): Promise<void> {
    await this.inTurn(async () => {
      const since = this.clock.now()
      if (tag.ownOnly !== true) this.holds.clear(DOWN)
      if (tag.ownOnly !== true || this.holds.release(DOWN, this.owner(tag))) await this.setEnabled(true)
      this.emit('up', 'heal', tag, undefined, since)
    })
  }

  /**
   * `times` x (down, wait downMs, up), with upMs between cycles. Each cycle is
   * recorded as fault "<fault>#<n>". Aborting brings the leg up before rejecting.
   */
  async flap (plan: { times: number, downMs: number, upMs: number }, options: FaultTag & { signal?: AbortSignal } = {}): Promise<void> {
    const { signal, ...tag } = options
    const base = tag.fault ?? this.label
    let isDown = false
    try {
      for (let i = 1; i <= plan.times; i++) {
        signal?.throwIfAborted()
        await this.down({ ...tag, fault: `${base}#${i}` })
        isDown = true
        await this.clock.sleep(plan.downMs, signal)
        await this.up({ ...tag, fault: `${base}#${i}` })
        isDown = false
        if (i < plan.times) await this.clock.sleep(plan.upMs, signal)
      }
    } finally {
      if (isDown) await this.up({ ...tag, ownOnly: false, fault: `${base}#aborted` })
    }
  }

  /**
   * Passes nothing in `direction` but keeps the leg's connections: on TCP a bandwidth
   * toxic of rate 0 (bytes wait, and flow on after heal()), on QUIC a blackhole toxic (datagrams are lost).
   */
  async blackhole (direction: Direction = 'both', tag: FaultTag = {}): Promise<void> {
    await this.inTurn(async () => {
      const since = this.clock.now()
      for (const stream of streams(direction)) {
        if (this.transport === 'tcp') await this.putToxic(`blackhole_${stream}`, 'bandwidth', stream, { rate: 0 }, this.owner(tag))
        else await this.putToxic(`blackhole_${stream}`, 'blackhole', stream, {}, this.owner(tag))
      }
      this.emit('blackhole', 'apply', tag, { direction }, since)
    })
  }

  /**
   * Adds ms +- jitterMs to every byte/datagram in `direction` (default both: each one-way delivery is
   * delayed by ms), in arrival order. QUIC only, `reorder`: each datagram leaves at its own drawn
   * time, so a later one may overtake an earlier one. 0 ms removes it.
   */
  async latency (ms: number, jitterMs = 0, options: FaultTag & { direction?: Direction, reorder?: boolean } = {}): Promise<void> {
    await this.inTurn(async () => {
      const since = this.clock.now()
      const { direction = 'both', reorder = false, ...tag } = options
      if (!Number.isInteger(ms) || !Number.isInteger(jitterMs) || ms < 0 || jitterMs < 0) throw new RangeError('latency and jitter must be non-negative integers (ms)')
      const spec: LatencySpec = { kind: 'latency', ms, jitterMs, direction, reorder }
      const narrower = narrowerTransports(spec)
      if (narrower !== undefined && !narrower.transports.includes(this.transport)) throw new UnsupportedFaultError('latency with reorder', this.transport, narrower.why)
      for (const stream of streams(direction)) {
        if (ms === 0 && jitterMs === 0) await this.dropToxic(`latency_${stream}`)
        // on QUIC always said, so an update in place from reordered to in order does not keep the old 1
        else await this.putToxic(`latency_${stream}`, 'latency', stream, { latency: ms, jitter: jitterMs, ...(this.transport === 'quic' ? { reorder: reorder ? 1 : 0 } : {}) }, this.owner(tag))
      }
      this.emit('latency', ms === 0 && jitterMs === 0 ? 'heal' : 'apply', tag, { ms, jitterMs, direction, ...(reorder ? { reorder } : {}) }, since)
    })
  }

  /** QUIC only: drops each datagram in `direction` with probability p. 0 removes it. */
  async loss (p: number, options: FaultTag & { direction?: Direction } = {}): Promise<void> {
    await this.inTurn(async () => {
      const since = this.clock.now()
      const { direction = 'both', ...tag } = options
      requireTransport('loss', this.transport)
      if (!(p >= 0 && p <= 1)) throw new RangeError('loss probability must be in [0, 1]')
      for (const stream of streams(direction)) {
        if (p === 0) await this.dropToxic(`loss_${stream}`)
        else await this.putToxic(`loss_${stream}`, 'loss', stream, { probability: p }, this.owner(tag))
      }
      this.emit('loss', p === 0 ? 'heal' : 'apply', tag, { p, direction }, since)
    })
  }

  /** TCP only: limits each direction to `rateKBps` kilobytes per second (toxiproxy's unit). */
  async bandwidth (rateKBps: number, options: FaultTag & { direction?: Direction } = {}): Promise<void> {
    await this.inTurn(async () => {
      const since = this.clock.now()
      const { direction = 'both', ...tag } = options
      requireTransport('bandwidth', this.transport)
      if (!Number.isInteger(rateKBps) || rateKBps <= 0) throw new RangeError('bandwidth must be a positive integer KB/s (rate 0 is blackhole())')
      for (const stream of streams(direction)) await this.putToxic(`bandwidth_${stream}`, 'bandwidth', stream, { rate: rateKBps }, this.owner(tag))
      this.emit('bandwidth', 'apply', tag, { rateKBps, direction }, since)
    })
  }

  /**
   * Data in `direction` makes no progress while the leg stays up (no idle timeout, no close).
   * QUIC: the UDP proxy drops datagrams larger than `maxBytes` (default 100), so ACK-only,
   * PING and other small packets pass and the connection stays alive, while every packet
   * carrying a stream frame of any size is lost and retransmitted in vain.
   * TCP: a bandwidth toxic of rate 0 holds the bytes (they flow on after heal()); the TCP
   * connections to the proxy stay up (the kernels ACK and keep alive), but in-band
   * keepalives (yamux pings) wait behind the held data like everything else.
   */
  async stall (direction: Direction = 'both', options: FaultTag & { maxBytes?: number } = {}): Promise<void> {
    await this.inTurn(async () => {
      const since = this.clock.now()
      const { maxBytes = STALL_MAX_BYTES, ...tag } = options
      if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new RangeError('stall maxBytes must be a positive integer')
      for (const stream of streams(direction)) {
        if (this.transport === 'tcp') await this.putToxic(`stall_${stream}`, 'bandwidth', stream, { rate: 0 }, this.owner(tag))
        else await this.putToxic(`stall_${stream}`, 'size_limit', stream, { bytes: maxBytes }, this.owner(tag))
      }
      this.emit('stall', 'apply', tag, this.transport === 'quic' ? { direction, maxBytes } : { direction }, since)
    })
  }

  /**
   * QUIC only: every datagram in `direction` is dropped for `burstMs`, every `everyMs`,
   * the first burst starting now (the schedule runs on the wall clock, so it is the
   * same for every flow of the leg and does not drift when other toxics change).
   */
  async burstLoss (burstMs: number, everyMs: number, options: FaultTag & { direction?: Direction } = {}): Promise<void> {
    await this.inTurn(async () => {
      const since = this.clock.now()
      const { direction = 'both', ...tag } = options
      if (this.transport !== 'quic') throw new UnsupportedFaultError('burst-loss', this.transport, 'TCP retransmits every byte; use blackhole with a duration, or latency')
      if (!Number.isInteger(burstMs) || !Number.isInteger(everyMs) || burstMs < 1 || everyMs <= burstMs) throw new RangeError('burst-loss needs integer ms with 0 < burstMs < everyMs')
      for (const stream of streams(direction)) await this.putToxic(`burst_loss_${stream}`, 'burst_loss', stream, { period: everyMs, duration: burstMs, offset: since % everyMs }, this.owner(tag))
      this.emit('burst-loss', 'apply', tag, { burstMs, everyMs, direction }, since)
    })
  }

  /**
   * TCP only: toxiproxy's reset_peer. The leg's connections are closed as soon as
   * data passes (RST on connections made while it is on), and every redial is too, until heal().
   */
  async reset (tag: FaultTag = {}): Promise<void> {
    await this.inTurn(async () => {
      const since = this.clock.now()
      requireTransport('reset', this.transport)
      for (const stream of streams('both')) await this.putToxic(`reset_${stream}`, 'reset_peer', stream, { timeout: 0 }, this.owner(tag))
      this.emit('reset', 'apply', tag, undefined, since)
    })
  }

  /** QUIC only: moves the leg's flows to a new upstream source port (a NAT rebinding; QUIC path migration). */
  async rebind (tag: FaultTag = {}): Promise<void> {
    await this.inTurn(async () => {
      const since = this.clock.now()
      requireTransport('rebind', this.transport)
      await this.putToxic('rebind', 'rebind', 'upstream', {}, this.owner(tag))
      await this.dropToxic('rebind')
      this.emit('rebind', 'apply', tag, undefined, since)
    })
  }

  /** Asks an endpoint to close the leg through its control API (a graceful close, not a network fault). */
  async close (tag: FaultTag = {}): Promise<void> {
    const since = this.clock.now()
    if (this.closeVia === undefined) throw new Error(`leg ${this.name} has no closeVia: the harness did not give it a node control API`)
    const closed: ClosedVia | undefined = (await this.closeVia()) ?? undefined
    // a close that first waited for the leg's redial happened when it was asked, not when it was due
    this.emit('close', 'apply', tag, closed !== undefined && closed.waitedMs > 0 ? { waitedForRedialMs: closed.waitedMs } : undefined, closed?.at ?? since)
  }

  /**
   * Removes every toxic of the leg's proxy and enables it; with `ownOnly`, only the toxics this
   * fault placed that no other live fault holds, and enables the leg if this fault held it down
   * and nothing else does.
   */
  async heal (tag: FaultTag = {}): Promise<void> {
    await this.inTurn(async () => {
      const since = this.clock.now()
      if (tag.ownOnly === true) await this.endOwn(this.owner(tag))
      else {
        // one listing: each toxic in it exists, so it is deleted without asking again
        for (const toxic of await this.toxics()) await this.deleteToxic(toxic.name)
        this.holds.clearAll()
        await this.setEnabled(true)
      }
      this.emit('heal', 'heal', tag, undefined, since)
    })
  }

  /**
   * Runs one action's engine calls after the previous action's have finished. Two faults of a
   * scenario may hold one leg at once (a random blackhole and a bearing-of stall), and their heals
   * can fall in the same millisecond: each lists the toxics and deletes what it saw, so without
   * turns the second delete met 404 "toxic not found" and its fault counted as not applied. An
   * action's `since` is taken inside its turn, so the history says when it was sent to the engine.
   */
  private async inTurn (action: () => Promise<void>): Promise<void> {
    const mine = this.turn.then(action, action)
    this.turn = mine.catch(() => { /* the caller gets this action's error; the next one still runs */ })
    await mine
  }

  private async endOwn (fault: string): Promise<void> {
    const present = new Set((await this.toxics()).map(t => t.name))
    for (const key of this.holds.heldBy(fault)) {
      if (!this.holds.release(key, fault)) continue
      if (key === DOWN) await this.setEnabled(true)
      else if (present.has(key)) await this.deleteToxic(key)
    }
  }

  private owner (tag: FaultTag): string { return tag.fault ?? this.label }

  /** The toxics the proxy has now, as the engine reports them. */
  async toxics (): Promise<ToxicJson[]> {
    const res = await this.proxy.api.get(`${this.proxy.getPath()}/toxics`)
    return res.data as ToxicJson[]
  }

  private async setEnabled (enabled: boolean): Promise<void> {
    await this.updateProxy({ enabled, upstream: this.proxy.upstream }, enabled ? 'enable' : 'disable')
  }

  /**
   * Updates the proxy (its listen address kept). Sent directly rather than through the client, whose
   * error drops the engine's answer: a failed `up` must say why (toxiproxy: the port could not be bound again).
   */
  private async updateProxy (fields: { enabled: boolean, upstream: string }, what: string): Promise<void> {
    const res = await fetch(this.proxy.getPath(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...fields, listen: this.proxy.listen })
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`the ${this.transport} engine could not ${what} the proxy of leg ${this.name} on ${this.proxy.listen} (HTTP ${res.status}: ${text.trim() === '' ? 'no reason given' : text.trim()})`)
    this.proxy = new Proxy(this.proxy.getToxiproxy(), JSON.parse(text))
  }

  /** Adds the toxic, or updates it in place when it exists (a second latency() changes the first). */
  private async putToxic (name: string, type: string, stream: Stream, attributes: Record<string, number>, holder: string): Promise<void> {
    this.holds.hold(name, holder)
    const existing = (await this.toxics()).find((t) => t.name === name)
    if (existing !== undefined && existing.type === type) {
      await this.proxy.api.post(`${this.proxy.getPath()}/toxics/${encodeURIComponent(name)}`, { attributes, toxicity: 1 })
      return
    }
    if (existing !== undefined) await this.deleteToxic(name)
    // the client's ToxicType lists toxiproxy's types only; the UDP proxy adds loss, blackhole, rebind
    await this.proxy.addToxic({ name, type: type as ToxicType, stream, toxicity: 1, attributes })
  }

  /** Removes the toxic if the proxy has it. */
  private async dropToxic (name: string): Promise<void> {
    this.holds.clear(name)
    if ((await this.toxics()).some((t) => t.name === name)) await this.deleteToxic(name)
  }

  /** Removes a toxic the caller just saw in the proxy's listing. */
  private async deleteToxic (name: string): Promise<void> {
    await this.proxy.api.delete(`${this.proxy.getPath()}/toxics/${encodeURIComponent(name)}`)
  }

  /** `since` is when the action was sent to the engine: it may take effect from then on (a TCP down closes the leg before the engine answers). */
  private emit (action: FaultAction, phase: 'apply' | 'heal', tag: FaultTag, params: Record<string, unknown> | undefined, since: number): void {
    const entry: FaultEntry = { kind: 'fault', ts: since, fault: tag.fault ?? this.label, action, phase, leg: this.name }
    if (tag.selector !== undefined) entry.selector = tag.selector
    if (tag.dialerLeg !== undefined) entry.dialerLeg = tag.dialerLeg
    if (tag.listenerLeg !== undefined) entry.listenerLeg = tag.listenerLeg
    if (params !== undefined) entry.params = params
    if (phase === 'apply' && tag.hit !== undefined) entry.hit = tag.hit
    if (phase === 'apply' && tag.mustHit === true) entry.mustHit = true
    if (phase === 'apply' && tag.legDeathWithinMs !== undefined) entry.legDeathWithinMs = tag.legDeathWithinMs
    this.record(entry)
  }
}
