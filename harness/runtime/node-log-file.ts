/**
 * A process-runtime node's log file (`<run dir>/<node>.log`): its own stdout/stderr lines and the
 * harness's notes about it, appended until the node is done; lines after `close` are dropped (a
 * late line of a dying process must not throw). Shared by a node in its own process and a node
 * hosted with others (node-process.ts, node-host.ts); a container's log is docker-node.ts's own.
 */
import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'

export class NodeLogFile {
  private readonly stream: WriteStream

  constructor (path: string) {
    this.stream = createWriteStream(path, { flags: 'a' })
  }

  /** one line (a NodeOutput's writeLine and writeNote) */
  readonly write = (line: string): void => {
    if (!this.stream.writableEnded) this.stream.write(line + '\n')
  }

  /** flushes and closes it; again is a no-op */
  async close (): Promise<void> {
    if (this.stream.closed || this.stream.writableEnded) return
    await new Promise<void>(resolve => { this.stream.end(resolve) })
  }
}
