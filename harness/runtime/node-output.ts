/**
 * What a node writes, read the same way whatever runs it (a child process, a
 * container): stdout lines checked against the contract into events, every
 * other line into a tail for the "last lines" of verdicts and errors.
 *
 *   stdout line ──parseNodeEvent──> events[] ──> onEvent listeners
 *        │               └─ rejected ──> tail "[meshflap] node A, stdout line 7: ..." + onRejected listeners
 *   stderr line / harness note ──> tail
 *
 * `writeLine` puts the node's own lines into its log file (the process runtime;
 * a container's ContainerLog writes them itself); `writeNote` puts the
 * harness's lines about the node there (rejections, spawn failures).
 */
import { NodeEventError, parseNodeEvent } from '../contract/node-events.ts'
import type { NodeEvent } from '../contract/node-events.ts'

const TAIL_LINES = 200

export interface NodeOutputOptions {
  node: string
  /** writes one stdout/stderr line of the node to its log file */
  writeLine?: (line: string) => void
  /** writes one line of the harness's own to the node's log file */
  writeNote?: (line: string) => void
}

export class NodeOutput {
  private readonly node: string
  private readonly writeLine: (line: string) => void
  private readonly writeNote: (line: string) => void
  private readonly events: NodeEvent[] = []
  private readonly listeners = new Set<(e: NodeEvent) => void>()
  private readonly rejectedListeners = new Set<(err: NodeEventError) => void>()
  private readonly tail: string[] = []
  private stdoutLines = 0

  constructor (opts: NodeOutputOptions) {
    this.node = opts.node
    this.writeLine = opts.writeLine ?? (() => {})
    this.writeNote = opts.writeNote ?? (() => {})
  }

  /** One line of the node's stdout. */
  stdout (line: string): void {
    this.writeLine(line)
    const lineNo = ++this.stdoutLines
    let event: NodeEvent
    try {
      event = parseNodeEvent(line, this.node, lineNo)
    } catch (err) {
      if (!(err instanceof NodeEventError)) throw err
      // not JSON at all (a stray print): the line itself says most; an event that breaks the contract: say how
      if (err.claimedType === undefined && !line.trimStart().startsWith('{')) {
        this.remember(line)
      } else {
        this.writeNote(`[meshflap] ${err.message}`)
        this.remember(`[meshflap] ${err.message}`)
      }
      for (const l of [...this.rejectedListeners]) l(err)
      return
    }
    this.events.push(event)
    if (event.type === 'error') this.remember(`[event] ${event.message}`)
    for (const l of [...this.listeners]) l(event)
  }

  /** One line of the node's stderr. */
  stderr (line: string): void {
    this.writeLine(line)
    this.remember(line)
  }

  /** A line of the harness's own about this node (spawn failed, container lost). */
  note (line: string): void {
    this.writeNote(line)
    this.remember(line)
  }

  /** Every event so far, then each new one; returns the unsubscribe. */
  onEvent (listener: (event: NodeEvent) => void): () => void {
    for (const e of this.events) listener(e)
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** Each stdout line from now on that is not a contract event; returns the unsubscribe. */
  onRejected (listener: (err: NodeEventError) => void): () => void {
    this.rejectedListeners.add(listener)
    return () => { this.rejectedListeners.delete(listener) }
  }

  lastLines (n: number): string[] {
    return this.tail.slice(-n)
  }

  private remember (line: string): void {
    this.tail.push(line)
    if (this.tail.length > TAIL_LINES) this.tail.shift()
  }
}
