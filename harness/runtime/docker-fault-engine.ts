/**
 * A fault engine in its own container on the run network: the real
 * toxiproxy-server v2.12.0, or meshflap's UDP proxy. Both serve toxiproxy's
 * API on port 8474; the harness reaches it on the container's IP, dialers
 * reach the proxies it creates on that same IP.
 *
 *   harness ──http://<ip>:8474──> engine container ── proxies listen on <ip>:<port>
 */
import type Docker from 'dockerode'
import { connectFaultEngine } from '../faults/engine.ts'
import type { EngineKind, FaultEngine } from '../faults/engine.ts'
import { startRunContainer } from './docker-container.ts'
import { waitForHttp } from './readiness.ts'
import type { StartedRunContainer } from './docker-container.ts'

export const ENGINE_API_PORT = 8474

export class FaultEngineContainerError extends Error {
  override name = 'FaultEngineContainerError'
}

export interface EngineContainerOptions {
  docker: Docker
  kind: EngineKind
  image: string
  containerName: string
  /** the engine's own log in the run dir */
  logPath: string
  network: string
  labels: Record<string, string>
  seed?: number
  startupTimeoutMs: number
  signal?: AbortSignal
  /** see startRunContainer */
  track?: (start: Promise<unknown>) => void
}

/** A fault engine container: the FaultEngine client, plus its container for timing and logs. */
export interface EngineContainer {
  engine: FaultEngine
  container: StartedRunContainer
}

export async function startEngineContainer (opts: EngineContainerOptions): Promise<EngineContainer> {
  const toxiproxy = opts.kind === 'toxiproxy'
  const command = toxiproxy
    ? ['-host', '0.0.0.0', '-port', String(ENGINE_API_PORT)]
    // --exit-on-stdin-close: the proxy ends when the harness's attach does (docker-container.ts)
    : ['--host', '0.0.0.0', '--port', String(ENGINE_API_PORT), '--exit-on-stdin-close', ...(opts.seed !== undefined ? ['--seed', String(opts.seed)] : [])]
  const container = await startRunContainer(opts.docker, {
    image: opts.image,
    containerName: opts.containerName,
    network: opts.network,
    alias: toxiproxy ? 'toxiproxy' : 'udp-proxy',
    labels: opts.labels,
    command,
    // toxiproxy logs this right before it listens; the UDP proxy prints its ready line once it does
    readyLine: toxiproxy ? /Starting Toxiproxy HTTP server/ : /"type":"ready"/,
    startupTimeoutMs: opts.startupTimeoutMs,
    logPath: opts.logPath
  }, opts.signal, opts.track)
  // the engine's lines only go to its log file
  container.log.consume(() => {}, () => {})
  const apiUrl = `http://${container.ip}:${ENGINE_API_PORT}`
  try {
    await waitForApi(apiUrl, opts.startupTimeoutMs, opts.signal)
  } catch (err) {
    await container.log.close() // the container itself goes with the run's clean-up
    throw err
  }
  const stop = async (): Promise<void> => {
    await opts.docker.getContainer(container.id).stop({ t: 3 }).catch(() => { /* already stopped or gone */ })
    await Promise.race([container.log.ended, new Promise(resolve => setTimeout(resolve, 1000).unref())])
    await container.log.close()
  }
  return { engine: connectFaultEngine({ kind: opts.kind, apiUrl, proxyHost: container.ip, stop }), container }
}

/**
 * Polls GET /version from the harness. This is also the check that the harness can
 * reach container IPs at all (it cannot on a remote engine or Docker Desktop).
 */
async function waitForApi (apiUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  await waitForHttp(`${apiUrl}/version`, {
    timeoutMs,
    signal,
    error: last => new FaultEngineContainerError(`the harness cannot reach ${apiUrl}/version (${last}): the docker runtime needs the engine on this host, with container IPs routable from it`)
  })
}
