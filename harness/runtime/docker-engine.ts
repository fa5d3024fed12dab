/**
 * Is a Docker engine there? One probe (`GET /_ping` + `/version`) with a short
 * timeout, and the one command that fixes it when it is not.
 *
 *   dockerode ──DOCKER_HOST or /var/run/docker.sock──> dockerd
 *
 * Nothing here starts an engine: `ci/docker/ensure-engine.sh` (root) does.
 */
import Docker from 'dockerode'

/** The command that installs and starts an engine on a Debian machine. */
export const ENSURE_ENGINE_COMMAND = 'sudo ci/docker/ensure-engine.sh'

/** What the probe found. `reachable: false` carries the error and the fix. */
export interface EngineProbe {
  reachable: boolean
  /** unix socket path or tcp URL the client talked to */
  endpoint: string
  serverVersion?: string
  apiVersion?: string
  /** the engine's OS/kernel, for doctor */
  os?: string
  error?: string
  /** one command that makes the engine reachable */
  fix?: string
}

export class DockerUnavailableError extends Error {
  override name = 'DockerUnavailableError'
  readonly probe: EngineProbe
  constructor (probe: EngineProbe) {
    super(`no Docker engine reachable at ${probe.endpoint}: ${probe.error ?? 'unknown error'}; to enable the docker runtime run \`${probe.fix ?? ENSURE_ENGINE_COMMAND}\``)
    this.probe = probe
  }
}

/** A dockerode client for DOCKER_HOST (or the default socket). */
export function dockerClient (): Docker {
  return new Docker()
}

export function endpointOf (docker: Docker): string {
  const modem = docker.modem as { socketPath?: unknown, host?: unknown, port?: unknown, protocol?: unknown }
  if (typeof modem.socketPath === 'string') return `unix://${modem.socketPath}`
  // docker-modem's default: a function that looks for ~/.docker/run/docker.sock, then this
  if (typeof modem.socketPath === 'function') return 'unix:///var/run/docker.sock'
  return `${String(modem.protocol ?? 'http')}://${String(modem.host)}:${String(modem.port)}`
}

/** Pings the engine; never throws. */
export async function probeEngine (docker: Docker, options: { timeoutMs?: number, signal?: AbortSignal } = {}): Promise<EngineProbe> {
  const endpoint = endpointOf(docker)
  const timeoutMs = options.timeoutMs ?? 3000
  try {
    const version = await withTimeout(async () => {
      await docker.ping()
      return await docker.version()
    }, timeoutMs, options.signal)
    return { reachable: true, endpoint, serverVersion: version.Version, apiVersion: version.ApiVersion, os: `${version.Os}/${version.Arch} ${version.KernelVersion}` }
  } catch (err) {
    const message = (err as Error).message
    return { reachable: false, endpoint, error: message, fix: fixFor(message) }
  }
}

/** The probe, or a DockerUnavailableError that says how to get an engine. */
export async function requireEngine (docker: Docker, options: { timeoutMs?: number, signal?: AbortSignal } = {}): Promise<EngineProbe> {
  const probe = await probeEngine(docker, options)
  if (!probe.reachable) throw new DockerUnavailableError(probe)
  return probe
}

function fixFor (message: string): string {
  // a socket we may not open: the engine runs, this user is not in the docker group
  if (/EACCES|permission denied/i.test(message)) return 'sudo usermod -aG docker "$USER" (then log in again)'
  return ENSURE_ENGINE_COMMAND
}

async function withTimeout<T> (work: () => Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  signal?.throwIfAborted()
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`no answer within ${timeoutMs} ms`)) }, timeoutMs)
    onAbort = () => { reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted')) }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([work(), limit])
  } finally {
    clearTimeout(timer)
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort)
  }
}
