/**
 * Adds timer-lateness windows to a history, as the harness probe (`harness_sched`) and every node
 * (`sched` events) record them: one window per source every 200 ms, on time (3 ms late) but for
 * the stalls given (times in ms after genesis; a stall ends at `atMs` and lasted `lateMs`).
 */
import type { History, HistoryEntry, RunStart } from '../../../harness/history/types.ts'

/** `cpuMs`: the CPU the source used in the stall's window (absent: not reported) */
export interface ScriptedStall { source: string, atMs: number, lateMs: number, cpuMs?: number }

export function withSched (history: History, stalls: readonly ScriptedStall[], fromMs = -1000, toMs = 8000): History {
  const start = history.find((e): e is RunStart => e.kind === 'run_start')
  if (start === undefined) throw new Error('history must have a run_start')
  const genesis = start.genesisMs
  const extra: HistoryEntry[] = []
  let seq = 10_000
  for (let t = fromMs; t <= toMs; t += 200) {
    for (const source of ['harness', ...start.nodes.map(n => n.name)]) {
      const stall = stalls.find(s => s.source === source && s.atMs > t - 200 && s.atMs <= t)
      const maxLateMs = stall?.lateMs ?? 3
      const fields = { windowMs: 200, maxLateMs, p99LateMs: maxLateMs, maxLateAt: genesis + (stall?.atMs ?? t), ...(stall?.cpuMs !== undefined ? { cpuMs: stall.cpuMs } : {}) }
      extra.push(source === 'harness'
        ? { kind: 'harness_sched', ts: genesis + t, ...fields }
        : { kind: 'node', node: source, seq: ++seq, ts: genesis + t, type: 'sched', ...fields })
    }
  }
  return [...history, ...extra].sort((a, b) => a.ts - b.ts)
}
