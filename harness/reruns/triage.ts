/**
 * Flake triage for a failed run: replay it N times with its own seed and N
 * times with fresh seeds (seed+1 .. seed+N, so triage itself is reproducible),
 * then say what kind of failure it is before anyone files it upstream:
 *
 *   deterministic    fails every time, with its seed and with fresh seeds
 *   seed-dependent   fails every time with its seed, passes with some fresh seed
 *   flaky            its own seed sometimes passes (pass rate given)
 */
import type { RunResult } from '../runner/run-scenario.ts'
import type { RuntimeName } from '../runtime/runtime.ts'
import { replay } from './rerun.ts'
import type { SavedRun } from './rerun.ts'

export type TriageClass = 'deterministic' | 'seed-dependent' | 'flaky' | 'not-reproduced'

export interface TriageResult {
  class: TriageClass
  sameSeed: { seed: number, passed: number, runs: number }
  freshSeeds: Array<{ seed: number, status: string, dir: string }>
  summary: string
}

/** Pure: the class from the outcomes. */
export function classifyTriage (sameSeedPasses: number, sameSeedRuns: number, freshPasses: number, freshRuns: number): TriageClass {
  if (sameSeedPasses === sameSeedRuns) return 'not-reproduced'
  if (sameSeedPasses > 0) return 'flaky'
  return freshPasses > 0 ? 'seed-dependent' : 'deterministic'
}

export async function triage (saved: SavedRun, options: { runs: number, runtime?: RuntimeName, signal?: AbortSignal, onRun?: (label: string, r: RunResult) => void }): Promise<TriageResult> {
  let samePasses = 0
  let sameRuns = 0
  for (let i = 0; i < options.runs && options.signal?.aborted !== true; i++) {
    const r = await replay(saved, { runtime: options.runtime, signal: options.signal })
    sameRuns++
    if (r.status === 'pass') samePasses++
    options.onRun?.(`seed ${saved.seed} (own) #${i + 1}`, r)
  }
  const fresh: TriageResult['freshSeeds'] = []
  for (let i = 1; i <= options.runs && options.signal?.aborted !== true; i++) {
    const r = await replay(saved, { seed: saved.seed + i, runtime: options.runtime, signal: options.signal })
    fresh.push({ seed: saved.seed + i, status: r.status, dir: r.dir })
    options.onRun?.(`seed ${saved.seed + i} (fresh)`, r)
  }
  const freshPasses = fresh.filter(f => f.status === 'pass').length
  const cls = classifyTriage(samePasses, sameRuns, freshPasses, fresh.length)
  const words: Record<TriageClass, string> = {
    deterministic: `deterministic: failed ${sameRuns}/${sameRuns} with seed ${saved.seed} and ${fresh.length - freshPasses}/${fresh.length} with fresh seeds`,
    'seed-dependent': `seed-dependent: failed ${sameRuns}/${sameRuns} with seed ${saved.seed}, passed with ${fresh.filter(f => f.status === 'pass').map(f => f.seed).join(', ')}`,
    flaky: `flaky: seed ${saved.seed} passed ${samePasses}/${sameRuns} (pass rate ${Math.round(100 * samePasses / sameRuns)} %)`,
    'not-reproduced': `not reproduced: seed ${saved.seed} passed ${sameRuns}/${sameRuns}`
  }
  return { class: cls, sameSeed: { seed: saved.seed, passed: samePasses, runs: sameRuns }, freshSeeds: fresh, summary: words[cls] }
}
