/**
 * Stream placement as an input: stages a pair's two legs so its two gossip
 * streams sit where the scenario asked (types.ts StreamPlacement), for any
 * implementation, using only dials and the legs' proxies.
 *
 *   same  [A, B]: dial A>B alone; once A>B carries A->B and B->A, dial B>A (it stays idle)
 *   split [A, B]: both legs get STAGING_LATENCY_MS each way, both dials leave at the same instant:
 *                 a node opens its stream on the first leg that is ready at its end, and the
 *                 latency makes that a different leg at each end (the handshake finishes a
 *                 trip earlier at one end of a leg than at the other, symmetrically);
 *                 the latency is removed once both streams are open
 *
 * Known limit: split assumes each stack opens its stream on the first leg ready at its end. The Go
 * peer (go-libp2p host.NewStream) opens it on its newest connection once identify is done, so a
 * TS-Go pair staged this way puts both streams on the TS node's leg; TS-TS and Go-Go pairs split as
 * asked. Such limits are declared by the implementation (`cannotPlaceStreams`, harness/impls/go.ts and
 * rust.ts): those pairs are not staged and the run is `unknown` (impls/placement-support.ts); a pair
 * with no declared limit whose placement did not take is refused (set-up failure).
 *
 * Split pairs are staged one at a time: a dozen handshakes at once on a
 * loaded machine jitter by more than the staging latency. Then
 * `placementProblems` checks the outcome from live status; the devnet
 * refuses to start a run whose placement did not take (never a silent guess).
 */
import type { LegName } from '../history/types.ts'
import type { StatusSnapshot } from '../scenario/status-snapshot.ts'
import { streamsOnLeg } from '../scenario/streams-on-leg.ts'
import type { StreamPlacement } from '../scenario/types.ts'

/**
 * One-way latency on both legs of a split pair while they are dialed: the margin by which each end
 * sees its own leg ready first. It must beat the skew between the two dial requests reaching busy
 * nodes: 300 ms lost the race in 3 of 10 stagings at a load average of 20 on 2 cores.
 */
export const STAGING_LATENCY_MS = 800

/** What staging needs from the devnet. */
export interface StagingHooks {
  dial: (leg: LegName) => Promise<void>
  snapshot: () => Promise<StatusSnapshot>
  /** one-way latency on both directions of a leg's proxy, not recorded as a fault (0 removes it) */
  setLatency: (leg: LegName, ms: number) => Promise<void>
  timeoutMs: number
  signal?: AbortSignal
}

export class PlacementError extends Error {
  override name = 'PlacementError'
}

/**
 * Dials every leg, staging the placed pairs: free legs at once, then each split pair in turn
 * (latency, both dials together, wait for both streams, latency off), then each `same` pair's
 * held leg once its other leg carries both streams.
 */
export async function dialWithPlacement (legs: readonly LegName[], placement: readonly StreamPlacement[], hooks: StagingHooks): Promise<void> {
  const { held, slowed } = placementStaging(placement)
  // each stage gets the whole timeout: split pairs are staged one after another, each several round trips long
  const poll = async (what: string, done: (s: StatusSnapshot) => boolean): Promise<void> => {
    const deadline = Date.now() + hooks.timeoutMs
    for (;;) {
      hooks.signal?.throwIfAborted()
      if (done(await hooks.snapshot())) return
      if (Date.now() > deadline) throw new PlacementError(`stream placement: ${what} not within ${hooks.timeoutMs} ms`)
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }
  await Promise.all(legs.filter(l => !held.has(l) && !slowed.has(l)).map(hooks.dial))
  for (const { pair: [a, b] } of placement.filter(p => p.streams === 'split')) {
    const pairLegs: LegName[] = [`${a}>${b}`, `${b}>${a}`]
    for (const l of pairLegs) await hooks.setLatency(l, STAGING_LATENCY_MS)
    await Promise.all(pairLegs.map(hooks.dial))
    await poll(`pair [${a}, ${b}]: both gossip streams open`, s => {
      const on = [...streamsOnLeg(s, a, b), ...streamsOnLeg(s, b, a)]
      return on.includes(`${a}->${b}`) && on.includes(`${b}->${a}`)
    })
    for (const l of pairLegs) await hooks.setLatency(l, 0)
  }
  const waiting = new Set(held)
  await poll(`held legs ${[...held].join(', ')}: the other leg of their pair carrying both streams`, s => {
    const ready = readyToRelease(placement, s).filter(l => waiting.has(l))
    for (const l of ready) { waiting.delete(l); void hooks.dial(l) }
    return waiting.size === 0
  })
}

export interface PlacementStaging {
  /** legs dialed only after their pair is staged (the idle leg of a `same` pair) */
  held: ReadonlySet<LegName>
  /** legs that carry the staging latency while dialed (both legs of a `split` pair) */
  slowed: ReadonlySet<LegName>
}

export function placementStaging (placement: readonly StreamPlacement[]): PlacementStaging {
  const held = new Set<LegName>()
  const slowed = new Set<LegName>()
  for (const { pair: [a, b], streams } of placement) {
    if (streams === 'same') held.add(`${b}>${a}`)
    else { slowed.add(`${a}>${b}`); slowed.add(`${b}>${a}`) }
  }
  return { held, slowed }
}

/** The `same` pairs whose first leg carries both streams now: their held leg may be dialed. */
export function readyToRelease (placement: readonly StreamPlacement[], snapshot: StatusSnapshot): LegName[] {
  return placement
    .filter(p => p.streams === 'same')
    .filter(({ pair: [a, b] }) => { const on = streamsOnLeg(snapshot, a, b); return on.includes(`${a}->${b}`) && on.includes(`${b}->${a}`) })
    .map(({ pair: [a, b] }): LegName => `${b}>${a}`)
}

/** Where each pair's streams sit now, for the run record: { "A>B": ["A->B"], "B>A": ["B->A"] }. */
export function placementOf (p: StreamPlacement, snapshot: StatusSnapshot): Record<LegName, string[]> {
  const [a, b] = p.pair
  return { [`${a}>${b}`]: streamsOnLeg(snapshot, a, b), [`${b}>${a}`]: streamsOnLeg(snapshot, b, a) }
}

/** Why the live placement is not the one asked for, one line per pair; empty = every pair as asked. */
export function placementProblems (placement: readonly StreamPlacement[], snapshot: StatusSnapshot): string[] {
  const problems: string[] = []
  for (const p of placement) {
    const [a, b] = p.pair
    const ab = streamsOnLeg(snapshot, a, b)
    const ba = streamsOnLeg(snapshot, b, a)
    const ok = p.streams === 'same'
      ? ab.includes(`${a}->${b}`) && ab.includes(`${b}->${a}`) && ba.length === 0
      : ab.length === 1 && ba.length === 1 && ab[0] !== ba[0]
    if (!ok) problems.push(`pair [${a}, ${b}] asked for ${p.streams}: ${a}>${b} carries ${ab.join(', ') || 'no stream'}; ${b}>${a} carries ${ba.join(', ') || 'no stream'}`)
  }
  return problems
}
