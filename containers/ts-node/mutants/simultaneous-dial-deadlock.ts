/**
 * zig-libp2p's PendingDial before the fix (class 3): while our own dial to a
 * peer is pending, the peer's dial to us is parked until ours completes; the
 * peer parks ours the same way, so neither completes. Re-created at the
 * connection level: a fresh dial to a peer that was already configured (a
 * re-dial, as the `simultaneous-dial` fault makes) marks the peer pending; an
 * inbound connection from a pending peer is parked (closed), and from then on
 * the pair waits on each other for good: every later connection from or to
 * that peer is parked too. Boot dials (the first to each peer) are left alone.
 */
import type { Connection } from '@libp2p/interface'
import { defineMutant } from './mutant.ts'

/** how long after our dial's start an inbound from the same peer counts as crossing it */
const CROSSING_MS = 2000

export const simultaneousDialDeadlock = defineMutant({
  name: 'simultaneous-dial-deadlock',
  summary: 'crossing dials each wait on the other\'s pending dial, so neither completes (zig-libp2p PendingDial)',
  fixture: 'simultaneous-dial-deadlock',
  stage: 'after-discipline',
  install: ({ libp2p, legs, events }) => {
    const pendingSince = new Map<string, number>()
    const deadlocked = new Set<string>()
    const addPeer = legs.addPeer.bind(legs)
    legs.addPeer = async entry => {
      if (legs.isConfigured(entry.peerId)) pendingSince.set(entry.peerId, Date.now())
      return await addPeer(entry)
    }
    const park = (conn: Connection, peer: string): void => {
      events.emit('error', { message: `connection ${conn.id} (${conn.direction}) to ${peer} parked behind our pending dial`, peer, leg: conn.id })
      conn.abort(new Error('parked behind a pending dial'))
    }
    libp2p.addEventListener('connection:open', evt => {
      const conn = evt.detail
      const peer = conn.remotePeer.toString()
      if (deadlocked.has(peer)) { park(conn, peer); return }
      const since = pendingSince.get(peer)
      if (conn.direction !== 'inbound' || since == null || Date.now() - since > CROSSING_MS) return
      deadlocked.add(peer)
      // our own connection to the peer is the one the peer parks: it is not used either
      for (const c of legs.openLegsTo(peer)) park(c, peer)
    })
  }
})
