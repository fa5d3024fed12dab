/**
 * One node as a local child process: spawns it, hands its stdout and stderr
 * lines to the shared NodeOutput (contract events, log file, tail), and waits
 * for its `ready` event.
 *
 *   child stdout ──lines──> NodeOutput ──> events ──> onEvent listeners
 *        │ stderr ──────────> NodeOutput ──> log file + tail (for "last lines" in verdicts)
 *
 * The child gets `exitOnStdinClose`, so it dies with the harness even on SIGKILL.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { NodeEvent } from '../contract/node-events.ts'
import { NodeLogFile } from './node-log-file.ts'
import { NodeOutput } from './node-output.ts'
import { waitForReady } from './readiness.ts'
import type { NodeExitInfo, RunningNode } from './runtime.ts'

export class NodeStartError extends Error {
  override name = 'NodeStartError'
}

/** how long a stopped node may take before it is killed (the contract gives it 5 s) */
export const STOP_GRACE_MS = 5000

export interface NodeProcessOptions {
  name: string
  command: string[]
  logPath: string
  readyTimeoutMs: number
  signal?: AbortSignal
}

export class NodeProcess implements RunningNode {
  readonly name: string
  readonly logPath: string
  readonly exited: Promise<NodeExitInfo>
  peerId = ''
  controlUrl = ''
  listen: string[] = []
  private readonly child: ChildProcess
  private readonly log: NodeLogFile
  private readonly output: NodeOutput
  private stopRequested = false
  private paused = false

  private constructor (opts: NodeProcessOptions) {
    this.name = opts.name
    this.logPath = opts.logPath
    this.log = new NodeLogFile(opts.logPath)
    this.output = new NodeOutput({ node: opts.name, writeLine: this.log.write, writeNote: this.log.write })
    const [cmd, ...args] = opts.command
    if (cmd == null) throw new NodeStartError(`node ${opts.name}: empty command`)
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    this.exited = new Promise(resolve => {
      // 'close', not 'exit': it comes after stdout and stderr are drained, so no event line arrives after it
      this.child.once('close', (code, signal) => {
        resolve({ code, signal, expected: this.stopRequested })
      })
      this.child.once('error', err => {
        this.output.note(`spawn failed: ${err.message}`)
        resolve({ code: null, signal: null, expected: false })
      })
    })
    createInterface({ input: this.child.stdout! }).on('line', line => { this.output.stdout(line) })
    createInterface({ input: this.child.stderr! }).on('line', line => { this.output.stderr(line) })
  }

  static async start (opts: NodeProcessOptions): Promise<NodeProcess> {
    const node = new NodeProcess(opts)
    try {
      const ready = await waitForReady({
        node: opts.name,
        output: node.output,
        exited: node.exited,
        timeoutMs: opts.readyTimeoutMs,
        signal: opts.signal,
        error: why => new NodeStartError(why)
      })
      node.peerId = ready.peerId
      node.controlUrl = ready.control
      node.listen = ready.listen
      return node
    } catch (err) {
      await node.kill()
      throw err
    }
  }

  onEvent (listener: (event: NodeEvent) => void): () => void {
    return this.output.onEvent(listener)
  }

  lastLines (n: number): string[] {
    return this.output.lastLines(n)
  }

  async stop (): Promise<void> {
    this.stopRequested = true
    if (this.child.exitCode != null || this.child.signalCode != null) { await this.log.close(); return }
    this.child.kill('SIGTERM')
    // a stopped (paused) process only acts on SIGTERM once it runs again
    if (this.paused) this.child.kill('SIGCONT')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS)
    await this.exited
    clearTimeout(timer)
    await this.log.close()
  }

  async kill (options: { expected?: boolean } = {}): Promise<void> {
    if (options.expected === true) this.stopRequested = true
    if (this.child.exitCode == null && this.child.signalCode == null) this.child.kill('SIGKILL')
    await this.exited
    await this.log.close()
  }

  async pause (): Promise<void> {
    if (this.child.exitCode != null || this.child.signalCode != null) throw new Error(`node ${this.name} has exited: nothing to pause`)
    this.child.kill('SIGSTOP')
    this.paused = true
  }

  async resume (): Promise<void> {
    if (this.child.exitCode != null || this.child.signalCode != null) throw new Error(`node ${this.name} has exited: nothing to resume`)
    this.child.kill('SIGCONT')
    this.paused = false
  }

  get pid (): number | undefined { return this.child.pid }
}
