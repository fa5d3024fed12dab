/**
 * When each harness leg could carry gossip: open at BOTH ends (leg_open to
 * leg_close at the dialer and at the listener) and not under a blocking fault
 * (down, blackhole, reset: a blackholed QUIC leg stays "open" until its idle
 * timeout, but nothing passes). A pair is live when either of its legs is; a
 * publisher has a live leg path to a receiver when live legs connect them
 * through any nodes. Two nodes that do not peer (`peers: { degree }`: no legs
 * between them) are only ever connected by such a path: their directions are
 * judged end to end, through the mesh.
 *
 *   A>B   dialer A  [====open=====)        listener B [=====open======)
 *         fault          [xxdownxx)
 *         live      [====)        [=)
 */
import type { LegName } from '../history/types.ts'
import { contains, covers, intersect, measure, subtract, union, type Interval } from './intervals.ts'
import type { Connection, RunIndex } from './run-index.ts'

export class LegLiveness {
  private readonly live = new Map<LegName, Interval[]>()
  private readonly conns = new Map<LegName, Connection[]>()
  private readonly ix: RunIndex

  constructor (ix: RunIndex) {
    this.ix = ix
    const ends = new Map<LegName, { dialer: Interval[], listener: Interval[] }>()
    for (const c of ix.connections.values()) {
      if (c.leg === undefined) continue
      let e = ends.get(c.leg)
      if (e === undefined) { e = { dialer: [], listener: [] }; ends.set(c.leg, e) }
      const iv = { fromMs: c.openMs, toMs: c.closeMs ?? ix.observedUntil }
      if (c.direction === 'outbound') e.dialer.push(iv)
      else e.listener.push(iv)
      const list = this.conns.get(c.leg) ?? []
      list.push(c)
      this.conns.set(c.leg, list)
    }
    for (const [leg, e] of ends) {
      const blocked = ix.faultWindows.filter(w => w.leg === leg && w.blocking).map(w => ({ fromMs: w.fromMs, toMs: w.toMs }))
      this.live.set(leg, subtract(intersect(e.dialer, e.listener), blocked))
    }
  }

  legs (): LegName[] {
    return [...this.live.keys()]
  }

  intervals (leg: LegName): Interval[] {
    return this.live.get(leg) ?? []
  }

  liveAt (leg: LegName, t: number): boolean {
    return contains(this.intervals(leg), t)
  }

  /** Live intervals of the pair {a, b}: either leg live. */
  pair (a: string, b: string): Interval[] {
    return union([...this.intervals(`${a}>${b}`), ...this.intervals(`${b}>${a}`)])
  }

  /** ms of [fromMs, toMs) during which the pair had a live leg. */
  pairLiveMs (a: string, b: string, fromMs: number, toMs: number): number {
    return measure(this.pair(a, b), fromMs, toMs)
  }

  /** The pair's legs that were live at some moment of [fromMs, toMs), most live first, e.g. "B>A live 6000 ms (B's connection bc7, A's ac8)". */
  liveLegsDuring (a: string, b: string, fromMs: number, toMs: number): string[] {
    const found: Array<{ ms: number, text: string }> = []
    for (const leg of [`${a}>${b}`, `${b}>${a}`] as LegName[]) {
      const ms = measure(this.intervals(leg), fromMs, toMs)
      if (ms <= 0) continue
      const [dialer, listener] = leg.split('>') as [string, string]
      const conns = (this.conns.get(leg) ?? []).filter(c => c.openMs < toMs && (c.closeMs ?? Infinity) > fromMs)
      const ids = (node: string): string => conns.filter(c => c.node === node).map(c => c.id).join('/') || '?'
      found.push({ ms, text: `${leg} live ${ms} ms (${dialer}'s connection ${ids(dialer)}, ${listener}'s ${ids(listener)})` })
    }
    return found.sort((x, y) => y.ms - x.ms).map(f => f.text)
  }

  /** "B>A (B's connection bc7, A's ac8)": a leg with the connection ids its ends had at `atMs`. */
  describeLeg (leg: LegName, atMs: number): string {
    const [dialer, listener] = leg.split('>') as [string, string]
    const conns = (this.conns.get(leg) ?? []).filter(c => c.openMs <= atMs && (c.closeMs ?? Infinity) > atMs)
    const ids = (node: string): string => conns.filter(c => c.node === node).map(c => c.id).join('/') || 'none'
    return `${leg} (${dialer}'s connection ${ids(dialer)}, ${listener}'s ${ids(listener)})`
  }

  /** True when the run has legs between a and b (declared in run_start, or seen): false for a pair that does not peer. */
  peers (a: string, b: string): boolean {
    const legs = [`${a}>${b}`, `${b}>${a}`]
    return this.ix.start.legs.some(l => legs.includes(l.name)) || legs.some(l => this.conns.has(l as LegName))
  }

  /**
   * ms of [fromMs, toMs) during which `from` could reach `to`: a live leg of the pair when they peer,
   * a path of live legs through other nodes when they do not (end to end, through the mesh).
   */
  reachableMs (from: string, to: string, fromMs: number, toMs: number): number {
    if (this.peers(from, to)) return this.pairLiveMs(from, to, fromMs, toMs)
    const moments = this.moments(fromMs, toMs).sort((x, y) => x - y)
    let ms = 0
    moments.forEach((t, i) => { if (this.pathAt(from, to, t)) ms += (moments[i + 1] ?? toMs) - t })
    return ms
  }

  /** True when live legs connected `from` to `to` (through any nodes) at every moment of [fromMs, toMs). */
  pathThroughout (from: string, to: string, fromMs: number, toMs: number): boolean {
    for (const t of this.moments(fromMs, toMs)) if (!this.pathAt(from, to, t)) return false
    return true
  }

  /** liveness only changes at interval edges: the start and every edge inside [fromMs, toMs) */
  private moments (fromMs: number, toMs: number): number[] {
    const moments = new Set<number>([fromMs])
    for (const ivs of this.live.values()) {
      for (const i of ivs) {
        if (i.fromMs > fromMs && i.fromMs < toMs) moments.add(i.fromMs)
        if (i.toMs > fromMs && i.toMs < toMs) moments.add(i.toMs)
      }
    }
    return [...moments]
  }

  /** The live legs from node `a` to node `b` (either direction) connect them at t. */
  pathAt (from: string, to: string, t: number): boolean {
    const adjacent = new Map<string, string[]>()
    for (const [leg, ivs] of this.live) {
      if (!contains(ivs, t)) continue
      const [d, l] = leg.split('>') as [string, string]
      adjacent.set(d, [...(adjacent.get(d) ?? []), l])
      adjacent.set(l, [...(adjacent.get(l) ?? []), d])
    }
    const seen = new Set([from])
    const queue = [from]
    while (queue.length > 0) {
      const n = queue.shift() as string
      if (n === to) return true
      for (const m of adjacent.get(n) ?? []) if (!seen.has(m)) { seen.add(m); queue.push(m) }
    }
    return false
  }

  /** True when `leg` was live over all of [fromMs, toMs). */
  liveThroughout (leg: LegName, fromMs: number, toMs: number): boolean {
    return covers(this.intervals(leg), fromMs, toMs)
  }

  get index (): RunIndex { return this.ix }
}
