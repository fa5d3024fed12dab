/**
 * The issue-6 investigation: runs the go-topics-forgotten fixtures over N seeds
 * and, per run, says where both directions' gossip streams sat when the fault hit
 * (split over the two legs = the case the suspicion is about) and what the verdicts said.
 *
 *   node bench/investigate-go-topics.ts [seeds=20]
 */
import { join } from 'node:path'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { loadScenario } from '../harness/scenario/load-scenario.ts'
import { runScenario } from '../harness/runner/run-scenario.ts'
import { readHistory } from '../harness/report/read-history.ts'
import type { FaultEntry, HistoryEntry, NodeEntry } from '../harness/history/types.ts'
import { PROJECT_ROOT } from '../harness/util/paths.ts'

const seeds = Number(process.argv[2] ?? 20)
const out = await mkdtemp(join(tmpdir(), 'meshflap-go-topics-'))

/** Which node-local connection each node's outbound gossip stream was on at time t. */
function outboundStreamLegAt (history: HistoryEntry[], node: string, t: number): string | undefined {
  let leg: string | undefined
  for (const e of history) {
    if (e.kind !== 'node' || e.node !== node || e.ts > t) continue
    if (e.type === 'stream_open' && e.direction === 'outbound') leg = e.leg as string
    if (e.type === 'stream_close' && e.direction === 'outbound' && e.leg === leg) leg = undefined
  }
  return leg
}

for (const file of ['go-topics-forgotten.yaml', 'go-topics-forgotten-ts-go.yaml']) {
  const scenario = await loadScenario(join(PROJECT_ROOT, 'fixtures', 'scenarios', file))
  let split = 0; let failedSplit = 0; let failed = 0
  for (let i = 0; i < seeds; i++) {
    const r = await runScenario(scenario, { outDir: out, overrides: { seed: scenario.seed + i } })
    const h = await readHistory(join(r.dir, 'history.ndjson'))
    const fault = h.find((e): e is FaultEntry => e.kind === 'fault' && e.phase === 'apply')
    const t = (fault?.ts ?? 0) - 1
    const bLeg = outboundStreamLegAt(h as HistoryEntry[], 'B', t)
    const aLeg = outboundStreamLegAt(h as HistoryEntry[], 'A', t)
    // A's connection id for the leg that carries B's stream: the fault entry names both ends
    const isSplit = fault != null && aLeg != null && aLeg !== fault.listenerLeg && aLeg !== fault.dialerLeg
    if (isSplit) split++
    if (r.status !== 'pass') { failed++; if (isSplit) failedSplit++ }
    const replays = h.filter((e): e is NodeEntry => e.kind === 'node' && e.type === 'subscribe_replayed').map(e => `${e.node}@${e.ts - (fault?.ts ?? 0)}ms`)
    const zero = h.filter((e): e is NodeEntry => e.kind === 'node' && e.node === 'B' && e.type === 'msg_published' && (e.recipients as string[]).length === 0 && e.ts > (fault?.ts ?? Infinity)).length
    console.log(`${scenario.name} seed ${scenario.seed + i}: ${r.status.toUpperCase()} fault on ${fault?.leg ?? '?'} (${fault?.selector ?? '?'}); B's stream on ${bLeg ?? '-'}, A's stream ${isSplit ? 'on the OTHER leg (split)' : 'on the same leg'}; replays ${replays.join(' ') || 'none'}; B publishes to 0 peers after the fault: ${zero}` +
      (r.status !== 'pass' ? `\n   ${r.verdicts.filter(v => v.status !== 'pass').map(v => `${v.title}: ${v.findings[0]?.message ?? v.summary}`).join('\n   ')}\n   run: ${r.dir}` : ''))
  }
  console.log(`== ${scenario.name}: ${failed}/${seeds} failed; ${split} runs had the streams split over both legs, ${failedSplit} of them failed\n`)
}
