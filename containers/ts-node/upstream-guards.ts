/**
 * Survives one known upstream bug instead of dying of it.
 *
 * @chainsafe/libp2p-yamux 8.0.1 sends a new outbound stream's opening window
 * update (its SYN) in a microtask (muxer.js, createStream: so that the stream is
 * in the muxer's list before an ACK can come back). When the connection's write
 * side closed in between, as it does while a reset is being processed,
 * `sendFrame` throws StreamStateError inside that microtask, outside any promise,
 * and Node exits. Seen once: quorum-32 over TCP beside `stress-ng --cpu 2`, node
 * E crashed 100 ms into a storm that reset all its legs. The stream belongs to
 * a connection that is already gone, so nothing is lost by going on; the node
 * reports it as an `error` event. Any other uncaught exception still ends the
 * process with exit code 1 and its stack on stderr, as Node's default does.
 *
 * `report` turns the message into the node's `error` event; a process hosting several nodes
 * (host-main.ts) cannot tell whose connection it was and reports it on each of them.
 */
export function isSynOnClosedConnection (err: unknown): boolean {
  return err instanceof Error && err.name === 'StreamStateError' && (err.stack ?? '').includes('sendWindowUpdate')
}

export function installUpstreamGuards (report: (message: string) => void): void {
  process.on('uncaughtException', (err, origin) => {
    if (isSynOnClosedConnection(err)) {
      report(`a stream opened on a connection that closed before its first frame (yamux, ${err.message}); the connection is gone, the node goes on`)
      return
    }
    process.stderr.write(`${origin}: ${err.stack ?? String(err)}\n`)
    process.exit(1)
  })
}
