/**
 * What a storm of silent leg deaths costs, read from run directories (issue 18's "quorum-32 on
 * QUIC" measurement; not part of `npm test`). For every `down` a bearing selector applied, each
 * stream direction it hit ("A->B": A's outbound stream to B rode the downed leg) and how long A took
 * to have that stream open again on another leg; then the run's failed coverage slots.
 *
 *   npx meshflap run fixtures/scenarios/quorum-32.yaml --transport quic --repeat 5 --out /tmp/q32
 *   node bench/storm-cost.ts /tmp/q32/quorum-32-*
 *
 * On QUIC a downed leg says nothing: its ends learn of it from their own probe or the idle timeout,
 * so the move takes seconds; on TCP the proxy closes the connection and the move is immediate.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readHistory } from '../harness/report/read-history.ts'
import type { FaultEntry, NodeEntry, RunStart } from '../harness/history/types.ts'

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN

for (const dir of process.argv.slice(2)) {
  const history = await readHistory(join(dir, 'history.ndjson'))
  const start = history.find((e): e is RunStart => e.kind === 'run_start')!
  const slotOf = (ts: number): number => Math.floor((ts - start.genesisMs) / start.slotMs)
  const peerIds = new Map<string, string>()
  for (const e of history) if (e.kind === 'node' && e.type === 'ready') peerIds.set((e as NodeEntry & { peerId: string }).peerId, e.node)
  const opens = history.filter((e): e is NodeEntry => e.kind === 'node' && e.type === 'stream_open' && (e as { direction?: string }).direction === 'outbound')
  const storms = new Map<string, { ts: number, moves: number[], unmoved: string[] }>()
  for (const f of history.filter((e): e is FaultEntry => e.kind === 'fault' && e.action === 'down' && e.phase === 'apply' && (e.selector ?? '').startsWith('bearing-of'))) {
    const storm = storms.get(f.fault.split('#')[0]! + '@' + String(slotOf(f.ts))) ?? { ts: f.ts, moves: [], unmoved: [] }
    storms.set(f.fault.split('#')[0]! + '@' + String(slotOf(f.ts)), storm)
    for (const direction of f.hit ?? []) {
      const [from, to] = direction.split('->') as [string, string]
      const moved = opens.find(o => o.node === from && o.ts > f.ts && peerIds.get((o as { peer?: string }).peer ?? '') === to &&
        (o as { leg?: string }).leg !== f.dialerLeg && (o as { leg?: string }).leg !== f.listenerLeg)
      if (moved === undefined) storm.unmoved.push(direction)
      else storm.moves.push(moved.ts - f.ts)
    }
  }
  const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { status: string, verdicts: Array<{ title: string, status: string, findings: Array<{ message: string, slot?: number }> }> }
  const coverage = results.verdicts.find(v => v.title.startsWith('coverage'))
  const failedSlots = [...new Set((coverage?.findings ?? []).flatMap(f => [...f.message.matchAll(/slot (\d+) coverage=(\d+\/\d+)/g)].map(m => `${m[1]!} (${m[2]!})`)))]
  console.log(`${dir.split('/').pop() ?? dir}: ${results.status}; coverage below quorum in slots ${failedSlots.join(', ') || 'none'}`)
  for (const [name, s] of storms) {
    console.log(`  ${name} (from +${((s.ts - start.genesisMs) / 1000).toFixed(1)} s): ${s.moves.length} stream(s) moved after p50 ${pct(s.moves, 0.5).toFixed(0)} ms, max ${Math.max(...s.moves).toFixed(0)} ms` +
      (s.unmoved.length > 0 ? `; not moved: ${s.unmoved.join(', ')}` : ''))
  }
}
