/**
 * Reaping by label, instead of testcontainers' Ryuk (whose image cannot be pulled):
 *
 *   removeRun(id)      one run's containers, then its network (dispose, SIGINT)
 *   sweepStaleRuns()   runs whose owner harness is dead (a crashed harness's leftovers,
 *                      swept when the next docker runtime starts)
 *   cleanAll()         `meshflap clean`: every finished run's leftovers; `force` also
 *                      live runs', `images` also the image cache
 *
 * On a swarm manager a run may also own services and config objects (the swarm runtime): they go
 * first (the swarm then removes their containers on every node), the overlay network once the
 * tasks have left it. Task containers on other swarm nodes are their agents' job, not ours.
 */
import type Docker from 'dockerode'
import { LABEL_IMAGE, LABEL_OWNER, LABEL_RUN, ownerState, parseOwner, runFilter } from './docker-labels.ts'
import type { OwnerState } from './docker-labels.ts'

/** What a clean-up removed, and the runs it left alone (live, or owned by another host). */
export interface CleanReport {
  containers: string[]
  networks: string[]
  /** swarm runs: services and config objects (a manager only) */
  services?: string[]
  configs?: string[]
  images: string[]
  kept: Array<{ runId: string, owner: string, state: OwnerState }>
  errors: string[]
}

export interface CleanOptions {
  /** also remove runs whose harness still runs, or runs on another host (default false) */
  force?: boolean
  /** also remove meshflap images (the build cache and the local base image; default false) */
  images?: boolean
  signal?: AbortSignal
}

interface RunResources {
  owner: string
  containers: Array<{ id: string, name: string }>
  networks: Array<{ id: string, name: string }>
  services: Array<{ id: string, name: string }>
  configs: Array<{ id: string, name: string }>
}

/** How long a removed service's tasks may take to leave the overlay before its removal counts as failed. */
const OVERLAY_DRAIN_MS = 30_000

export function emptyReport (): CleanReport {
  return { containers: [], networks: [], images: [], kept: [], errors: [] }
}

/** Removes one run's containers (forced: running ones are killed) and then its network. */
export async function removeRun (docker: Docker, runId: string, report: CleanReport = emptyReport()): Promise<CleanReport> {
  const runs = await listRuns(docker, runId)
  const run = runs.get(runId)
  if (run !== undefined) await removeResources(docker, run, report)
  return report
}

/** Removes the runs whose owner harness is dead (crashed or killed). Live runs are not touched. */
export async function sweepStaleRuns (docker: Docker, options: { signal?: AbortSignal } = {}): Promise<CleanReport> {
  return await clean(docker, { signal: options.signal })
}

/** `meshflap clean`: removes what earlier runs left behind. */
export async function cleanAll (docker: Docker, options: CleanOptions = {}): Promise<CleanReport> {
  const report = await clean(docker, options)
  if (options.images === true) {
    const images = await docker.listImages({ filters: { label: [LABEL_IMAGE] } })
    for (const image of images) {
      options.signal?.throwIfAborted()
      const name = image.RepoTags?.[0] ?? image.Id
      try {
        await docker.getImage(image.Id).remove({ force: true })
        report.images.push(name)
      } catch (err) {
        if (!gone(err)) report.errors.push(`image ${name}: ${(err as Error).message}`)
      }
    }
  }
  return report
}

/** One line per thing done, for `meshflap clean` and the sweep's log line. */
export function renderCleanReport (report: CleanReport): string {
  const lines: string[] = []
  const swarm = (report.services?.length ?? 0) + (report.configs?.length ?? 0)
  const total = report.containers.length + report.networks.length + report.images.length + swarm
  lines.push(total === 0
    ? 'nothing to remove'
    : `removed ${report.containers.length} container(s), ${report.networks.length} network(s), ${report.images.length} image(s)` +
      (swarm === 0 ? '' : `, ${report.services?.length ?? 0} service(s), ${report.configs?.length ?? 0} config(s)`))
  for (const k of report.kept) {
    lines.push(`kept run ${k.runId} (owner ${k.owner} is ${k.state === 'alive' ? 'still running' : 'on another host'}; --force removes it)`)
  }
  for (const e of report.errors) lines.push(`error: ${e}`)
  return lines.join('\n')
}

async function clean (docker: Docker, options: CleanOptions): Promise<CleanReport> {
  const report = emptyReport()
  const runs = await listRuns(docker)
  for (const [runId, run] of runs) {
    options.signal?.throwIfAborted()
    const state = ownerState(parseOwner(run.owner))
    if (state !== 'dead' && options.force !== true) {
      report.kept.push({ runId, owner: run.owner, state })
      continue
    }
    await removeResources(docker, run, report)
  }
  return report
}

async function listRuns (docker: Docker, runId?: string): Promise<Map<string, RunResources>> {
  const filters = runFilter(runId)
  const [containers, networks, swarm] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    swarmResources(docker, filters)
  ])
  const runs = new Map<string, RunResources>()
  const runOf = (labels: Record<string, string> | undefined): RunResources | undefined => {
    const id = labels?.[LABEL_RUN]
    if (id === undefined) return undefined
    let run = runs.get(id)
    if (run === undefined) { run = { owner: labels?.[LABEL_OWNER] ?? '', containers: [], networks: [], services: [], configs: [] }; runs.set(id, run) }
    return run
  }
  for (const c of containers) runOf(c.Labels)?.containers.push({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, '') })
  for (const n of networks) runOf(n.Labels)?.networks.push({ id: n.Id, name: n.Name })
  for (const s of swarm.services) runOf(s.Spec?.Labels)?.services.push({ id: s.ID, name: s.Spec?.Name ?? s.ID })
  for (const c of swarm.configs) runOf(c.Spec?.Labels)?.configs.push({ id: c.ID, name: c.Spec?.Name ?? c.ID })
  return runs
}

interface SwarmObject { ID: string, Spec?: { Name?: string, Labels?: Record<string, string> } }

/** A manager's labelled services and configs; nothing on an engine that is no swarm manager. */
async function swarmResources (docker: Docker, filters: { label: string[] }): Promise<{ services: SwarmObject[], configs: SwarmObject[] }> {
  const info = await docker.info() as { Swarm?: { ControlAvailable?: boolean } }
  if (info.Swarm?.ControlAvailable !== true) return { services: [], configs: [] }
  const [services, configs] = await Promise.all([
    docker.listServices({ filters }) as Promise<SwarmObject[]>,
    docker.listConfigs({ filters }) as Promise<SwarmObject[]>
  ])
  return { services, configs }
}

async function removeResources (docker: Docker, run: RunResources, report: CleanReport): Promise<void> {
  // services first: the swarm would otherwise see their containers die and report failed tasks
  await Promise.all(run.services.map(async sv => {
    try {
      await docker.getService(sv.id).remove()
      ;(report.services ??= []).push(sv.name)
    } catch (err) {
      if (!gone(err)) report.errors.push(`service ${sv.name}: ${(err as Error).message}`)
    }
  }))
  await Promise.all(run.containers.map(async c => {
    try {
      await docker.getContainer(c.id).remove({ force: true, v: true })
      report.containers.push(c.name)
    } catch (err) {
      if (!gone(err)) report.errors.push(`container ${c.name}: ${(err as Error).message}`)
    }
  }))
  // a config in use by a task cannot go yet: retried with the network below
  const configs = [...run.configs]
  // a network can only go once no container is attached to it (an overlay: once the removed services' tasks have left it)
  const deadline = Date.now() + (run.services.length > 0 ? OVERLAY_DRAIN_MS : 0)
  let networks = [...run.networks]
  for (;;) {
    const failed: string[] = []
    for (const c of configs.splice(0)) {
      try {
        await docker.getConfig(c.id).remove()
        ;(report.configs ??= []).push(c.name)
      } catch (err) {
        if (!gone(err)) { configs.push(c); failed.push(`config ${c.name}: ${(err as Error).message}`) }
      }
    }
    const left: typeof networks = []
    for (const n of networks) {
      try {
        await docker.getNetwork(n.id).remove()
        report.networks.push(n.name)
      } catch (err) {
        if (!gone(err)) { left.push(n); failed.push(`network ${n.name}: ${(err as Error).message}`) }
      }
    }
    networks = left
    if (failed.length === 0) return
    if (Date.now() >= deadline) { report.errors.push(...failed); return }
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

/** 404: already gone; 409 "removal already in progress": someone else is removing it. */
function gone (err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode
  return status === 404 || (status === 409 && /already in progress/i.test((err as Error).message))
}
