/**
 * zig-libp2p d7320da before the fix (the redial loop): after a peer lost its
 * outbound leg to us and redials, we take the new connection for a duplicate of
 * the leg the peer still holds and close it; the peer redials, we close it
 * again, for as long as the run lasts. The first connection each way (at boot)
 * is kept: only a redial looks like a duplicate.
 */
import { defineMutant } from './mutant.ts'

export const closeDuplicateRedial = defineMutant({
  name: 'close-duplicate-redial',
  summary: 'a peer\'s redialed connection is closed as a duplicate of its surviving leg, so the redial loops (zig-libp2p d7320da)',
  fixture: 'close-duplicate-redial',
  stage: 'after-discipline',
  install: ({ libp2p, legs, events }) => {
    /** peers that already dialed us once */
    const dialedUsBefore = new Set<string>()
    libp2p.addEventListener('connection:open', evt => {
      const conn = evt.detail
      if (conn.direction !== 'inbound') return
      const peer = conn.remotePeer.toString()
      const duplicate = dialedUsBefore.has(peer) && legs.openLegsTo(peer).some(c => c !== conn)
      dialedUsBefore.add(peer)
      if (!duplicate) return
      events.emit('error', { message: `closing inbound connection ${conn.id} from ${peer} as a duplicate`, peer, leg: conn.id })
      conn.abort(new Error('duplicate connection'))
    })
  }
})
