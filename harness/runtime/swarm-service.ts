/**
 * One task of a run as a swarm service: replicas 1, restart condition none (a `kill` stays a
 * kill), pinned to one swarm node, on the run's overlay with endpoint mode dnsrr (no VIP: peers
 * and proxies use the task's own overlay IP), its API ports published in host mode on that node
 * (the harness reaches them at the node's address; the engine picks the port).
 *
 *   POST /services/create ──poll /tasks?service=<id>──> running: NodeID, ContainerID, overlay IP, published ports
 *                                                   └─> failed / rejected / shutdown: SwarmServiceError with the task's error
 *   node engine: GET /containers/<id>/logs?follow ──> ContainerLog (log file, lines held until consumed)
 *                POST /containers/<id>/wait?condition=not-running ──> exit status
 *                GET /containers/<id>/json ──> the host port of each target port in the node address's family
 *
 * The container stays on its node after it ends (until the service is removed), so its log and
 * exit code are there to read even after a SIGKILL: unlike the docker runtime, no attach is needed.
 */
import type Docker from 'dockerode'
import { ContainerLog } from './docker-container.ts'
import type { StartedRunContainer } from './docker-container.ts'
import type { SwarmHost } from './swarm-cluster.ts'

export class SwarmServiceError extends Error {
  override name = 'SwarmServiceError'
}

export interface ServiceSpecInput {
  /** service name (unique in the swarm) */
  name: string
  /** image id (sha256:...), present on `host` */
  image: string
  labels: Record<string, string>
  /** replaces the image's entrypoint */
  command?: string[]
  args?: string[]
  /** a swarm config object mounted as a file */
  config?: { id: string, name: string, target: string }
  network: { id: string, alias: string }
  host: SwarmHost
  /** TCP ports the harness must reach, published in host mode */
  ports: number[]
  stopGraceS: number
}

/** A running task: its container (as the docker runtime's nodes know one) and where the harness reaches it. */
export interface RunningTask extends StartedRunContainer {
  serviceId: string
  host: SwarmHost
  /** target port -> `addr:port` on the swarm node */
  published: Map<number, string>
}

const FAILED_STATES = new Set(['failed', 'rejected', 'shutdown', 'complete', 'orphaned', 'remove'])

export async function startService (manager: Docker, spec: ServiceSpecInput, options: { timeoutMs: number, logPath: string, signal?: AbortSignal }): Promise<RunningTask> {
  const t0 = performance.now()
  const service = await manager.createService({
    Name: spec.name,
    Labels: spec.labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: spec.image,
        Labels: spec.labels,
        ...(spec.command !== undefined ? { Command: spec.command } : {}),
        ...(spec.args !== undefined ? { Args: spec.args } : {}),
        ...(spec.config !== undefined ? { Configs: [{ File: { Name: spec.config.target, UID: '0', GID: '0', Mode: 0o444 }, ConfigID: spec.config.id, ConfigName: spec.config.name }] } : {}),
        StopGracePeriod: spec.stopGraceS * 1e9
      },
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      Placement: { Constraints: [`node.id==${spec.host.id}`] },
      Networks: [{ Target: spec.network.id, Aliases: [spec.network.alias] }]
    },
    Mode: { Replicated: { Replicas: 1 } },
    EndpointSpec: {
      Mode: 'dnsrr',
      Ports: spec.ports.map(p => ({ Protocol: 'tcp' as const, TargetPort: p, PublishMode: 'host' as const }))
    }
  })
  const task = await runningTask(manager, service.id, spec, options)
  const containerId = task.Status?.ContainerStatus?.ContainerID ?? ''
  const container = spec.host.docker.getContainer(containerId)
  const exit = container.wait({ condition: 'not-running' }).then((r: { StatusCode?: number }) => r.StatusCode ?? null, () => null)
  const stream = await container.logs({ follow: true, stdout: true, stderr: true }) as unknown as NodeJS.ReadWriteStream
  const log = new ContainerLog(spec.host.docker, stream, options.logPath)
  const attachment = (task.NetworksAttachments ?? []).find(a => a.Network?.ID === spec.network.id)
  const ip = (attachment?.Addresses?.[0] ?? '').replace(/\/[0-9]+$/, '')
  if (ip === '') throw new SwarmServiceError(`service ${spec.name}: its task has no address on the run network ${spec.network.id}`)
  const published = await publishedPorts(container, task, spec)
  for (const p of spec.ports) if (!published.has(p)) throw new SwarmServiceError(`service ${spec.name}: port ${p} was not published on ${spec.host.hostname}`)
  return { id: containerId, containerName: spec.name, ip, startMs: Math.round(performance.now() - t0), log, exit, serviceId: service.id, host: spec.host, published }
}

/**
 * Where the harness reaches each target port: `addr:port` on the task's swarm node. The container's own
 * bindings say which host port belongs to which address family; the task's PortStatus does not, and an
 * engine with IPv6 may bind a different port on `::` than on 0.0.0.0 for one target port (Docker 20.10
 * does: PortStatus then lists both, and the IPv6 one refuses an IPv4 connection). The family of the
 * node's address picks; PortStatus only when the container has no bindings to read.
 */
export async function publishedPorts (container: Pick<Docker.Container, 'inspect'>, task: Pick<TaskInfo, 'Status'>, spec: Pick<ServiceSpecInput, 'host'>): Promise<Map<number, string>> {
  const addr = spec.host.addr
  const v6 = addr.includes(':')
  const hostPart = v6 ? `[${addr}]` : addr
  const published = new Map<number, string>()
  const info = await container.inspect().catch(() => undefined) as { NetworkSettings?: { Ports?: Record<string, Array<{ HostIp?: string, HostPort?: string }> | null> } } | undefined
  for (const [key, bindings] of Object.entries(info?.NetworkSettings?.Ports ?? {})) {
    const [target, proto] = key.split('/')
    if (proto !== 'tcp' || bindings == null) continue
    const binding = bindings.find(b => (b.HostIp ?? '').includes(':') === v6 && b.HostPort !== undefined && b.HostPort !== '')
    if (binding !== undefined) published.set(Number(target), `${hostPart}:${binding.HostPort ?? ''}`)
  }
  for (const p of task.Status?.PortStatus?.Ports ?? []) {
    if (p.TargetPort !== undefined && p.PublishedPort !== undefined && !published.has(p.TargetPort)) published.set(p.TargetPort, `${hostPart}:${p.PublishedPort}`)
  }
  return published
}

export interface TaskInfo {
  ID: string
  NodeID?: string
  Status?: {
    State?: string
    Err?: string
    Message?: string
    ContainerStatus?: { ContainerID?: string }
    PortStatus?: { Ports?: Array<{ TargetPort?: number, PublishedPort?: number }> }
  }
  NetworksAttachments?: Array<{ Network?: { ID?: string }, Addresses?: string[] }>
}

/** Polls the service's task until it runs; a task that ended or was rejected is an error saying why. */
async function runningTask (manager: Docker, serviceId: string, spec: ServiceSpecInput, options: { timeoutMs: number, signal?: AbortSignal }): Promise<TaskInfo> {
  const deadline = Date.now() + options.timeoutMs
  let last = 'no task yet'
  while (Date.now() < deadline) {
    options.signal?.throwIfAborted()
    const tasks = await manager.listTasks({ filters: { service: [serviceId] } }) as TaskInfo[]
    const task = tasks[0]
    if (task !== undefined) {
      const state = task.Status?.State ?? '?'
      last = `task ${state}${task.Status?.Err !== undefined ? `: ${task.Status.Err}` : ''}`
      if (state === 'running' && task.Status?.ContainerStatus?.ContainerID !== undefined) return task
      if (FAILED_STATES.has(state)) throw new SwarmServiceError(`service ${spec.name} on ${spec.host.hostname}: ${last}`)
    }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new SwarmServiceError(`service ${spec.name} on ${spec.host.hostname}: no running task within ${options.timeoutMs} ms (last: ${last})`)
}
