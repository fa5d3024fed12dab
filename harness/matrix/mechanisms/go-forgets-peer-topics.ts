/**
 * The Go peer deletes a still-connected peer from every topic when one of its gossip streams with
 * it dies, and then publishes past it for good (fixtures/investigations/go-pubsub-topics-forgotten.md,
 * go-libp2p-pubsub handleDeadPeers / onClosedIncomingStream). Explains a failed direction from a Go
 * node when, inside the failed window, that node kept publishing while connected to the receiver and
 * left it out of every publish from some point to the window's end, over at least two slots.
 */
import { defineMechanism } from './mechanism.ts'

export const goForgetsPeerTopics = defineMechanism({
  name: 'go-forgets-peer-topics',
  evidence: 'fixtures/investigations/go-pubsub-topics-forgotten.md',
  explains: (ix, from, to, window) => {
    const node = ix.nodeByName.get(from)
    const receiver = ix.nodeByName.get(to)
    if (node?.impl !== 'go' || receiver === undefined) return undefined
    const connected = (t: number): boolean => [...ix.connections.values()].some(c => c.node === from && c.peer === to && c.openMs <= t && t < (c.closeMs ?? Infinity))
    const publishes = (ix.events.get(from) ?? []).flatMap(e => e.type === 'msg_published' && e.ts >= window.fromMs && e.ts <= window.toMs && connected(e.ts) ? [e] : [])
    const lastReached = publishes.findLastIndex(e => e.recipients.includes(receiver.peerId))
    const past = publishes.slice(lastReached + 1)
    const slots = new Set(past.map(e => e.slot))
    if (slots.size < 2) return undefined
    return `${from} (go) left ${to} out of its last ${past.length} publish(es) in the window (slots ${Math.min(...slots)}-${Math.max(...slots)}) while connected to it`
  }
})
