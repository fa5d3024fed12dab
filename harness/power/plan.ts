/**
 * `meshflap power`, planned before anything runs: every fixture x every variant
 * x N seeds. Variants are the correct node, each mutant (the correct node plus
 * one field bug) and `stock` (unmodified upstream gossipsub). Pure and unit-tested.
 *
 *   fixtures [teardown-on-any-leg-close, drop-early-subscribe]
 *   variants [correct, ~teardown-on-any-leg-close, ~drop-early-subscribe, stock]  x seeds 5  -> 40 cells
 */
import type { ScenarioOverrides } from '../runner/overrides.ts'
import type { Scenario } from '../scenario/types.ts'
import type { MutantInfo } from '../impls/index.ts'

export type PowerVariant =
  | { kind: 'correct', name: 'correct' }
  | { kind: 'mutant', name: string, fixture: string }
  | { kind: 'stock', name: 'stock' }

export interface PowerCell {
  /** "teardown-on-any-leg-close ~drop-early-subscribe seed 1279" */
  key: string
  scenario: Scenario
  variant: PowerVariant
  seed: number
}

export function powerVariants (mutants: readonly MutantInfo[]): PowerVariant[] {
  return [
    { kind: 'correct', name: 'correct' },
    ...mutants.map((m): PowerVariant => ({ kind: 'mutant', name: m.name, fixture: m.fixture })),
    { kind: 'stock', name: 'stock' }
  ]
}

/** What a variant changes in a run: the same overrides `meshflap run --policy/--mutant` apply. */
export function variantOverrides (v: PowerVariant): ScenarioOverrides {
  if (v.kind === 'mutant') return { mutant: v.name }
  return { policy: v.kind === 'stock' ? 'stock' : 'leg-aware' }
}

/** The command-line flags of a variant, for a reproduce line. */
export function variantLabel (v: PowerVariant): string {
  return v.kind === 'mutant' ? `~${v.name}` : v.name
}

export function planPower (scenarios: readonly Scenario[], variants: readonly PowerVariant[], seeds: number): PowerCell[] {
  const cells: PowerCell[] = []
  for (const scenario of scenarios) {
    for (const variant of variants) {
      for (let i = 0; i < seeds; i++) {
        const seed = scenario.seed + i
        cells.push({ key: `${scenario.name} ${variantLabel(variant)} seed ${seed}`, scenario, variant, seed })
      }
    }
  }
  return cells
}

/**
 * Only the cells the exit rule judges: the correct node on every fixture and each mutant on
 * the fixture named after its bug class (a quick check; the full table is the benchmark).
 */
export function judgedCells (cells: readonly PowerCell[]): PowerCell[] {
  return cells.filter(c => c.variant.kind === 'correct' || (c.variant.kind === 'mutant' && c.variant.fixture === c.scenario.name))
}

/** Fixtures a mutant names that are not among the scenarios: its power cannot be measured (exit 2). */
export function missingFixtures (scenarios: readonly Scenario[], variants: readonly PowerVariant[]): string[] {
  const names = new Set(scenarios.map(s => s.name))
  return variants.flatMap(v => v.kind === 'mutant' && !names.has(v.fixture) ? [`mutant ${v.name} names fixture ${v.fixture}, which is not among the scenarios`] : [])
}
