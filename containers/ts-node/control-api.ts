/**
 * The control API (contract section "Control API"): HTTP + JSON on the
 * configured host. Every error is `{ "error": "..." }` with a 4xx/5xx code.
 */
import { createRequire } from 'node:module'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { EventLog } from './events.ts'
import type { NodeMetrics } from './metrics.ts'

export interface ControlHandlers {
  status: () => unknown
  closeLeg: (id: string, abort: boolean) => Promise<boolean>
  dial: (peerId: string, addr: string, name?: string) => Promise<{ leg: string }>
  publish: (slot: number, validator: number) => Promise<unknown>
  setRedial: (enabled: boolean) => void
  setGenesis: (genesisMs: number) => void
}

class HttpError extends Error {
  readonly code: number
  constructor (code: number, message: string) {
    super(message)
    this.code = code
  }
}

// node:http through require, not `import`: importing it as ESM reads every export of the
// module, and one of them loads Node's bundled fetch (undici): 60-100 ms of CPU per node
// start measured on Node 24 (the `fixtures/investigations/ts-node-cost-2026-11-30.md` note)
const { createServer } = createRequire(import.meta.url)('node:http') as typeof import('node:http')

const ADDR_PATTERN = /^\/ip[46]\/[^/]+\/(udp\/[0-9]+\/quic-v1|tcp\/[0-9]+)$/

export async function startControlApi (host: string, port: number, h: ControlHandlers, events: EventLog, metrics: NodeMetrics): Promise<{ server: Server, url: string }> {
  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      const e = err instanceof HttpError ? err : new HttpError(500, (err as Error).message)
      send(res, e.code, { error: e.message })
    })
  })

  async function route (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://node')
    const path = url.pathname
    const method = req.method ?? 'GET'
    if (path === '/v1/status') { only(method, 'GET'); send(res, 200, h.status()); return }
    if (path === '/v1/events') {
      only(method, 'GET')
      const after = Number(url.searchParams.get('after') ?? '0')
      if (!Number.isInteger(after) || after < 0) throw new HttpError(400, 'query "after" must be a non-negative integer')
      send(res, 200, { lastSeq: events.lastSeq, events: events.after(after) })
      return
    }
    if (path === '/metrics') {
      only(method, 'GET')
      res.writeHead(200, { 'content-type': metrics.registry.contentType })
      res.end(await metrics.registry.metrics())
      return
    }
    const legClose = /^\/v1\/legs\/([^/]+)\/close$/.exec(path)
    if (legClose != null) {
      only(method, 'POST')
      const body = await readJson(req)
      const abort = field<boolean>(body, 'abort', 'boolean', false) ?? false
      const id = decodeURIComponent(legClose[1] ?? '')
      if (!await h.closeLeg(id, abort)) throw new HttpError(404, `no open leg with id "${id}"`)
      send(res, 200, { closed: id })
      return
    }
    if (path === '/v1/dial') {
      only(method, 'POST')
      const body = await readJson(req)
      const peerId = field(body, 'peerId', 'string', true) as string
      const addr = field(body, 'addr', 'string', true) as string
      const name = field<string>(body, 'name', 'string', false)
      if (!ADDR_PATTERN.test(addr)) throw new HttpError(400, `field "addr": expected /ip4/<host>/udp/<port>/quic-v1 or /ip4/<host>/tcp/<port>, got "${addr}"`)
      try {
        send(res, 200, await h.dial(peerId, addr, name))
      } catch (err) {
        throw new HttpError(502, `dial failed: ${(err as Error).message}`)
      }
      return
    }
    if (path === '/v1/publish') {
      only(method, 'POST')
      const body = await readJson(req)
      const slot = field(body, 'slot', 'number', true) as number
      const validator = field(body, 'validator', 'number', true) as number
      send(res, 200, await h.publish(slot, validator))
      return
    }
    if (path === '/v1/redial') {
      only(method, 'POST')
      const body = await readJson(req)
      h.setRedial(field<boolean>(body, 'enabled', 'boolean', true) === true)
      send(res, 200, { enabled: body.enabled })
      return
    }
    if (path === '/v1/duties') {
      only(method, 'POST')
      const body = await readJson(req)
      const genesisMs = field<number>(body, 'genesisMs', 'number', true) as number
      h.setGenesis(genesisMs)
      send(res, 200, { genesisMs })
      return
    }
    throw new HttpError(404, `no route ${method} ${path}`)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  const addr = server.address() as AddressInfo
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
  return { server, url: `http://${shownHost}:${addr.port}` }
}

function only (method: string, allowed: string): void {
  if (method !== allowed) throw new HttpError(405, `method ${method} not allowed, use ${allowed}`)
}

function send (res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function readJson (req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength
    if (size > 1_000_000) throw new HttpError(413, 'request body over 1 MB')
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (text === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new HttpError(400, 'request body is not valid JSON')
  }
  if (typeof parsed !== 'object' || parsed == null || Array.isArray(parsed)) throw new HttpError(400, 'request body must be a JSON object')
  return parsed as Record<string, unknown>
}

function field<T extends string | number | boolean> (body: Record<string, unknown>, name: string, type: 'string' | 'number' | 'boolean', required: boolean): T | undefined {
  const value = body[name]
  if (value === undefined) {
    if (required) throw new HttpError(400, `field "${name}" is required (${type})`)
    return undefined
  }
  if (typeof value !== type || (type === 'number' && !Number.isInteger(value))) {
    throw new HttpError(400, `field "${name}" must be ${type === 'number' ? 'an integer' : `a ${type}`}, got ${JSON.stringify(value)}`)
  }
  return value as T
}
