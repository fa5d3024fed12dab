/**
 * One node as a container: the same RunningNode the process runtime gives,
 * fed from the container's log instead of a child's pipes.
 *
 *   container stdout ──ContainerLog──> NodeOutput ──> contract events ──> onEvent listeners
 *             stderr ──────────────> NodeOutput ──> tail (last lines for verdicts); ContainerLog keeps the file
 *   POST /containers/<id>/wait ──> exited (after the log is drained)
 *
 * The control API and listen addresses are the container's IP on the run network. The swarm
 * runtime uses the same class for a service's task: `docker` is then the engine of the swarm node
 * the task runs on (kill, pause, stop go there), the container log is read from its logs endpoint,
 * and `controlUrl` is the port published on that node.
 */
import { constants } from 'node:os'
import type Docker from 'dockerode'
import type { NodeEvent } from '../contract/node-events.ts'
import type { ContainerLog, StartedRunContainer } from './docker-container.ts'
import { NodeOutput } from './node-output.ts'
import { waitForReady } from './readiness.ts'
import type { NodeExitInfo, RunningNode } from './runtime.ts'

export class DockerNodeError extends Error {
  override name = 'DockerNodeError'
}

const STOP_GRACE_S = 5
const LOG_DRAIN_MS = 3000

export interface DockerNodeOptions {
  docker: Docker
  name: string
  container: StartedRunContainer
  /** the port the control API listens on inside the container */
  controlPort: number
  /** where the harness reaches the control API (default: the container's IP and controlPort; swarm: a published port) */
  controlUrl?: string
  /** what the harness needs when it cannot reach the control API (default: the docker runtime's) */
  reachHint?: string
  readyTimeoutMs: number
  signal?: AbortSignal
}

export class DockerNode implements RunningNode {
  readonly name: string
  readonly logPath: string
  readonly exited: Promise<NodeExitInfo>
  readonly containerId: string
  readonly ip: string
  /** create + start + ready of the container, in ms */
  readonly startMs: number
  peerId = ''
  controlUrl = ''
  listen: string[] = []
  private readonly docker: Docker
  private readonly reachHint: string
  private readonly log: ContainerLog
  private readonly exitStatus: Promise<number | null>
  private readonly output: NodeOutput
  private stopRequested = false
  private paused = false
  private done = false

  private constructor (opts: DockerNodeOptions) {
    this.docker = opts.docker
    this.name = opts.name
    this.containerId = opts.container.id
    this.ip = opts.container.ip
    this.startMs = opts.container.startMs
    this.controlUrl = opts.controlUrl ?? `http://${this.ip}:${opts.controlPort}`
    this.reachHint = opts.reachHint ?? 'the docker runtime needs the engine on this host, with container IPs routable from it'
    this.log = opts.container.log
    this.exitStatus = opts.container.exit
    this.logPath = this.log.path
    this.output = new NodeOutput({ node: opts.name, writeNote: line => { this.log.note(line) } })
    this.log.consume(line => { this.output.stdout(line) }, line => { this.output.stderr(line) })
    this.exited = this.waitForExit()
  }

  /** Wraps a started container; resolves once its `ready` event is read. */
  static async attach (opts: DockerNodeOptions): Promise<DockerNode> {
    const node = new DockerNode(opts)
    try {
      const ready = await waitForReady({
        node: opts.name,
        output: node.output,
        exited: node.exited,
        timeoutMs: opts.readyTimeoutMs,
        signal: opts.signal,
        error: why => new DockerNodeError(why)
      })
      node.peerId = ready.peerId
      node.listen = listenOnNetwork(ready.listen, node.ip)
      await node.checkReachable()
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
    if (!this.done) {
      // a paused container would hold the SIGTERM until unpaused: unpause first
      if (this.paused) await this.docker.getContainer(this.containerId).unpause().catch(() => undefined)
      // SIGTERM, SIGKILL after the grace period: the engine does both
      await this.docker.getContainer(this.containerId).stop({ t: STOP_GRACE_S }).catch(ignoreGone)
    }
    await this.exited
  }

  async kill (options: { expected?: boolean } = {}): Promise<void> {
    if (options.expected === true) this.stopRequested = true
    if (!this.done) {
      // a frozen cgroup takes the SIGKILL only when thawed
      if (this.paused) await this.docker.getContainer(this.containerId).unpause().catch(() => undefined)
      await this.docker.getContainer(this.containerId).kill({ signal: 'SIGKILL' }).catch(ignoreGone)
    }
    await this.exited
  }

  /** docker pause: the cgroup freezer stops every process of the container (SIGSTOP cannot be caught either way). */
  async pause (): Promise<void> {
    await this.docker.getContainer(this.containerId).pause()
    this.paused = true
  }

  async resume (): Promise<void> {
    await this.docker.getContainer(this.containerId).unpause()
    this.paused = false
  }

  /** The harness talks to container IPs: say so plainly where it cannot (remote engine, Docker Desktop). */
  private async checkReachable (): Promise<void> {
    try {
      const res = await fetch(`${this.controlUrl}/v1/status`, { signal: AbortSignal.timeout(3000) })
      await res.body?.cancel()
    } catch (err) {
      throw new DockerNodeError(`node ${this.name} is ready, but the harness cannot reach its control API at ${this.controlUrl} (${(err as Error).message}): ${this.reachHint}`)
    }
  }

  private async waitForExit (): Promise<NodeExitInfo> {
    // registered before the container started (docker-container.ts): AutoRemove cannot race it
    const status = await this.exitStatus
    if (status === null) this.output.note('[meshflap] lost track of the container: the engine did not report its exit status')
    this.done = true
    // the last lines may still be on their way: give the log a moment to drain
    await Promise.race([this.log.ended, new Promise(resolve => setTimeout(resolve, LOG_DRAIN_MS).unref())])
    await this.log.close()
    return { ...exitCodeToInfo(status), expected: this.stopRequested }
  }
}

/**
 * The node's listen addresses as the run network reaches them: those on the
 * container's IP; a wildcard (0.0.0.0) reported as is becomes that IP.
 */
export function listenOnNetwork (reported: string[], ip: string): string[] {
  const onIp = reported.filter(a => a.startsWith(`/ip4/${ip}/`))
  if (onIp.length > 0) return onIp
  return reported.filter(a => a.startsWith('/ip4/0.0.0.0/')).map(a => a.replace('/ip4/0.0.0.0/', `/ip4/${ip}/`))
}

/** Docker reports a signal death as 128 + signal number, like a shell. */
export function exitCodeToInfo (status: number | null): { code: number | null, signal: string | null } {
  if (status !== null && status > 128) {
    const name = Object.entries(constants.signals).find(([, n]) => n === status - 128)?.[0]
    if (name !== undefined) return { code: null, signal: name }
  }
  return { code: status, signal: null }
}

function ignoreGone (err: unknown): void {
  const status = (err as { statusCode?: number }).statusCode
  // 304 already stopped, 404 gone, 409 not running
  if (status === 304 || status === 404 || status === 409) return
  throw err
}
