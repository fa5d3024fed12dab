/**
 * The UDP proxy's only source of chance (loss draws, per-flow toxicity draws).
 * Injected instead of calling Math.random so a test or a rerun with the same
 * seed drops exactly the same datagrams.
 */

/** Uniform numbers in [0, 1). Called on the datagram path: must not allocate. */
export type RandomSource = () => number

/**
 * mulberry32: 32 bits of state, a few integer ops per draw, no allocation.
 * Statistically fine for drop decisions; not for anything secret.
 */
export function seededRandom (seed: number): RandomSource {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
