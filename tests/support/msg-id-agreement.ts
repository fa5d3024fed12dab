/**
 * Do all nodes give one attestation the same message id? Gossip recovery (IHAVE/IWANT) only
 * works when they do: a node asks for, and is offered, ids. Each node reports the id its own
 * stack computed (msg_published, msg_received), so one (slot, validator) seen under two ids is
 * a wire-profile mismatch even when mesh delivery still works.
 */
import type { History } from '../../harness/history/types.ts'

export interface IdAgreement {
  /** attestations seen by more than one node */
  compared: number
  /** "slot 3 validator 5: A 1f.. / C 9a.." for each attestation with more than one id */
  disagreements: string[]
}

export function msgIdAgreement (history: History): IdAgreement {
  const seen = new Map<string, Map<string, string[]>>()
  for (const e of history) {
    if (e.kind !== 'node' || (e.type !== 'msg_published' && e.type !== 'msg_received')) continue
    if (typeof e.slot !== 'number' || typeof e.validator !== 'number') continue
    const key = `slot ${e.slot} validator ${e.validator}`
    const ids = seen.get(key) ?? new Map<string, string[]>()
    seen.set(key, ids)
    const nodes = ids.get(e.msgId) ?? []
    if (!nodes.includes(e.node)) nodes.push(e.node)
    ids.set(e.msgId, nodes)
  }
  let compared = 0
  const disagreements: string[] = []
  for (const [key, ids] of seen) {
    const nodes = new Set([...ids.values()].flat())
    if (nodes.size < 2) continue
    compared++
    if (ids.size > 1) disagreements.push(`${key}: ` + [...ids].map(([id, ns]) => `${ns.join(',')} ${id.slice(0, 10)}`).join(' / '))
  }
  return { compared, disagreements }
}
