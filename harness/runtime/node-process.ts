/**
 * One node as a local child process: spawns it, splits its stdout into NDJSON
 * events (stderr and unparsable stdout go to the log only), keeps the log
 * file, and waits for its `ready` event.
 *
 *   child stdout ──lines──> events[] ──> onEvent listeners
 *        │ stderr ──────────> log file + tail buffer (for "last lines" in verdicts)
 *
 * The child gets `exitOnStdinClose`, so it dies with the harness even on SIGKILL.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { NodeEvent, NodeExitInfo, RunningNode } from './runtime.ts'

export class NodeStartError extends Error {
  override name = 'NodeStartError'
}

const TAIL_LINES = 200
const STOP_GRACE_MS = 5000

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
  private readonly log: WriteStream
  private readonly events: NodeEvent[] = []
  private readonly listeners: Array<(e: NodeEvent) => void> = []
  private readonly tail: string[] = []
  private stopRequested = false

  private constructor (opts: NodeProcessOptions) {
    this.name = opts.name
    this.logPath = opts.logPath
    this.log = createWriteStream(opts.logPath, { flags: 'a' })
    const [cmd, ...args] = opts.command
    if (cmd == null) throw new NodeStartError(`node ${opts.name}: empty command`)
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    this.exited = new Promise(resolve => {
      // 'close', not 'exit': it comes after stdout and stderr are drained, so no event line arrives after it
      this.child.once('close', (code, signal) => {
        resolve({ code, signal, expected: this.stopRequested })
      })
      this.child.once('error', err => {
        this.remember(`spawn failed: ${err.message}`)
        resolve({ code: null, signal: null, expected: false })
      })
    })
    createInterface({ input: this.child.stdout! }).on('line', line => { this.onStdout(line) })
    createInterface({ input: this.child.stderr! }).on('line', line => { this.remember(line) })
  }

  static async start (opts: NodeProcessOptions): Promise<NodeProcess> {
    const node = new NodeProcess(opts)
    try {
      const ready = await node.waitForReady(opts.readyTimeoutMs, opts.signal)
      node.peerId = String(ready.peerId)
      node.controlUrl = String(ready.control)
      node.listen = (ready.listen as string[] | undefined) ?? []
      return node
    } catch (err) {
      await node.kill()
      throw err
    }
  }

  onEvent (listener: (event: NodeEvent) => void): void {
    for (const e of this.events) listener(e)
    this.listeners.push(listener)
  }

  lastLines (n: number): string[] {
    return this.tail.slice(-n)
  }

  async stop (): Promise<void> {
    this.stopRequested = true
    if (this.child.exitCode != null || this.child.signalCode != null) { await this.closeLog(); return }
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS)
    await this.exited
    clearTimeout(timer)
    await this.closeLog()
  }

  async kill (): Promise<void> {
    if (this.child.exitCode == null && this.child.signalCode == null) this.child.kill('SIGKILL')
    await this.exited
    await this.closeLog()
  }

  get pid (): number | undefined { return this.child.pid }

  private async waitForReady (timeoutMs: number, signal?: AbortSignal): Promise<NodeEvent> {
    return await new Promise<NodeEvent>((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer)
        reject(new NodeStartError(`node ${this.name} ${why}\n${this.lastLines(15).map(l => `  | ${l}`).join('\n')}`))
      }
      const timer = setTimeout(() => { fail(`did not report ready within ${timeoutMs} ms`) }, timeoutMs)
      signal?.addEventListener('abort', () => { fail('start aborted') }, { once: true })
      void this.exited.then(info => { fail(`exited before ready (code ${info.code}, signal ${info.signal})`) })
      this.onEvent(e => { if (e.type === 'ready') { clearTimeout(timer); resolve(e) } })
    })
  }

  private onStdout (line: string): void {
    this.log.write(line + '\n')
    let event: NodeEvent
    try {
      event = JSON.parse(line) as NodeEvent
    } catch {
      this.remember(line, false)
      return
    }
    if (typeof event !== 'object' || event == null || typeof event.type !== 'string') { this.remember(line, false); return }
    this.events.push(event)
    if (event.type === 'error') this.remember(`[event] ${String(event.message)}`, false)
    for (const l of this.listeners) l(event)
  }

  private remember (line: string, write = true): void {
    if (write) this.log.write(line + '\n')
    this.tail.push(line)
    if (this.tail.length > TAIL_LINES) this.tail.shift()
  }

  private async closeLog (): Promise<void> {
    if (this.log.closed || this.log.writableEnded) return
    await new Promise<void>(resolve => { this.log.end(resolve) })
  }
}
