/**
 * The node's legs: every connection to a peer, in either direction.
 *
 *   configured peer ──dial(force)──> our outbound leg   (redialed with backoff when it closes)
 *   remote's dial    ──────────────> our inbound leg    (accepted, never redialed by us)
 *
 * Emits leg_open / leg_close and owns the redial loop. Only configured dial
 * addresses are ever dialed (the connection gater in node.ts enforces it), so
 * in a meshflap run every leg goes through its own fault proxy.
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import type { EventLog } from './events.ts'
import type { NodeConfig, PeerEntry } from '../../harness/contract/node-config.ts'

export type Transport = 'quic' | 'tcp'

export function transportOf (addr: string): Transport {
  return addr.includes('/quic') ? 'quic' : 'tcp'
}

/**
 * How long one redial attempt may take. A dial begun during an outage waits in QUIC's own handshake
 * backoff (the Initial is sent again after about 1, 2, 4 s) well past the outage's end: in field-shaped
 * (seeds 105 and 109) a node's redial begun inside a stall failed only 7 s later, 4 s after the stall
 * had healed, and the node had no leg to that peer for 4 slots. A handshake takes milliseconds on
 * loopback and under a second at a 300 ms RTT; the next attempt follows within `redial.maxMs`.
 * The first dial to a peer keeps the long bound (a loaded machine boots slowly). A dial to a peer
 * already configured (POST /v1/dial again, as the `simultaneous-dial` fault does mid-run) is a
 * redial and gets the short one: in field-shaped (seed 104) such a dial waited out the 10 s and
 * the pair held one leg for 10 slots, where a failed 2 s attempt is followed by a redial.
 */
export const REDIAL_ATTEMPT_MS = 2000
export const FIRST_DIAL_MS = 10_000

interface PeerDialState {
  entry: PeerEntry
  /** `<addr>/p2p/<peerId>`, parsed once per configured peer: a redial storm re-parsed it (and the peer id in it) every attempt */
  target?: Multiaddr
  attempt: number
  /** no dial to this peer was made before (the long bound applies to its first attempt) */
  firstEver: boolean
  dialing: boolean
  timer?: NodeJS.Timeout
}

/** scheduleRedial counts attempts before dialing: attempt 0 is an addPeer's own dial */
function dialBoundMs (state: PeerDialState): number {
  return state.attempt === 0 && state.firstEver ? FIRST_DIAL_MS : REDIAL_ATTEMPT_MS
}

export class LegBook {
  private readonly node: Libp2p
  private readonly events: EventLog
  private readonly redial: NodeConfig['redial']
  private readonly peers = new Map<string, PeerDialState>()
  private readonly closingByApi = new Set<string>()
  private readonly closeReasons = new Map<string, string>()
  private readonly dialFailedListeners: Array<(peer: string) => void> = []
  private readonly closedListeners: Array<(leg: Connection) => void> = []
  private stopped = false

  constructor (node: Libp2p, events: EventLog, redial: NodeConfig['redial']) {
    this.node = node
    this.events = events
    this.redial = { ...redial }
    node.addEventListener('connection:open', evt => { this.onOpen(evt.detail) })
    node.addEventListener('connection:close', evt => { this.onClose(evt.detail) })
  }

  /** Dial addresses the node may use: the gater refuses every other address. */
  isAllowedDial (addr: string): boolean {
    for (const s of this.peers.values()) {
      if (addr === s.entry.addr || addr.startsWith(`${s.entry.addr}/p2p/`)) return true
    }
    return false
  }

  isDialing (peer: string): boolean {
    return this.peers.get(peer)?.dialing === true
  }

  isConfigured (peer: string): boolean {
    return this.peers.has(peer)
  }

  configuredPeers (): PeerEntry[] {
    return [...this.peers.values()].map(s => s.entry)
  }

  onDialFailed (listener: (peer: string) => void): void {
    this.dialFailedListeners.push(listener)
  }

  /** Called as soon as libp2p reports a leg closed, before its streams' own close events may arrive. */
  onLegClosed (listener: (leg: Connection) => void): void {
    this.closedListeners.push(listener)
  }

  setRedial (enabled: boolean): void {
    this.redial.enabled = enabled
    if (!enabled) for (const s of this.peers.values()) clearTimeout(s.timer)
    else for (const s of this.peers.values()) this.ensureOutbound(s)
  }

  get redialEnabled (): boolean { return this.redial.enabled }

  /** Adds (or re-points) a configured peer and dials it now; resolves with the new leg. */
  async addPeer (entry: PeerEntry): Promise<Connection> {
    const prior = this.peers.get(entry.peerId)
    if (prior != null) clearTimeout(prior.timer)
    const state: PeerDialState = { entry, attempt: 0, firstEver: prior == null, dialing: false }
    this.peers.set(entry.peerId, state)
    return await this.dial(state)
  }

  legs (): Connection[] {
    return this.node.getConnections()
  }

  legById (id: string): Connection | undefined {
    return this.node.getConnections().find(c => c.id === id)
  }

  openLegsTo (peer: string): Connection[] {
    return this.node.getConnections().filter(c => c.remotePeer.toString() === peer && c.status === 'open')
  }

  async closeLeg (id: string, abort: boolean): Promise<boolean> {
    const conn = this.legById(id)
    if (conn == null) return false
    this.closingByApi.add(id)
    if (abort) conn.abort(new Error('closed through the control API (abort)'))
    else await conn.close()
    return true
  }

  /** Aborts a leg this node judged unusable (wedge-probe.ts); `reason` becomes its leg_close reason. */
  abortLeg (conn: Connection, reason: string): void {
    this.closeReasons.set(conn.id, reason)
    conn.abort(new Error(reason))
  }

  stop (): void {
    this.stopped = true
    for (const s of this.peers.values()) clearTimeout(s.timer)
  }

  private async dial (state: PeerDialState): Promise<Connection> {
    const { peerId, addr } = state.entry
    state.dialing = true
    try {
      // parsed inside the try: a bad address stays a failed dial (error event, redial), as before
      state.target ??= multiaddr(`${addr}/p2p/${peerId}`)
      const conn = await this.node.dial(state.target, { force: true, signal: AbortSignal.timeout(dialBoundMs(state)) })
      state.attempt = 0
      return conn
    } catch (err) {
      this.events.emit('error', { message: `dial ${peerId} at ${addr} failed: ${(err as Error).message}`, peer: peerId, addr })
      this.scheduleRedial(state)
      for (const l of this.dialFailedListeners) l(peerId)
      throw err
    } finally {
      state.dialing = false
    }
  }

  private ensureOutbound (state: PeerDialState): void {
    const hasOutbound = this.openLegsTo(state.entry.peerId).some(c => c.direction === 'outbound')
    if (!hasOutbound && !state.dialing) this.scheduleRedial(state)
  }

  private scheduleRedial (state: PeerDialState): void {
    if (this.stopped || !this.redial.enabled || this.peers.get(state.entry.peerId) !== state) return
    clearTimeout(state.timer)
    const delay = Math.min(this.redial.maxMs, this.redial.minMs * 2 ** state.attempt)
    state.attempt++
    state.timer = setTimeout(() => {
      if (this.stopped || this.openLegsTo(state.entry.peerId).some(c => c.direction === 'outbound')) return
      this.dial(state).catch(() => { /* logged as an error event, redial already scheduled */ })
    }, delay)
  }

  private onOpen (conn: Connection): void {
    this.events.emit('leg_open', {
      leg: conn.id,
      peer: conn.remotePeer.toString(),
      direction: conn.direction,
      transport: transportOf(conn.remoteAddr.toString()),
      remote: conn.remoteAddr.toString(),
      local: localAddrOf(conn)
    })
    conn.addEventListener('close', evt => {
      const error = (evt as Event & { error?: Error }).error
      if (error != null && !this.closeReasons.has(conn.id)) this.closeReasons.set(conn.id, `error: ${error.message}`)
    }, { once: true })
  }

  private onClose (conn: Connection): void {
    const reason = this.closingByApi.delete(conn.id) ? 'api-close' : (this.closeReasons.get(conn.id) ?? 'closed')
    this.closeReasons.delete(conn.id)
    const peer = conn.remotePeer.toString()
    this.events.emit('leg_close', { leg: conn.id, peer, direction: conn.direction, reason })
    for (const l of this.closedListeners) l(conn)
    const state = this.peers.get(peer)
    if (conn.direction === 'outbound' && state != null) this.ensureOutbound(state)
  }
}

export function localAddrOf (conn: Connection): string | undefined {
  const local = (conn as Connection & { localAddr?: { toString: () => string } }).localAddr
  return local?.toString()
}

export function peerIdString (p: PeerId | string): string {
  return typeof p === 'string' ? p : p.toString()
}
