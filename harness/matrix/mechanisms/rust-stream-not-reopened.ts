/**
 * A Rust node whose only outbound gossip stream to a peer died with its leg opens none on the live
 * leg until something else wakes its handler (fixtures/investigations/rust-stream-not-reopened.md).
 * Explains a failed direction from a Rust node that, for longer than REOPEN_MS, held a live
 * connection to the receiver and no outbound gossip stream to it.
 */
import type { RunIndex } from '../../oracles/run-index.ts'
import { defineMechanism } from './mechanism.ts'

/** a stock Rust node sending every slot opens a stream on a live connection within one 1 s slot */
const REOPEN_MS = 1000

export const rustStreamNotReopened = defineMechanism({
  name: 'rust-stream-not-reopened',
  evidence: 'fixtures/investigations/rust-stream-not-reopened.md',
  explains: (ix, from, to) => {
    if (ix.nodeByName.get(from)?.impl !== 'rust') return undefined
    const ms = longestConnectedWithoutStream(ix, from, to)
    return ms > REOPEN_MS ? `${from} (rust) was connected to ${to} without an outbound stream for ${ms} ms` : undefined
  }
})

/** The longest time `a` held a live connection to `b` and no outbound gossip stream to it (ms). */
export function longestConnectedWithoutStream (ix: RunIndex, a: string, b: string): number {
  const end = ix.observedUntil
  const live = [...ix.connections.values()].filter(c => c.node === a && c.peer === b).map(c => [c.openMs, c.closeMs ?? end] as const)
  const streams = ix.streams.filter(s => s.node === a && s.peer === b && s.direction === 'outbound').map(s => [s.openMs, s.closeMs ?? end] as const)
  // between two consecutive instants where either set changes, both are constant
  const marks = [...new Set([...live, ...streams].flat())].sort((x, y) => x - y)
  let longest = 0
  let from: number | undefined
  for (const t of marks) {
    const connected = live.some(([o, c]) => o <= t && t < c)
    const sending = streams.some(([o, c]) => o <= t && t < c)
    if (connected && !sending) from ??= t
    else if (from !== undefined) { longest = Math.max(longest, t - from); from = undefined }
  }
  if (from !== undefined) longest = Math.max(longest, end - from)
  return longest
}
