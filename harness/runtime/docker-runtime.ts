/**
 * The docker runtime: every node, toxiproxy and the UDP proxy in its own
 * container on the run's own internal network. Same Runtime interface as the
 * process runtime; only where things run changes.
 *
 *   prepare (once, on first use)
 *     ├─ engine reachable?                (DockerUnavailableError says how to get one)
 *     ├─ sweep runs of dead harnesses     (labels meshflap.run + meshflap.owner)
 *     ├─ base image                       (configured, pulled, or local debootstrap build)
 *     └─ network meshflap-<run>           (internal bridge, labelled)
 *   startNode      ─ image (content-hashed, built once) ─ container "A" ─ ready event
 *   startFaultEngine ─ toxiproxy / udp-proxy container ─ API on <ip>:8474
 *   dispose        ─ SIGTERM nodes, stop engines, remove every container + the network by label
 *
 * testcontainers' Ryuk is disabled (its image cannot be pulled): dispose, the
 * `signal` option (SIGINT) and the next start's sweep do its job.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type Docker from 'dockerode'
import type { NodeConfig } from '../contract/node-config.ts'
import type { EngineKind, FaultEngine } from '../faults/engine.ts'
import { implementation } from '../impls/index.ts'
import { resolveBaseImage } from './docker-base-image.ts'
import type { BaseImage } from './docker-base-image.ts'
import { emptyReport, removeRun, renderCleanReport, sweepStaleRuns } from './docker-clean.ts'
import type { CleanReport } from './docker-clean.ts'
import { dockerClient, requireEngine } from './docker-engine.ts'
import type { EngineProbe } from './docker-engine.ts'
import { startEngineContainer } from './docker-fault-engine.ts'
import { ensureImage, imageSpec } from './docker-images.ts'
import type { BuiltImage, ImageName } from './docker-images.ts'
import { currentOwner, LABEL_NODE, LABEL_ROLE, runLabels } from './docker-labels.ts'
import type { Owner } from './docker-labels.ts'
import { createRunNetwork } from './docker-network.ts'
import type { RunNetwork } from './docker-network.ts'
import { DockerNode, DockerNodeError } from './docker-node.ts'
import { abortable, startRunContainer } from './docker-container.ts'
import { disableRyuk, dockerSettingsFromEnv } from './docker-settings.ts'
import type { DockerSettings } from './docker-settings.ts'
import type { NodeLaunch, RunningNode, Runtime } from './runtime.ts'
import type { Logger } from '../cli/logger.ts'

/** Where a node's control API listens inside its container. */
export const NODE_CONTROL_PORT = 9100
/** Where a node container finds its config (containers/CONTRACT.md, external images). */
export const NODE_CONFIG_PATH = '/config/node.json'

export interface DockerRuntimeOptions {
  /** where configs and logs go */
  dir: string
  /** default: a fresh random id */
  runId?: string
  /** per container: create + start + ready (default 30 s) */
  readyTimeoutMs?: number
  /** aborting it (e.g. on SIGINT) disposes the runtime */
  signal?: AbortSignal
  docker?: Docker
  /** default: dockerSettingsFromEnv() */
  settings?: DockerSettings
  /** progress lines (image builds, sweeps) */
  log?: (line: string) => void
  /** diagnostics (MESHFLAP_LOG=debug): image cache hits and builds */
  logger?: Logger
}

/** What prepare() found and did, for doctor output and measurements. */
export interface DockerPrepared {
  engine: EngineProbe
  base: BaseImage
  network: RunNetwork
  swept: CleanReport
  images: BuiltImage[]
}

export class DockerRuntime implements Runtime {
  readonly name = 'docker' as const
  readonly listenHost = '0.0.0.0'
  readonly runId: string
  readonly dir: string
  readonly docker: Docker
  private readonly owner: Owner
  private readonly settings: DockerSettings
  private readonly readyTimeoutMs: number
  private readonly log: (line: string) => void
  private readonly logger: Logger | undefined
  private readonly signal: AbortSignal | undefined
  private readonly onAbort: () => void
  private prepared: Promise<DockerPrepared> | undefined
  private readonly images = new Map<ImageName, Promise<BuiltImage>>()
  private readonly nodes: DockerNode[] = []
  /** containers started per node name: a restarted node gets a new container name (the old one may still be being removed) */
  private readonly nodeStarts = new Map<string, number>()
  private readonly engines: FaultEngine[] = []
  private disposing: Promise<void> | undefined
  /** aborted by dispose: every wait of a start still under way ends */
  private readonly lifetime = new AbortController()
  /** container starts (testcontainers) not settled yet */
  private readonly starts = new Set<Promise<unknown>>()
  private readonly track = (start: Promise<unknown>): void => {
    this.starts.add(start)
    const forget = (): void => { this.starts.delete(start) }
    start.then(forget, forget)
  }

  constructor (opts: DockerRuntimeOptions) {
    this.dir = opts.dir
    this.runId = opts.runId ?? `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
    this.docker = opts.docker ?? dockerClient()
    this.settings = opts.settings ?? dockerSettingsFromEnv()
    // as the process runtime's (60 s), plus a container's own start
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 75_000
    this.log = opts.log ?? (() => {})
    this.logger = opts.logger?.child({ component: 'docker' })
    this.owner = currentOwner()
    this.signal = opts.signal
    this.onAbort = () => { void this.dispose() }
    this.signal?.addEventListener('abort', this.onAbort, { once: true })
  }

  /**
   * Engine check, stale sweep, base image, network; and the given images built.
   * Runs once; startNode/startFaultEngine call it, a caller may call it first to
   * build images ahead of time.
   */
  /** Image refs and ids this run used (for results.json: a rerun bundle names exactly what ran). */
  async describe (): Promise<Record<string, string>> {
    const out: Record<string, string> = {}
    for (const [name, built] of this.images) {
      const image = await built.catch(() => undefined)
      if (image != null) out[`image ${name}`] = `${image.ref} ${image.id}`
    }
    const prepared = await this.prepared?.catch(() => undefined)
    if (prepared != null) out['image base'] = `${prepared.base.ref} ${prepared.base.id} (${prepared.base.source})`
    return out
  }

  async prepare (options: { images?: ImageName[] } = {}): Promise<DockerPrepared> {
    // shared by every caller: only the runtime's own signals (dispose, the run's abort) cancel it
    if (this.prepared === undefined) {
      const pending = this.doPrepare(this.signalFor())
      this.prepared = pending
      pending.catch(() => { if (this.prepared === pending && this.disposing === undefined) this.prepared = undefined })
    }
    const prepared = await this.prepared
    const images = await Promise.all((options.images ?? []).map(async name => await this.image(name)))
    return { ...prepared, images }
  }

  async startNode (launch: NodeLaunch, options: { signal?: AbortSignal } = {}): Promise<RunningNode & DockerNode> {
    const signal = this.signalFor(options.signal)
    const { network } = await abortable(this.prepare(), signal)
    const image = await abortable(this.imageFor(launch), signal)
    await mkdir(this.dir, { recursive: true })
    // exitOnStdinClose: the node ends when the harness's attach to its stdin does, even after a SIGKILL (docker-container.ts)
    const config: NodeConfig = { ...launch.config, exitOnStdinClose: true, control: { host: '0.0.0.0', port: NODE_CONTROL_PORT } }
    const configText = JSON.stringify(config, null, 2)
    const started = (this.nodeStarts.get(launch.name) ?? 0) + 1
    this.nodeStarts.set(launch.name, started)
    // a restarted node's files sit beside the first start's: A.log, then A.2.log
    const fileBase = started === 1 ? launch.name : `${launch.name}.${started}`
    await writeFile(join(this.dir, `${fileBase}.config.json`), configText)
    const container = await startRunContainer(this.docker, {
      image,
      containerName: this.containerName('node', started === 1 ? launch.name : `${launch.name}-${started}`),
      network: network.name,
      alias: launch.name,
      labels: runLabels(this.runId, this.owner, { [LABEL_ROLE]: 'node', [LABEL_NODE]: launch.name }),
      command: [NODE_CONFIG_PATH],
      files: [{ content: configText, target: NODE_CONFIG_PATH }],
      readyLine: /"type":"ready"/,
      startupTimeoutMs: this.readyTimeoutMs,
      logPath: join(this.dir, `${fileBase}.log`)
    }, signal, this.track)
    const node = await DockerNode.attach({
      docker: this.docker,
      name: launch.name,
      container,
      controlPort: NODE_CONTROL_PORT,
      readyTimeoutMs: this.readyTimeoutMs,
      signal
    })
    this.nodes.push(node)
    return node
  }

  async startFaultEngine (kind: EngineKind, options: { signal?: AbortSignal, seed?: number } = {}): Promise<FaultEngine> {
    const signal = this.signalFor(options.signal)
    const { network } = await abortable(this.prepare(), signal)
    const image = await abortable(this.image(kind === 'toxiproxy' ? 'toxiproxy' : 'udp-proxy'), signal)
    const role = kind === 'toxiproxy' ? 'toxiproxy' : 'udp-proxy'
    const instance = `${role}-${this.engines.length + 1}`
    await mkdir(this.dir, { recursive: true })
    const { engine } = await startEngineContainer({
      docker: this.docker,
      kind,
      image: image.ref,
      containerName: this.containerName(role, String(this.engines.length + 1)),
      logPath: join(this.dir, `${instance}.log`),
      network: network.name,
      labels: runLabels(this.runId, this.owner, { [LABEL_ROLE]: role }),
      seed: options.seed,
      startupTimeoutMs: this.readyTimeoutMs,
      signal,
      track: this.track
    })
    this.engines.push(engine)
    return engine
  }

  /** Stops nodes (SIGTERM, SIGKILL after 5 s) and engines, then removes every container and the network of this run. */
  async dispose (): Promise<void> {
    this.disposing ??= this.doDispose()
    await this.disposing
  }

  async [Symbol.asyncDispose] (): Promise<void> {
    await this.dispose()
  }

  private async doPrepare (signal?: AbortSignal): Promise<DockerPrepared> {
    if (this.disposing !== undefined) throw new DockerNodeError('the docker runtime is disposed')
    disableRyuk()
    const engine = await requireEngine(this.docker, { signal })
    const swept = await sweepStaleRuns(this.docker, { signal })
    if (swept.containers.length + swept.networks.length > 0) this.log(`swept leftovers of crashed runs: ${renderCleanReport(swept)}`)
    const base = await resolveBaseImage(this.docker, this.settings, { signal, log: this.log, logger: this.logger })
    const network = await createRunNetwork(this.docker, `meshflap-${this.runId}`, runLabels(this.runId, this.owner))
    return { engine, base, network, swept, images: [] }
  }

  /** One build per image and runtime, shared by every caller (so: only the runtime's signals cancel it). */
  private async image (name: ImageName): Promise<BuiltImage> {
    let pending = this.images.get(name)
    if (pending === undefined) {
      pending = this.prepare().then(async ({ base }) => await ensureImage(this.docker, imageSpec(name), base, { signal: this.signalFor(), log: this.log, logger: this.logger }))
      // a failed build is not remembered: the next start tries again
      pending.catch(() => { this.images.delete(name) })
      this.images.set(name, pending)
    }
    return await pending
  }

  /** The implementation's own image (built from its module's recipe), or the node's when it names one (impl external). */
  private async imageFor (launch: NodeLaunch): Promise<string> {
    const impl = implementation(launch.impl)
    if (impl.image !== undefined) return (await this.image(impl.image.name)).ref
    if (launch.image === undefined || launch.image === '') throw new DockerNodeError(`node ${launch.name}: impl "${impl.name}" needs an image for the docker runtime (--external-image)`)
    return launch.image
  }

  private containerName (role: string, name: string): string {
    return `meshflap-${this.runId}-${role}-${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}`
  }

  private signalFor (signal?: AbortSignal): AbortSignal {
    const signals = [signal, this.signal, this.lifetime.signal].filter((s): s is AbortSignal => s !== undefined)
    return AbortSignal.any(signals)
  }

  private async doDispose (): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort)
    this.lifetime.abort(new DockerNodeError('the docker runtime is disposed'))
    const nodes = this.nodes.splice(0)
    const engines = this.engines.splice(0)
    await Promise.allSettled(nodes.map(async n => { await n.stop() }))
    await Promise.allSettled(engines.map(async e => { await e.stop() }))
    if (this.prepared === undefined) return
    // a prepare still under way finishes first, so its network does not outlive us
    const prepared = await this.prepared.catch(() => undefined)
    // by label, not by our lists: containers whose start failed or was aborted go too
    const report = await removeRun(this.docker, this.runId, emptyReport())
    if (this.starts.size > 0) {
      // a start that was under way may create its container after the removal above
      await Promise.allSettled([...this.starts])
      await removeRun(this.docker, this.runId, report)
    }
    if (prepared !== undefined) await prepared.network.remove().catch(() => { /* removed by label above */ })
    if (report.errors.length > 0) this.log(`clean-up of run ${this.runId}: ${report.errors.join('; ')}`)
  }
}
