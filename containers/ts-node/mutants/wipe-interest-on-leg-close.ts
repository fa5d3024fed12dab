/**
 * zig-libp2p PR #271 (v0.2.45) before the fix: a leg close that is not the
 * peer's last wipes what we know of the peer's topics. The peer is still
 * connected and has no reason to announce its topics again, so we stop
 * sending to it on every topic it had; a sparse subnet's mesh shrinks for good.
 */
import { defineMutant } from './mutant.ts'

export const wipeInterestOnLegClose = defineMutant({
  name: 'wipe-interest-on-leg-close',
  summary: 'a non-final leg close forgets the peer\'s topic interest (zig-libp2p PR #271, v0.2.45)',
  fixture: 'wipe-interest-on-leg-close',
  stage: 'after-discipline',
  install: ({ gossip, legs }) => {
    legs.onLegClosed(conn => {
      const peer = conn.remotePeer.toString()
      if (!legs.openLegsTo(peer).some(c => c !== conn)) return // the last leg: gossipsub forgets the peer anyway
      for (const members of gossip.topics.values()) members.delete(peer)
      for (const members of gossip.mesh.values()) members.delete(peer)
    })
  }
})
