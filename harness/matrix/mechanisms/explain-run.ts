/**
 * Whether some mechanisms explain one judged run: every finding of every verdict that did not pass
 * (a fail, or an unknown whose oracle found something it then excused, e.g. slow leg-death detection)
 * must name a direction "A->B" that one of them explains. A finding without a direction, or one
 * nothing explains, leaves the run unexplained; a run with no finding at all (only verdicts that
 * could not judge) has nothing to explain and is not covered. Returns each mechanism's lines.
 *
 *   failed findings ── each "A->B" ──> first mechanism that explains it ──> all explained: Map(name -> lines)
 *                                                            none ──> undefined
 */
import type { History } from '../../history/types.ts'
import { indexHistory } from '../../oracles/run-index.ts'
import type { Verdict } from '../../oracles/verdict.ts'
import { mechanism } from './index.ts'
import type { MechanismName } from './index.ts'

export function explainRun (history: History, verdicts: readonly Verdict[], names: readonly MechanismName[]): Map<MechanismName, string[]> | undefined {
  const failed = verdicts.filter(v => v.status !== 'pass').flatMap(v => v.findings)
  if (failed.length === 0 || names.length === 0) return undefined
  const ix = indexHistory(history)
  const lines = new Map<MechanismName, string[]>()
  const seen = new Set<string>()
  for (const f of failed) {
    const m = /^([^\s>-]+)->([^\s>-]+)$/.exec(f.direction ?? '')
    if (m === null) return undefined
    const [from, to] = [m[1] as string, m[2] as string]
    const window = { fromMs: f.fromMs ?? ix.genesisMs, toMs: f.toMs ?? ix.observedUntil }
    const found = names.map(name => [name, mechanism(name).explains(ix, from, to, window)] as const).find(([, line]) => line !== undefined)
    if (found === undefined) return undefined
    const [name, line] = found as [MechanismName, string]
    if (!seen.has(line)) { seen.add(line); lines.set(name, [...(lines.get(name) ?? []), line]) }
  }
  return lines
}
