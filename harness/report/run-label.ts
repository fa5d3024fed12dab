/**
 * Names for a run and its findings, shared by results.json, junit.xml and the
 * HTML pages so a CI line, a test case and a report row say the same thing.
 */
import type { History, RunStart } from '../history/types.ts'
import { composeStatus, type Finding, type Verdict, type VerdictStatus } from '../oracles/verdict.ts'

/** What distinguishes runs of one scenario in a matrix. */
export interface RunVariant {
  /** distinct node impls, e.g. "ts×ts" or "ts×go" */
  implPair: string
  /** "quic", "tcp" or "mixed" */
  transport: string
  /** distinct gossip policies, e.g. "leg-aware" or "leg-aware+stock"; a mutant shows as "leg-aware~<mutant>" */
  policy: string
}

export function runVariant (start: RunStart): RunVariant {
  const impls = [...new Set(start.nodes.map(n => n.impl))].sort()
  const transports = [...new Set(start.legs.map(l => l.transport))].sort()
  const policies = [...new Set(start.nodes.map(n => [n.gossipPolicy, ...(n.mutants ?? [])].join('~')))].sort()
  return {
    implPair: impls.length === 0 ? '?' : impls.length === 1 ? `${impls[0]}×${impls[0]}` : impls.length === 2 ? impls.join('×') : impls.join('+'),
    transport: transports.length === 0 ? '?' : transports.length === 1 ? String(transports[0]) : 'mixed',
    policy: policies.length === 0 ? '?' : policies.join('+')
  }
}

/** One line naming a run: `scenario seed=42 runtime=process impl=ts×ts transport=quic policy=leg-aware`. */
export function runLabel (start: RunStart): string {
  const v = runVariant(start)
  return `${start.scenario} seed=${start.seed} runtime=${start.runtime} impl=${v.implPair} transport=${v.transport} policy=${v.policy}`
}

/**
 * The run's overall status: fail beats unknown beats pass over every verdict;
 * a run with no verdict, or one that did not complete (interrupted, set-up
 * failure, no run_end), cannot be a pass.
 */
export function overallStatus (history: History, verdicts: readonly Verdict[]): VerdictStatus {
  const status = composeStatus(verdicts.map(v => v.status))
  if (status === 'fail') return 'fail'
  const end = history.findLast(e => e.kind === 'run_end')
  const completed = end !== undefined && end.reason === 'completed'
  if (verdicts.length === 0 || !completed) return 'unknown'
  return status
}

/** Seconds after genesis, e.g. "+12.345s" (negative before genesis). */
export function formatRunTime (ts: number, genesisMs: number): string {
  const s = (ts - genesisMs) / 1000
  return `${s < 0 ? '-' : '+'}${Math.abs(s).toFixed(3)}s`
}

/**
 * A finding as one line a node developer can act on:
 * `B->A starved: no delivery [direction B->A, leg B>A, stream 7/o1, slot 5, +5.000s..+9.000s]`.
 */
export function formatFinding (f: Finding, genesisMs: number): string {
  const where: string[] = []
  if (f.direction !== undefined) where.push(`direction ${f.direction}`)
  if (f.leg !== undefined) where.push(`leg ${f.leg}`)
  if (f.stream !== undefined) where.push(`stream ${f.stream}`)
  if (f.node !== undefined) where.push(`node ${f.node}`)
  if (f.slot !== undefined) where.push(`slot ${f.slot}`)
  if (f.fromMs !== undefined || f.toMs !== undefined) {
    const from = f.fromMs !== undefined ? formatRunTime(f.fromMs, genesisMs) : '?'
    const to = f.toMs !== undefined ? formatRunTime(f.toMs, genesisMs) : '?'
    where.push(`${from}..${to}`)
  }
  return where.length === 0 ? f.message : `${f.message} [${where.join(', ')}]`
}
