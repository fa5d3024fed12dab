/**
 * A failure mechanism an investigation established (fixtures/investigations/), as something the
 * matrix can look for in one run's history: for one failed direction "A->B" (a verdict finding's
 * `direction`), whether the run shows this mechanism cutting A off from B. A known-failures entry
 * that names mechanisms accepts a failed run only when every failed finding is explained by one
 * of them (explain-run.ts): a listed cell that fails some other way is still red. Pure.
 */
import type { RunIndex } from '../../oracles/run-index.ts'

export interface Mechanism<Name extends string = string> {
  readonly name: Name
  /** the investigation that established it (project-relative) */
  readonly evidence: string
  /** what the run shows of it for the direction from -> to (one line); undefined when it does not */
  explains: (ix: RunIndex, from: string, to: string, window: { fromMs: number, toMs: number }) => string | undefined
}

export function defineMechanism<const Name extends string> (m: Mechanism<Name>): Mechanism<Name> {
  return m
}
