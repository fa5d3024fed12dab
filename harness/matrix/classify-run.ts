/**
 * One judged run of a cell against the known failures, from its history: not applicable (the stacks
 * did not meet the scenario's premise, unmet-precondition.ts), else the first known-failures entry
 * that covers it (one naming a mechanism only when the run shows it), then classifyCell. Pure; the
 * matrix and ci/characterise-matrix.ts (re-judging old runs) say the same thing through it.
 */
import type { History } from '../history/types.ts'
import type { Verdict, VerdictStatus } from '../oracles/verdict.ts'
import { classifyCell } from './classify.ts'
import type { CellClass } from './classify.ts'
import { entryNamesCell, knownFailureFor } from './known-failures.ts'
import type { KnownFailure } from './known-failures.ts'
import { explainRun } from './mechanisms/explain-run.ts'
import type { MechanismName } from './mechanisms/index.ts'
import type { MatrixCell } from './plan.ts'
import { unmetPrecondition } from './unmet-precondition.ts'

export interface RunClass {
  class: CellClass
  /** the entry that covers the run */
  known?: KnownFailure
  /** what the run showed of the entry's mechanism, or why it was not applicable */
  why?: string
}

export function classifyRun (cell: Pick<MatrixCell, 'impls' | 'transport'> & { scenario: { name: string } }, known: readonly KnownFailure[],
  run: { status: VerdictStatus, verdicts: readonly Verdict[], history?: History, environment?: boolean }): RunClass {
  if (run.environment === true && run.status === 'unknown') return { class: 'environment' }
  const unmet = run.history === undefined || run.status !== 'unknown' ? undefined : unmetPrecondition(run.history, run.verdicts)
  if (unmet !== undefined) return { class: 'not-applicable', why: unmet }
  const plain = knownFailureFor(known, cell)
  if (plain !== undefined || run.history === undefined || run.status === 'pass') return { class: classifyCell(run.status, plain), ...(plain !== undefined ? { known: plain } : {}) }
  // entries naming mechanisms: together they must explain every failed finding of this run
  const candidates = known.filter(k => k.mechanism !== undefined && entryNamesCell(k, cell))
  const explained = explainRun(run.history, run.verdicts, [...new Set(candidates.map(k => k.mechanism as MechanismName))])
  const entry = explained === undefined ? undefined : candidates.find(k => explained.has(k.mechanism as MechanismName))
  if (entry === undefined || explained === undefined) return { class: classifyCell(run.status, undefined) }
  const why = [...explained].map(([name, lines]) => `${name}: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? ` (+${lines.length - 3})` : ''}`).join(' | ')
  return { class: classifyCell(run.status, entry), known: entry, why }
}
