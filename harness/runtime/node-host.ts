/**
 * One child process hosting several nodes of one implementation (the process runtime's
 * `nodesPerProcess`; for the TS node, containers/ts-node/host-main.ts). Each hosted node
 * is a RunningNode of its own: its own NodeOutput, log file, readiness and exit, read from
 * the host's framed stdout (containers/ts-node/host-frames.ts), so the devnet sees it as it
 * sees a node process.
 *
 *   harness ──"start <id> <config>"──> host process ──"<id> o <event>"──> HostedNode <id> ──> NodeOutput
 *                                            │       ──"<id> x <code>"──> its `exited`
 *                                            └─ stderr (the process's own lines) ──> every hosted node's log
 *
 * Signals reach the whole process, so a hosted node has no `pause` and its `kill` is the
 * process's, taking its neighbours along: the harness refuses scenarios with kill/pause/resume
 * faults under this option (harness/scenario/recheck-scenario.ts), and only a failure path
 * (a start that timed out, a node that would not stop, the hang watchdog) ever kills.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { NodeEvent } from '../contract/node-events.ts'
import { parseHostFrame, startCommand, stopCommand } from '../../containers/ts-node/host-frames.ts'
import { NodeLogFile } from './node-log-file.ts'
import { NodeOutput } from './node-output.ts'
import { waitForReady } from './readiness.ts'
import { NodeStartError, STOP_GRACE_MS } from './node-process.ts'
import type { NodeExitInfo, RunningNode } from './runtime.ts'

export interface HostedNodeOptions {
  name: string
  configPath: string
  logPath: string
  readyTimeoutMs: number
  signal?: AbortSignal
}

export class NodeHost {
  readonly capacity: number
  /** resolves when the process has ended and its output is drained */
  readonly closed: Promise<{ code: number | null, signal: string | null }>
  private readonly child: ChildProcess
  private readonly nodes = new Map<string, HostedNode>()
  private nextId = 1
  private taken = 0

  constructor (command: string[], capacity: number) {
    this.capacity = capacity
    const [cmd, ...args] = command
    if (cmd == null) throw new NodeStartError('node host: empty command')
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    this.closed = new Promise(resolve => {
      this.child.once('close', (code, signal) => { resolve({ code, signal }) })
      this.child.once('error', err => {
        this.toEveryNode(`[meshflap] node host process: spawn failed: ${err.message}`)
        resolve({ code: null, signal: null })
      })
    })
    // a closed stdin (the host died) must not crash the harness with EPIPE
    this.child.stdin!.on('error', () => {})
    createInterface({ input: this.child.stdout! }).on('line', line => { this.dispatch(line) })
    createInterface({ input: this.child.stderr! }).on('line', line => { this.toEveryNode(`[process ${this.child.pid ?? '?'}] ${line}`) })
  }

  /** Room for another node (taken slots come back when their node has exited). */
  get free (): number { return this.alive ? this.capacity - this.taken : 0 }

  get pid (): number | undefined { return this.child.pid }

  /** Starts one node in this process; resolves once it is `ready`. */
  async startNode (opts: HostedNodeOptions): Promise<HostedNode> {
    const id = String(this.nextId++)
    this.taken++
    const node = new HostedNode(this, id, opts)
    this.nodes.set(id, node)
    void node.exited.then(() => { this.taken--; this.nodes.delete(id) })
    this.send(startCommand(id, opts.configPath))
    try {
      const ready = await waitForReady({
        node: opts.name,
        output: node.output,
        exited: node.exited,
        timeoutMs: opts.readyTimeoutMs,
        signal: opts.signal,
        error: why => new NodeStartError(why)
      })
      node.adoptReady(ready.peerId, ready.control, ready.listen)
      return node
    } catch (err) {
      await node.stop()
      throw err
    }
  }

  /** @internal a command for the host (dropped once it is gone) */
  send (command: string): void {
    if (this.alive && this.child.stdin?.writable === true) this.child.stdin.write(command)
  }

  /** SIGKILL of the whole process: every node in it ends. */
  async killProcess (): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL')
    await this.closed
  }

  /** Ends the process: stdin EOF stops its nodes (exitOnStdinClose), SIGKILL after the grace period. */
  async stop (): Promise<void> {
    if (!this.alive) { await this.closed; return }
    this.child.stdin?.end()
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS)
    await this.closed
    clearTimeout(timer)
  }

  private get alive (): boolean {
    return this.child.exitCode == null && this.child.signalCode == null
  }

  private dispatch (line: string): void {
    const frame = parseHostFrame(line)
    const node = frame === undefined ? undefined : this.nodes.get(frame.id)
    if (frame === undefined || node === undefined) { this.toEveryNode(`[process ${this.child.pid ?? '?'}] ${line}`); return }
    if (frame.kind === 'stdout') node.output.stdout(frame.line)
    else if (frame.kind === 'stderr') node.output.stderr(frame.line)
    else if (frame.kind === 'exit') node.ended(frame.code, null)
  }

  private toEveryNode (line: string): void {
    for (const n of this.nodes.values()) n.output.note(line)
  }
}

export class HostedNode implements RunningNode {
  readonly name: string
  readonly logPath: string
  readonly exited: Promise<NodeExitInfo>
  readonly output: NodeOutput
  peerId = ''
  controlUrl = ''
  listen: string[] = []
  private readonly host: NodeHost
  private readonly id: string
  private readonly log: NodeLogFile
  private settle: (info: NodeExitInfo) => void = () => {}
  private done = false
  private stopRequested = false

  constructor (host: NodeHost, id: string, opts: HostedNodeOptions) {
    this.host = host
    this.id = id
    this.name = opts.name
    this.logPath = opts.logPath
    this.log = new NodeLogFile(opts.logPath)
    this.output = new NodeOutput({ node: opts.name, writeLine: this.log.write, writeNote: this.log.write })
    this.exited = new Promise(resolve => { this.settle = resolve })
    // the process ended: a node still running in it ended with it
    void host.closed.then(({ code, signal }) => { this.ended(code, signal) })
  }

  /** @internal */
  adoptReady (peerId: string, controlUrl: string, listen: string[]): void {
    this.peerId = peerId
    this.controlUrl = controlUrl
    this.listen = listen
  }

  /** @internal its exit frame, or the host process's end */
  ended (code: number | null, signal: string | null): void {
    if (this.done) return
    this.done = true
    this.settle({ code, signal, expected: this.stopRequested })
  }

  onEvent (listener: (event: NodeEvent) => void): () => void {
    return this.output.onEvent(listener)
  }

  lastLines (n: number): string[] {
    return this.output.lastLines(n)
  }

  /** The node's own teardown (what SIGTERM runs in a lone node); a node that does not stop in time costs its whole process a SIGKILL. */
  async stop (): Promise<void> {
    this.stopRequested = true
    if (!this.done) {
      this.host.send(stopCommand(this.id))
      const timer = setTimeout(() => {
        this.output.note(`[meshflap] node ${this.name} did not stop within ${STOP_GRACE_MS} ms: killing its process (pid ${this.host.pid ?? '?'}) and every node in it`)
        void this.host.killProcess()
      }, STOP_GRACE_MS)
      await this.exited
      clearTimeout(timer)
    }
    await this.log.close()
  }

  /** SIGKILL of the process this node shares: its neighbours end too (a run with a `kill` fault is refused before it starts). */
  async kill (options: { expected?: boolean } = {}): Promise<void> {
    if (options.expected === true) this.stopRequested = true
    await this.host.killProcess()
    await this.exited
    await this.log.close()
  }

  async pause (): Promise<void> {
    throw new Error(`node ${this.name} shares its process with other nodes (nodes per process above 1): it cannot be paused on its own`)
  }

  async resume (): Promise<void> {
    throw new Error(`node ${this.name} shares its process with other nodes (nodes per process above 1): it cannot be resumed on its own`)
  }

  get pid (): number | undefined { return this.host.pid }
}
