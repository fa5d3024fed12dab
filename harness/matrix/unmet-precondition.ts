/**
 * A run whose scenario premise the stacks did not meet, so nothing was tested. Two premises a
 * stack (not the harness) can leave unmet:
 *
 *   - "A sends to B on one leg": a fault aimed at the leg bearing A's stream found A sending on
 *     several, and A's implementation says it may (Implementation.streamPerLeg);
 *   - "the streams sit where the fault expects them": a fault that must hit a stream (`exercised`)
 *     hit none, on legs of a pair with a node whose implementation cannot have its streams placed
 *     (Implementation.cannotPlaceStreams: the stack picked the legs).
 *
 * Such a run is `unknown`; in the matrix it is `not-applicable`, like a cell whose placement cannot be
 * staged: the pair is not broken, the fixture cannot say anything about it. Anything else (a failed
 * verdict, a harness failure, an unknown for another reason, a TS node with two streams) is left
 * alone. Pure over the history and the verdicts.
 */
import type { HistoryEntry, RunStart } from '../history/types.ts'
import { implementation, isImplName } from '../impls/index.ts'
import { faultHits, scenarioFaultOf } from '../oracles/fault-hits.ts'
import { indexHistory } from '../oracles/run-index.ts'
import type { Verdict } from '../oracles/verdict.ts'

export function unmetPrecondition (history: readonly HistoryEntry[], verdicts: ReadonlyArray<Pick<Verdict, 'status' | 'evidence'>>): string | undefined {
  if (verdicts.some(v => v.status === 'fail') || !verdicts.some(v => v.status === 'unknown')) return undefined
  const start = history.find((e): e is RunStart => e.kind === 'run_start')
  if (start === undefined) return undefined
  const failures = history.filter(e => e.kind === 'fault_failed')
  const several = failures.length === 0 ? '' : severalBearingLegs(start, failures)
  if (several === undefined) return undefined
  const vacuous = verdicts.some(v => v.status === 'unknown' && v.evidence?.vacuous !== undefined) ? unplacedVacuous(start, history) : ''
  if (vacuous === undefined) return undefined
  // every unknown verdict must be one of the two: a bearing fault that did not apply turns every would-be pass unknown
  if (failures.length === 0 && verdicts.some(v => v.status === 'unknown' && v.evidence?.vacuous === undefined)) return undefined
  const parts = [several, vacuous].filter(p => p !== '')
  return parts.length === 0 ? undefined : `precondition not met: ${parts.join('; ')}`
}

/** "A (rust) sent to a peer on several legs, so 3 fault(s) ...", or undefined when one of the failures is anything else */
function severalBearingLegs (start: RunStart, failures: ReadonlyArray<Extract<HistoryEntry, { kind: 'fault_failed' }>>): string | undefined {
  const why = new Map<string, string>()
  for (const f of failures) {
    const node = f.severalBearingLegs === undefined ? undefined : start.nodes.find(n => n.name === f.severalBearingLegs)
    const reason = node !== undefined && isImplName(node.impl) ? implementation(node.impl).streamPerLeg : undefined
    if (node === undefined || reason === undefined) return undefined
    why.set(`${node.name} (${node.impl})`, reason)
  }
  return `${[...why.keys()].join(', ')} sent to a peer on several legs, so ${failures.length} fault(s) aimed at a bearing leg had no single target: ${[...new Set(why.values())].join('; ')}`
}

/** "fault faults[0] hit no stream on A>B, whose streams B (rust) placed: ...", or undefined when a vacuous fault's pair has no such node */
function unplacedVacuous (start: RunStart, history: readonly HistoryEntry[]): string | undefined {
  const hits = faultHits(indexHistory(history)).filter(h => h.mustHit)
  const vacuousFaults = [...new Set(hits.map(h => scenarioFaultOf(h.fault)))].filter(f => hits.every(h => scenarioFaultOf(h.fault) !== f || h.streams.length === 0))
  if (vacuousFaults.length === 0) return undefined
  const out: string[] = []
  for (const fault of vacuousFaults) {
    const legs = [...new Set(hits.filter(h => scenarioFaultOf(h.fault) === fault).map(h => h.leg))]
    const placers = new Map<string, string>()
    for (const leg of legs) {
      const [a, b] = leg.split('>').map(name => start.nodes.find(n => n.name === name))
      for (const [node, partner] of [[a, b], [b, a]] as const) {
        if (node === undefined || partner === undefined || !isImplName(node.impl)) continue
        const why = implementation(node.impl).cannotPlaceStreams?.({ streams: 'split', partner: partner.impl })
        if (why !== undefined) placers.set(`${node.name} (${node.impl})`, why)
      }
    }
    if (placers.size === 0) return undefined
    out.push(`fault ${fault} must hit a stream and hit none on ${legs.join(', ')}, where ${[...placers.keys()].join(', ')} chose the legs of its streams: ${[...new Set(placers.values())].join('; ')}`)
  }
  return out.join('; ')
}
