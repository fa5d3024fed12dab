/**
 * Schema validation (ajv, draft-07) of a parsed scenario, with ajv's errors
 * turned into issues a user can act on: the field path, what is wrong and what
 * was expected ("unknown field "bearing_of" (did you mean "bearing-of"?)").
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import shipped from './scenario.schema.json' with { type: 'json' }
import { actionNames, FAULT_ACTIONS } from '../faults/actions/index.ts'
import type { FieldIssue } from './scenario-error.ts'

/**
 * The scenario JSON Schema: the shipped file (harness/scenario/scenario.schema.json, what editors
 * read) with `definitions.action` built from the fault actions' own files
 * (harness/faults/actions/). `node harness/scenario/write-schema.ts` writes it back to the file;
 * tests/scenario/action-rules.test.ts checks the file is up to date.
 */
export function composeSchema (base: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const definitions = (base.definitions ?? {}) as Record<string, unknown>
  const action = (definitions.action ?? {}) as Record<string, unknown>
  const names = (on: 'leg' | 'node' | 'pair'): string => actionNames(on).join(', ')
  return {
    ...base,
    definitions: {
      ...definitions,
      action: {
        ...action,
        description: `What to do to the target: a name (on legs: ${names('leg')}; on nodes: ${names('node')}; on a pair: ${names('pair')}) or a one-key map with parameters, e.g. { flap: { times: 3, downMs: 300, upMs: 700 } }, { latency: { ms: 100, jitter: 20 } }, { loss: { probability: 0.3 } }, { stall: { direction: downstream } }, { burst-loss: { burstMs: 200, everyMs: 1000 } }, { restart: { after: { slots: 2 } } }.`,
        if: { type: 'string' },
        then: { enum: FAULT_ACTIONS.map(a => a.kind) },
        else: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          maxProperties: 1,
          properties: Object.fromEntries(FAULT_ACTIONS.map(a => [a.kind, a.schema]))
        }
      }
    }
  }
}

/** The scenario JSON Schema the loader checks against (the shipped file, actions from their files). */
export const scenarioSchema: Readonly<Record<string, unknown>> = composeSchema(shipped)

let compiled: ValidateFunction | undefined
// compiled once on first use, not at import time; the function is pure and holds no run state
function validator (): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false }).compile(scenarioSchema)
  return compiled
}

/** Every schema violation of `raw`, most specific first; [] when it conforms. */
export function schemaIssues (raw: unknown): FieldIssue[] {
  const validate = validator()
  if (validate(raw)) return []
  const issues: FieldIssue[] = []
  const seen = new Set<string>()
  for (const error of validate.errors ?? []) {
    const issue = issueOf(error, raw)
    if (issue === undefined) continue
    const key = `${issue.path.join('\u0000')}\u0001${issue.message}`
    if (seen.has(key)) continue
    seen.add(key)
    issues.push(issue)
  }
  return issues
}

function pathOf (pointer: string, raw: unknown): Array<string | number> {
  const out: Array<string | number> = []
  let node: unknown = raw
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~')
    if (Array.isArray(node)) {
      const i = Number(key)
      out.push(i)
      node = node[i]
    } else {
      out.push(key)
      node = node != null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined
    }
  }
  return out
}

function describe (data: unknown): string {
  if (data === null) return 'null'
  if (Array.isArray(data)) return 'a list'
  if (typeof data === 'object') return 'a map'
  if (typeof data === 'string') return `the string ${JSON.stringify(data)}`
  return `${typeof data} ${String(data)}`
}

function propertyNames (parentSchema: unknown): string[] {
  const props = (parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties
  return props === undefined ? [] : Object.keys(props).filter(k => k !== '$schema')
}

function issueOf (e: ErrorObject, raw: unknown): FieldIssue | undefined {
  const path = pathOf(e.instancePath, raw)
  const params = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'if':
      return undefined // the failing then/else branch reports the real problem
    case 'additionalProperties': {
      const field = String(params.additionalProperty)
      const names = propertyNames(e.parentSchema)
      const near = closest(field, names)
      return {
        path: [...path, field],
        at: 'key',
        message: `unknown field "${field}"${near === undefined ? '' : ` (did you mean "${near}"?)`}`,
        expected: `one of: ${names.join(', ')}`
      }
    }
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: `missing required field "${String(params.missingProperty)}"` }
    case 'type':
      return { path, message: `wrong type: ${describe(e.data)}`, expected: article(String(params.type)) }
    case 'enum':
      return { path, message: `${describe(e.data)} is not allowed`, expected: `one of: ${(params.allowedValues as unknown[]).map(v => String(v)).join(', ')}` }
    case 'const':
      return { path, message: `${describe(e.data)} is not allowed`, expected: JSON.stringify(params.allowedValue) }
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return { path, message: `${String(e.data)} is out of range`, expected: `a number ${String(params.comparison)} ${String(params.limit)}${descriptionOf(e.parentSchema) !== undefined ? ` (${String(descriptionOf(e.parentSchema))})` : ''}` }
    case 'minItems': case 'maxItems': {
      const n = Array.isArray(e.data) ? e.data.length : 0
      const bound = e.keyword === 'minItems' ? 'at least' : 'at most'
      return { path, message: `has ${n} item(s)`, expected: `${bound} ${String(params.limit)} item(s)` }
    }
    case 'minProperties': case 'maxProperties': {
      const names = propertyNames(e.parentSchema)
      const n = e.data != null && typeof e.data === 'object' ? Object.keys(e.data).length : 0
      const one = (e.parentSchema as { maxProperties?: number }).maxProperties === 1
      return { path, message: n === 0 ? 'is empty' : `has ${n} keys`, expected: `${one ? 'exactly one' : 'at least one'} of: ${names.join(', ')}` }
    }
    case 'minLength':
      return { path, message: 'is too short', expected: `at least ${String(params.limit)} characters: ${descriptionOf(e.parentSchema) ?? ''}`.replace(/: $/, '') }
    case 'pattern':
      return { path, message: `${describe(e.data)} is not allowed`, expected: descriptionOf(e.parentSchema) ?? `a string matching ${String(params.pattern)}` }
    default:
      return { path, message: e.message ?? `fails ${e.keyword}` }
  }
}

function descriptionOf (s: unknown): string | undefined {
  const d = (s as { description?: unknown } | undefined)?.description
  return typeof d === 'string' ? d : undefined
}

function article (type: string): string {
  return type.split(',').map(t => t === 'integer' || t === 'object' || t === 'array' ? `an ${t}` : `a ${t}`).join(' or ')
}

/** The allowed name nearest to a misspelt one (edit distance <= 3 and shorter than the word), if any. */
export function closest (word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  // a one-letter node name is "near" every other one: only suggest when part of the word survives
  let bestDistance = Math.min(4, word.length)
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase())
    if (d < bestDistance) { best = c; bestDistance = d }
  }
  return best
}

function editDistance (a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, sub))
    }
    prev = cur
  }
  return prev[b.length] ?? 0
}
