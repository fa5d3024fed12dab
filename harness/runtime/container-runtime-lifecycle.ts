/**
 * The lifecycle the docker runtime (a container per node and engine) and the swarm runtime (a
 * service per node and engine) share; each of them keeps only where and how it starts things.
 *
 *   constructor ─ run id, engine client, settings, ready limit, logger; aborting `signal` disposes
 *   prepare     ─ the runtime's doPrepare, once, shared by every caller (a failed one is tried again)
 *   image       ─ one buildImage per image and runtime, shared (a failed build is not remembered)
 *   startNode   ─ writeNodeConfig: the config beside the node's log (A.config.json, a restart's A.2.config.json)
 *   track       ─ starts under way, so dispose can let them settle before its last removal
 *   dispose     ─ once: every wait ends, nodes stop, then engines; a prepare under way finishes;
 *                 then the runtime's cleanUpRun removes what the run left, by label
 */
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type Docker from 'dockerode'
import type { Logger } from '../cli/logger.ts'
import type { NodeConfig } from '../contract/node-config.ts'
import type { FaultEngine } from '../faults/engine.ts'
import { implementation } from '../impls/index.ts'
import type { BaseImage } from './docker-base-image.ts'
import type { CleanReport } from './docker-clean.ts'
import { dockerClient } from './docker-engine.ts'
import type { BuiltImage, ImageName } from './docker-images.ts'
import { currentOwner } from './docker-labels.ts'
import type { Owner } from './docker-labels.ts'
import { DockerNodeError } from './docker-node.ts'
import type { DockerNode } from './docker-node.ts'
import { dockerSettingsFromEnv } from './docker-settings.ts'
import type { DockerSettings } from './docker-settings.ts'
import type { NodeLaunch } from './runtime.ts'

/** Where a node's control API listens inside its container. */
export const NODE_CONTROL_PORT = 9100
/** Where a node container finds its config (containers/CONTRACT.md, external images). */
export const NODE_CONFIG_PATH = '/config/node.json'

export interface ContainerRuntimeOptions {
  /** where configs and logs go */
  dir: string
  /** default: a fresh random id */
  runId?: string
  /** per container or service: create + start + ready (default: docker 75 s, swarm 90 s) */
  readyTimeoutMs?: number
  /** aborting it (e.g. on SIGINT) disposes the runtime */
  signal?: AbortSignal
  /** the engine (swarm: the manager's; default: DOCKER_HOST) */
  docker?: Docker
  /** default: dockerSettingsFromEnv() */
  settings?: DockerSettings
  /** progress lines (image builds and loads, sweeps) */
  log?: (line: string) => void
  /** diagnostics (MESHFLAP_LOG=debug): image cache hits and builds */
  logger?: Logger
}

export abstract class ContainerRuntimeLifecycle<Name extends 'docker' | 'swarm', Prepared extends { base: BaseImage }> implements AsyncDisposable {
  readonly name: Name
  readonly listenHost = '0.0.0.0'
  readonly runId: string
  readonly dir: string
  readonly docker: Docker
  protected readonly owner: Owner
  protected readonly settings: DockerSettings
  protected readonly readyTimeoutMs: number
  protected readonly log: (line: string) => void
  protected readonly logger: Logger | undefined
  protected readonly nodes: DockerNode[] = []
  protected readonly engines: FaultEngine[] = []
  /** container or service starts not settled yet */
  protected readonly starts = new Set<Promise<unknown>>()
  private readonly signal: AbortSignal | undefined
  private readonly onAbort: () => void
  private prepared: Promise<Prepared> | undefined
  private readonly images = new Map<ImageName, Promise<BuiltImage>>()
  /** starts per node name: a restarted node gets a new container or service name (the old one may still be being removed) */
  private readonly nodeStarts = new Map<string, number>()
  private disposing: Promise<void> | undefined
  /** aborted by dispose: every wait of a start still under way ends */
  private readonly lifetime = new AbortController()

  protected constructor (name: Name, opts: ContainerRuntimeOptions, defaultReadyTimeoutMs: number) {
    this.name = name
    this.dir = opts.dir
    this.runId = opts.runId ?? `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
    this.docker = opts.docker ?? dockerClient()
    this.settings = opts.settings ?? dockerSettingsFromEnv()
    this.readyTimeoutMs = opts.readyTimeoutMs ?? defaultReadyTimeoutMs
    this.log = opts.log ?? (() => {})
    this.logger = opts.logger?.child({ component: name })
    this.owner = currentOwner()
    this.signal = opts.signal
    this.onAbort = () => { void this.dispose() }
    this.signal?.addEventListener('abort', this.onAbort, { once: true })
  }

  /** Engine checks, sweep of dead runs, base image, the run's network: what prepare() runs once. */
  protected abstract doPrepare (signal: AbortSignal): Promise<Prepared>
  /** One image built (swarm: and loaded where it runs), for image(). */
  protected abstract buildImage (name: ImageName, prepared: Prepared): Promise<BuiltImage>
  /** Removes what the run left, by label, after nodes and engines stopped and a prepare under way finished. */
  protected abstract cleanUpRun (prepared: Prepared | undefined): Promise<CleanReport>

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

  /** Stops nodes (SIGTERM, SIGKILL after their grace) and engines, then removes everything of this run. */
  async dispose (): Promise<void> {
    this.disposing ??= this.doDispose()
    await this.disposing
  }

  async [Symbol.asyncDispose] (): Promise<void> {
    await this.dispose()
  }

  /** doPrepare, run once: shared by every caller, so only the runtime's own signals (dispose, the run's abort) cancel it. */
  protected async prepareOnce (): Promise<Prepared> {
    if (this.prepared === undefined) {
      const pending = this.preparing(this.signalFor())
      this.prepared = pending
      pending.catch(() => { if (this.prepared === pending && this.disposing === undefined) this.prepared = undefined })
    }
    return await this.prepared
  }

  /** One build per image and runtime, shared by every caller (so: only the runtime's signals cancel it). */
  protected async image (name: ImageName): Promise<BuiltImage> {
    let pending = this.images.get(name)
    if (pending === undefined) {
      pending = this.prepareOnce().then(async prepared => await this.buildImage(name, prepared))
      // a failed build is not remembered: the next start tries again
      pending.catch(() => { this.images.delete(name) })
      this.images.set(name, pending)
    }
    return await pending
  }

  /** The implementation's own image (built from its module's recipe; `use` picks ref or id), or the node's when it names one (impl external). */
  protected async imageFor (launch: NodeLaunch, use: (image: BuiltImage) => string): Promise<string> {
    const impl = implementation(launch.impl)
    if (impl.image !== undefined) return use(await this.image(impl.image.name))
    if (launch.image === undefined || launch.image === '') throw new DockerNodeError(`node ${launch.name}: impl "${impl.name}" needs an image for the ${this.name} runtime (--external-image)`)
    return launch.image
  }

  /**
   * The node's config (control API on NODE_CONTROL_PORT) written to the run dir: A.config.json, beside
   * A.log; a restarted node's files sit beside the first start's (A.2.config.json, A.2.log) and its
   * container or service is `instance` A-2.
   */
  protected async writeNodeConfig (launch: NodeLaunch, exitOnStdinClose: boolean): Promise<{ configText: string, fileBase: string, instance: string }> {
    await mkdir(this.dir, { recursive: true })
    const config: NodeConfig = { ...launch.config, exitOnStdinClose, control: { host: '0.0.0.0', port: NODE_CONTROL_PORT } }
    const configText = JSON.stringify(config, null, 2)
    const started = (this.nodeStarts.get(launch.name) ?? 0) + 1
    this.nodeStarts.set(launch.name, started)
    const fileBase = started === 1 ? launch.name : `${launch.name}.${started}`
    await writeFile(join(this.dir, `${fileBase}.config.json`), configText)
    return { configText, fileBase, instance: started === 1 ? launch.name : `${launch.name}-${started}` }
  }

  /** Remembers a start under way until it settles (a callback: container starts take it as their `track`). */
  protected readonly track = (start: Promise<unknown>): void => {
    this.starts.add(start)
    const forget = (): void => { this.starts.delete(start) }
    start.then(forget, forget)
  }

  /** The caller's signal, the runtime's (the run's abort) and dispose's, as one. */
  protected signalFor (signal?: AbortSignal): AbortSignal {
    const signals = [signal, this.signal, this.lifetime.signal].filter((s): s is AbortSignal => s !== undefined)
    return AbortSignal.any(signals)
  }

  private async preparing (signal: AbortSignal): Promise<Prepared> {
    if (this.disposing !== undefined) throw new DockerNodeError(`the ${this.name} runtime is disposed`)
    return await this.doPrepare(signal)
  }

  private async doDispose (): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort)
    this.lifetime.abort(new DockerNodeError(`the ${this.name} runtime is disposed`))
    const nodes = this.nodes.splice(0)
    const engines = this.engines.splice(0)
    await Promise.allSettled(nodes.map(async n => { await n.stop() }))
    await Promise.allSettled(engines.map(async e => { await e.stop() }))
    if (this.prepared === undefined) return
    // a prepare still under way finishes first, so what it creates does not outlive us
    const prepared = await this.prepared.catch(() => undefined)
    const report = await this.cleanUpRun(prepared)
    if (report.errors.length > 0) this.log(`clean-up of run ${this.runId}: ${report.errors.join('; ')}`)
  }
}
