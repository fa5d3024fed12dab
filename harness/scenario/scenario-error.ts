/**
 * A scenario that cannot run: every problem found, each with where it is
 * (file:line:col), which field (e.g. `faults[1].target.bearing-of`) and what
 * was expected. Thrown by `loadScenario`/`parseScenario` before anything
 * starts; the CLI maps it to exit code 2.
 */

/** A field path: object keys and array indices from the document root. */
export type FieldPath = ReadonlyArray<string | number>

/** A problem before it is located in the file (what the checks produce). */
export interface FieldIssue {
  path: FieldPath
  message: string
  expected?: string
  /** point at the key (unknown field) rather than the value */
  at?: 'key' | 'value'
}

/** One thing wrong with a scenario file. */
export interface ScenarioProblem {
  file: string
  /** 1-based; 0 when the file could not be read at all */
  line: number
  col: number
  /** e.g. "faults[1].target.bearing-of"; "" for the document itself */
  path: string
  /** what is wrong, e.g. `unknown node "E"` */
  message: string
  /** what would have been right, e.g. `one of the nodes A, B, C, D` */
  expected?: string
}

/** Renders a field path the way a user writes it: `faults[1].target.bearing-of`. */
export function formatPath (path: FieldPath): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else out += out === '' ? seg : `.${seg}`
  }
  return out
}

/** `file:line:col: path: message (expected ...)` */
export function formatProblem (p: ScenarioProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}${p.col > 0 ? `:${p.col}` : ''}` : p.file
  const field = p.path === '' ? '' : ` ${p.path}:`
  const expected = p.expected === undefined ? '' : ` (expected ${p.expected})`
  return `${where}:${field} ${p.message}${expected}`
}

export class ScenarioError extends Error {
  override name = 'ScenarioError'
  readonly problems: readonly ScenarioProblem[]
  /** exit code the CLI uses for bad input */
  readonly exitCode = 2

  constructor (problems: readonly ScenarioProblem[]) {
    const sorted = [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col)
    super(sorted.length === 1
      ? `invalid scenario: ${formatProblem(sorted[0] as ScenarioProblem)}`
      : `invalid scenario (${sorted.length} problems):\n${sorted.map(p => `  ${formatProblem(p)}`).join('\n')}`)
    this.problems = sorted
  }
}
