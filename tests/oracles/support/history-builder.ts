/**
 * Writes small, consistent run histories by hand for the verdict tests: a
 * script of leg, stream and fault events, and per-slot publishing whose
 * deliveries follow the gossip streams open at publish time (direct when the
 * publisher has an outbound stream to the receiver, else relayed through one
 * node that has both), unless the script overrides a delivery.
 *
 *   const b = new HistoryBuilder({ ... })
 *   b.mesh(-1500)                       // every pair's two legs, each node's stream on its own outbound leg
 *   b.fault('faults[0]', 'down', 'apply', 'A>B', 2100)
 *   b.closeLeg('A>B', 2700)             // both ends, and the streams riding it
 *   b.slots()                           // publish every slot, deliver along open streams
 *   b.end(8200)
 *
 * Times are ms relative to genesis. Every node event gets its per-node seq.
 */
import type { FaultAction, FaultEntry, History, HistoryEntry, LegName, NodeEntry, RunNode } from '../../../harness/history/types.ts'
import { asNodeEvent } from '../../../harness/contract/node-events.ts'

export interface BuilderNode { name: string, validators: number[], aggregator?: boolean, impl?: RunNode['impl'] }

/** Four nodes over 32 validators (A 12, B 7, C 7, D 6), D the aggregator: the environment tests' devnet. */
export const FOUR_NODES_32: readonly BuilderNode[] = [
  { name: 'A', validators: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
  { name: 'B', validators: [12, 13, 14, 15, 16, 17, 18] },
  { name: 'C', validators: [19, 20, 21, 22, 23, 24, 25] },
  { name: 'D', validators: [26, 27, 28, 29, 30, 31], aggregator: true }
]

export interface BuilderOptions {
  scenario: string
  seed?: number
  genesisMs?: number
  slotMs?: number
  slots: number
  validatorCount: number
  nodes: readonly BuilderNode[]
  transport?: 'quic' | 'tcp'
  /** a GossipPolicy, or another stack's label for a history that shows its behaviour */
  policy?: RunNode['gossipPolicy']
  /** the pairs that peer (`peers: { degree }`): only they have legs; absent = every pair */
  peering?: Array<[string, string]>
}

/** A delivery decision for (publisher, receiver, validator, slot): ms after publishing, null = never, undefined = follow the streams. */
export type DeliveryOverride = (d: { publisher: string, receiver: string, validator: number, slot: number }) => number | null | undefined

interface Conn { node: string, id: string, peer: string, direction: 'outbound' | 'inbound', leg: LegName, open: boolean }
interface Stream { node: string, id: string, conn: Conn, peer: string, direction: 'outbound' | 'inbound', open: boolean }

export class HistoryBuilder {
  readonly genesisMs: number
  readonly slotMs: number
  readonly opts: BuilderOptions
  private readonly entries: Array<{ entry: HistoryEntry, order: number }> = []
  private readonly seq = new Map<string, number>()
  private readonly conns: Conn[] = []
  private readonly streams: Stream[] = []
  private readonly exited = new Set<string>()
  private counter = 0
  private order = 0

  constructor (opts: BuilderOptions) {
    this.opts = opts
    this.genesisMs = opts.genesisMs ?? 1_795_471_780_000
    this.slotMs = opts.slotMs ?? 1000
    const runNodes: RunNode[] = opts.nodes.map((n, index) => ({
      name: n.name, index, peerId: this.peerId(n.name), impl: n.impl ?? 'ts', gossipPolicy: opts.policy ?? 'leg-aware', validators: n.validators, aggregator: n.aggregator === true
    }))
    const transport = opts.transport ?? 'quic'
    let port = 40000
    const legs = opts.nodes.flatMap(d => opts.nodes.filter(l => l !== d && this.peers(d.name, l.name)).map(l => {
      port++
      const proto = transport === 'quic' ? `udp/${port}/quic-v1` : `tcp/${port}`
      return { name: `${d.name}>${l.name}` as LegName, dialer: d.name, listener: l.name, transport, proxyAddr: `/ip4/127.0.0.1/${proto}`, upstreamAddr: `/ip4/127.0.0.1/${proto.replace(/\d+/, String(port + 1000))}`, proxy: `leg-${d.name}-${l.name}` }
    }))
    this.push({
      kind: 'run_start', ts: this.genesisMs - 2000, runId: `run-${opts.scenario}`, scenario: opts.scenario, seed: opts.seed ?? 1, runtime: 'process',
      genesisMs: this.genesisMs, slotMs: this.slotMs, slots: opts.slots, validatorCount: opts.validatorCount, nodes: runNodes, legs
    })
  }

  /** Whether a and b peer (have legs): every pair unless `peering` says otherwise. */
  peers (a: string, b: string): boolean {
    return this.opts.peering === undefined || this.opts.peering.some(([x, y]) => (x === a && y === b) || (x === b && y === a))
  }

  peerId (name: string): string {
    return `16Uiu2HAm${name.padEnd(4, name)}PeerIdForTests${name}`
  }

  /** Appends any entry as written (e.g. a node fault, which carries `node`). */
  push (entry: HistoryEntry): void {
    this.entries.push({ entry, order: this.order++ })
  }

  /** A node event at `t` ms after genesis. */
  event (node: string, t: number, type: NodeEntry['type'], fields: Record<string, unknown> = {}): void {
    const seq = (this.seq.get(node) ?? 0) + 1
    this.seq.set(node, seq)
    this.push({ kind: 'node', node, ...asNodeEvent({ seq, ts: this.genesisMs + t, type, ...fields }, `history-builder ${node} ${type}`) })
  }

  ready (node: string, t: number): void {
    this.event(node, t, 'ready', { name: node, peerId: this.peerId(node), impl: this.opts.nodes.find(n => n.name === node)?.impl ?? 'ts', gossipPolicy: this.opts.policy ?? 'leg-aware', listen: ['/ip4/127.0.0.1/udp/41000/quic-v1'], control: 'http://127.0.0.1:1', pid: 1000 })
  }

  /** Opens leg dialer>listener: an outbound connection at the dialer, an inbound one at the listener. */
  openLeg (dialer: string, listener: string, t: number): { dialerConn: string, listenerConn: string } {
    const leg: LegName = `${dialer}>${listener}`
    const make = (node: string, peer: string, direction: 'outbound' | 'inbound'): Conn => {
      const c: Conn = { node, id: `${node.toLowerCase()}c${++this.counter}`, peer, direction, leg, open: true }
      this.conns.push(c)
      this.event(node, t, 'leg_open', { leg: c.id, peer: this.peerId(peer), direction, transport: this.opts.transport ?? 'quic', remote: '/ip4/127.0.0.1/udp/40001/quic-v1' })
      return c
    }
    const d = make(dialer, listener, 'outbound')
    const l = make(listener, dialer, 'inbound')
    return { dialerConn: d.id, listenerConn: l.id }
  }

  /** Closes both ends of leg `leg` (and, first, every stream on them). `ends` limits it to one end. */
  closeLeg (leg: LegName, t: number, reason = 'error: idle timeout', ends: Array<'dialer' | 'listener'> = ['dialer', 'listener']): void {
    const [dialer, listener] = leg.split('>') as [string, string]
    for (const end of ends) {
      const node = end === 'dialer' ? dialer : listener
      for (const c of this.conns.filter(x => x.open && x.leg === leg && x.node === node)) {
        for (const s of this.streams.filter(x => x.open && x.conn === c)) this.endStream(s, t, `error: ${reason}`)
        c.open = false
        this.event(node, t, 'leg_close', { leg: c.id, peer: this.peerId(c.peer), direction: c.direction, reason })
      }
    }
  }

  /** `from`'s outbound gossip stream to `to` on leg `leg` (both ends' views). */
  openStream (from: string, to: string, leg: LegName, t: number): string {
    const at = (node: string): Conn => {
      const c = this.conns.filter(x => x.open && x.leg === leg && x.node === node).at(-1)
      if (c === undefined) throw new Error(`no open connection of ${leg} at ${node}`)
      return c
    }
    const out = at(from)
    const inn = at(to)
    const id = `${out.id}/o${++this.counter}`
    for (const [node, conn, peer, direction] of [[from, out, to, 'outbound'], [to, inn, from, 'inbound']] as const) {
      const sid = node === from ? id : `${inn.id}/i${this.counter}`
      this.streams.push({ node, id: sid, conn, peer, direction, open: true })
      this.event(node, t, 'stream_open', { stream: sid, leg: conn.id, peer: this.peerId(peer), protocol: '/meshsub/1.2.0', direction })
    }
    return id
  }

  /** Closes `from`'s outbound gossip stream to `to` (both ends' views). */
  closeStream (from: string, to: string, t: number, reason = 'closed'): void {
    for (const s of this.streams.filter(x => x.open && ((x.node === from && x.peer === to && x.direction === 'outbound') || (x.node === to && x.peer === from && x.direction === 'inbound')))) {
      this.endStream(s, t, reason)
    }
  }

  private endStream (s: Stream, t: number, reason: string): void {
    s.open = false
    this.event(s.node, t, 'stream_close', { stream: s.id, leg: s.conn.id, peer: this.peerId(s.peer), direction: s.direction, reason })
  }

  /** The dialer's connection id of leg `leg` now. */
  connOf (leg: LegName, node: string): string | undefined {
    return this.conns.filter(x => x.open && x.leg === leg && x.node === node).at(-1)?.id
  }

  /** Every node ready, every peering pair's two legs open, and each node's outbound stream on its own outbound leg. */
  mesh (t: number): void {
    for (const n of this.opts.nodes) this.ready(n.name, t - 300)
    const pairs = this.opts.nodes.flatMap(d => this.opts.nodes.filter(l => l !== d && this.peers(d.name, l.name)).map(l => [d.name, l.name] as const))
    for (const [d, l] of pairs) this.openLeg(d, l, t)
    for (const [d, l] of pairs) this.openStream(d, l, `${d}>${l}`, t + 100)
  }

  fault (fault: string, action: FaultAction, phase: 'apply' | 'heal', leg: LegName, t: number, selector?: string, params?: Record<string, unknown>): void {
    const [dialer, listener] = leg.split('>') as [string, string]
    const dialerLeg = this.connOf(leg, dialer)
    const listenerLeg = this.connOf(leg, listener)
    const entry: FaultEntry = {
      kind: 'fault', ts: this.genesisMs + t, fault, action, phase, leg,
      ...(selector !== undefined ? { selector } : {}),
      ...(dialerLeg !== undefined ? { dialerLeg } : {}),
      ...(listenerLeg !== undefined ? { listenerLeg } : {}),
      ...(params !== undefined ? { params } : {})
    }
    this.push(entry)
  }

  private outboundOpen (from: string, to: string): Stream | undefined {
    return this.streams.find(s => s.open && s.node === from && s.peer === to && s.direction === 'outbound')
  }

  private inboundFrom (node: string, peer: string): Stream | undefined {
    return this.streams.find(s => s.open && s.node === node && s.peer === peer && s.direction === 'inbound')
  }

  /**
   * Publishes slot `slot` (every validator of every live node) and delivers each
   * attestation along the streams open now: direct, else relayed by one node.
   */
  slot (slot: number, override?: DeliveryOverride, skip: ReadonlySet<string> = new Set()): void {
    const t0 = slot * this.slotMs
    for (const p of this.opts.nodes) {
      if (skip.has(p.name)) continue
      for (const v of p.validators) {
        const pubAt = t0 + 2
        const recipients = this.opts.nodes.filter(r => r !== p && this.outboundOpen(p.name, r.name) !== undefined).map(r => this.peerId(r.name))
        this.event(p.name, pubAt, 'msg_published', { topic: `/leanconsensus/12345678/attestation_${v % 4}/ssz_snappy`, msgId: `m${slot}-${v}`, slot, validator: v, recipients })
        for (const r of this.opts.nodes) {
          if (r === p || skip.has(r.name)) continue
          const forced = override?.({ publisher: p.name, receiver: r.name, validator: v, slot })
          let delay: number | null
          let via = p.name
          if (forced !== undefined) {
            delay = forced
            if (this.outboundOpen(p.name, r.name) === undefined) via = this.relay(p.name, r.name) ?? p.name
          } else if (this.outboundOpen(p.name, r.name) !== undefined) {
            delay = 8 + ((v * 7 + r.name.charCodeAt(0) * 3) % 9)
          } else {
            const relay = this.relay(p.name, r.name)
            delay = relay === undefined ? null : 22 + ((v * 5 + r.name.charCodeAt(0)) % 7)
            if (relay !== undefined) via = relay
          }
          if (delay === null) continue
          const arrival = t0 + delay
          this.event(r.name, arrival, 'msg_received', {
            topic: `/leanconsensus/12345678/attestation_${v % 4}/ssz_snappy`, msgId: `m${slot}-${v}`, slot, validator: v,
            from: this.peerId(via), leg: this.inboundFrom(r.name, via)?.conn.id, latencyMs: arrival - pubAt
          })
        }
      }
    }
  }

  private relay (from: string, to: string): string | undefined {
    return this.opts.nodes.map(n => n.name).find(z => z !== from && z !== to && this.outboundOpen(from, z) !== undefined && this.outboundOpen(z, to) !== undefined)
  }

  exit (node: string, t: number, info: { code: number | null, signal: string | null, expected: boolean, lastLines: string[] }): void {
    this.exited.add(node)
    this.push({ kind: 'node_exit', ts: this.genesisMs + t, node, ...info })
  }

  end (t: number, reason: 'completed' | 'interrupted' | 'node-failed' | 'setup-failed' = 'completed'): void {
    for (const n of this.opts.nodes) if (!this.exited.has(n.name)) this.exit(n.name, t - 100, { code: 0, signal: null, expected: true, lastLines: [] })
    this.push({ kind: 'run_end', ts: this.genesisMs + t, reason })
  }

  /** The history in time order (ties keep script order). */
  build (): History {
    return [...this.entries].sort((a, b) => a.entry.ts - b.entry.ts || a.order - b.order).map(e => e.entry)
  }
}

export function toNdjson (history: History): string {
  return history.map(e => JSON.stringify(e)).join('\n') + '\n'
}
