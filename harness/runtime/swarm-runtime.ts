/**
 * The swarm runtime: every node, toxiproxy and the UDP proxy a one-task service on a Docker
 * Swarm, on the run's own attachable overlay network, spread over the swarm's nodes. Same
 * Runtime interface as the process and docker runtimes; only where things run changes.
 *
 *   prepare (once, on first use)
 *     ├─ the engine (DOCKER_HOST) is a swarm manager   (SwarmUnavailableError says what to do; nothing created)
 *     ├─ swarm nodes + their engines                   (MESHFLAP_SWARM_ENGINES, swarm-cluster.ts)
 *     ├─ sweep runs of dead harnesses                  (services, configs, containers, networks by label)
 *     ├─ base image, built images                      (docker-images.ts on the manager, then save | load onto each node)
 *     └─ overlay network meshflap-<run>                (attachable, labelled)
 *   startNode        ─ config object ─ service "…-node-A" on its swarm node ─ ready event (from the container log)
 *   startFaultEngine ─ service "…-toxiproxy-1" / "…-udp-proxy-1" ─ API on <node addr>:<published port>
 *   dispose          ─ SIGTERM nodes, stop engines, remove services, configs, the network by label
 *
 * Addresses: peers and proxies use tasks' own overlay IPs (endpoint mode dnsrr, no VIP), so a leg's
 * remote is its proxy's address (the devnet's assertEveryLegProxied). The harness, outside the
 * overlay, reaches each node's control API and each engine's API on a port published in host mode
 * on the swarm node the task runs on. kill / pause / resume have no service verb: they go to the
 * task's container through that node's engine (DockerNode, with that engine's client).
 *
 * No lifeline: a SIGKILLed harness leaves its services running until the next swarm run's sweep
 * or `meshflap clean` (services have no stdin to tie them to the harness).
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type Docker from 'dockerode'
import type { NodeConfig } from '../contract/node-config.ts'
import { connectFaultEngine } from '../faults/engine.ts'
import type { EngineKind, FaultEngine } from '../faults/engine.ts'
import { implementation } from '../impls/index.ts'
import type { Logger } from '../cli/logger.ts'
import { resolveBaseImage } from './docker-base-image.ts'
import type { BaseImage } from './docker-base-image.ts'
import { emptyReport, removeRun, renderCleanReport, sweepStaleRuns } from './docker-clean.ts'
import { abortable } from './docker-container.ts'
import { dockerClient } from './docker-engine.ts'
import { ENGINE_API_PORT } from './docker-fault-engine.ts'
import { ensureImage, imageSpec } from './docker-images.ts'
import type { BuiltImage, ImageName } from './docker-images.ts'
import { currentOwner, LABEL_NODE, LABEL_ROLE, runLabels } from './docker-labels.ts'
import type { Owner } from './docker-labels.ts'
import { DockerNode, DockerNodeError } from './docker-node.ts'
import { NODE_CONFIG_PATH, NODE_CONTROL_PORT } from './docker-runtime.ts'
import { dockerSettingsFromEnv } from './docker-settings.ts'
import type { DockerSettings } from './docker-settings.ts'
import { waitForHttp } from './readiness.ts'
import type { NodeLaunch, RunningNode, Runtime } from './runtime.ts'
import { requireSwarm, SwarmUnavailableError } from './swarm-cluster.ts'
import type { SwarmCluster, SwarmHost } from './swarm-cluster.ts'
import { distributeImage } from './swarm-images.ts'
import { startService } from './swarm-service.ts'
import type { RunningTask } from './swarm-service.ts'
import { swarmSettingsFromEnv } from './swarm-settings.ts'
import type { SwarmSettings } from './swarm-settings.ts'

const REACH_HINT = 'the swarm runtime needs the swarm node\'s address (docker node inspect: Status.Addr) and its host-mode published ports reachable from the harness'

export interface SwarmRuntimeOptions {
  /** where configs and logs go */
  dir: string
  /** default: a fresh random id */
  runId?: string
  /** per service: create + task running + ready (default 90 s) */
  readyTimeoutMs?: number
  /** aborting it (e.g. on SIGINT) disposes the runtime */
  signal?: AbortSignal
  /** the manager's engine (default: DOCKER_HOST) */
  docker?: Docker
  /** default: dockerSettingsFromEnv() */
  settings?: DockerSettings
  /** default: swarmSettingsFromEnv() */
  swarm?: SwarmSettings
  /** progress lines (image builds and loads, sweeps) */
  log?: (line: string) => void
  logger?: Logger
}

/** What prepare() found and did. */
export interface SwarmPrepared {
  cluster: SwarmCluster
  base: BaseImage
  network: { id: string, name: string }
}

export class SwarmRuntime implements Runtime {
  readonly name = 'swarm' as const
  readonly listenHost = '0.0.0.0'
  readonly runId: string
  readonly dir: string
  readonly docker: Docker
  private readonly owner: Owner
  private readonly settings: DockerSettings
  private readonly swarm: SwarmSettings
  private readonly readyTimeoutMs: number
  private readonly log: (line: string) => void
  private readonly logger: Logger | undefined
  private readonly signal: AbortSignal | undefined
  private readonly onAbort: () => void
  private prepared: Promise<SwarmPrepared> | undefined
  private readonly images = new Map<ImageName, Promise<BuiltImage>>()
  private readonly nodes: DockerNode[] = []
  private readonly nodeStarts = new Map<string, number>()
  /** the swarm node each scenario node runs on (a restart goes back there) */
  private readonly placed = new Map<string, SwarmHost>()
  private nextHost = 0
  private readonly engines: FaultEngine[] = []
  /** every task started, by service name: where it ran, for describe() and tests */
  readonly tasks = new Map<string, RunningTask>()
  private disposing: Promise<void> | undefined
  private readonly lifetime = new AbortController()
  /** service starts not settled yet (dispose waits for them before its last sweep) */
  private readonly starts = new Set<Promise<unknown>>()

  constructor (opts: SwarmRuntimeOptions) {
    this.dir = opts.dir
    this.runId = opts.runId ?? `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
    this.docker = opts.docker ?? dockerClient()
    this.settings = opts.settings ?? dockerSettingsFromEnv()
    this.swarm = opts.swarm ?? swarmSettingsFromEnv()
    // the docker runtime's 75 s, plus scheduling and a task's network set-up on an overlay
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 90_000
    this.log = opts.log ?? (() => {})
    this.logger = opts.logger?.child({ component: 'swarm' })
    this.owner = currentOwner()
    this.signal = opts.signal
    this.onAbort = () => { void this.dispose() }
    this.signal?.addEventListener('abort', this.onAbort, { once: true })
  }

  /** Image refs and ids, and which swarm node ran what (for results.json). */
  async describe (): Promise<Record<string, string>> {
    const out: Record<string, string> = {}
    for (const [name, built] of this.images) {
      const image = await built.catch(() => undefined)
      if (image != null) out[`image ${name}`] = `${image.ref} ${image.id}`
    }
    const prepared = await this.prepared?.catch(() => undefined)
    if (prepared != null) out['image base'] = `${prepared.base.ref} ${prepared.base.id} (${prepared.base.source})`
    for (const [service, task] of this.tasks) out[`task ${service}`] = `${task.host.hostname} ${task.ip}`
    return out
  }

  /** Swarm check, sweep, base image, overlay; and the given images built and loaded onto every node. */
  async prepare (options: { images?: ImageName[] } = {}): Promise<SwarmPrepared> {
    if (this.prepared === undefined) {
      const pending = this.doPrepare(this.signalFor())
      this.prepared = pending
      pending.catch(() => { if (this.prepared === pending && this.disposing === undefined) this.prepared = undefined })
    }
    const prepared = await this.prepared
    await Promise.all((options.images ?? []).map(async name => await this.image(name)))
    return prepared
  }

  async startNode (launch: NodeLaunch, options: { signal?: AbortSignal } = {}): Promise<RunningNode & DockerNode> {
    const signal = this.signalFor(options.signal)
    const { network, cluster } = await abortable(this.prepare(), signal)
    const host = this.hostFor(launch.name, cluster)
    const image = await abortable(this.imageFor(launch), signal)
    await mkdir(this.dir, { recursive: true })
    // no stdin to watch: a service has none, and the sweep is the lifeline (see the top of this file)
    const config: NodeConfig = { ...launch.config, exitOnStdinClose: false, control: { host: '0.0.0.0', port: NODE_CONTROL_PORT } }
    const configText = JSON.stringify(config, null, 2)
    const started = (this.nodeStarts.get(launch.name) ?? 0) + 1
    this.nodeStarts.set(launch.name, started)
    const fileBase = started === 1 ? launch.name : `${launch.name}.${started}`
    await writeFile(join(this.dir, `${fileBase}.config.json`), configText)
    const name = this.serviceName('node', started === 1 ? launch.name : `${launch.name}-${started}`)
    const labels = runLabels(this.runId, this.owner, { [LABEL_ROLE]: 'node', [LABEL_NODE]: launch.name })
    const task = await this.track(async () => {
      // a swarm config object reaches the node wherever it runs (a bind mount would need the file there)
      const created = await this.docker.createConfig({ Name: name, Labels: labels, Data: Buffer.from(configText).toString('base64') }) as { id: string }
      return await startService(this.docker, {
        name,
        image,
        labels,
        args: [NODE_CONFIG_PATH],
        config: { id: created.id, name, target: NODE_CONFIG_PATH },
        network: { id: network.id, alias: launch.name },
        host,
        ports: [NODE_CONTROL_PORT],
        stopGraceS: 5
      }, { timeoutMs: this.readyTimeoutMs, logPath: join(this.dir, `${fileBase}.log`), signal })
    })
    this.tasks.set(name, task)
    task.log.note(`[meshflap] service ${name} on swarm node ${task.host.hostname}, overlay IP ${task.ip}, control API ${task.published.get(NODE_CONTROL_PORT) ?? '?'}`)
    const node = await DockerNode.attach({
      docker: task.host.docker,
      name: launch.name,
      container: task,
      controlPort: NODE_CONTROL_PORT,
      controlUrl: `http://${task.published.get(NODE_CONTROL_PORT) ?? ''}`,
      reachHint: REACH_HINT,
      readyTimeoutMs: this.readyTimeoutMs,
      signal
    })
    this.nodes.push(node)
    return node
  }

  async startFaultEngine (kind: EngineKind, options: { signal?: AbortSignal, seed?: number } = {}): Promise<FaultEngine> {
    const signal = this.signalFor(options.signal)
    const { network, cluster } = await abortable(this.prepare(), signal)
    const role = kind === 'toxiproxy' ? 'toxiproxy' : 'udp-proxy'
    const host = this.engineHost(role, cluster)
    const image = await abortable(this.image(role), signal)
    const instance = `${role}-${this.engines.length + 1}`
    await mkdir(this.dir, { recursive: true })
    const name = this.serviceName(role, String(this.engines.length + 1))
    const task = await this.track(async () => await startService(this.docker, {
      name,
      image: image.id,
      labels: runLabels(this.runId, this.owner, { [LABEL_ROLE]: role }),
      // toxiproxy's image entrypoint ends the server when stdin closes (the docker runtime's lifeline); a service has no stdin
      ...(kind === 'toxiproxy'
        ? { command: ['/usr/local/bin/toxiproxy-server'], args: ['-host', '0.0.0.0', '-port', String(ENGINE_API_PORT)] }
        : { args: ['--host', '0.0.0.0', '--port', String(ENGINE_API_PORT), ...(options.seed !== undefined ? ['--seed', String(options.seed)] : [])] }),
      network: { id: network.id, alias: role },
      host,
      ports: [ENGINE_API_PORT],
      stopGraceS: 3
    }, { timeoutMs: this.readyTimeoutMs, logPath: join(this.dir, `${instance}.log`), signal }))
    this.tasks.set(name, task)
    task.log.consume(() => {}, () => {})
    const apiUrl = `http://${task.published.get(ENGINE_API_PORT) ?? ''}`
    await waitForHttp(`${apiUrl}/version`, {
      timeoutMs: this.readyTimeoutMs,
      signal,
      error: last => new SwarmUnavailableError(`fault engine ${name} on ${host.hostname}: the harness cannot reach ${apiUrl}/version (${last}): ${REACH_HINT}`)
    })
    const stop = async (): Promise<void> => {
      await host.docker.getContainer(task.id).stop({ t: 3 }).catch(() => { /* already stopped or gone */ })
      await Promise.race([task.log.ended, new Promise(resolve => setTimeout(resolve, 1000).unref())])
      await task.log.close()
    }
    // proxies listen on the engine task's overlay IP: dialers on every swarm node reach it there
    const engine = connectFaultEngine({ kind, apiUrl, proxyHost: task.ip, stop })
    this.engines.push(engine)
    return engine
  }

  async dispose (): Promise<void> {
    this.disposing ??= this.doDispose()
    await this.disposing
  }

  async [Symbol.asyncDispose] (): Promise<void> {
    await this.dispose()
  }

  private async doPrepare (signal?: AbortSignal): Promise<SwarmPrepared> {
    if (this.disposing !== undefined) throw new DockerNodeError('the swarm runtime is disposed')
    const cluster = await requireSwarm(this.docker, this.swarm, { signal })
    for (const s of cluster.skipped) this.log(`swarm node left out: ${s}`)
    this.checkHostSettings(cluster)
    const swept = await sweepStaleRuns(this.docker, { signal })
    const sweptCount = swept.containers.length + swept.networks.length + (swept.services?.length ?? 0) + (swept.configs?.length ?? 0)
    if (sweptCount > 0) this.log(`swept leftovers of crashed runs: ${renderCleanReport(swept)}`)
    const base = await resolveBaseImage(this.docker, this.settings, { signal, log: this.log, logger: this.logger })
    signal?.throwIfAborted()
    const created = await this.docker.createNetwork({
      Name: `meshflap-${this.runId}`,
      Driver: 'overlay',
      // attachable: a standalone container (a debugging shell, a harness in a container) can join the run's network
      Attachable: true,
      CheckDuplicate: true,
      Labels: runLabels(this.runId, this.owner)
    })
    this.logger?.debug({ hosts: cluster.hosts.map(h => `${h.hostname}@${h.addr}`), network: created.id }, 'swarm prepared')
    return { cluster, base, network: { id: created.id, name: `meshflap-${this.runId}` } }
  }

  /** A host named in MESHFLAP_SWARM_HOSTS must be a usable swarm node: said before anything starts. */
  private checkHostSettings (cluster: SwarmCluster): void {
    for (const [what, hostname] of this.swarm.hosts) {
      if (!cluster.hosts.some(h => h.hostname === hostname)) {
        throw new SwarmUnavailableError(`MESHFLAP_SWARM_HOSTS places ${what} on ${hostname}, which is no usable node of this swarm (usable: ${cluster.hosts.map(h => h.hostname).join(', ')}${cluster.skipped.length > 0 ? `; left out: ${cluster.skipped.join('; ')}` : ''})`)
      }
    }
  }

  /** MESHFLAP_SWARM_HOSTS, else round-robin from the manager; a restarted node goes back where it ran. */
  private hostFor (node: string, cluster: SwarmCluster): SwarmHost {
    let host = this.placed.get(node)
    if (host === undefined) {
      const named = this.swarm.hosts.get(node)
      host = named !== undefined
        ? cluster.hosts.find(h => h.hostname === named) ?? cluster.hosts[0]!
        : cluster.hosts[this.nextHost++ % cluster.hosts.length]!
      this.placed.set(node, host)
    }
    return host
  }

  private engineHost (role: string, cluster: SwarmCluster): SwarmHost {
    const named = this.swarm.hosts.get(role)
    return cluster.hosts.find(h => h.hostname === named) ?? cluster.hosts[0]!
  }

  /** Built on the manager once per image and runtime, then loaded onto every swarm node that lacks it. */
  private async image (name: ImageName): Promise<BuiltImage> {
    let pending = this.images.get(name)
    if (pending === undefined) {
      pending = this.prepare().then(async ({ base, cluster }) => {
        const signal = this.signalFor()
        const built = await ensureImage(this.docker, imageSpec(name), base, { signal, log: this.log, logger: this.logger })
        await distributeImage(this.docker, built.ref, built.id, cluster.hosts, { signal, log: this.log })
        return built
      })
      pending.catch(() => { this.images.delete(name) })
      this.images.set(name, pending)
    }
    return await pending
  }

  /** The image id to run: the implementation's own image, or the node's (impl external; it must be on every swarm node already). */
  private async imageFor (launch: NodeLaunch): Promise<string> {
    const impl = implementation(launch.impl)
    if (impl.image !== undefined) return (await this.image(impl.image.name)).id
    if (launch.image === undefined || launch.image === '') throw new DockerNodeError(`node ${launch.name}: impl "${impl.name}" needs an image for the swarm runtime (--external-image)`)
    return launch.image
  }

  /** meshflap-<run>-<role>-<name>; service names are DNS labels (63 characters at most), so a long run id is hashed. */
  private serviceName (role: string, name: string): string {
    const clean = (s: string): string => s.replace(/[^a-zA-Z0-9-]/g, '-')
    const full = `meshflap-${clean(this.runId)}-${role}-${clean(name)}`
    if (full.length <= 63) return full
    return `meshflap-${createHash('sha256').update(this.runId).digest('hex').slice(0, 12)}-${role}-${clean(name)}`.slice(0, 63)
  }

  private async track<T> (work: () => Promise<T>): Promise<T> {
    const pending = work()
    this.starts.add(pending)
    const forget = (): void => { this.starts.delete(pending) }
    pending.then(forget, forget)
    return await pending
  }

  private signalFor (signal?: AbortSignal): AbortSignal {
    const signals = [signal, this.signal, this.lifetime.signal].filter((s): s is AbortSignal => s !== undefined)
    return AbortSignal.any(signals)
  }

  private async doDispose (): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort)
    this.lifetime.abort(new DockerNodeError('the swarm runtime is disposed'))
    const nodes = this.nodes.splice(0)
    const engines = this.engines.splice(0)
    await Promise.allSettled(nodes.map(async n => { await n.stop() }))
    await Promise.allSettled(engines.map(async e => { await e.stop() }))
    if (this.prepared === undefined) return
    await this.prepared.catch(() => undefined)
    // starts under way may still create a service or config: let them settle, then remove by label
    await Promise.allSettled([...this.starts])
    for (const task of this.tasks.values()) await task.log.close()
    const report = await removeRun(this.docker, this.runId, emptyReport())
    if (report.errors.length > 0) this.log(`clean-up of run ${this.runId}: ${report.errors.join('; ')}`)
  }
}
