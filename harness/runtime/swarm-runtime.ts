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
import { createHash } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { connectFaultEngine } from '../faults/engine.ts'
import type { EngineKind, FaultEngine } from '../faults/engine.ts'
import { resolveBaseImage } from './docker-base-image.ts'
import type { BaseImage } from './docker-base-image.ts'
import { emptyReport, removeRun, renderCleanReport, sweepStaleRuns } from './docker-clean.ts'
import type { CleanReport } from './docker-clean.ts'
import { abortable } from './docker-container.ts'
import { ENGINE_API_PORT } from './docker-fault-engine.ts'
import { ensureImage, imageSpec } from './docker-images.ts'
import type { BuiltImage, ImageName } from './docker-images.ts'
import { LABEL_NODE, LABEL_ROLE, runLabels } from './docker-labels.ts'
import { DockerNode } from './docker-node.ts'
import { ContainerRuntimeLifecycle, NODE_CONFIG_PATH, NODE_CONTROL_PORT } from './container-runtime-lifecycle.ts'
import type { ContainerRuntimeOptions } from './container-runtime-lifecycle.ts'
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

export interface SwarmRuntimeOptions extends ContainerRuntimeOptions {
  /** default: swarmSettingsFromEnv() */
  swarm?: SwarmSettings
}

/** What prepare() found and did. */
export interface SwarmPrepared {
  cluster: SwarmCluster
  base: BaseImage
  network: { id: string, name: string }
}

export class SwarmRuntime extends ContainerRuntimeLifecycle<'swarm', SwarmPrepared> implements Runtime {
  private readonly swarm: SwarmSettings
  /** the swarm node each scenario node runs on (a restart goes back there) */
  private readonly placed = new Map<string, SwarmHost>()
  private nextHost = 0
  /** every task started, by service name: where it ran, for describe() and tests */
  readonly tasks = new Map<string, RunningTask>()

  constructor (opts: SwarmRuntimeOptions) {
    // read first: a bad MESHFLAP_SWARM_* throws before the runtime listens to opts.signal
    const swarm = opts.swarm ?? swarmSettingsFromEnv()
    // the docker runtime's 75 s, plus scheduling and a task's network set-up on an overlay
    super('swarm', opts, 90_000)
    this.swarm = swarm
  }

  /** Image refs and ids, and which swarm node ran what (for results.json). */
  override async describe (): Promise<Record<string, string>> {
    const out = await super.describe()
    for (const [service, task] of this.tasks) out[`task ${service}`] = `${task.host.hostname} ${task.ip}`
    return out
  }

  /** Swarm check, sweep, base image, overlay; and the given images built and loaded onto every node. */
  async prepare (options: { images?: ImageName[] } = {}): Promise<SwarmPrepared> {
    const prepared = await this.prepareOnce()
    await Promise.all((options.images ?? []).map(async name => await this.image(name)))
    return prepared
  }

  async startNode (launch: NodeLaunch, options: { signal?: AbortSignal } = {}): Promise<RunningNode & DockerNode> {
    const signal = this.signalFor(options.signal)
    const { network, cluster } = await abortable(this.prepare(), signal)
    const host = this.hostFor(launch.name, cluster)
    // by id: what was loaded onto every swarm node (an external image must be on every swarm node already)
    const image = await abortable(this.imageFor(launch, built => built.id), signal)
    // no stdin to watch: a service has none, and the sweep is the lifeline (see the top of this file)
    const { configText, fileBase, instance } = await this.writeNodeConfig(launch, false)
    const name = this.serviceName('node', instance)
    const labels = runLabels(this.runId, this.owner, { [LABEL_ROLE]: 'node', [LABEL_NODE]: launch.name })
    const task = await this.tracked(async () => {
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
    const task = await this.tracked(async () => await startService(this.docker, {
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

  protected async doPrepare (signal: AbortSignal): Promise<SwarmPrepared> {
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

  /** Built on the manager (once per image and runtime: image()), then loaded onto every swarm node that lacks it. */
  protected async buildImage (name: ImageName, { base, cluster }: SwarmPrepared): Promise<BuiltImage> {
    const signal = this.signalFor()
    const built = await ensureImage(this.docker, imageSpec(name), base, { signal, log: this.log, logger: this.logger })
    await distributeImage(this.docker, built.ref, built.id, cluster.hosts, { signal, log: this.log })
    return built
  }

  /** meshflap-<run>-<role>-<name>; service names are DNS labels (63 characters at most), so a long run id is hashed. */
  private serviceName (role: string, name: string): string {
    const clean = (s: string): string => s.replace(/[^a-zA-Z0-9-]/g, '-')
    const full = `meshflap-${clean(this.runId)}-${role}-${clean(name)}`
    if (full.length <= 63) return full
    return `meshflap-${createHash('sha256').update(this.runId).digest('hex').slice(0, 12)}-${role}-${clean(name)}`.slice(0, 63)
  }

  /** A start tracked (track) until it settles: dispose waits for it before its last sweep. */
  private async tracked<T> (work: () => Promise<T>): Promise<T> {
    const pending = work()
    this.track(pending)
    return await pending
  }

  protected async cleanUpRun (): Promise<CleanReport> {
    // starts under way may still create a service or config: let them settle, then remove by label
    await Promise.allSettled([...this.starts])
    for (const task of this.tasks.values()) await task.log.close()
    return await removeRun(this.docker, this.runId, emptyReport())
  }
}
