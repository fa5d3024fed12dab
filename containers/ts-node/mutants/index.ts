/**
 * Every mutant of the TS node (MUTANTS.md beside this folder): one module each,
 * one line here. The harness reads this list for `--mutant` and `meshflap power`.
 */
import type { Mutant, MutantContext } from './mutant.ts'
import { teardownOnAnyLegClose } from './teardown-on-any-leg-close.ts'
import { wipeInterestOnLegClose } from './wipe-interest-on-leg-close.ts'
import { dropEarlySubscribe } from './drop-early-subscribe.ts'
import { closeDuplicateRedial } from './close-duplicate-redial.ts'
import { simultaneousDialDeadlock } from './simultaneous-dial-deadlock.ts'
import { controlToDeadLeg } from './control-to-dead-leg.ts'
import { wedgedStreamNeverReopened } from './wedged-stream-never-reopened.ts'

export const MUTANTS: readonly Mutant[] = [
  teardownOnAnyLegClose,
  wipeInterestOnLegClose,
  dropEarlySubscribe,
  closeDuplicateRedial,
  simultaneousDialDeadlock,
  controlToDeadLeg,
  wedgedStreamNeverReopened
]

export const MUTANT_NAMES: readonly string[] = MUTANTS.map(m => m.name)

export function mutantNamed (name: string): Mutant | undefined {
  return MUTANTS.find(m => m.name === name)
}

/** Installs the named mutants of one stage, in list order. Names were checked with the config. */
export function installMutants (names: readonly string[], stage: Mutant['stage'], ctx: MutantContext): void {
  for (const m of MUTANTS) if (names.includes(m.name) && m.stage === stage) m.install(ctx)
}
