/**
 * The scenario's only source of chance: every random choice a run makes
 * (which leg `random: true` hits, how far a repetition is jittered) is drawn
 * from a generator seeded by the scenario seed, so the same seed replays the
 * same faults on the same legs. Injected everywhere instead of Math.random.
 */

import { mulberry32 } from '../util/mulberry32.ts'

/** Uniform numbers in [0, 1). */
export type Rng = () => number

/** Makes a generator from a seed (the default is `seededRng`; tests may inject their own). */
export type RngFactory = (seed: number) => Rng

/** The default generator (harness/util/mulberry32.ts, shared with the UDP proxy's loss draws). */
export function seededRng (seed: number): Rng {
  return mulberry32(seed)
}

/** An integer in [0, n) drawn from `rng` (n >= 1). */
export function pickIndex (rng: Rng, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`pickIndex needs n >= 1, got ${n}`)
  return Math.min(n - 1, Math.floor(rng() * n))
}

/** A 32-bit seed drawn from `rng`, for a child generator whose draws must not depend on its siblings'. */
export function childSeed (rng: Rng): number {
  return Math.floor(rng() * 4294967296) >>> 0
}
