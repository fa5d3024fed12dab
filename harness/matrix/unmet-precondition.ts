/**
 * A run whose scenario premise the stacks did not meet: a fault aimed at "the leg bearing A's
 * stream to B" found A sending to B on several legs, and A's implementation says it may
 * (Implementation.streamPerLeg). Such a run is `unknown` (nothing was tested), and in the matrix
 * it is `not-applicable`, like a cell whose stream placement cannot be staged: the pair is not
 * broken, the fixture cannot say anything about it. Pure over the history.
 *
 *   every fault_failed has severalBearingLegs = a node whose impl declares streamPerLeg,
 *   and no verdict failed                         ──> "precondition not met: ..."
 *   anything else (a harness failure, a TS node with two streams, a fail) ──> undefined
 */
import type { HistoryEntry, RunStart } from '../history/types.ts'
import { implementation, isImplName } from '../impls/index.ts'
import type { VerdictStatus } from '../oracles/verdict.ts'

export function unmetPrecondition (history: readonly HistoryEntry[], statuses: readonly VerdictStatus[]): string | undefined {
  if (statuses.includes('fail') || !statuses.includes('unknown')) return undefined
  const start = history.find((e): e is RunStart => e.kind === 'run_start')
  const failures = history.filter(e => e.kind === 'fault_failed')
  if (start === undefined || failures.length === 0) return undefined
  const why = new Map<string, string>()
  for (const f of failures) {
    const node = f.severalBearingLegs === undefined ? undefined : start.nodes.find(n => n.name === f.severalBearingLegs)
    const reason = node !== undefined && isImplName(node.impl) ? implementation(node.impl).streamPerLeg : undefined
    if (node === undefined || reason === undefined) return undefined
    why.set(`${node.name} (${node.impl})`, reason)
  }
  const nodes = [...why.keys()]
  return `precondition not met: ${nodes.join(', ')} sent to a peer on several legs, so ${failures.length} fault(s) aimed at a bearing leg had no single target: ${[...new Set(why.values())].join('; ')}`
}
