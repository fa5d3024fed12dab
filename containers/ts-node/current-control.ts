/**
 * An RPC that waited (held while the peer had no stream, or re-sent from a stream that died) is
 * written with only the GRAFTs and PRUNEs that still say what our meshes say: while it waited the
 * peer may have left our mesh (its last leg closed, a heartbeat pruned it) or joined it again. A
 * stale GRAFT made the peer list us while we did not list it (field-shaped seed 103: a GRAFT written
 * on a stream that died 11 ms later was re-sent after our mesh had dropped the peer).
 */
export interface WaitingRpc {
  subscriptions?: unknown[]
  messages?: unknown[]
  control?: { graft?: unknown[], prune?: unknown[], [other: string]: unknown }
}

/** The RPC as it may still be sent, or undefined when nothing of it is left. Symbol keys (markers) are kept. */
export function currentControl<R extends WaitingRpc> (rpc: R, inMesh: (topic: string) => boolean): R | undefined {
  if (rpc.control == null) return rpc
  const listed = (c: unknown): boolean => {
    const topic = (c as { topicID?: unknown }).topicID
    return typeof topic === 'string' && inMesh(topic)
  }
  const control = { ...rpc.control, graft: (rpc.control.graft ?? []).filter(listed), prune: (rpc.control.prune ?? []).filter(c => !listed(c)) }
  const left = (rpc.messages?.length ?? 0) + (rpc.subscriptions?.length ?? 0) +
    Object.values(control).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 0), 0)
  return left === 0 ? undefined : { ...rpc, control }
}
