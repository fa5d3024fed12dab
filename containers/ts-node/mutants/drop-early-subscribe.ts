/**
 * zig-libp2p 0f089dd before the fix (the boot race): a peer's SUBSCRIBE for a
 * topic we have not subscribed to yet is discarded instead of remembered. The
 * peer never sends it again, so we never send that topic to the peer.
 */
import { defineMutant } from './mutant.ts'

export const dropEarlySubscribe = defineMutant({
  name: 'drop-early-subscribe',
  summary: 'a SUBSCRIBE arriving before our own subscribe is discarded (zig-libp2p 0f089dd)',
  fixture: 'drop-early-subscribe',
  stage: 'after-discipline',
  install: ({ gossip }) => {
    const handle = gossip.handleReceivedSubscription.bind(gossip)
    gossip.handleReceivedSubscription = (from, topic, subscribe) => {
      // false: gossipsub then neither records nor grafts, as for a subscription over budget
      if (subscribe && !gossip.subscriptions.has(topic)) return false
      return handle(from, topic, subscribe)
    }
  }
})
