/**
 * `meshflap power`, planned before anything runs: every fixture x every variant
 * x N seeds. Variants are the correct node, each mutant (the correct node plus
 * one field bug) and `stock` (unmodified upstream gossipsub). Pure and unit-tested.
 *
 *   fixtures [teardown-on-any-leg-close, drop-early-subscribe]
 *   variants [correct, ~teardown-on-any-leg-close, ~drop-early-subscribe, stock]  x seeds 5  -> 40 cells
 *
 * A mutant's own fixtures are the one named after its bug class and any whose `catches:` lists
 * it (or says every-mutant), as the field-shaped fixture does: there it must be caught on every seed.
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
  /** a mutant on a fixture that must catch it (ownFixture): the exit rule judges this cell */
  own: boolean
}

/**
 * Whether the fixture must catch the mutant: it is named after the mutant's bug class, or its
 * `catches:` lists the mutant (or says every-mutant), as a field-shaped fixture does.
 */
export function ownFixture (v: PowerVariant, scenario: Pick<Scenario, 'name' | 'catches'>): boolean {
  if (v.kind !== 'mutant') return false
  return v.fixture === scenario.name || scenario.catches === 'every-mutant' || (scenario.catches ?? []).includes(v.name)
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
        cells.push({ key: `${scenario.name} ${variantLabel(variant)} seed ${seed}`, scenario, variant, seed, own: ownFixture(variant, scenario) })
      }
    }
  }
  return cells
}

/** The fixtures `meshflap power` measures when given none: every scenario that must catch one of the variants' mutants. */
export function fixturesOfMutants<S extends Pick<Scenario, 'name' | 'catches'>> (scenarios: readonly S[], variants: readonly PowerVariant[]): S[] {
  return scenarios.filter(s => variants.some(v => ownFixture(v, s)))
}

/**
 * Only the cells the exit rule judges: the correct node on every fixture and each mutant on
 * the fixtures that must catch it (a quick check; the full table is the benchmark).
 */
export function judgedCells (cells: readonly PowerCell[]): PowerCell[] {
  return cells.filter(c => c.variant.kind === 'correct' || c.own)
}

/** Mutants no given scenario must catch (neither named after them nor listing them): their power cannot be measured (exit 2). */
export function missingFixtures (scenarios: readonly Scenario[], variants: readonly PowerVariant[]): string[] {
  return variants.flatMap(v => v.kind === 'mutant' && !scenarios.some(s => ownFixture(v, s))
    ? [`mutant ${v.name} names fixture ${v.fixture}, which is not among the scenarios (nor does any of them list it in catches:)`]
    : [])
}
