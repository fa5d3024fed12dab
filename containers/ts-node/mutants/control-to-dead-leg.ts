/**
 * zig-libp2p 3f2420f / a12af9f / 1ac940a before the fix (class 1 of the zig
 * list): a GRAFT or PRUNE went out on a leg that was closing and was lost with
 * it. The peer stays connected on its other leg, so nothing sends the frame
 * again: after a lost GRAFT we list the peer in a mesh that it does not list
 * us in (a phantom mesh member), and the heartbeat does not repair it while
 * the peer's mesh is full enough. The correct node re-sends the GRAFT/PRUNE
 * written on a stream shortly before its close on the reopened stream
 * (leg-discipline.ts), and GRAFTs again every mesh that lists the peer there (the peer may
 * have dropped us at a disconnect we did not see); this mutant drops exactly those re-sends.
 */
// a symbol from a module without imports: the harness reads this list without loading libp2p
import { RESENT_CONTROL } from '../recent-sends.ts'
import { defineMutant } from './mutant.ts'

export const controlToDeadLeg = defineMutant({
  name: 'control-to-dead-leg',
  summary: 'a GRAFT/PRUNE lost with a closing leg is never sent again, leaving a phantom mesh member (zig-libp2p 3f2420f, a12af9f, 1ac940a)',
  fixture: 'control-to-dead-leg',
  // before the discipline: its re-send goes through this wrapper of the raw write
  stage: 'before-discipline',
  install: ({ gossip }) => {
    const send = gossip.sendRpc.bind(gossip)
    gossip.sendRpc = (peer, rpc) => {
      // what went to the dead leg is gone; report it written, as the field code did
      if (typeof rpc === 'object' && rpc !== null && RESENT_CONTROL in rpc) return true
      return send(peer, rpc)
    }
  }
})
