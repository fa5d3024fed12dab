/**
 * Reaping by label, instead of testcontainers' Ryuk (whose image cannot be pulled):
 *
 *   removeRun(id)      one run's containers, then its network (dispose, SIGINT)
 *   sweepStaleRuns()   runs whose owner harness is dead (a crashed harness's leftovers,
 *                      swept when the next docker runtime starts)
 *   cleanAll()         `meshflap clean`: every finished run's leftovers; `force` also
 *                      live runs', `images` also the image cache
 */
import type Docker from 'dockerode'
import { LABEL_IMAGE, LABEL_OWNER, LABEL_RUN, ownerState, parseOwner, runFilter } from './docker-labels.ts'
import type { OwnerState } from './docker-labels.ts'

/** What a clean-up removed, and the runs it left alone (live, or owned by another host). */
export interface CleanReport {
  containers: string[]
  networks: string[]
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
}

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
  const total = report.containers.length + report.networks.length + report.images.length
  lines.push(total === 0
    ? 'nothing to remove'
    : `removed ${report.containers.length} container(s), ${report.networks.length} network(s), ${report.images.length} image(s)`)
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
  const [containers, networks] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters })
  ])
  const runs = new Map<string, RunResources>()
  const runOf = (labels: Record<string, string> | undefined): RunResources | undefined => {
    const id = labels?.[LABEL_RUN]
    if (id === undefined) return undefined
    let run = runs.get(id)
    if (run === undefined) { run = { owner: labels?.[LABEL_OWNER] ?? '', containers: [], networks: [] }; runs.set(id, run) }
    return run
  }
  for (const c of containers) runOf(c.Labels)?.containers.push({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, '') })
  for (const n of networks) runOf(n.Labels)?.networks.push({ id: n.Id, name: n.Name })
  return runs
}

async function removeResources (docker: Docker, run: RunResources, report: CleanReport): Promise<void> {
  await Promise.all(run.containers.map(async c => {
    try {
      await docker.getContainer(c.id).remove({ force: true, v: true })
      report.containers.push(c.name)
    } catch (err) {
      if (!gone(err)) report.errors.push(`container ${c.name}: ${(err as Error).message}`)
    }
  }))
  // a network can only go once no container is attached to it
  for (const n of run.networks) {
    try {
      await docker.getNetwork(n.id).remove()
      report.networks.push(n.name)
    } catch (err) {
      if (!gone(err)) report.errors.push(`network ${n.name}: ${(err as Error).message}`)
    }
  }
}

/** 404: already gone; 409 "removal already in progress": someone else is removing it. */
function gone (err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode
  return status === 404 || (status === 409 && /already in progress/i.test((err as Error).message))
}
