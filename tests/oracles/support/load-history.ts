/** Reads a recorded history (ndjson) from fixtures/histories/oracles/. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { History } from '../../../harness/history/types.ts'

export const HISTORY_DIR = join(import.meta.dirname, '../../../fixtures/histories/oracles')

export function parseNdjson (text: string): History {
  return text.split('\n').filter(l => l.trim() !== '').map(l => JSON.parse(l) as History[number])
}

export function loadHistory (name: string): History {
  return parseNdjson(readFileSync(join(HISTORY_DIR, `${name}.ndjson`), 'utf8'))
}

/** The history cut at `ms` after genesis, as a live run would have it so far (no run_end). */
export function truncate (history: History, ms: number): History {
  const start = history[0]
  if (start?.kind !== 'run_start') throw new Error('history must begin with run_start')
  return history.filter(e => e.ts <= start.genesisMs + ms && e.kind !== 'run_end')
}
