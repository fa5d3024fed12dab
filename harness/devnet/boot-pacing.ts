/**
 * How hard the devnet's set-up leans on the machine. Every first dial is a QUIC or TCP handshake
 * plus identify (a secp256k1 signature checked in JS) at both ends, all through the harness's
 * proxies; the mesh wait asks every node for its full status. At 64 nodes (512 legs) dialed at
 * once, with statuses polled every 100 ms, the nodes' processes fell seconds behind, their wedge
 * probes aborted legs whose peer had not answered in 2 s, the redials cost more CPU again, and the
 * devnet never finished meshing (84 s). Pacing set-up changes no verdict: it only spreads the
 * same dials, and asks less often whether they are done.
 */
import { availableParallelism } from 'node:os'

/**
 * First dials in flight at once: 8 per core (16 on 2 cores). Measured at 64 nodes, degree 8, 8 per
 * process: 64 in flight still churned (legs aborted as wedged from 5 s on, meshed only after ~90 s);
 * 16 in flight meshed all 512 legs with no leg closed, 30 s after the last node was ready.
 */
export const DIALS_IN_FLIGHT = 8 * availableParallelism()

/** Between two polls of every node's status while waiting for the mesh: 100 ms up to 10 nodes, then 10 ms per node. */
export function meshPollMs (nodes: number): number {
  return Math.max(100, 10 * nodes)
}

/** `work`, with at most `limit` calls running at once; the others wait their turn in call order. */
export function limitInFlight<A extends unknown[]> (limit: number, work: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  let running = 0
  const waiting: Array<() => void> = []
  return async (...args: A): Promise<void> => {
    if (running >= limit) await new Promise<void>(resolve => { waiting.push(resolve) })
    running++
    try {
      await work(...args)
    } finally {
      running--
      waiting.shift()?.()
    }
  }
}
