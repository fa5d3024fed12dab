/**
 * Publisher x receiver delivery: for every ordered pair of nodes, how many of
 * the publisher's attestations reached the receiver, and the longest stretch
 * in which none did.
 *
 *   expected  = distinct msgIds in the publisher's `msg_published` events
 *   delivered = those msgIds among the receiver's `msg_received` events
 *               (a msgId nobody reported publishing is attributed by validator)
 *   gap       = longest interval between consecutive arrivals, bounded by the
 *               publisher's first and last publish
 *
 * Only the judged window counts: attestations of slots 0..slots-1, the ones the
 * verdicts judge. A publish after the last slot (an implementation that ignores
 * `duties.slots`) has no deadline inside the run and would read as a loss.
 */
import type { RunView } from './run-view.ts'

/** How a cell of the heatmap looks. */
export type DeliveryHealth = 'good' | 'warn' | 'bad' | 'none'

/** Delivery from one publisher to one receiver. */
export interface PairDelivery {
  publisher: string
  receiver: string
  expected: number
  delivered: number
  /** longest time with no arrival from publisher at receiver, ms */
  longestGapMs: number
  gapFromMs: number
  gapToMs: number
  health: DeliveryHealth
}

/** The full matrix, rows publishers, columns receivers (run node order). */
export interface DeliveryMatrix {
  nodes: string[]
  /** `cells[i][j]`: publisher nodes[i] -> receiver nodes[j]; undefined on the diagonal */
  cells: Array<Array<PairDelivery | undefined>>
}

export function deliveryHealth (expected: number, delivered: number, gapMs: number, slotMs: number): DeliveryHealth {
  if (expected === 0) return 'none'
  const ratio = delivered / expected
  if (ratio < 0.9 || gapMs > 3 * slotMs) return 'bad'
  if (delivered < expected || gapMs > 1.5 * slotMs) return 'warn'
  return 'good'
}

export function deliveryMatrix (view: RunView): DeliveryMatrix {
  const names = view.nodes.map(n => n.name)
  const ownerOfValidator = new Map<number, string>()
  for (const n of view.nodes) for (const v of n.validators) ownerOfValidator.set(v, n.name)
  const judged = (slot: unknown): boolean => typeof slot === 'number' && slot >= 0 && slot < view.start.slots
  const publisherOf = new Map<string, string>()
  const published = new Map<string, number[]>(names.map(n => [n, []]))
  for (const e of view.nodeEvents) {
    if (e.type !== 'msg_published' || publisherOf.has(e.msgId) || !judged(e.slot)) continue
    publisherOf.set(e.msgId, e.node)
    published.get(e.node)?.push(e.ts)
  }
  // receiver -> publisher -> arrival ts of distinct msgIds
  const arrivals = new Map<string, Map<string, number[]>>(names.map(n => [n, new Map()]))
  const seen = new Set<string>()
  for (const e of view.nodeEvents) {
    if (e.type !== 'msg_received') continue
    const key = `${e.node}\u0000${e.msgId}`
    if (seen.has(key)) continue
    seen.add(key)
    const publisher = publisherOf.get(e.msgId) ?? (typeof e.validator === 'number' && judged(e.slot) ? ownerOfValidator.get(e.validator) : undefined)
    const perPublisher = arrivals.get(e.node)
    if (publisher === undefined || perPublisher === undefined) continue
    let list = perPublisher.get(publisher)
    if (list === undefined) { list = []; perPublisher.set(publisher, list) }
    list.push(e.ts)
  }
  const cells = names.map(publisher => names.map(receiver => {
    if (publisher === receiver) return undefined
    const pubTimes = published.get(publisher) ?? []
    const got = (arrivals.get(receiver)?.get(publisher) ?? []).sort((a, b) => a - b)
    const gap = longestGap(pubTimes, got)
    return {
      publisher,
      receiver,
      expected: pubTimes.length,
      delivered: got.length,
      longestGapMs: gap.ms,
      gapFromMs: gap.from,
      gapToMs: gap.to,
      health: deliveryHealth(pubTimes.length, got.length, gap.ms, view.start.slotMs)
    }
  }))
  return { nodes: names, cells }
}

function longestGap (publishTimes: number[], arrivalsSorted: number[]): { ms: number, from: number, to: number } {
  if (publishTimes.length === 0) return { ms: 0, from: 0, to: 0 }
  let first = Infinity
  let last = -Infinity
  for (const t of publishTimes) { if (t < first) first = t; if (t > last) last = t }
  let best = { ms: 0, from: first, to: first }
  let prev = first
  for (const t of arrivalsSorted) {
    if (t - prev > best.ms) best = { ms: t - prev, from: prev, to: t }
    if (t > prev) prev = t
  }
  if (last - prev > best.ms) best = { ms: last - prev, from: prev, to: last }
  return best
}
