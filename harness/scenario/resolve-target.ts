/**
 * Selectors, decided: a fault's `target` plus the live status of every node
 * -> the harness legs to hit, each with the node-local connection ids it has
 * right now. Pure (Jepsen's "decide, then apply"): the runner reads status,
 * calls this, then applies the action to the legs it returns.
 *
 *   pair (A, B) has two legs:   A>B  (A dialed; at A "outbound" to B, at B "inbound" from A)
 *                               B>A  (B dialed; at A "inbound" from B, at B "outbound" to A)
 *   bearing-of: A      the leg whose connection at A holds A's gossip `outbound` stream to B
 *   non-bearing-of: A  the pair's other leg
 *   outbound-of: A     A>B            inbound-of: A   B>A
 *
 * When the status cannot tell (A holds no outbound gossip stream to B right
 * now, or no status from A), the pair is returned as `unresolved` with the
 * reason: never a guess.
 */
import type { LegName } from '../history/types.ts'
import { pickIndex, type Rng } from './seeded-rng.ts'
import { peering, peersOf, type LegView, type StatusSnapshot } from './status-snapshot.ts'
import type { LegRole, Target } from './types.ts'

/** One leg a target resolved to. */
export interface TargetedLeg {
  leg: LegName
  dialer: string
  listener: string
  /** the dialer's connection id for this leg now (absent: the leg has no live connection at the dialer) */
  dialerLeg?: string
  /** the listener's connection id for this leg now */
  listenerLeg?: string
  /** the selector as written plus the pair, e.g. "bearing-of: A (A,B)" (FaultEntry.selector) */
  selector: string
  /** why this leg, e.g. "holds A's outbound gossip stream to B (stream 3/o1 on A's connection 3)" */
  why: string
}

/** A pair the status could not decide for. */
export interface UnresolvedPair {
  pair: [string, string]
  selector: string
  reason: string
  /**
   * set when the node (the selector's `of`) held outbound gossip streams to its peer on several legs:
   * "the bearing leg" does not exist for it, so its stack, not the harness, left the selector without
   * a target (the matrix counts such a run as not applicable for a stack that keeps a stream per leg)
   */
  severalBearingLegs?: string
}

export interface TargetResolution {
  legs: TargetedLeg[]
  unresolved: UnresolvedPair[]
}

const ROLE_KEY: Record<LegRole, string> = { bearing: 'bearing-of', 'non-bearing': 'non-bearing-of', outbound: 'outbound-of', inbound: 'inbound-of' }

/** The selector as a user wrote it, e.g. "bearing-of: A (A,B)", "bearing-of: A (every peer)", "random (any leg)". */
export function selectorText (target: Target, pair?: readonly [string, string]): string {
  const p = pair ?? (target.kind === 'role' || target.kind === 'random' ? target.pair : undefined)
  const scope = p !== undefined ? `(${p[0]},${p[1]})` : target.kind === 'random' ? '(any leg)' : '(every peer)'
  switch (target.kind) {
    case 'role': return `${ROLE_KEY[target.role]}: ${target.of} ${scope}`
    case 'role-of-random': return p === undefined
      ? `${ROLE_KEY[target.role]}: ${target.count} random node(s)`
      : `${ROLE_KEY[target.role]}: ${p[0]} ${scope}, drawn from ${target.count} random node(s)`
    case 'random': return `random ${scope}`
    case 'all-legs-of': return `all-legs-of: ${target.node}`
  }
}

/** How a target is decided beyond its selector. */
export interface ResolveOptions {
  /** `random`: draw among the legs whose dialer has a live connection (all of them when none has) */
  liveLegsOnly?: boolean
  /**
   * `random`: legs another fault holds right now (down, stalled, lossy, mid-flap): the draw skips
   * them (all of them held: draws among all). A random fault landing on a leg another fault already
   * holds would rescue or mask it: a flap on a stalled leg closes it, and the wedged stream a
   * correct node must detect gets reopened by the flap instead.
   */
  heldLegs?: ReadonlySet<LegName>
}

export function resolveTarget (target: Target, snapshot: StatusSnapshot, rng: Rng, options: ResolveOptions = {}): TargetResolution {
  const out: TargetResolution = { legs: [], unresolved: [] }
  const ends = new LegEnds(snapshot)
  switch (target.kind) {
    case 'all-legs-of': {
      for (const peer of peersOf(snapshot, target.node)) {
        const selector = selectorText(target)
        out.legs.push(ends.leg(target.node, peer, selector, `dialed by ${target.node}`))
        out.legs.push(ends.leg(peer, target.node, selector, `dialed by ${peer}`))
      }
      return out
    }
    case 'random': {
      if (target.pair !== undefined && !peering(snapshot, target.pair[0], target.pair[1])) {
        out.unresolved.push(notPeering(target.pair, selectorText(target)))
        return out
      }
      // only legs that exist: with `peers: { degree }` a pair that does not peer has none
      const all: Array<[string, string]> = target.pair !== undefined
        ? [[target.pair[0], target.pair[1]], [target.pair[1], target.pair[0]]]
        : snapshot.nodes.flatMap(d => peersOf(snapshot, d).map((l): [string, string] => [d, l]))
      const live = options.liveLegsOnly === true ? all.filter(([d, l]) => ends.dialerConnection(d, l) !== undefined) : all
      const usable = live.length > 0 ? live : all
      const free = usable.filter(([d, l]) => options.heldLegs?.has(`${d}>${l}`) !== true)
      const candidates = free.length > 0 ? free : usable
      const [dialer, listener] = candidates[pickIndex(rng, candidates.length)] as [string, string]
      const why = [usable.length < all.length ? 'with a live connection' : '', candidates.length < usable.length ? 'no other fault holds' : ''].filter(w => w !== '').join(' and ')
      const of = why === '' ? `${all.length} leg(s)` : `the ${candidates.length} of ${all.length} leg(s) ${why}`
      out.legs.push(ends.leg(dialer, listener, selectorText(target), `drawn from ${of} by the seed`))
      return out
    }
    case 'role-of-random': {
      // draw `count` distinct nodes: a seeded partial Fisher-Yates over the run's node order
      const pool = [...snapshot.nodes]
      const drawn: string[] = []
      for (let i = 0; i < Math.min(target.count, pool.length); i++) {
        const j = i + pickIndex(rng, pool.length - i)
        const tmp = pool[i] as string
        pool[i] = pool[j] as string
        pool[j] = tmp
        drawn.push(pool[i] as string)
      }
      for (const of of drawn) {
        for (const peer of peersOf(snapshot, of)) resolveRole(target.role, of, peer, selectorText(target, [of, peer]), ends, out)
      }
      return out
    }
    case 'role': {
      const peers = target.pair !== undefined
        ? [target.pair[0] === target.of ? target.pair[1] : target.pair[0]]
        : peersOf(snapshot, target.of)
      if (target.pair !== undefined && !peering(snapshot, target.pair[0], target.pair[1])) {
        out.unresolved.push(notPeering(target.pair, selectorText(target)))
        return out
      }
      for (const peer of peers) resolveRole(target.role, target.of, peer, selectorText(target, [target.of, peer]), ends, out)
      return out
    }
  }
}

/** A pair named by a selector that has no legs in this run's topology: said, never guessed. */
function notPeering (pair: readonly [string, string], selector: string): UnresolvedPair {
  return { pair: [pair[0], pair[1]], selector, reason: `${pair[0]} and ${pair[1]} do not peer in this run's topology (peers: { degree }): the pair has no legs` }
}

function resolveRole (role: LegRole, a: string, b: string, selector: string, ends: LegEnds, out: TargetResolution): void {
  if (role === 'outbound') { out.legs.push(ends.leg(a, b, selector, `${a} dialed it`)); return }
  if (role === 'inbound') { out.legs.push(ends.leg(b, a, selector, `${b} dialed it`)); return }
  const status = ends.snapshot.status.get(a)
  if (status?.unreported?.includes('streams') === true) { resolveFromPeer(role, a, b, selector, ends, out); return }
  if (status === undefined) {
    out.unresolved.push({ pair: [a, b], selector, reason: `no status from ${a}: cannot tell which leg holds its outbound gossip stream to ${b}` })
    return
  }
  const bPeer = ends.peerIdOf(b)
  const bearing = status.legs.filter(l => l.peer === bPeer && l.streams.some(s => s.gossip === 'outbound'))
  if (bearing.length !== 1) {
    const reason = bearing.length === 0
      ? `${a} holds no outbound gossip stream to ${b} right now`
      : `${a} has outbound gossip streams to ${b} on ${bearing.length} connections (${bearing.map(l => l.id).join(', ')})`
    out.unresolved.push({ pair: [a, b], selector, reason, ...(bearing.length > 1 ? { severalBearingLegs: a } : {}) })
    return
  }
  const conn = bearing[0] as LegView
  const stream = conn.streams.find(s => s.gossip === 'outbound')?.id ?? '?'
  const bearingLeg: [string, string] = conn.direction === 'outbound' ? [a, b] : [b, a]
  if (role === 'bearing') {
    out.legs.push(ends.leg(bearingLeg[0], bearingLeg[1], selector, `holds ${a}'s outbound gossip stream to ${b} (stream ${stream} on ${a}'s connection ${conn.id})`))
  } else {
    out.legs.push(ends.leg(bearingLeg[1], bearingLeg[0], selector, `the other leg: ${a}'s outbound gossip stream to ${b} is on ${bearingLeg.join('>')} (stream ${stream} on ${a}'s connection ${conn.id})`))
  }
}

/**
 * `a` reports no streams: its outbound gossip stream to `b` is the stream `b`'s gossipsub reads from `a`,
 * so `b`'s status tells which leg bears it (when `b` reports streams).
 */
function resolveFromPeer (role: 'bearing' | 'non-bearing', a: string, b: string, selector: string, ends: LegEnds, out: TargetResolution): void {
  const peerStatus = ends.snapshot.status.get(b)
  if (peerStatus === undefined || peerStatus.unreported?.includes('streams') === true) {
    const why = peerStatus === undefined ? `no status from ${b}` : `${b} does not report streams either`
    out.unresolved.push({ pair: [a, b], selector, reason: `${a} does not report streams and ${why}: cannot tell which leg holds ${a}'s outbound gossip stream to ${b}` })
    return
  }
  const aPeer = ends.peerIdOf(a)
  const reading = peerStatus.legs.filter(l => l.peer === aPeer && l.streams.some(s => s.gossip === 'inbound'))
  if (reading.length !== 1) {
    out.unresolved.push({
      pair: [a, b],
      selector,
      reason: reading.length === 0
        ? `${a} does not report streams, and ${b} reads no gossip stream from ${a} right now`
        : `${a} does not report streams, and ${b} reads gossip streams from ${a} on ${reading.length} connections (${reading.map(l => l.id).join(', ')})`,
      ...(reading.length > 1 ? { severalBearingLegs: a } : {})
    })
    return
  }
  const conn = reading[0] as LegView
  const stream = conn.streams.find(s => s.gossip === 'inbound')?.id ?? '?'
  // at b, an inbound connection is one a dialed
  const bearingLeg: [string, string] = conn.direction === 'inbound' ? [a, b] : [b, a]
  const seen = `as ${b} sees it: ${b} reads it as stream ${stream} on ${b}'s connection ${conn.id}; ${a} does not report streams`
  if (role === 'bearing') out.legs.push(ends.leg(bearingLeg[0], bearingLeg[1], selector, `holds ${a}'s outbound gossip stream to ${b} (${seen})`))
  else out.legs.push(ends.leg(bearingLeg[1], bearingLeg[0], selector, `the other leg: ${a}'s outbound gossip stream to ${b} is on ${bearingLeg.join('>')} (${seen})`))
}

/** Finds each end's connection of a harness leg in the snapshot. */
class LegEnds {
  readonly snapshot: StatusSnapshot
  private readonly peerIds: Map<string, string>

  constructor (snapshot: StatusSnapshot) {
    this.snapshot = snapshot
    this.peerIds = new Map([...snapshot.names].map(([id, name]) => [name, id]))
  }

  peerIdOf (name: string): string | undefined {
    return this.peerIds.get(name) ?? this.snapshot.status.get(name)?.peerId
  }

  /** The dialer's connection for the leg dialer>listener now (undefined: none live). */
  dialerConnection (dialer: string, listener: string): string | undefined {
    return this.connection(dialer, listener, 'outbound')
  }

  leg (dialer: string, listener: string, selector: string, why: string): TargetedLeg {
    const dialerLeg = this.dialerConnection(dialer, listener)
    const listenerLeg = this.connection(listener, dialer, 'inbound')
    return {
      leg: `${dialer}>${listener}`,
      dialer,
      listener,
      ...(dialerLeg !== undefined ? { dialerLeg } : {}),
      ...(listenerLeg !== undefined ? { listenerLeg } : {}),
      selector,
      why
    }
  }

  /** `node`'s connection to `peer` in `direction`; with several (a redial overlapping the old one), the one with gossip streams, then the newest. */
  private connection (node: string, peer: string, direction: string): string | undefined {
    const peerId = this.peerIdOf(peer)
    const conns = (this.snapshot.status.get(node)?.legs ?? []).filter(l => l.peer === peerId && l.direction === direction)
    conns.sort((x, y) => Number(y.streams.some(s => s.gossip !== undefined)) - Number(x.streams.some(s => s.gossip !== undefined)) ||
      (y.openedAt ?? 0) - (x.openedAt ?? 0))
    return conns[0]?.id
  }
}
