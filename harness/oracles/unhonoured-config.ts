/**
 * A run whose scenario asked a node for something its implementation cannot
 * do (it says so in its ready event's `unsupported`, containers/CONTRACT.md)
 * did not run the scenario as written: every verdict is `unknown`, never a
 * pass: `subscribe: { delayMs }` (contract duties.subscribeDelayMs: without the
 * late subscribe the boot race the scenario is about never happened) and `subscribe: { atMs }`
 * (duties.subscribeAtMs),
 * `subnetSubscriptions: sparse` (duties.subscribeSubnets) and `blocks` (duties.blocks);
 * and stream `placement` a node's stack cannot have staged (run_start.placement[].unmet):
 * the faults then hit legs other than the ones the scenario meant.
 */
import type { ScenarioNode } from '../scenario/types.ts'
import type { RunIndex } from './run-index.ts'
import type { Verdict } from './verdict.ts'

/** "node B (external) cannot delay subscribing: ..." for every node asked for a feature it lists as unsupported. */
export function unhonouredConfig (ix: RunIndex): string[] {
  const out: string[] = []
  // run_start.resolved is the Scenario as run (unknown-typed in the history: read only what is needed)
  const resolved = ix.start.resolved as { nodes?: ScenarioNode[], blocks?: unknown } | undefined
  for (const spec of resolved?.nodes ?? []) {
    const ready = ix.events.get(spec.name)?.find(e => e.type === 'ready')
    const unsupported = ready !== undefined && ready.type === 'ready' ? ready.unsupported ?? [] : []
    if (spec.subscribeSubnets !== undefined && unsupported.includes('subscribeSubnets')) {
      out.push(`node ${spec.name} (${spec.impl}) cannot subscribe to a subset of the subnets (its ready event lists subscribeSubnets as unsupported), so the scenario's sparse subnets did not happen`)
    }
    if (resolved?.blocks !== undefined && unsupported.includes('blocks')) {
      out.push(`node ${spec.name} (${spec.impl}) cannot propose or receive blocks (its ready event lists blocks as unsupported), so the scenario's blocks did not compete with its attestations`)
    }
    if (spec.subscribeAtMs !== undefined && unsupported.includes('subscribeAtMs')) {
      out.push(`node ${spec.name} (${spec.impl}) cannot time its subscribe from genesis (its ready event lists subscribeAtMs as unsupported), so the scenario's subscribe at ${spec.subscribeAtMs} ms after genesis did not happen`)
    }
    if (spec.subscribeDelayMs === undefined || spec.subscribeDelayMs <= 0) continue
    if (unsupported.includes('subscribeDelayMs')) {
      out.push(`node ${spec.name} (${spec.impl}) cannot delay subscribing (its ready event lists subscribeDelayMs as unsupported), so the scenario's subscribe delay of ${spec.subscribeDelayMs} ms did not happen`)
    }
  }
  // placement the scenario asked for and a node's stack could not have staged (impls/placement-support.ts)
  const unmet = (ix.start.placement ?? []).filter(p => p.unmet !== undefined)
  if (unmet.length > 0) {
    const first = unmet[0]!.unmet!
    out.push(unmet.length === 1 ? first : `${first} (and ${unmet.length - 1} more pair(s): ${unmet.slice(1).map(p => `[${p.pair.join(', ')}]`).join(', ')})`)
  }
  return out
}

/** The verdict, turned `unknown` with the reasons when the run did not do what the scenario asked. */
export function unknownWhenUnhonoured (v: Verdict, reasons: readonly string[]): Verdict {
  if (reasons.length === 0) return v
  return { ...v, status: 'unknown', summary: `not judged: ${reasons.join('; ')} (the oracle alone said: ${v.status})`, evidence: { ...(v.evidence ?? {}), unhonoured: [...reasons] } }
}
