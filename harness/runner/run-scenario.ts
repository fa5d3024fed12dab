/**
 * Runs one scenario end to end and judges it: the CLI's `meshflap run` and
 * the matrix/gate are loops over this.
 *
 *   scenario ─applyOverrides─> Devnet.start ─> FaultScheduler (planFaults) ─> wait slots
 *        └─> devnet.stop ─> judge(history) ─> writeRunDir (results.json, junit.xml, report.html)
 *
 * A node that dies ends the run early (its verdicts fail with its last log
 * lines); an aborted signal (Ctrl-C) ends it as `interrupted`. Either way
 * every process and proxy is stopped before this returns.
 */
import { join } from 'node:path'
import { Devnet } from '../devnet/devnet.ts'
import type { HistoryEntry, RunEnd } from '../history/types.ts'
import { judge } from '../oracles/index.ts'
import type { Verdict, VerdictStatus } from '../oracles/verdict.ts'
import { composeStatus } from '../oracles/verdict.ts'
import { writeRunDir } from '../report/write-run-dir.ts'
import type { RuntimeName } from '../runtime/runtime.ts'
import { planFaults } from '../scenario/plan-faults.ts'
import type { Scenario } from '../scenario/types.ts'
import { FaultScheduler } from './fault-scheduler.ts'
import { HangWatchdog } from './hang-watchdog.ts'
import { StatusSampler } from './status-sampler.ts'
import { applyOverrides, overrideFlags } from './overrides.ts'
import type { ScenarioOverrides } from './overrides.ts'
import { collectVersions } from './versions.ts'
import { ProgressTracker } from './progress.ts'
import type { Logger } from '../cli/logger.ts'
import { recheckScenario } from '../scenario/recheck-scenario.ts'
import { sharedProcessIssues } from '../scenario/shared-process-faults.ts'
import { ScenarioError } from '../scenario/scenario-error.ts'
import { implementation, isImplName } from '../impls/index.ts'
import { claimRunDir } from './run-dir.ts'
import type { ProgressState } from './progress.ts'

export interface RunOptions {
  runtime?: RuntimeName
  /** process runtime: TS nodes per child process (default 1; harness/runtime/nodes-per-process.ts) */
  nodesPerProcess?: number
  /**
   * Many-run commands (matrix, gate, power): a scenario whose kill/pause faults would signal a
   * process shared with other nodes runs with one process per node, said in a note, where
   * `meshflap run` refuses it (exit 2). How nodes are hosted does not change what is judged.
   */
  hostAloneWhenSignalled?: boolean
  /** parent folder of run directories (default runs/) */
  outDir?: string
  overrides?: ScenarioOverrides
  signal?: AbortSignal
  /** live progress, once per slot and on every fault */
  onProgress?: (state: ProgressState) => void
  /** notes the run could not act on (an unresolved selector, ...); each fault one is also a `fault_failed` history entry */
  onNote?: (message: string) => void
  versions?: Record<string, string>
  /** diagnostics (default: createLogger(), level from MESHFLAP_LOG) */
  logger?: Logger
}

export interface RunResult {
  scenario: Scenario
  dir: string
  status: VerdictStatus
  verdicts: Verdict[]
  /** the command that reproduces this run, seed included */
  reproduce: string
  wallMs: number
  endReason: string
}

function hostedFor (scenario: Scenario, options: RunOptions): number {
  const asked = options.nodesPerProcess ?? 1
  if (asked <= 1 || options.hostAloneWhenSignalled !== true || sharedProcessIssues(scenario, asked).length === 0) return asked
  options.onNote?.(`${scenario.name}: one process per node (its kill/pause faults signal a node's process; with --nodes-per-process ${asked} they would reach the nodes sharing it)`)
  return 1
}

/** "-stock", "-~drop-early-subscribe": the policy of nodes that have a choice, and mutants, so runs of one seed tell apart in runs/. */
function variantMark (scenario: Scenario): string {
  const chose = (n: Scenario['nodes'][number]): boolean => isImplName(n.impl) && implementation(n.impl).policies.length > 1
  const marks = new Set(scenario.nodes.flatMap(n => [...(n.gossipPolicy === 'stock' && chose(n) ? ['stock'] : []), ...(n.mutants ?? []).map(m => `~${m}`)]))
  return [...marks].map(m => `-${m}`).join('')
}

export async function runScenario (input: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now()
  const overrides = { ...options.overrides, seed: options.overrides?.seed ?? input.seed }
  const scenario = applyOverrides(input, overrides)
  const runtime = options.runtime ?? 'process'
  // the overrides may have broken what the file's own validation checked (loss on legs --transport made TCP)
  const nodesPerProcess = hostedFor(scenario, options)
  const problems = recheckScenario(scenario, { runtime, nodesPerProcess, because: overrideFlags({ ...overrides, seed: undefined }).join(' ') })
  if (problems.length > 0) throw new ScenarioError(problems)
  const stamp = new Date(started).toISOString().replace(/[:.]/g, '-')
  const variant = [...new Set(scenario.nodes.map(n => n.impl))].join('-') + '-' + [...new Set(scenario.legs.map(l => l.transport))].join('-')
  const dir = await claimRunDir(join(options.outDir ?? 'runs', `${scenario.name}-${variant}${variantMark(scenario)}-seed${scenario.seed}-${stamp}`))
  const versions = options.versions ?? await collectVersions()
  const controller = new AbortController()
  const onAbort = (): void => { controller.abort() }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  const note = (message: string): void => { options.onNote?.(message) }
  const progress = new ProgressTracker(scenario, options.onProgress)

  let devnet: Devnet | undefined
  let watchdogRef: HangWatchdog | undefined
  let samplerRef: StatusSampler | undefined
  const end: { reason: RunEnd['reason'], detail?: string } = { reason: 'completed' }
  try {
    devnet = await Devnet.start(scenario, {
      runtime, nodesPerProcess, dir, signal: controller.signal, onLog: options.onNote, logger: options.logger,
      onEntry: (entry: HistoryEntry) => { progress.observe(entry) }
    })
    const net = devnet
    net.onNodeFailed(node => {
      end.reason = 'node-failed'
      end.detail ??= `node ${node} exited unexpectedly`
      controller.abort()
    })
    const scheduler = new FaultScheduler(net, planFaults(scenario, scenario.seed), {
      signal: controller.signal,
      note,
      onApplied: () => { progress.faultApplied() }
    })
    const watchdog = watchdogRef = new HangWatchdog(net, {
      everyMs: Math.max(500, scenario.slotMs),
      onHung: (node, detail) => { note(detail); end.detail = detail }
    })
    // mesh views go into the history only when an oracle reads them (one status call per node per heartbeat)
    const sampler = scenario.expectations.some(e => e.kind === 'mesh-consistent') ? new StatusSampler(net, scenario.gossip.heartbeatMs) : undefined
    samplerRef = sampler
    progress.begin(net.genesisMs)
    scheduler.start()
    watchdog.start()
    sampler?.start()
    // the last slot's attestations need up to a slot to arrive before its deadline
    const endAt = net.slotStart(scenario.slots) + Math.min(scenario.slotMs, 1000)
    await waitUntil(endAt, controller.signal)
    watchdog.stop()
    await sampler?.stop()
    scheduler.stop()
    await scheduler.settle()
  } catch (err) {
    // an abort (Ctrl-C, a node died) ends the run early but still judges what was recorded
    if (!controller.signal.aborted) throw err
  } finally {
    watchdogRef?.stop()
    await samplerRef?.stop()
    options.signal?.removeEventListener('abort', onAbort)
    progress.end()
    if (end.reason !== 'node-failed' && options.signal?.aborted === true) end.reason = 'interrupted'
    // faults that did not apply are fault_failed entries in the history, not free text here
    await devnet?.stop(end.reason, end.detail)
  }
  if (devnet == null) throw new Error(`${scenario.name}: interrupted before the devnet was up`)

  const history = devnet.history()
  const verdicts = judge(history, scenario.expectations)
  const where = await devnet.runtime.describe?.().catch(() => ({})) ?? {}
  await writeRunDir(dir, { history, verdicts, versions: { ...versions, ...where } })
  const flags = overrideFlags(overrides)
  return {
    scenario,
    dir,
    status: end.reason === 'interrupted' ? 'unknown' : composeStatus(verdicts.map(v => v.status)),
    verdicts,
    reproduce: ['npx meshflap run', scenario.file, '--runtime', runtime, ...(nodesPerProcess > 1 ? ['--nodes-per-process', String(nodesPerProcess)] : []), ...flags].join(' '),
    wallMs: Date.now() - started,
    endReason: end.reason
  }
}

async function waitUntil (at: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>(resolve => {
    const timer = setTimeout(resolve, Math.max(0, at - Date.now()))
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
  })
}
