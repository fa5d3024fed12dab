/**
 * Nodes a verdict depends on that did not do their part: never became ready,
 * or exited when nobody asked them to. Each becomes a finding with the node's
 * last log lines, so a crash reads as a failed verdict, never as silence.
 */
import type { Finding } from './verdict.ts'
import { when, type RunIndex } from './run-index.ts'

const LAST_LINES = 12

function tail (lines: readonly string[] | undefined): string {
  if (lines === undefined || lines.length === 0) return ' (no log lines recorded)'
  return '; last log lines:\n' + lines.slice(-LAST_LINES).map(l => `    ${l}`).join('\n')
}

/** Findings for every node among `names` (default: all) that never became ready or exited unexpectedly. */
export function healthFindings (ix: RunIndex, names: readonly string[] = ix.nodes.map(n => n.name)): Finding[] {
  const out: Finding[] = []
  for (const name of names) {
    const exit = ix.exits.get(name)
    const how = exit === undefined ? '' : ` (exit code ${exit.code ?? 'none'}${exit.signal !== null ? `, signal ${exit.signal}` : ''})`
    if (!ix.ready.has(name)) {
      out.push({
        node: name,
        message: `node ${name} never became ready${exit !== undefined ? `; it exited at ${when(ix, exit.ts)}${how}` : ''}${tail(exit?.lastLines)}`,
        ...(exit !== undefined ? { fromMs: exit.ts, toMs: exit.ts } : {})
      })
      continue
    }
    if (exit !== undefined && !exit.expected) {
      // the harness's own hang watchdog killed it: say so, its SIGKILL is otherwise a mystery
      const detail = ix.end?.detail
      const hung = detail !== undefined && detail.startsWith(`node ${name} did not answer`) ? `: ${detail}` : ''
      out.push({
        node: name,
        message: `node ${name} exited unexpectedly at ${when(ix, exit.ts)}${how}${hung}${tail(exit.lastLines)}`,
        fromMs: exit.ts,
        toMs: exit.ts,
        slot: Math.floor((exit.ts - ix.genesisMs) / ix.slotMs)
      })
    }
  }
  return out
}
