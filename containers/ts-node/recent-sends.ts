/**
 * The gossip messages written lately to each peer's outbound stream, kept so a
 * stream that closes can have its possibly-lost tail re-sent on its successor.
 *
 * Why a tail can be lost although every write succeeded: a libp2p connection
 * close is not a half-close handshake. Closing a leg gracefully flushes the
 * closing side's writes, then closes the socket; bytes the OTHER side wrote a
 * moment earlier and that are still in flight (socket buffers, a proxy, the
 * network) arrive at a closed socket and are gone. Neither side errors, and the
 * sender counted the peer as a recipient. No ack exists at the gossip layer,
 * so the sender re-sends what it wrote in the last `windowMs` before the close;
 * the peer's seen-cache drops the copies it already had.
 *
 *   t0 write M on stream s1 (leg 1) ─┐ in flight
 *   t1 leg 1 closed by the peer      ─┘ M lost
 *   t2 s2 opens on leg 2: re-send every message written on s1 in [t1 - windowMs, t1]
 */
/**
 * Marks an RPC the leg discipline writes again on a successor stream because its
 * GRAFT/PRUNE may have been lost with the old one (the encoder ignores symbol keys;
 * mutant `control-to-dead-leg` drops exactly these).
 */
export const RESENT_CONTROL = Symbol('meshflap.resentControl')

export interface SentBatch<S, M> {
  at: number
  stream: S
  messages: M[]
}

export class RecentSends<S, M> {
  private readonly byPeer = new Map<string, Array<SentBatch<S, M>>>()
  private readonly windowMs: number
  private readonly now: () => number

  constructor (windowMs: number, now: () => number = Date.now) {
    this.windowMs = windowMs
    this.now = now
  }

  record (peer: string, stream: S, messages: M[]): void {
    if (messages.length === 0) return
    const batches = this.byPeer.get(peer) ?? []
    batches.push({ at: this.now(), stream, messages })
    this.byPeer.set(peer, batches)
    this.prune(peer)
  }

  /**
   * The messages written to `peer` on any stream other than `current`, no
   * earlier than `windowMs` before `closedAt`, oldest first. They are forgotten:
   * once re-sent they are recorded again against `current`.
   */
  takeUnconfirmed (peer: string, current: S, closedAt: number): M[] {
    const batches = this.byPeer.get(peer) ?? []
    const from = closedAt - this.windowMs
    const taken = batches.filter(b => b.stream !== current && b.at >= from)
    const kept = batches.filter(b => b.stream === current)
    if (kept.length > 0) this.byPeer.set(peer, kept)
    else this.byPeer.delete(peer)
    return taken.flatMap(b => b.messages)
  }

  forget (peer: string): void {
    this.byPeer.delete(peer)
  }

  /** Peers with anything recorded (for dropping peers gossip no longer knows). */
  peers (): string[] {
    return [...this.byPeer.keys()]
  }

  private prune (peer: string): void {
    const batches = this.byPeer.get(peer)
    if (batches == null) return
    // keep a generous horizon: a reopen may take a while after the close it follows
    const horizon = this.now() - 10 * this.windowMs
    while (batches.length > 0 && batches[0]!.at < horizon) batches.shift()
  }
}
