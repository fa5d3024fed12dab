/**
 * The UDP proxy's HTTP API: toxiproxy v2's routes, bodies, status codes and
 * error bodies, so `toxiproxy-node-client` drives it unchanged.
 *
 *   GET    /version                          200 {"version": "..."}
 *   POST   /reset                            204  (every proxy enabled, no toxics)
 *   GET    /proxies                          200 {name: proxy, ...}
 *   POST   /proxies                          201 proxy | 400 | 409 exists | 500 listen failed
 *   POST   /populate                         201 {"proxies": [...]} | error status with the proxies done
 *   GET    /proxies/{p}                      200 proxy | 404
 *   POST   /proxies/{p}        (or PATCH)    200 proxy  (enabled / listen / upstream)
 *   DELETE /proxies/{p}                      204
 *   GET    /proxies/{p}/toxics               200 [toxic, ...]
 *   POST   /proxies/{p}/toxics               200 toxic | 400 type/stream/attributes | 409 exists
 *   GET    /proxies/{p}/toxics/{t}           200 toxic | 404
 *   POST   /proxies/{p}/toxics/{t} (PATCH)   200 toxic  (attributes / toxicity)
 *   DELETE /proxies/{p}/toxics/{t}           204
 *
 * Errors: `{"error": "...", "status": N}` with status N (api-error.ts).
 * Runs in the harness process (this class) or alone (bin.ts).
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { formatHostPort } from './address.ts'
import { ApiError, badRequestBody } from './api-error.ts'
import { ProxyCollection } from './proxy-collection.ts'
import { seededRandom } from './random.ts'
import type { RandomSource } from './random.ts'

export const UDP_PROXY_VERSION = 'meshflap-udp-proxy 0.1.0'

const MAX_BODY = 1024 * 1024

/** How to start a UdpProxyServer. */
export interface UdpProxyServerOptions {
  /** API host, default 127.0.0.1 */
  host?: string
  /** API port, default 0 (any free port; see `apiUrl`) */
  port?: number
  /** seed of the loss/toxicity random source (ignored when `random` is given); default: random */
  seed?: number
  /** inject the random source directly (tests) */
  random?: RandomSource
  /** close flows idle this long (default 120 s; see ProxyDeps) */
  flowIdleMs?: number
}

class NoRoute extends Error {
  readonly status: number
  constructor (status: 404 | 405) {
    super(status === 404 ? '404 page not found' : 'method not allowed')
    this.status = status
  }
}

async function readBody (req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw badRequestBody('body larger than 1 MiB')
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch (err) {
    throw badRequestBody((err as Error).message)
  }
}

function send (res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) { res.writeHead(status); res.end(); return }
  const text = JSON.stringify(body) + '\n'
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

export class UdpProxyServer implements AsyncDisposable {
  readonly proxies: ProxyCollection
  private readonly host: string
  private readonly port: number
  private server: Server | undefined
  private url: string | undefined

  constructor (options: UdpProxyServerOptions = {}) {
    this.host = options.host ?? '127.0.0.1'
    this.port = options.port ?? 0
    this.proxies = new ProxyCollection({
      random: options.random ?? seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32)),
      flowIdleMs: options.flowIdleMs
    })
  }

  /** Base URL of the API, e.g. http://127.0.0.1:41234 (after start). */
  get apiUrl (): string {
    if (this.url === undefined) throw new Error('UdpProxyServer is not started')
    return this.url
  }

  async start (options: { signal?: AbortSignal } = {}): Promise<this> {
    options.signal?.throwIfAborted()
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (err instanceof ApiError) send(res, err.status, err)
        else if (err instanceof NoRoute) { res.writeHead(err.status, { 'content-type': 'text/plain' }); res.end(err.message + '\n') } else send(res, 500, { error: (err as Error).message, status: 500 })
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: this.host, port: this.port, signal: options.signal }, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const addr = server.address() as AddressInfo
    this.server = server
    this.url = `http://${formatHostPort(addr.address, addr.port)}`
    return this
  }

  /** Closes every proxy and the API (idempotent). */
  async stop (): Promise<void> {
    this.proxies.closeAll()
    const server = this.server
    this.server = undefined
    if (server === undefined) return
    const closed = new Promise<void>((resolve) => server.close(() => { resolve() }))
    server.closeAllConnections()
    await closed
  }

  async [Symbol.asyncDispose] (): Promise<void> {
    await this.stop()
  }

  private async route (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const path = new URL(req.url ?? '/', 'http://udp-proxy').pathname
    const parts = path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p))
    const allow = (...methods: string[]): void => { if (!methods.includes(method)) throw new NoRoute(405) }
    const c = this.proxies

    if (path === '/version') { allow('GET'); send(res, 200, { version: UDP_PROXY_VERSION }); return }
    if (path === '/reset') { allow('POST'); await c.reset(); send(res, 204); return }
    if (path === '/populate') {
      allow('POST')
      const result = await c.populate(await readBody(req))
      send(res, result.error?.status ?? 201, result.error === undefined ? { proxies: result.proxies } : { ...result.error.toJSON(), proxies: result.proxies })
      return
    }
    if (parts[0] !== 'proxies') throw new NoRoute(404)
    const [, proxyName, sub, toxicName, ...rest] = parts
    if (rest.length > 0 || (sub !== undefined && sub !== 'toxics')) throw new NoRoute(404)

    if (proxyName === undefined) {
      allow('GET', 'POST')
      if (method === 'GET') send(res, 200, c.list())
      else send(res, 201, (await c.create(await readBody(req))).toJSON())
      return
    }
    if (sub === undefined) {
      allow('GET', 'POST', 'PATCH', 'DELETE')
      if (method === 'GET') send(res, 200, c.get(proxyName).toJSON())
      else if (method === 'DELETE') { c.remove(proxyName); send(res, 204) } else send(res, 200, (await c.update(proxyName, await readBody(req))).toJSON())
      return
    }
    const proxy = c.get(proxyName)
    if (toxicName === undefined) {
      allow('GET', 'POST')
      if (method === 'GET') send(res, 200, proxy.listToxics())
      else send(res, 200, proxy.addToxic(await readBody(req)))
      return
    }
    allow('GET', 'POST', 'PATCH', 'DELETE')
    if (method === 'GET') send(res, 200, proxy.getToxic(toxicName))
    else if (method === 'DELETE') { proxy.removeToxic(toxicName); send(res, 204) } else send(res, 200, proxy.updateToxic(toxicName, await readBody(req)))
  }
}
