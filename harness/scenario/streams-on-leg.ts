/**
 * Which gossip streams ride one harness leg right now, read from live status
 * (pure). A fault records this when it starts (FaultEntry.hit), so a run can
 * say "the fault touched no stream" instead of passing on nothing; stream
 * placement staging (harness/devnet/stage-placement.ts) checks itself with it.
 *
 *   leg A>B: A's connection (outbound to B)  gossip outbound -> "A->B", gossip inbound -> "B->A"
 *            B's connection (inbound from A) gossip outbound -> "B->A", gossip inbound -> "A->B"
 *
 * Both ends are read: a stream one end has already dropped may still be listed
 * at the other, and either is enough for the data to have been riding the leg.
 */
import type { LegView, StatusSnapshot } from './status-snapshot.ts'

/** The connection at `node` that is harness leg dialer>listener now: by id when given, else the only one in that direction. */
function connectionOf (snapshot: StatusSnapshot, node: string, peer: string, direction: 'outbound' | 'inbound', id?: string): LegView | undefined {
  const status = snapshot.status.get(node)
  if (status === undefined) return undefined
  const peerId = [...snapshot.names.entries()].find(([, name]) => name === peer)?.[0]
  const candidates = status.legs.filter(l => l.peer === peerId && l.direction === direction)
  if (id !== undefined) return candidates.find(l => l.id === id)
  return candidates.length === 1 ? candidates[0] : undefined
}

/** Stream directions ("A->B") riding leg dialer>listener, sorted; connection ids narrow it to those connections. */
export function streamsOnLeg (snapshot: StatusSnapshot, dialer: string, listener: string, ids: { dialerLeg?: string, listenerLeg?: string } = {}): string[] {
  const found = new Set<string>()
  const atDialer = connectionOf(snapshot, dialer, listener, 'outbound', ids.dialerLeg)
  for (const s of atDialer?.streams ?? []) {
    if (s.gossip === 'outbound') found.add(`${dialer}->${listener}`)
    if (s.gossip === 'inbound') found.add(`${listener}->${dialer}`)
  }
  const atListener = connectionOf(snapshot, listener, dialer, 'inbound', ids.listenerLeg)
  for (const s of atListener?.streams ?? []) {
    if (s.gossip === 'outbound') found.add(`${listener}->${dialer}`)
    if (s.gossip === 'inbound') found.add(`${dialer}->${listener}`)
  }
  return [...found].sort()
}
