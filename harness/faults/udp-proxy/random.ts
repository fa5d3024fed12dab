/**
 * The UDP proxy's only source of chance (loss draws, per-flow toxicity draws).
 * Injected instead of calling Math.random so a test or a rerun with the same
 * seed drops exactly the same datagrams.
 */

import { mulberry32 } from '../../util/mulberry32.ts'

/** Uniform numbers in [0, 1). Called on the datagram path: must not allocate. */
export type RandomSource = () => number

/** A seeded source (harness/util/mulberry32.ts, the same generator as the scenario's). */
export function seededRandom (seed: number): RandomSource {
  return mulberry32(seed)
}
