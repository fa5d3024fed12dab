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
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { EngineKind, FaultEngine } from '../faults/engine.ts'
import { resolveBaseImage } from './docker-base-image.ts'
import type { BaseImage } from './docker-base-image.ts'
import { emptyReport, removeRun, renderCleanReport, sweepStaleRuns } from './docker-clean.ts'
import type { CleanReport } from './docker-clean.ts'
import { requireEngine } from './docker-engine.ts'
import type { EngineProbe } from './docker-engine.ts'
import { startEngineContainer } from './docker-fault-engine.ts'
import { ensureImage, imageSpec } from './docker-images.ts'
import type { BuiltImage, ImageName } from './docker-images.ts'
import { LABEL_NODE, LABEL_ROLE, runLabels } from './docker-labels.ts'
import { createRunNetwork } from './docker-network.ts'
import type { RunNetwork } from './docker-network.ts'
import { DockerNode } from './docker-node.ts'
import { abortable, startRunContainer } from './docker-container.ts'
import { disableRyuk } from './docker-settings.ts'
import { ContainerRuntimeLifecycle, NODE_CONFIG_PATH, NODE_CONTROL_PORT } from './container-runtime-lifecycle.ts'
import type { ContainerRuntimeOptions } from './container-runtime-lifecycle.ts'
import type { NodeLaunch, RunningNode, Runtime } from './runtime.ts'

export { NODE_CONFIG_PATH, NODE_CONTROL_PORT } from './container-runtime-lifecycle.ts'

export type DockerRuntimeOptions = ContainerRuntimeOptions

/** What prepare() found and did, for doctor output and measurements. */
export interface DockerPrepared {
  engine: EngineProbe
  base: BaseImage
  network: RunNetwork
  swept: CleanReport
  images: BuiltImage[]
}

export class DockerRuntime extends ContainerRuntimeLifecycle<'docker', DockerPrepared> implements Runtime {
  constructor (opts: DockerRuntimeOptions) {
    // as the process runtime's (60 s), plus a container's own start
    super('docker', opts, 75_000)
  }

  /**
   * Engine check, stale sweep, base image, network; and the given images built.
   * Runs once; startNode/startFaultEngine call it, a caller may call it first to
   * build images ahead of time.
   */
  async prepare (options: { images?: ImageName[] } = {}): Promise<DockerPrepared> {
    const prepared = await this.prepareOnce()
    const images = await Promise.all((options.images ?? []).map(async name => await this.image(name)))
    return { ...prepared, images }
  }

  async startNode (launch: NodeLaunch, options: { signal?: AbortSignal } = {}): Promise<RunningNode & DockerNode> {
    const signal = this.signalFor(options.signal)
    const { network } = await abortable(this.prepare(), signal)
    const image = await abortable(this.imageFor(launch, built => built.ref), signal)
    // exitOnStdinClose: the node ends when the harness's attach to its stdin does, even after a SIGKILL (docker-container.ts)
    const { configText, fileBase, instance } = await this.writeNodeConfig(launch, true)
    const container = await startRunContainer(this.docker, {
      image,
      containerName: this.containerName('node', instance),
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

  protected async doPrepare (signal: AbortSignal): Promise<DockerPrepared> {
    disableRyuk()
    const engine = await requireEngine(this.docker, { signal })
    const swept = await sweepStaleRuns(this.docker, { signal })
    if (swept.containers.length + swept.networks.length > 0) this.log(`swept leftovers of crashed runs: ${renderCleanReport(swept)}`)
    const base = await resolveBaseImage(this.docker, this.settings, { signal, log: this.log, logger: this.logger })
    const network = await createRunNetwork(this.docker, `meshflap-${this.runId}`, runLabels(this.runId, this.owner))
    return { engine, base, network, swept, images: [] }
  }

  protected async buildImage (name: ImageName, { base }: DockerPrepared): Promise<BuiltImage> {
    return await ensureImage(this.docker, imageSpec(name), base, { signal: this.signalFor(), log: this.log, logger: this.logger })
  }

  private containerName (role: string, name: string): string {
    return `meshflap-${this.runId}-${role}-${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}`
  }

  protected async cleanUpRun (prepared: DockerPrepared | undefined): Promise<CleanReport> {
    // by label, not by our lists: containers whose start failed or was aborted go too
    const report = await removeRun(this.docker, this.runId, emptyReport())
    if (this.starts.size > 0) {
      // a start that was under way may create its container after the removal above
      await Promise.allSettled([...this.starts])
      await removeRun(this.docker, this.runId, report)
    }
    if (prepared !== undefined) await prepared.network.remove().catch(() => { /* removed by label above */ })
    return report
  }
}
