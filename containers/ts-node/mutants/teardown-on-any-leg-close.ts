/**
 * zig-libp2p PR #278 before the fix: the peer's one outbound /meshsub stream
 * is destroyed when ANY leg of the peer closes, even the leg it does not ride.
 * The peer is still connected on its other leg, so nothing re-establishes the
 * stream and no SUBSCRIBE is replayed until the peer disconnects entirely.
 */
import { defineMutant } from './mutant.ts'

export const teardownOnAnyLegClose = defineMutant({
  name: 'teardown-on-any-leg-close',
  summary: 'any leg close destroys the peer\'s gossip stream; still connected, so never re-established (zig-libp2p PR #278)',
  fixture: 'teardown-on-any-leg-close',
  // before the discipline: its reopen goes through the refusal below, as the field code's fix was missing
  stage: 'before-discipline',
  install: ({ gossip, legs }) => {
    /** peers whose stream was torn down while another leg lived: no new stream until the peer is gone */
    const torn = new Set<string>()
    legs.onLegClosed(conn => {
      const peer = conn.remotePeer.toString()
      if (!legs.openLegsTo(peer).some(c => c !== conn)) { torn.delete(peer); return } // the last leg: a full disconnect
      torn.add(peer)
      const out = gossip.streamsOutbound.get(peer)
      if (out == null) return
      gossip.streamsOutbound.delete(peer)
      out.rawStream.abort(new Error('a leg of the peer closed'))
    })
    const create = gossip.createOutboundStream.bind(gossip)
    gossip.createOutboundStream = async (peerId, connection) => {
      if (torn.has(peerId.toString())) return // peer-level state says "connected": nothing to re-establish
      await create(peerId, connection)
    }
  }
})
