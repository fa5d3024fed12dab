/**
 * The process runtime: every node a local child process on 127.0.0.1, the
 * fault engines as a local toxiproxy-server process and an in-process UDP
 * proxy. The fast default for reproducing a field bug on a laptop.
 *
 * With `nodesPerProcess` above 1, nodes of an implementation that can host several
 * (`processHostCommand`: the TS node) share child processes, that many to a process
 * (node-host.ts): less memory and start-up per node, no per-node kill or pause.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { implementation } from '../impls/index.ts'
import { NodeProcess } from './node-process.ts'
import { NodeHost } from './node-host.ts'
import { processWithRoom } from './nodes-per-process.ts'
import type { NodeLaunch, RunningNode, Runtime } from './runtime.ts'
import { startFaultEngine } from '../faults/engine.ts'
import type { EngineKind, FaultEngine } from '../faults/engine.ts'

export interface ProcessRuntimeOptions {
  /** where configs and logs go */
  dir: string
  readyTimeoutMs?: number
  /** nodes of a hosting implementation per child process (default 1: one process per node) */
  nodesPerProcess?: number
}

export class ProcessRuntime implements Runtime {
  readonly name = 'process' as const
  readonly listenHost = '127.0.0.1'
  private readonly dir: string
  private readonly readyTimeoutMs: number
  private readonly nodes: RunningNode[] = []
  private readonly nodesPerProcess: number
  /** processes hosting several nodes, per implementation, in start order */
  private readonly hosts = new Map<string, NodeHost[]>()
  /** starts per node name (a restart is a second start) */
  private readonly nodeStarts = new Map<string, number>()
  private readonly engines: FaultEngine[] = []

  constructor (opts: ProcessRuntimeOptions) {
    this.dir = opts.dir
    // a TS node is ready in ~2.3 s on a quiet machine; at a load average of 30 on 2 cores some took
    // over 20 s. The limit only decides how long a node that never comes up is waited for.
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 60_000
    this.nodesPerProcess = opts.nodesPerProcess ?? 1
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
    const impl = implementation(launch.impl)
    const hostCommand = this.nodesPerProcess > 1 ? impl.processHostCommand : undefined
    if (hostCommand !== undefined) {
      // chosen and taken with no await in between: nodes starting at once never overfill a process
      const hosted = await this.hostWithRoom(impl.name, hostCommand).startNode({
        name: launch.name, configPath, logPath: join(this.dir, `${fileBase}.log`), readyTimeoutMs: this.readyTimeoutMs, signal: options.signal
      })
      this.nodes.push(hosted)
      return hosted
    }
    const node = await NodeProcess.start({
      name: launch.name,
      // the implementation's module says how it starts (harness/impls/)
      command: impl.processCommand(configPath, launch),
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
    const hosts = [...this.hosts.values()].flat()
    this.hosts.clear()
    await Promise.allSettled(nodes.map(async n => { await n.stop() }))
    await Promise.allSettled(hosts.map(async h => { await h.stop() }))
    await Promise.allSettled(engines.map(async e => { await e.stop() }))
  }

  async describe (): Promise<Record<string, string>> {
    return this.nodesPerProcess > 1 ? { nodesPerProcess: String(this.nodesPerProcess) } : {}
  }

  private hostWithRoom (impl: string, command: () => string[]): NodeHost {
    const hosts = this.hosts.get(impl) ?? []
    this.hosts.set(impl, hosts)
    const i = processWithRoom(hosts.map(h => h.free))
    if (i >= 0) return hosts[i]!
    const host = new NodeHost(command(), this.nodesPerProcess)
    hosts.push(host)
    return host
  }

  async [Symbol.asyncDispose] (): Promise<void> {
    await this.dispose()
  }
}
