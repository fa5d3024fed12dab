/**
 * `fixtures/known-failures.yaml`: failures the matrix expects, each with its
 * reason and upstream reference. A known failure that fails keeps the matrix
 * green; a failure nobody listed, or a listed one that passes, turns it red.
 *
 *   - scenario: go-topics-forgotten-ts-go      # required; "*" (every scenario) only with a mechanism
 *     impls: [ts, go]                          # optional: the ordered pair (any when absent)
 *     mechanism: go-resets-rust-streams        # optional: accepted only when the run's history shows it (mechanisms/)
 *     transport: tcp                           # optional: quic | tcp | mixed (the cell's transport)
 *     outcome: fail                            # fail (must fail) | flaky (either outcome is accepted)
 *     reason: ...                              # required: why, in words
 *     upstream: https://...                    # required: where the bug lives
 */
import { readFile } from 'node:fs/promises'
import { Ajv } from 'ajv'
import { LineCounter, parseDocument } from 'yaml'
import { IMPL_NAMES } from '../impls/index.ts'
import type { ImplName } from '../impls/index.ts'
import { MECHANISM_NAMES } from './mechanisms/index.ts'
import type { MechanismName } from './mechanisms/index.ts'
import type { CellTransport, MatrixCell } from './plan.ts'

export interface KnownFailure {
  /** a scenario name, or "*" for every scenario (only with `mechanism`) */
  scenario: string
  impls?: [ImplName, ImplName]
  /** the entry covers a run only when its history shows this mechanism (harness/matrix/mechanisms/) */
  mechanism?: MechanismName
  transport?: CellTransport
  outcome: 'fail' | 'flaky'
  reason: string
  upstream: string
}

export class KnownFailuresError extends Error {
  override name = 'KnownFailuresError'
}

const SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['scenario', 'outcome', 'reason', 'upstream'],
    properties: {
      scenario: { type: 'string', minLength: 1 },
      impls: { type: 'array', items: { enum: IMPL_NAMES }, minItems: 2, maxItems: 2 },
      transport: { enum: ['quic', 'tcp', 'mixed'] },
      mechanism: { enum: MECHANISM_NAMES },
      outcome: { enum: ['fail', 'flaky'] },
      reason: { type: 'string', minLength: 10 },
      upstream: { type: 'string', minLength: 5 }
    }
  }
} as const

const validate = new Ajv({ allErrors: true }).compile(SCHEMA)

export function parseKnownFailures (text: string, file: string): KnownFailure[] {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines })
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!
    const at = lines.linePos(e.pos[0])
    throw new KnownFailuresError(`${file}:${at.line}:${at.col}: not valid YAML: ${e.message}`)
  }
  const data: unknown = doc.toJS() ?? []
  if (!validate(data)) {
    const problems = (validate.errors ?? []).map(err => {
      const path = err.instancePath.split('/').filter(p => p !== '')
      const node = doc.getIn(path, true) as { range?: [number, number] } | undefined
      const at = node?.range != null ? lines.linePos(node.range[0]) : { line: 1, col: 1 }
      const field = path.map(p => /^\d+$/.test(p) ? `[${p}]` : `.${p}`).join('').replace(/^\./, '') || '(top level)'
      const what = err.keyword === 'additionalProperties' ? `unknown field "${String(err.params.additionalProperty)}"` : err.keyword === 'enum' ? `must be one of ${JSON.stringify(err.params.allowedValues)}` : err.message ?? 'invalid'
      return `${file}:${at.line}:${at.col}: ${field}: ${what}`
    })
    throw new KnownFailuresError(problems.join('\n'))
  }
  const entries = data as KnownFailure[]
  // a wildcard covers every fixture; without a mechanism to look for it would hide any failure of the pair
  const loose = entries.findIndex(k => k.scenario === '*' && k.mechanism === undefined)
  if (loose >= 0) {
    const node = doc.getIn([loose, 'scenario'], true) as { range?: [number, number] } | undefined
    const at = node?.range != null ? lines.linePos(node.range[0]) : { line: 1, col: 1 }
    throw new KnownFailuresError(`${file}:${at.line}:${at.col}: [${loose}].scenario: "*" (every scenario) needs a mechanism the run must show (one of ${JSON.stringify(MECHANISM_NAMES)})`)
  }
  return entries
}

export async function loadKnownFailures (file: string): Promise<KnownFailure[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new KnownFailuresError(`${file}: cannot read: ${(err as Error).message}`)
  }
  return parseKnownFailures(text, file)
}

type CellRef = Pick<MatrixCell, 'impls' | 'transport'> & { scenario: { name: string } }

/** Whether an entry's scenario, pair and transport name this cell (its mechanism aside). */
export function entryNamesCell (k: KnownFailure, cell: CellRef): boolean {
  return (k.scenario === cell.scenario.name || k.scenario === '*') &&
    (k.impls == null || (k.impls[0] === cell.impls[0] && k.impls[1] === cell.impls[1])) &&
    (k.transport == null || k.transport === cell.transport)
}

/**
 * The first entry without a mechanism that covers this cell, if any. Entries with a mechanism cover
 * a run only when its history shows it (classify-run.ts), never a cell as such.
 */
export function knownFailureFor (known: readonly KnownFailure[], cell: CellRef): KnownFailure | undefined {
  return known.find(k => k.mechanism === undefined && entryNamesCell(k, cell))
}
