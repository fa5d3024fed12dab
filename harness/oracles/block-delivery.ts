/**
 * Expectation `block-delivery`: every block a proposer published (scenario
 * `blocks`, contract duties.blocks) reaches every other node within `maxMs`
 * of its publish. Blocks compete with attestations for the same legs; a
 * block that arrives late, or never, at some node is a finding naming the
 * direction (proposer->receiver), the slot and how late.
 *
 *   block_published at P (msgId, slot, ts) ──> for every other node R: block_received {msgId} at R
 *       arrival - publish > maxMs, or no arrival ─> finding "P->R: block of slot 3 (262144 B) ..."
 *
 * Judged: blocks whose deadline (publish + maxMs) lies inside the judged part
 * of the history. Excused: a receiver that a node fault (kill, pause) touched
 * between publish and deadline, or that exited or was not ready by then.
 */
import type { BlockPublishedEvent, BlockReceivedEvent } from '../contract/node-events.ts'
import type { History } from '../history/types.ts'
import type { BlockDeliveryExpectation } from './expectation.ts'
import { healthFindings } from './node-health.ts'
import { indexHistory, when, type RunIndex } from './run-index.ts'
import { judgedUntil } from './streams-survive.ts'
import type { Finding, Verdict } from './verdict.ts'
import { verdictOf } from './verdict-parts.ts'

interface Published { proposer: string, e: BlockPublishedEvent }

/** First arrival (unix ms) of each block msgId at each node. */
function arrivalsByNode (ix: RunIndex): Map<string, Map<string, BlockReceivedEvent>> {
  const out = new Map<string, Map<string, BlockReceivedEvent>>()
  for (const [node, list] of ix.events) {
    const m = new Map<string, BlockReceivedEvent>()
    for (const e of list) if (e.type === 'block_received' && !m.has(e.msgId)) m.set(e.msgId, e)
    out.set(node, m)
  }
  return out
}

/** Whether a node fault (kill, pause) touched `node` in [from, to], or it was not up for all of it. */
function excused (ix: RunIndex, node: string, from: number, to: number): boolean {
  const ready = ix.ready.get(node)
  if (ready === undefined || ready > from) return true
  const exit = ix.exits.get(node)
  if (exit !== undefined && exit.ts <= to) return true
  return ix.faultWindows.some(w => (w.action === 'kill' || w.action === 'pause') && w.fromMs <= to && w.toMs >= from &&
    (w.leg.startsWith(`${node}>`) || w.leg.endsWith(`>${node}`)))
}

export function blockDelivery (history: History, params: BlockDeliveryExpectation, ix: RunIndex = indexHistory(history)): Verdict {
  const until = judgedUntil(ix)
  const published: Published[] = []
  for (const [proposer, list] of ix.events) {
    for (const e of list) if (e.type === 'block_published' && e.ts + params.maxMs <= until) published.push({ proposer, e })
  }
  published.sort((a, b) => a.e.ts - b.e.ts)
  const arrivals = arrivalsByNode(ix)
  const findings: Finding[] = []
  let judged = 0
  let skipped = 0
  let worst: { ms: number, direction: string, slot: number } | undefined // the slowest arrival, for the pass summary
  for (const { proposer, e } of published) {
    const deadline = e.ts + params.maxMs
    if (e.publishError !== undefined) {
      findings.push({ message: `${proposer}: publishing its block of slot ${e.slot} failed at ${when(ix, e.ts)}: ${e.publishError}`, node: proposer, slot: e.slot, fromMs: e.ts })
      continue
    }
    for (const r of ix.nodes) {
      if (r.name === proposer) continue
      if (excused(ix, r.name, e.ts, deadline)) { skipped++; continue }
      judged++
      const direction = `${proposer}->${r.name}`
      const got = arrivals.get(r.name)?.get(e.msgId)
      const ms = got === undefined ? undefined : got.ts - e.ts
      if (ms !== undefined && (worst === undefined || ms > worst.ms)) worst = { ms, direction, slot: e.slot }
      if (ms !== undefined && ms <= params.maxMs) continue
      findings.push({
        message: `${direction}: the block of slot ${e.slot} (${e.bytes} B, published ${when(ix, e.ts)}) ` +
          (ms === undefined ? `never arrived at ${r.name}` : `arrived ${ms} ms later, over the ${params.maxMs} ms bound`),
        direction, slot: e.slot, fromMs: e.ts, toMs: got?.ts ?? deadline
      })
    }
  }
  const unknown: string[] = []
  if (published.length === 0) unknown.push(`no block was published early enough to be judged (before ${when(ix, until - params.maxMs)}); does the scenario have blocks, and do its nodes support them?`)
  else if (judged === 0 && findings.length === 0) unknown.push(`every receiver of the ${published.length} block(s) was down, paused or not ready`)
  return verdictOf(params, {
    findings,
    health: healthFindings(ix),
    unknown,
    checked: `${published.length} block(s) from slot ${published[0]?.e.slot ?? '-'}, ${judged} delivery(ies) all within ${params.maxMs} ms` +
      (worst !== undefined ? `; slowest ${worst.ms} ms (${worst.direction}, slot ${worst.slot})` : '') +
      (skipped > 0 ? `; ${skipped} delivery(ies) to a node a node fault touched (or that was down) not judged` : ''),
    evidence: { blocks: published.length, judged, skipped, ...(worst !== undefined ? { slowest: worst } : {}) }
  })
}
