/**
 * The scenario's only source of chance: every random choice a run makes
 * (which leg `random: true` hits, how far a repetition is jittered) is drawn
 * from a generator seeded by the scenario seed, so the same seed replays the
 * same faults on the same legs. Injected everywhere instead of Math.random.
 */

/** Uniform numbers in [0, 1). */
export type Rng = () => number

/** Makes a generator from a seed (the default is `seededRng`; tests may inject their own). */
export type RngFactory = (seed: number) => Rng

/**
 * mulberry32: 32 bits of state, a few integer ops per draw. Statistically fine
 * for picking legs and jitter; not for anything secret.
 */
export function seededRng (seed: number): Rng {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
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
