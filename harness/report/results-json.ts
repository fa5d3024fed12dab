/**
 * `results.json`: the machine-readable outcome of one run. Every field comes
 * from the history (run_start, run_end, node_exit) or the verdicts; versions
 * are the caller's (the runner knows which binaries it ran).
 */
import type { FaultFailed, History, RunEnd, RunStart } from '../history/types.ts'
import { faultHits, type FaultHit } from '../oracles/fault-hits.ts'
import { indexHistory } from '../oracles/run-index.ts'
import { legDeathReport, type LegDeathReport } from '../oracles/leg-death.ts'
import { detectionBoundMs } from '../oracles/leg-death-excuse.ts'
import type { Verdict, VerdictStatus } from '../oracles/verdict.ts'
import { overallStatus, runVariant, type RunVariant } from './run-label.ts'
import { HistoryShapeError } from './run-view.ts'

export const RESULTS_FORMAT = 'meshflap-results/1'

/** One node of the run as results.json lists it. */
export interface ResultsNode {
  name: string
  peerId: string
  impl: string
  gossipPolicy: string
  /** field bugs the node re-created (absent: the correct node) */
  mutants?: string[]
  validators: number[]
  aggregator: boolean
  /** a subnet aggregator's subnets (absent: every subnet) */
  aggregates?: number[]
  /** sparse subnets: the subnets it subscribed to (absent: every subnet) */
  subscribeSubnets?: number[]
  /** how the node ended, when the history says */
  exit?: { code: number | null, signal: string | null, expected: boolean }
}

/** The content of results.json. */
export interface RunResults {
  format: typeof RESULTS_FORMAT
  runId: string
  scenario: string
  seed: number
  runtime: string
  variant: RunVariant
  versions: Record<string, string>
  startedAt: string
  /** absent when the history has no run_end */
  endedAt?: string
  wallTimeMs: number
  endReason: RunEnd['reason'] | 'missing'
  endDetail?: string
  /** faults that could not be resolved or applied (the history's fault_failed entries) */
  faultsNotApplied?: Array<Omit<FaultFailed, 'kind'>>
  status: VerdictStatus
  counts: Record<VerdictStatus, number>
  nodes: ResultsNode[]
  /** every fault window and the gossip stream directions it hit (empty `streams`: it touched none) */
  faults: FaultHit[]
  /**
   * Measured leg death (oracles/leg-death.ts): every end of every downed leg, fault apply -> leg_close
   * (absent `ms`: not closed while the fault was in force), summarised per node and implementation;
   * `boundMs` is the QUIC detection bound (2 x quic.maxIdleTimeoutMs), absent when not recorded.
   */
  legDeath: LegDeathReport & { boundMs?: number }
  verdicts: Verdict[]
}

/** Options the caller adds to what the history says. */
export interface ResultsOptions {
  /** e.g. { meshflap: "0.1.0", node: "v24.21.0", "ts-node": "libp2p 3.3.11" } */
  versions?: Record<string, string>
}

/** results.json does not parse or is not meshflap results. */
export class ResultsParseError extends Error {
  override name = 'ResultsParseError'
}

export function runResults (history: History, verdicts: readonly Verdict[], options: ResultsOptions = {}): RunResults {
  const start = history.find((e): e is RunStart => e.kind === 'run_start')
  if (start === undefined) throw new HistoryShapeError('history has no run_start entry')
  const end = history.findLast(e => e.kind === 'run_end')
  const lastTs = history.reduce((m, e) => Math.max(m, e.ts), start.ts)
  const exits = new Map(history.flatMap(e => e.kind === 'node_exit' ? [[e.node, e] as const] : []))
  const failed = history.flatMap(e => {
    if (e.kind !== 'fault_failed') return []
    const { kind: _kind, ...rest } = e
    return [rest]
  })
  const counts: Record<VerdictStatus, number> = { pass: 0, fail: 0, unknown: 0 }
  const ix = indexHistory(history)
  const boundMs = detectionBoundMs(ix)
  for (const v of verdicts) counts[v.status]++
  return {
    format: RESULTS_FORMAT,
    runId: start.runId,
    scenario: start.scenario,
    seed: start.seed,
    runtime: start.runtime,
    variant: runVariant(start),
    versions: { ...options.versions },
    startedAt: new Date(start.ts).toISOString(),
    ...(end !== undefined ? { endedAt: new Date(end.ts).toISOString() } : {}),
    wallTimeMs: (end?.ts ?? lastTs) - start.ts,
    endReason: end?.reason ?? 'missing',
    ...(end?.detail !== undefined ? { endDetail: end.detail } : {}),
    ...(failed.length > 0 ? { faultsNotApplied: failed } : {}),
    status: overallStatus(history, verdicts),
    counts,
    nodes: start.nodes.map(n => {
      const x = exits.get(n.name)
      return {
        name: n.name,
        peerId: n.peerId,
        impl: n.impl,
        gossipPolicy: n.gossipPolicy,
        ...(n.mutants !== undefined && n.mutants.length > 0 ? { mutants: [...n.mutants] } : {}),
        validators: [...n.validators],
        aggregator: n.aggregator,
        ...(n.aggregates !== undefined ? { aggregates: [...n.aggregates] } : {}),
        ...(n.subscribeSubnets !== undefined ? { subscribeSubnets: [...n.subscribeSubnets] } : {}),
        ...(x !== undefined ? { exit: { code: x.code, signal: x.signal, expected: x.expected } } : {})
      }
    }),
    faults: faultHits(ix),
    legDeath: { ...legDeathReport(ix), ...(boundMs !== undefined ? { boundMs } : {}) },
    verdicts: verdicts.map(v => ({ ...v, findings: v.findings.map(f => ({ ...f })) }))
  }
}

/** results.json text (pretty, newline-terminated). */
export function renderResultsJson (history: History, verdicts: readonly Verdict[], options: ResultsOptions = {}): string {
  return JSON.stringify(runResults(history, verdicts, options), null, 2) + '\n'
}

/** Parses results.json text back, checking the fields a consumer relies on. */
export function parseResults (text: string, source = 'results.json'): RunResults {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new ResultsParseError(`${source}: not JSON (${(err as Error).message})`)
  }
  if (typeof value !== 'object' || value === null) throw new ResultsParseError(`${source}: not an object`)
  const r = value as Partial<RunResults>
  if (r.format !== RESULTS_FORMAT) throw new ResultsParseError(`${source}: format is ${JSON.stringify(r.format)}, expected ${RESULTS_FORMAT}`)
  const required: Array<[keyof RunResults, string]> = [
    ['runId', 'string'], ['scenario', 'string'], ['seed', 'number'], ['runtime', 'string'],
    ['status', 'string'], ['wallTimeMs', 'number'], ['versions', 'object'], ['verdicts', 'object']
  ]
  for (const [field, type] of required) {
    if (typeof r[field] !== type) throw new ResultsParseError(`${source}: field ${field} is ${typeof r[field]}, expected ${type}`)
  }
  if (!Array.isArray(r.verdicts)) throw new ResultsParseError(`${source}: field verdicts is not an array`)
  return r as RunResults
}
