/**
 * The power table from cell outcomes, and the exit rule. Pure and unit-tested.
 *
 *                     teardown-on-any-leg-close   drop-early-subscribe
 *   correct           pass 5/5                    pass 5/5
 *   ~teardown-...     caught 5/5 (own)            caught 0/5
 *   ~drop-early-...   caught 0/5                  caught 5/5 (own)
 *   stock             caught 5/5                  caught 0/5
 *
 * A run counts as caught only when it FAILED: `unknown` (the run could not
 * judge) is neither a catch nor a pass, it is counted apart and is an escape
 * on a mutant's own fixture and a miss for the correct node, never quietly
 * folded into either.
 */
import type { VerdictStatus } from '../oracles/verdict.ts'
import { ownFixture, type PowerVariant } from './plan.ts'

export interface PowerCellResult {
  key: string
  fixture: string
  variant: PowerVariant
  seed: number
  status: VerdictStatus
  /** the verdicts that did not pass, one line each (empty on a pass) */
  summary: string
  /** run directory ('' when set-up failed) */
  dir: string
  reproduce: string
  wallMs: number
  /** a mutant on a fixture that must catch it (plan.ts ownFixture); absent in tables written before `catches:` */
  own?: boolean
}

export interface PowerEntry {
  fixture: string
  variant: string
  kind: PowerVariant['kind']
  /** this is one of the mutant's own fixtures (named after its bug class, or listing it in catches:) */
  own: boolean
  seeds: number
  failed: number
  passed: number
  unknown: number
  /** a failing run's directory (the first), for the link */
  failingRun?: string
  /** a passing or unknown run's directory, for the correct node's misses and a mutant's escapes */
  escapingRun?: string
}

export interface PowerProblem {
  fixture: string
  variant: string
  message: string
}

export function powerTable (cells: readonly PowerCellResult[]): PowerEntry[] {
  const entries = new Map<string, PowerEntry>()
  for (const c of cells) {
    const key = `${c.variant.name}\u0000${c.fixture}`
    const e = entries.get(key) ?? {
      fixture: c.fixture, variant: c.variant.name, kind: c.variant.kind,
      // a table written before `catches:` has no `own`: the fixture named after the bug is the own one
      own: c.own ?? ownFixture(c.variant, { name: c.fixture }),
      seeds: 0, failed: 0, passed: 0, unknown: 0
    }
    e.seeds++
    if (c.status === 'fail') {
      e.failed++
      if (e.failingRun === undefined && c.dir !== '') e.failingRun = c.dir
    } else {
      if (c.status === 'pass') e.passed++
      else e.unknown++
      if (e.escapingRun === undefined && c.dir !== '') e.escapingRun = c.dir
    }
    entries.set(key, e)
  }
  return [...entries.values()]
}

/**
 * What makes `meshflap power` exit 1: a mutant that its own fixture did not
 * catch on some seed, or the correct node not passing some fixture on some
 * seed. Every other cell (which other fixtures catch a mutant, what stock
 * does) is information.
 */
export function powerProblems (entries: readonly PowerEntry[]): PowerProblem[] {
  const problems: PowerProblem[] = []
  for (const e of entries) {
    if (e.kind === 'mutant' && e.own && e.failed < e.seeds) {
      problems.push({ fixture: e.fixture, variant: e.variant, message: `mutant ${e.variant} escaped its own fixture ${e.fixture} on ${e.seeds - e.failed} of ${e.seeds} seed(s) (${e.passed} passed, ${e.unknown} unknown)` })
    }
    if (e.kind === 'correct' && e.passed < e.seeds) {
      problems.push({ fixture: e.fixture, variant: e.variant, message: `the correct node did not pass ${e.fixture} on ${e.seeds - e.passed} of ${e.seeds} seed(s) (${e.failed} failed, ${e.unknown} unknown)` })
    }
  }
  return problems
}

/** A mutant with no own-fixture cell at all was not measured: also a problem. */
export function unmeasuredMutants (entries: readonly PowerEntry[], mutants: readonly string[]): PowerProblem[] {
  return mutants.filter(m => !entries.some(e => e.variant === m && e.own))
    .map(m => ({ fixture: '', variant: m, message: `mutant ${m} was not run against its own fixture` }))
}

/** "caught 5/5", "pass 4/5 (1 unknown)" */
export function cellText (e: PowerEntry): string {
  const unknown = e.unknown > 0 ? ` (${e.unknown} unknown)` : ''
  return e.kind === 'correct' ? `pass ${e.passed}/${e.seeds}${unknown}` : `caught ${e.failed}/${e.seeds}${unknown}`
}

/** The table as printed: variant rows, fixture columns; a mutant's own fixture is marked `*`. */
export function powerTableText (entries: readonly PowerEntry[], variants: readonly string[], fixtures: readonly string[]): string {
  const text = (v: string, f: string): string => {
    const e = entries.find(x => x.variant === v && x.fixture === f)
    return e === undefined ? '-' : `${cellText(e)}${e.own ? ' *' : ''}`
  }
  const width = Math.max(8, ...variants.map(v => v.length))
  const colWidth = Math.max(14, ...fixtures.map(f => f.length), ...variants.flatMap(v => fixtures.map(f => text(v, f).length)))
  const lines = [`${'variant'.padEnd(width)}  ${fixtures.map(f => f.padEnd(colWidth)).join('  ')}`]
  for (const v of variants) lines.push(`${v.padEnd(width)}  ${fixtures.map(f => text(v, f).padEnd(colWidth)).join('  ')}`)
  return lines.join('\n') + '\n(* = a fixture that must catch the mutant, named after its bug class or listing it in catches:, on every seed)'
}
