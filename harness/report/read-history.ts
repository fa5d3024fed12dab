/**
 * Reads a saved `history.ndjson` back into a History, so `meshflap report <run-dir>`
 * re-renders (and re-judges) a run from exactly what was recorded.
 */
import { readFile } from 'node:fs/promises'
import { nodeEventProblem } from '../contract/node-events.ts'
import type { History, HistoryEntry } from '../history/types.ts'

/** A history line is not JSON or not a history entry; names file and line. */
export class HistoryParseError extends Error {
  override name = 'HistoryParseError'
  readonly file: string
  readonly line: number
  constructor (file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`)
    this.file = file
    this.line = line
  }
}

const KINDS: ReadonlySet<string> = new Set(['run_start', 'node', 'fault', 'fault_failed', 'node_exit', 'status', 'run_end', 'harness_sched'])

/** Options for reading a history. */
export interface ReadHistoryOptions {
  /**
   * Told about a final line cut short (the writer died mid-line); that line is
   * dropped so a crashed run still renders. Any other bad line throws.
   */
  onTornTail?: (line: number, text: string) => void
}

/** Parses NDJSON history text; `source` names it in errors. */
export function parseHistory (text: string, source = 'history.ndjson', options: ReadHistoryOptions = {}): History {
  const lines = text.split('\n')
  const entries: HistoryEntry[] = []
  const lastIndex = text.endsWith('\n') ? -1 : lines.length - 1
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? ''
    if (raw.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch (err) {
      if (i === lastIndex) { options.onTornTail?.(i + 1, raw); break }
      throw new HistoryParseError(source, i + 1, `not JSON (${(err as Error).message})`)
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HistoryParseError(source, i + 1, 'not a JSON object')
    const e = value as { kind?: unknown, ts?: unknown }
    if (typeof e.kind !== 'string' || !KINDS.has(e.kind)) throw new HistoryParseError(source, i + 1, `unknown entry kind ${JSON.stringify(e.kind)}`)
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts)) throw new HistoryParseError(source, i + 1, 'entry has no numeric ts')
    if (e.kind === 'node') {
      // the same check a live node's lines pass (harness/contract/node-events.ts), so readers get typed events
      const { kind: _kind, node, ...event } = value as { kind: string, node?: unknown }
      if (typeof node !== 'string') throw new HistoryParseError(source, i + 1, 'node entry has no string field node')
      const problem = nodeEventProblem(event)
      if (problem !== undefined) throw new HistoryParseError(source, i + 1, `node ${node}: ${problem}`)
    }
    entries.push(value as HistoryEntry)
  }
  if (!entries.some(e => e.kind === 'run_start')) throw new HistoryParseError(source, 1, 'history has no run_start entry')
  return entries
}

/** Reads and parses a history.ndjson file. */
export async function readHistory (path: string, options: ReadHistoryOptions & { signal?: AbortSignal } = {}): Promise<History> {
  const text = await readFile(path, { encoding: 'utf8', ...(options.signal !== undefined ? { signal: options.signal } : {}) })
  return parseHistory(text, path, options)
}

/** NDJSON text of a history (what the runner writes, for tests and fixtures). */
export function historyToNdjson (history: History): string {
  return history.map(e => JSON.stringify(e)).join('\n') + '\n'
}
