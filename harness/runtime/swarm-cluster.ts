/**
 * The swarm a run uses: the manager the harness talks to (DOCKER_HOST) and every node it can
 * put a task on, each with the engine that runs its containers and the address where the
 * harness reaches the ports its tasks publish.
 *
 *   manager engine ──/info: Swarm.LocalNodeState active, ControlAvailable──> a manager, or SwarmUnavailableError
 *                  ──/nodes: ready + active──> SwarmHost per node
 *                       engine: the manager's own client for itself, else MESHFLAP_SWARM_ENGINES[hostname]
 *                               (checked: that engine must say it is that swarm node)
 *                       addr:   Status.Addr (the manager's own may read 0.0.0.0: ManagerStatus.Addr then)
 */
import type Docker from 'dockerode'
import { endpointOf, requireEngine } from './docker-engine.ts'
import { dockerAt } from './swarm-settings.ts'
import type { SwarmSettings } from './swarm-settings.ts'

export class SwarmUnavailableError extends Error {
  override name = 'SwarmUnavailableError'
}

/** One swarm node a run can place tasks on. */
export interface SwarmHost {
  id: string
  hostname: string
  /** where the harness reaches ports the node's tasks publish in host mode */
  addr: string
  /** the node's own engine: container logs, kill, pause, image loading */
  docker: Docker
  /** the manager the harness talks to */
  self: boolean
}

export interface SwarmCluster {
  manager: Docker
  hosts: SwarmHost[]
  /** nodes left out, and why (no engine entry, engine unreachable) */
  skipped: string[]
}

const SWARM_INIT_HINT = '`docker swarm init` there (and `sudo ci/docker/second-engine.sh up` adds a second, local engine as a worker)'

/** The manager's swarm and its usable nodes, or a SwarmUnavailableError that says what to do. Creates nothing. */
export async function requireSwarm (manager: Docker, settings: SwarmSettings, options: { signal?: AbortSignal } = {}): Promise<SwarmCluster> {
  await requireEngine(manager, options)
  const info = await manager.info() as { Swarm?: { LocalNodeState?: string, ControlAvailable?: boolean, NodeID?: string } }
  const where = endpointOf(manager)
  const state = info.Swarm?.LocalNodeState ?? 'inactive'
  if (state !== 'active') throw new SwarmUnavailableError(`the Docker engine at ${where} is not in a swarm (swarm state: ${state}): run ${SWARM_INIT_HINT}`)
  if (info.Swarm?.ControlAvailable !== true) throw new SwarmUnavailableError(`the Docker engine at ${where} is a swarm worker, not a manager: services can only be created on a manager; point DOCKER_HOST at one (\`docker node ls\` there lists the managers)`)
  const selfId = info.Swarm?.NodeID ?? ''
  const nodes = await manager.listNodes() as SwarmNodeInfo[]
  const hosts: SwarmHost[] = []
  const skipped: string[] = []
  for (const n of nodes) {
    const hostname = n.Description?.Hostname ?? n.ID
    if (n.Status?.State !== 'ready' || n.Spec?.Availability !== 'active') {
      skipped.push(`${hostname}: ${n.Status?.State ?? '?'}/${n.Spec?.Availability ?? '?'}`)
      continue
    }
    const self = n.ID === selfId
    const url = settings.engines.get(hostname)
    if (!self && url === undefined) { skipped.push(`${hostname}: no engine in MESHFLAP_SWARM_ENGINES`); continue }
    const docker = self ? manager : dockerAt(url ?? '')
    if (!self) {
      // the map must point at that node's engine, or kill and pause would hit another machine's containers
      const theirs = await (docker.info() as Promise<{ Swarm?: { NodeID?: string } }>).catch((err: Error) => err)
      if (theirs instanceof Error) { skipped.push(`${hostname}: engine ${url ?? ''} unreachable (${theirs.message})`); continue }
      if (theirs.Swarm?.NodeID !== n.ID) throw new SwarmUnavailableError(`MESHFLAP_SWARM_ENGINES maps ${hostname} to ${url ?? ''}, but that engine is swarm node ${theirs.Swarm?.NodeID ?? '(none)'}, not ${n.ID}`)
    }
    hosts.push({ id: n.ID, hostname, addr: addrOf(n), docker, self })
  }
  // the manager first: engines go there by default, node placement starts there
  hosts.sort((a, b) => Number(b.self) - Number(a.self) || a.hostname.localeCompare(b.hostname))
  if (hosts.length === 0) throw new SwarmUnavailableError(`no usable node in the swarm of ${where}: ${skipped.join('; ')}`)
  return { manager, hosts, skipped }
}

interface SwarmNodeInfo {
  ID: string
  Description?: { Hostname?: string }
  Spec?: { Availability?: string }
  Status?: { State?: string, Addr?: string }
  ManagerStatus?: { Addr?: string }
}

function addrOf (n: SwarmNodeInfo): string {
  const addr = n.Status?.Addr ?? ''
  if (addr !== '' && addr !== '0.0.0.0') return addr
  return (n.ManagerStatus?.Addr ?? '127.0.0.1:2377').replace(/:[0-9]+$/, '')
}
