/**
 * Stream placement is a precondition a stack may be unable to meet: stock
 * rust-libp2p gossipsub opens a stream on every connection, so "A->B on one
 * leg, B->A on the other" cannot be staged around it. Such pairs are not
 * staged (and not refused as a set-up failure: the implementation is not
 * broken, the precondition does not apply to it); the run goes ahead and
 * its verdicts are `unknown`, naming the pair and the stack's reason
 * (oracles/unhonoured-config.ts). The matrix skips those cells with the same
 * reason (matrix/plan.ts). One function, so both say the same thing.
 */
import type { Scenario, StreamPlacement } from '../scenario/types.ts'
import { implementation } from './index.ts'

export interface UnplaceablePair extends StreamPlacement {
  /** the pair's nodes whose implementation cannot be placed, e.g. ["B (rust)"] */
  nodes: string[]
  /** their implementations' reasons (Implementation.cannotPlaceStreams), each once */
  why: string[]
}

/** The placed pairs of `scenario` that a node's implementation cannot have staged, in placement order. */
export function unplaceablePairs (scenario: Pick<Scenario, 'nodes' | 'placement'>): UnplaceablePair[] {
  const out: UnplaceablePair[] = []
  for (const p of scenario.placement ?? []) {
    const nodes = p.pair.map(name => scenario.nodes.find(n => n.name === name))
    const unable = nodes.flatMap((node, i) => {
      const partner = nodes[1 - i]
      if (node === undefined || partner === undefined) return []
      const why = implementation(node.impl).cannotPlaceStreams?.({ streams: p.streams, partner: partner.impl })
      return why === undefined ? [] : [{ node: `${node.name} (${node.impl})`, why }]
    })
    if (unable.length > 0) out.push({ ...p, nodes: unable.map(u => u.node), why: [...new Set(unable.map(u => u.why))] })
  }
  return out
}

/** One line for a verdict or a skipped matrix cell: "stream placement split of [A, B], [A, D] cannot be staged: node B (rust), node D (rust): ..." */
export function unplaceableSummary (pairs: readonly UnplaceablePair[]): string {
  if (pairs.length === 0) return ''
  const byKind = [...new Set(pairs.map(p => p.streams))].join('/')
  const nodes = [...new Set(pairs.flatMap(p => p.nodes))].map(n => `node ${n}`)
  const whys = [...new Set(pairs.flatMap(p => p.why))]
  return `stream placement ${byKind} of ${pairs.map(p => `[${p.pair.join(', ')}]`).join(', ')} cannot be staged: ${nodes.join(', ')}: ${whys.join('; ')}`
}
