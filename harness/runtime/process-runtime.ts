/**
 * The process runtime: every node a local child process on 127.0.0.1, the
 * fault engines as a local toxiproxy-server process and an in-process UDP
 * proxy. The fast default for reproducing a field bug on a laptop.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { implementation } from '../impls/index.ts'
import { NodeProcess } from './node-process.ts'
import type { NodeLaunch, RunningNode, Runtime } from './runtime.ts'
import { startFaultEngine } from '../faults/engine.ts'
import type { EngineKind, FaultEngine } from '../faults/engine.ts'

export interface ProcessRuntimeOptions {
  /** where configs and logs go */
  dir: string
  readyTimeoutMs?: number
}

export class ProcessRuntime implements Runtime {
  readonly name = 'process' as const
  readonly listenHost = '127.0.0.1'
  private readonly dir: string
  private readonly readyTimeoutMs: number
  private readonly nodes: NodeProcess[] = []
  /** starts per node name (a restart is a second start) */
  private readonly nodeStarts = new Map<string, number>()
  private readonly engines: FaultEngine[] = []

  constructor (opts: ProcessRuntimeOptions) {
    this.dir = opts.dir
    // a TS node is ready in ~2.3 s on a quiet machine; at a load average of 30 on 2 cores some took
    // over 20 s. The limit only decides how long a node that never comes up is waited for.
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 60_000
  }

  async startNode (launch: NodeLaunch, options: { signal?: AbortSignal } = {}): Promise<RunningNode> {
    await mkdir(this.dir, { recursive: true })
    const started = (this.nodeStarts.get(launch.name) ?? 0) + 1
    this.nodeStarts.set(launch.name, started)
    // a restarted node's files sit beside the first start's: A.log, then A.2.log
    const fileBase = started === 1 ? launch.name : `${launch.name}.${started}`
    const configPath = join(this.dir, `${fileBase}.config.json`)
    // port 0 unless the launch pins one (a restarted node keeps the control port it had)
    const config = { ...launch.config, exitOnStdinClose: true, control: { host: '127.0.0.1', port: launch.config.control?.port ?? 0 } }
    await writeFile(configPath, JSON.stringify(config, null, 2))
    const node = await NodeProcess.start({
      name: launch.name,
      // the implementation's module says how it starts (harness/impls/)
      command: implementation(launch.impl).processCommand(configPath, launch),
      logPath: join(this.dir, `${fileBase}.log`),
      readyTimeoutMs: this.readyTimeoutMs,
      signal: options.signal
    })
    this.nodes.push(node)
    return node
  }

  async startFaultEngine (kind: EngineKind, options: { signal?: AbortSignal, seed?: number } = {}): Promise<FaultEngine> {
    const engine = await startFaultEngine(kind, { host: '127.0.0.1', seed: options.seed, signal: options.signal })
    this.engines.push(engine)
    return engine
  }

  async dispose (): Promise<void> {
    const nodes = this.nodes.splice(0)
    const engines = this.engines.splice(0)
    await Promise.allSettled(nodes.map(async n => { await n.stop() }))
    await Promise.allSettled(engines.map(async e => { await e.stop() }))
  }

  async [Symbol.asyncDispose] (): Promise<void> {
    await this.dispose()
  }
}
