/**
 * A matrix cell's measured leg death (oracles/leg-death.ts): per implementation and
 * transport, the slowest time from a fault taking a leg down to an end's leg_close, or
 * the longest fault an end did not see its leg die in. Read from the cell's history, so
 * a matrix shows which stacks detect leg loss how fast next to their verdicts. Pure.
 */
import type { History } from '../history/types.ts'
import { detectionBoundMs } from '../oracles/leg-death-excuse.ts'
import { legDeathReport } from '../oracles/leg-death.ts'
import { indexHistory } from '../oracles/run-index.ts'

export interface CellLegDeath {
  impl: string
  transport: string
  /** ends of downed legs this implementation had in the run */
  ends: number
  slowestMs?: number
  /** some end did not close its leg while the fault was in force: the longest such fault, ms */
  undetectedWithinMs?: number
  /** QUIC detection bound of the run (2 x quic.maxIdleTimeoutMs), when recorded */
  boundMs?: number
}

export function cellLegDeath (history: History): CellLegDeath[] {
  const ix = indexHistory(history)
  const bound = detectionBoundMs(ix)
  return legDeathReport(ix).byImpl.map(s => ({
    impl: s.impl,
    transport: s.transport ?? '?',
    ends: s.ends,
    ...(s.slowestMs !== undefined ? { slowestMs: s.slowestMs } : {}),
    ...(s.longestUndetectedMs !== undefined ? { undetectedWithinMs: s.longestUndetectedMs } : {}),
    ...(bound !== undefined && s.transport === 'quic' ? { boundMs: bound } : {})
  }))
}

/** "ts quic 780 ms; zig quic not detected within 10000 ms (bound 1200 ms)"; "" when no leg was downed */
export function describeCellLegDeath (list: readonly CellLegDeath[]): string {
  return list.map(d => {
    const slow = d.boundMs !== undefined && Math.max(d.slowestMs ?? 0, d.undetectedWithinMs ?? 0) > d.boundMs
    const what = d.undetectedWithinMs !== undefined ? `not detected within ${d.undetectedWithinMs} ms` : `${d.slowestMs ?? '?'} ms`
    return `${d.impl} ${d.transport} ${what}${slow ? ` (over the bound ${d.boundMs ?? ''} ms)` : ''}`
  }).join('; ')
}

/** The slowest of several runs' lists (a cell over seeds), per implementation and transport. */
export function slowestLegDeath (lists: ReadonlyArray<readonly CellLegDeath[]>): CellLegDeath[] {
  const out = new Map<string, CellLegDeath>()
  for (const d of lists.flat()) {
    const key = `${d.impl}\u0000${d.transport}`
    const prev = out.get(key)
    if (prev === undefined) { out.set(key, { ...d }); continue }
    const max = (a?: number, b?: number): number | undefined => a === undefined ? b : b === undefined ? a : Math.max(a, b)
    const slowestMs = max(prev.slowestMs, d.slowestMs)
    const undetectedWithinMs = max(prev.undetectedWithinMs, d.undetectedWithinMs)
    const boundMs = max(prev.boundMs, d.boundMs)
    out.set(key, {
      impl: d.impl, transport: d.transport, ends: prev.ends + d.ends,
      ...(slowestMs !== undefined ? { slowestMs } : {}),
      ...(undetectedWithinMs !== undefined ? { undetectedWithinMs } : {}),
      ...(boundMs !== undefined ? { boundMs } : {})
    })
  }
  return [...out.values()].sort((a, b) => a.impl.localeCompare(b.impl) || a.transport.localeCompare(b.transport))
}
