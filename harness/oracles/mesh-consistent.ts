/**
 * Expectation `mesh-consistent`: GRAFT/PRUNE keep a gossip mesh symmetric, so
 * A listing B in its mesh for a topic while B does not list A is a moment's
 * disagreement at most. Held for longer than k heartbeats it is a phantom
 * mesh member: A forwards to B, believes the topic is covered, and B never
 * reads it as a mesh link (or is not reading at all).
 *
 *   status samples (one per node per heartbeat, history `status` entries)
 *   A @t: mesh[T] has B  ── B's sample nearest t: mesh[T] lacks A ──> asymmetric at t
 *   consecutive asymmetric samples of A spanning more than k heartbeats ──> finding
 */
import type { History, StatusSample } from '../history/types.ts'
import type { MeshConsistentExpectation } from './expectation.ts'
import { healthFindings } from './node-health.ts'
import { indexHistory, slotAt, span, type RunIndex } from './run-index.ts'
import { judgedUntil } from './streams-survive.ts'
import type { Finding, Verdict } from './verdict.ts'
import { verdictOf } from './verdict-parts.ts'

/** One stretch of A listing B in its mesh for a topic while B did not list A. */
export interface PhantomMember {
  node: string
  peer: string
  topic: string
  fromMs: number
  /** the first sample showing them agree again, or the last asymmetric one when they never did */
  toMs: number
  samples: number
  resolved: boolean
}

/** B's sample nearest to t (undefined when B has none within `withinMs`). */
function nearest (samples: readonly StatusSample[], t: number, withinMs: number): StatusSample | undefined {
  let best: StatusSample | undefined
  for (const s of samples) if (best === undefined || Math.abs(s.ts - t) < Math.abs(best.ts - t)) best = s
  return best !== undefined && Math.abs(best.ts - t) <= withinMs ? best : undefined
}

/** Every stretch of one-sided mesh membership in [genesis, until). */
export function phantomMembers (ix: RunIndex, heartbeatMs: number, until: number): PhantomMember[] {
  const byNode = new Map<string, StatusSample[]>()
  for (const s of ix.statuses) {
    if (s.ts < ix.genesisMs || s.ts >= until) continue
    const list = byNode.get(s.node) ?? []
    list.push(s)
    byNode.set(s.node, list)
  }
  const out: PhantomMember[] = []
  for (const [node, samples] of byNode) {
    const me = ix.nodeByName.get(node)?.peerId
    const open = new Map<string, PhantomMember>()
    for (const s of samples) {
      const seen = new Set<string>()
      for (const [topic, mesh] of Object.entries(s.mesh)) {
        for (const peerId of mesh) {
          const peer = ix.nameOfPeer.get(peerId)
          const theirs = peer === undefined ? undefined : nearest(byNode.get(peer) ?? [], s.ts, heartbeatMs)
          if (peer === undefined || theirs === undefined || me === undefined) continue
          if ((theirs.mesh[topic] ?? []).includes(me)) continue
          const key = `${peer}\u0000${topic}`
          seen.add(key)
          const run = open.get(key)
          if (run === undefined) open.set(key, { node, peer, topic, fromMs: s.ts, toMs: s.ts, samples: 1, resolved: false })
          else { run.toMs = s.ts; run.samples++ }
        }
      }
      // a stretch ends at the first sample of A that no longer shows it
      for (const [key, run] of open) {
        if (seen.has(key)) continue
        out.push({ ...run, toMs: s.ts, resolved: true })
        open.delete(key)
      }
    }
    out.push(...open.values())
  }
  return out.sort((a, b) => a.fromMs - b.fromMs || a.node.localeCompare(b.node))
}

export function meshConsistent (history: History, params: MeshConsistentExpectation, ix: RunIndex = indexHistory(history)): Verdict {
  const until = judgedUntil(ix)
  const phantoms = phantomMembers(ix, params.heartbeatMs, until)
  const findings: Finding[] = phantoms
    .filter(p => p.toMs - p.fromMs > params.maxMs)
    .filter(p => ![p.node, p.peer].some(n => { const x = ix.exits.get(n); return x !== undefined && !x.expected && x.ts <= p.toMs }))
    .map(p => ({
      message: `${p.node} listed ${p.peer} in its mesh for ${p.topic} while ${p.peer} did not list ${p.node}, ${span(ix, p.fromMs, p.toMs)}: ` +
        `${p.toMs - p.fromMs} ms over ${p.samples} sample(s)${p.resolved ? '' : ', still at the end of the run'} (limit ${params.heartbeats} heartbeat(s) = ${params.maxMs} ms): a phantom mesh member`,
      direction: `${p.node}->${p.peer}`,
      node: p.node,
      slot: slotAt(ix, p.fromMs),
      fromMs: p.fromMs,
      toMs: p.toMs
    }))
  const sampled = new Set(ix.statuses.filter(s => s.ts >= ix.genesisMs && s.ts < until).map(s => s.node))
  const unknown: string[] = []
  if (sampled.size === 0) unknown.push('no status sample in the judged window: the mesh views were not recorded')
  else for (const n of ix.nodes) if (!sampled.has(n.name)) unknown.push(`no status sample of node ${n.name}: its mesh cannot be compared`)
  return verdictOf(params, {
    findings,
    health: healthFindings(ix),
    unknown,
    checked: `${ix.statuses.length} status sample(s) of ${sampled.size} node(s); ${phantoms.length} one-sided mesh listing(s), none longer than ${params.heartbeats} heartbeat(s) (${params.maxMs} ms)`,
    evidence: { phantoms }
  })
}
