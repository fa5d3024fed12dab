/**
 * One interface over both fault engines. Each speaks toxiproxy's HTTP API and
 * is driven through the same `toxiproxy-node-client`:
 *
 *   kind 'toxiproxy' ── the real toxiproxy-server (TCP legs), a child process
 *   kind 'udp'       ── meshflap's UDP proxy (QUIC legs), in this process
 *
 *   FaultEngine ── client: Toxiproxy ──HTTP──> engine ── one proxy per leg
 *
 * Engines run by another runtime (containers) are wrapped with
 * connectFaultEngine(endpoint) and offer the same interface. The fault plane
 * owns these types; runtimes import them (never the other way round).
 */
import { Toxiproxy } from 'toxiproxy-node-client'
import type { Proxy } from 'toxiproxy-node-client'
import { proxyPortRangeHere, withDrawnPort } from './proxy-port.ts'
import { ToxiproxyServer } from './toxiproxy-server.ts'
import { UdpProxyServer } from './udp-proxy/udp-proxy-server.ts'

/** toxiproxy for TCP legs, the UDP proxy for QUIC legs */
export type EngineKind = 'toxiproxy' | 'udp'

/** An engine running somewhere (a child process, this process, a container): where to reach it and how to stop it. */
export interface EngineEndpoint {
  readonly kind: EngineKind
  /** toxiproxy-compatible HTTP API, reachable from the harness */
  readonly apiUrl: string
  /** host proxies listen on, as dialers reach it (process runtime: 127.0.0.1) */
  readonly proxyHost: string
  stop: () => Promise<void>
}

/** A started engine plus the client to drive it. Dispose it (or `await using`) to stop the engine. */
export interface FaultEngine extends EngineEndpoint, AsyncDisposable {
  /** the one client for both engines */
  readonly client: Toxiproxy
  /** the engine's own process when it runs as a child of this one (toxiproxy), for leak checks */
  readonly pid?: number
  /**
   * Creates a proxy; `listen` may use port 0. The returned proxy carries the real listen address
   * (what the dialer must be handed).
   */
  createProxy: (name: string, listen: string, upstream: string) => Promise<Proxy>
  /** names of the proxies the engine has now */
  proxyNames: () => Promise<string[]>
  /** stops the engine (idempotent); same as stop() */
  dispose: () => Promise<void>
}

export interface StartFaultEngineOptions {
  /** host the API and, by default, proxies listen on; default 127.0.0.1 */
  host?: string
  /** toxiproxy: the binary (default .tools/bin/toxiproxy-server) */
  toxiproxyBinary?: string
  /** udp: seed of the loss random source */
  seed?: number
  signal?: AbortSignal
}

/** Wraps any started engine (this process's, or a container's) with a client. */
export function connectFaultEngine (started: EngineEndpoint, pid?: number): FaultEngine {
  const client = new Toxiproxy(started.apiUrl)
  let stopped: Promise<void> | undefined
  const dispose = async (): Promise<void> => {
    stopped ??= started.stop()
    await stopped
  }
  return {
    kind: started.kind,
    apiUrl: started.apiUrl,
    proxyHost: started.proxyHost,
    client,
    pid,
    createProxy: async (name, listen, upstream) => started.kind === 'toxiproxy'
      ? await createTcpProxy(client, name, listen, upstream)
      : await client.createProxy({ name, listen, upstream, enabled: true }),
    proxyNames: async () => Object.keys(await client.getAll()),
    stop: dispose,
    dispose,
    [Symbol.asyncDispose]: dispose
  }
}

/** draws of a port before a TCP proxy's creation gives up (each taken port is one draw) */
const PORT_DRAWS = 20

/**
 * A toxiproxy proxy whose port 0 is drawn outside the ephemeral range (proxy-port.ts says why):
 * a drawn port another socket holds fails the create with HTTP 500, and the next draw is tried.
 */
export async function createTcpProxy (client: Toxiproxy, name: string, listen: string, upstream: string, random: () => number = Math.random): Promise<Proxy> {
  const range = proxyPortRangeHere()
  for (let draw = 1; ; draw++) {
    const port = withDrawnPort(listen, range, random)
    try {
      return await client.createProxy({ name, listen: port, upstream, enabled: true })
    } catch (err) {
      const taken = port !== listen && /status code 500\b/.test(String((err as Error).message))
      if (!taken || draw >= PORT_DRAWS) throw err
    }
  }
}

/** Starts the real toxiproxy-server as a child process (it dies with this process). */
export async function startToxiproxyEngine (options: StartFaultEngineOptions = {}): Promise<FaultEngine> {
  const host = options.host ?? '127.0.0.1'
  const server = await ToxiproxyServer.start({ binary: options.toxiproxyBinary, host, signal: options.signal })
  return connectFaultEngine({ kind: 'toxiproxy', apiUrl: server.apiUrl, proxyHost: host, stop: async () => { await server.stop() } }, server.pid)
}

/** Starts the UDP proxy's API in this process. */
export async function startUdpEngine (options: StartFaultEngineOptions = {}): Promise<FaultEngine & { server: UdpProxyServer }> {
  const host = options.host ?? '127.0.0.1'
  const server = await new UdpProxyServer({ host, seed: options.seed }).start({ signal: options.signal })
  const engine = connectFaultEngine({ kind: 'udp', apiUrl: server.apiUrl, proxyHost: host, stop: async () => { await server.stop() } })
  return { ...engine, server }
}

/** The engine for a transport's legs: toxiproxy for TCP, the UDP proxy for QUIC. */
export async function startFaultEngine (kind: EngineKind, options: StartFaultEngineOptions = {}): Promise<FaultEngine> {
  return kind === 'toxiproxy' ? await startToxiproxyEngine(options) : await startUdpEngine(options)
}
