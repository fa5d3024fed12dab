/**
 * `placement`: where a pair's two gossip streams sit, asked for instead of
 * left to the stacks. A fault on "the leg that carries nothing" tests
 * nothing; with placement a scenario decides it.
 *
 *   placement:
 *     - { pair: [A, B], streams: split }   # A->B and B->A on different legs
 *     - { pair: [B, C], streams: same }    # both on B>C, the leg dialed by the pair's first node
 *     - { streams: split }                 # every pair not listed above
 *
 * The devnet stages the legs to get it (harness/devnet/stage-placement.ts)
 * and checks it before genesis; a run that did not get it does not start.
 */
import { notPeeringIssue, pairIssues } from './resolve-nodes.ts'
import type { FieldIssue, FieldPath } from './scenario-error.ts'
import type { PlacementFile } from './scenario-file.ts'
import type { ScenarioLeg, ScenarioNode, StreamPlacement } from './types.ts'

export function resolvePlacement (list: readonly PlacementFile[], nodes: readonly ScenarioNode[], issues: FieldIssue[], legs?: readonly ScenarioLeg[]): StreamPlacement[] {
  const names = nodes.map(n => n.name)
  // a sparse peering (`peers: { degree }`): only peering pairs have streams to place
  const legNames = legs === undefined ? undefined : new Set<string>(legs.map(l => l.name))
  const peers = (a: string, b: string): boolean => legNames === undefined || legNames.has(`${a}>${b}`)
  const byPair = new Map<string, StreamPlacement>()
  const key = (a: string, b: string): string => [a, b].sort().join('\u0000')
  let fallback: { streams: StreamPlacement['streams'], path: FieldPath } | undefined
  list.forEach((p, i) => {
    const path: FieldPath = ['placement', i]
    if (p.pair === undefined) {
      if (fallback !== undefined) issues.push({ path, message: 'a second placement without pair', expected: 'one entry without pair (every other pair); name the pair in the others' })
      fallback = { streams: p.streams, path }
      return
    }
    const found = pairIssues(p.pair, [...path, 'pair'], names)
    if (found.length > 0) { issues.push(...found); return }
    const unpeered = notPeeringIssue(p.pair, [...path, 'pair'], legs)
    if (unpeered !== undefined) { issues.push(unpeered); return }
    const k = key(p.pair[0], p.pair[1])
    if (byPair.has(k)) { issues.push({ path: [...path, 'pair'], message: `pair [${p.pair.join(', ')}] is placed twice`, expected: 'one placement per pair' }); return }
    byPair.set(k, { pair: [p.pair[0], p.pair[1]], streams: p.streams })
  })
  const out: StreamPlacement[] = []
  // in node order, so staging (and its dials) is the same on every run of the scenario
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const a = names[i] as string
      const b = names[j] as string
      if (!peers(a, b)) continue
      const given = byPair.get(key(a, b))
      if (given !== undefined) out.push(given)
      else if (fallback !== undefined) out.push({ pair: [a, b], streams: fallback.streams })
    }
  }
  return out
}
