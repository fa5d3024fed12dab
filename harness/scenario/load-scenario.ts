/**
 * Reads a scenario file: YAML (with line numbers) -> JSON Schema (ajv) ->
 * semantic checks -> the resolved `Scenario`. Anything wrong, anywhere, is
 * one `ScenarioError` listing every problem with file:line:col, field path
 * and what was expected; nothing is started before this returns.
 */
import { readFile } from 'node:fs/promises'
import { LineCounter, parseDocument } from 'yaml'
import { resolveScenario } from './resolve-scenario.ts'
import { ScenarioError, formatPath, type FieldIssue, type ScenarioProblem } from './scenario-error.ts'
import type { ScenarioFile } from './scenario-file.ts'
import { schemaIssues } from './schema-issues.ts'
import { SourceLocator } from './source-locator.ts'
import type { Scenario } from './types.ts'

/** Parses scenario text; `file` names it in errors and in the result. */
export function parseScenario (text: string, file: string): Scenario {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    throw new ScenarioError(doc.errors.map((e): ScenarioProblem => {
      const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0])
      return { file, line: pos.line, col: pos.col, path: '', message: `YAML: ${e.message.split('\n')[0] ?? e.code}`, expected: 'valid YAML' }
    }))
  }
  const locator = new SourceLocator(doc, lineCounter)
  const locate = (issues: FieldIssue[]): ScenarioProblem[] => issues.map(issue => {
    const pos = issue.at === 'key' ? locator.keyAt(issue.path) : locator.valueAt(issue.path)
    return {
      file,
      line: pos.line,
      col: pos.col,
      path: formatPath(issue.path),
      message: issue.message,
      ...(issue.expected !== undefined ? { expected: issue.expected } : {})
    }
  })
  let raw: unknown
  try {
    raw = doc.toJS({ maxAliasCount: 100 })
  } catch (err) {
    throw new ScenarioError([{ file, line: 1, col: 1, path: '', message: `YAML: ${(err as Error).message}`, expected: 'valid YAML' }])
  }
  const schemaProblems = schemaIssues(raw)
  if (schemaProblems.length > 0) throw new ScenarioError(locate(schemaProblems))
  const { scenario, issues } = resolveScenario(raw as ScenarioFile, {
    file,
    where: path => { const pos = locator.valueAt(path); return `${file}:${pos.line}` }
  })
  if (scenario === undefined) throw new ScenarioError(locate(issues))
  return scenario
}

/** Reads and parses a scenario file. An unreadable file is a ScenarioError too (exit code 2). */
export async function loadScenario (file: string, options: { signal?: AbortSignal } = {}): Promise<Scenario> {
  let text: string
  try {
    text = await readFile(file, { encoding: 'utf8', ...(options.signal !== undefined ? { signal: options.signal } : {}) })
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ScenarioError([{ file, line: 0, col: 0, path: '', message: `cannot read: ${(err as Error).message}` }])
  }
  return parseScenario(text, file)
}
