/** What one matrix cell's outcome means against the known failures. Pure. */
import type { VerdictStatus } from '../oracles/verdict.ts'
import type { KnownFailure } from './known-failures.ts'

export type CellClass = 'pass' | 'known-failure' | 'flaky-known' | 'new-failure' | 'unexpected-pass' | 'environment' | 'not-applicable'

/**
 * `environment`: the cell's run came out unknown (environment) even after its one rerun (the
 * machine stalled); it says nothing about the pair, so it is neither red nor a pass, and is
 * counted apart.
 * `not-applicable`: planned but not run, because the pair cannot meet a precondition of the
 * scenario (plan.ts `skip`, e.g. stream placement a stack cannot have staged): counted apart too.
 */
export function classifyCell (status: VerdictStatus, known: KnownFailure | undefined, environment = false): CellClass {
  if (environment && status === 'unknown') return 'environment'
  const passed = status === 'pass'
  if (known == null) return passed ? 'pass' : 'new-failure'
  if (known.outcome === 'flaky') return 'flaky-known'
  return passed ? 'unexpected-pass' : 'known-failure'
}

/** Red classes turn the matrix red. */
export function isRed (c: CellClass): boolean {
  return c === 'new-failure' || c === 'unexpected-pass'
}
