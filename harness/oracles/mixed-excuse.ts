/**
 * A failed verdict whose findings are each explained, some by the machine's
 * stall (environment-excuse.ts) and the rest by a QUIC leg whose death a node
 * could not yet detect (leg-death-excuse.ts), is `unknown` for both reasons:
 * neither excuse alone covers it, yet no finding is the code's doing. Seen in
 * the default matrix at load 20 (go-topics-forgotten ts>ts QUIC): B's
 * blackholed leg took 3.3 s to die (slots 3-4), then every leg died while the
 * harness, which carries the QUIC legs, stalled (slots 7-8). One finding
 * neither explains keeps `fail`.
 */
import type { Expectation } from './expectation.ts'
import { environmentExplains } from './environment-excuse.ts'
import type { Environment, EnvironmentInterval } from './environment.ts'
import { slowDeathsExplaining, slowLegDeathNote, slowLegDeaths, type SlowLegDeath } from './leg-death-excuse.ts'
import { healthFindings } from './node-health.ts'
import type { RunIndex } from './run-index.ts'
import { MAX_FINDINGS } from './verdict-parts.ts'
import type { Finding, Verdict } from './verdict.ts'

export function excuseByEnvironmentAndLegDeath (v: Verdict, e: Expectation, env: Environment, ix: RunIndex): Verdict {
  if (v.status !== 'fail' || v.findings.length === 0 || v.findings.length >= MAX_FINDINGS) return v
  if (healthFindings(ix).length > 0) return v
  const slow = slowLegDeaths(ix)
  if (slow.length === 0) return v
  const intervals = new Map<number, EnvironmentInterval>()
  const deaths = new Set<SlowLegDeath>()
  let byEnvironment = 0
  let byLegDeath = 0
  for (const f of v.findings) {
    const stall = environmentExplains(f, e, env, ix)
    if (stall !== undefined) { byEnvironment++; for (const i of stall) intervals.set(i.fromMs, i); continue }
    const late = slowDeathsExplaining(f, ix, slow, v.expectation)
    if (late.length === 0) return v
    byLegDeath++
    for (const s of late) deaths.add(s)
  }
  if (byEnvironment === 0 || byLegDeath === 0) return v // one excuse alone covers it: the single-cause forms say so
  const sorted = [...intervals.values()].sort((a, b) => a.fromMs - b.fromMs)
  const what = sorted.map(i => i.what).join('; ')
  const slowLegDeath = slowLegDeathNote(deaths, byLegDeath)
  return {
    ...v,
    status: 'unknown',
    summary: `environment: ${what} (${byEnvironment} finding(s)); ${slowLegDeath.what} (${byLegDeath} finding(s)); first: ${(v.findings[0] as Finding).message.split('\n')[0] ?? ''}`,
    environment: { what, explained: byEnvironment, intervals: sorted.map(i => ({ fromMs: i.fromMs, toMs: i.toMs, what: i.what })) },
    slowLegDeath
  }
}
