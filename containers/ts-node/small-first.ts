/**
 * What waited for a reopened stream goes out small messages first. At a reopen the node writes at
 * once what the dead stream may have lost (up to 2 s of it, blocks included) and what was held
 * meanwhile; in that order a peer's attestations queued behind every block of those seconds. On
 * QUIC the blocks (128 KiB in field-shaped) then filled the surviving leg for 0.7-1.45 s: field-shaped
 * seed 88, N7's attestations to the aggregator N2 came back only after 3 slots (no-decay failed in
 * 3 of 6 runs). Written small first, the attestations of those slots reach the peer with the reopen
 * and the blocks follow. Order within each kind is kept (oldest first); GRAFT/PRUNE and SUBSCRIBE go
 * with the small part of their RPC.
 */
import type { WaitingRpc } from './current-control.ts'

/** a message this large or larger is bulky (a block); attestations and control are far below */
export const BULKY_BYTES = 4096

interface SizedMessage { data?: Uint8Array }

const bulky = (m: unknown): boolean => ((m as SizedMessage).data?.length ?? 0) >= BULKY_BYTES

/** The RPCs to write, in order: each one's small part first, then every bulky message in the order they came. */
export function smallFirst<R extends WaitingRpc> (rpcs: readonly R[]): R[] {
  const small: R[] = []
  const large: R[] = []
  for (const rpc of rpcs) {
    const messages = rpc.messages ?? []
    const big = messages.filter(bulky)
    if (big.length === 0) { small.push(rpc); continue }
    const rest = { ...rpc, messages: messages.filter(m => !bulky(m)) }
    if (rest.messages.length > 0 || (rest.subscriptions?.length ?? 0) > 0 || rest.control != null) small.push(rest)
    large.push({ subscriptions: [], messages: big } as unknown as R)
  }
  return [...small, ...large]
}
