/**
 * The `close` fault: the dialer closes its current connection of a leg through
 * its control API (a graceful close, not a network fault).
 *
 * On a busy devnet the connection can be gone when the fault reaches it: an
 * earlier fault closed or killed it and the dialer is redialing. Failing then
 * would leave the run without the fault it asked for (every passing verdict
 * becomes unknown). The leg comes back within the redial backoff, so the fault
 * waits for the dialer's next connection of the leg, up to `waitMs`, and closes
 * that one; only a leg still gone after the wait fails the fault.
 *
 *   status ──outbound conn to listener──> POST close ──ok──> done
 *      │ none                                  └─404 (closed meanwhile)──┐
 *      └──────────── wait 100 ms, ask again (until waitMs) <─────────────┘
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { NodeStatus } from '../contract/node-status.ts'
import type { ClosedVia } from '../faults/leg.ts'
import { NodeApiError } from './node-client.ts'

/** Longer than the default redial backoff's ceiling (1 s) with room for the handshake on a loaded machine. */
export const LEG_RETURN_WAIT_MS = 3000
const POLL_MS = 100

export interface ClosingDialer {
  name: string
  client: { status: () => Promise<NodeStatus>, closeLeg: (id: string) => Promise<void> }
}

export interface CloseOptions {
  waitMs?: number
  signal?: AbortSignal
}

/** What Leg.close records (`at`: when the node was asked; `waitedMs`: 0 when the leg was open), and the connection closed. */
export interface LegClosed extends ClosedVia {
  connId: string
}

/** Closes `dialer`'s outbound connection to `listener`, waiting for a redial when it has none. */
export async function closeCurrentLeg (dialer: ClosingDialer, listener: { name: string, peerId: string }, options: CloseOptions = {}): Promise<LegClosed> {
  const waitMs = options.waitMs ?? LEG_RETURN_WAIT_MS
  const started = Date.now()
  const deadline = started + waitMs
  for (;;) {
    options.signal?.throwIfAborted()
    const status = await dialer.client.status()
    const conn = status.legs.find(l => l.direction === 'outbound' && l.peer === listener.peerId)
    if (conn != null) {
      const at = Date.now()
      try {
        await dialer.client.closeLeg(conn.id)
        return { connId: conn.id, at, waitedMs: at - started }
      } catch (err) {
        // closed between the status and the close: the leg is redialing, wait for its next connection
        if (!(err instanceof NodeApiError && err.status === 404)) throw err
      }
    }
    if (Date.now() >= deadline) {
      throw new Error(`leg ${dialer.name}>${listener.name} has no open connection to close (waited ${waitMs} ms for the dialer to redial it)`)
    }
    await sleep(POLL_MS, undefined, options.signal !== undefined ? { signal: options.signal } : undefined)
  }
}
