/**
 * mulberry32: 32 bits of state, a few integer ops per draw, no allocation.
 * The one seeded generator behind every random choice meshflap makes (scenario
 * selectors and jitter, the UDP proxy's loss draws), so a seed replays a run.
 * Statistically fine for those; not for anything secret.
 */
export function mulberry32 (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
