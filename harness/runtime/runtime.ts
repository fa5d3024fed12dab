/**
 * Where nodes and fault engines run. One interface, three rooms:
 * `process-runtime.ts` (local processes on 127.0.0.1, the fast default),
 * `docker-runtime.ts` (one container per node/engine on the run's own network) and
 * `swarm-runtime.ts` (one service per node/engine on the run's own overlay, over a swarm's hosts).
 *
 *   harness ──control API──> RunningNode        (controlUrl: reachable from the harness)
 *   dialer node ──proxyAddr──> FaultEngine proxy ──upstream──> listener node
 *
 * Addresses handed to nodes (listen, proxy listen, upstream) are in the runtime's
 * own network; `controlUrl` and the engine's `apiUrl` are what the harness uses.
 */
import type { NodeConfig } from '../contract/node-config.ts'
import type { NodeEvent } from '../contract/node-events.ts'
import type { EngineKind, FaultEngine } from '../faults/engine.ts'
import type { ImplName } from '../impls/index.ts'

/** Every runtime, for the CLI's `--runtime` choices; `createRuntime` (harness/devnet/devnet.ts) builds each. */
export const RUNTIME_NAMES = ['process', 'docker', 'swarm'] as const
export type RuntimeName = typeof RUNTIME_NAMES[number]

export interface NodeLaunch {
  name: string
  /** an implementation of harness/impls/index.ts */
  impl: ImplName
  /** the contract config (containers/node-config.schema.json); the runtime may rewrite control/listen hosts */
  config: NodeConfig
  /** external impl, process runtime: the command to run (config path appended) */
  command?: string[]
  /** external impl, docker and swarm runtimes: the image to run (config mounted at /config/node.json) */
  image?: string
}

export interface NodeExitInfo {
  code: number | null
  signal: string | null
  /** true when the harness asked it to stop */
  expected: boolean
}

export interface RunningNode {
  readonly name: string
  readonly peerId: string
  /** base URL of the node's control API, reachable from the harness */
  readonly controlUrl: string
  /** listen multiaddrs as reachable from inside the runtime's network (what proxies forward to) */
  readonly listen: string[]
  /** file with the node's full stdout+stderr log */
  readonly logPath: string
  /** resolves when the node process/container ends, for whatever reason */
  readonly exited: Promise<NodeExitInfo>
  /** every event (checked against the contract), in order, including those emitted before the listener was added */
  onEvent: (listener: (event: NodeEvent) => void) => void
  /** the last n lines of the node's log (stderr and stdout) */
  lastLines: (n: number) => string[]
  /** SIGTERM, then SIGKILL after a grace period */
  stop: () => Promise<void>
  /**
   * SIGKILL now. `expected: true` when the kill is the run's own fault (a scenario `kill`),
   * so its exit is recorded as asked for; default false (a crash test, the hang watchdog).
   */
  kill: (options?: { expected?: boolean }) => Promise<void>
  /** Freezes the node (process: SIGSTOP; docker: pause): it answers nothing until resume(). */
  pause: () => Promise<void>
  /** Ends a pause (process: SIGCONT; docker: unpause). */
  resume: () => Promise<void>
}

export interface Runtime extends AsyncDisposable {
  readonly name: RuntimeName
  /** host nodes listen on inside this runtime (process: 127.0.0.1; docker: 0.0.0.0) */
  readonly listenHost: string
  startNode: (launch: NodeLaunch, options?: { signal?: AbortSignal }) => Promise<RunningNode>
  /** starts a fault engine reachable by every node; its proxies listen inside the runtime's network */
  startFaultEngine: (kind: EngineKind, options?: { signal?: AbortSignal, seed?: number }) => Promise<FaultEngine>
  /** stops everything this runtime started (idempotent) */
  dispose: () => Promise<void>
  /** what a rerun bundle must record about where things ran (docker: image refs and ids), for results.json */
  describe?: () => Promise<Record<string, string>>
}
