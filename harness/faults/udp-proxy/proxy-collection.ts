/**
 * The UDP proxies of one server, by name: toxiproxy's ProxyCollection
 * (create, update, remove, reset, populate) with its checks and errors, no HTTP.
 */
import { ApiError, badRequestBody, missingField, proxyAlreadyExists, proxyNotFound } from './api-error.ts'
import { UdpProxy } from './udp-proxy.ts'
import type { ProxyDeps, ProxyJson } from './udp-proxy.ts'

/** Where a proxy listens when the body names no `listen` (toxiproxy would take every interface). */
const DEFAULT_LISTEN = '127.0.0.1:0'

interface ProxyInput {
  name: string
  listen: string
  upstream: string
  enabled: boolean
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function optionalField<T> (body: Record<string, unknown>, key: string, type: 'string' | 'boolean'): T | undefined {
  const value = body[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== type) throw badRequestBody(`${key} must be a ${type}`)
  return value as T
}

/** Body of POST /proxies or one element of POST /populate, with toxiproxy's defaults and order of checks. */
function parseProxyInput (body: unknown, where = ''): ProxyInput {
  if (!isRecord(body)) throw badRequestBody('expected a JSON object')
  const name = optionalField<string>(body, 'name', 'string') ?? ''
  const upstream = optionalField<string>(body, 'upstream', 'string') ?? ''
  const listen = optionalField<string>(body, 'listen', 'string') ?? ''
  const enabled = optionalField<boolean>(body, 'enabled', 'boolean') ?? true
  if (name === '') throw missingField(`name${where}`)
  if (upstream === '') throw missingField(`upstream${where}`)
  return { name, upstream, listen: listen === '' ? DEFAULT_LISTEN : listen, enabled }
}

export class ProxyCollection {
  private readonly proxies = new Map<string, UdpProxy>()
  /** names being created: a second create with the same name must see 409 before the first one's bind completes */
  private readonly creating = new Set<string>()
  private readonly deps: ProxyDeps

  constructor (deps: ProxyDeps) {
    this.deps = deps
  }

  get size (): number { return this.proxies.size }

  list (): Record<string, ProxyJson> {
    const out: Record<string, ProxyJson> = {}
    for (const [name, proxy] of this.proxies) out[name] = proxy.toJSON()
    return out
  }

  get (name: string): UdpProxy {
    const proxy = this.proxies.get(name)
    if (proxy === undefined) throw proxyNotFound()
    return proxy
  }

  async create (body: unknown): Promise<UdpProxy> {
    return await this.add(parseProxyInput(body))
  }

  async update (name: string, body: unknown): Promise<UdpProxy> {
    const proxy = this.get(name)
    if (!isRecord(body)) throw badRequestBody('expected a JSON object')
    await proxy.update({
      listen: optionalField<string>(body, 'listen', 'string'),
      upstream: optionalField<string>(body, 'upstream', 'string'),
      enabled: optionalField<boolean>(body, 'enabled', 'boolean')
    })
    return proxy
  }

  remove (name: string): void {
    this.get(name).close()
    this.proxies.delete(name)
  }

  /** POST /reset: every proxy enabled again and without toxics (proxies stay). */
  async reset (): Promise<void> {
    for (const proxy of this.proxies.values()) {
      await proxy.update({ enabled: true })
      proxy.resetToxics()
    }
  }

  /**
   * POST /populate: create or replace a list of proxies; an unchanged one
   * (same listen and upstream) is kept with its flows. On the first error the
   * answer carries the error and the proxies done so far, as toxiproxy's does.
   */
  async populate (body: unknown): Promise<{ proxies: ProxyJson[], error?: ApiError }> {
    const done: ProxyJson[] = []
    try {
      if (!Array.isArray(body)) throw badRequestBody('expected a JSON array of proxies')
      const inputs = body.map((item, i) => parseProxyInput(item, ` at proxy ${i + 1}`))
      for (const input of inputs) {
        const existing = this.proxies.get(input.name)
        if (existing !== undefined && existing.upstream === input.upstream &&
            (input.listen === existing.listen || input.listen === DEFAULT_LISTEN)) {
          done.push(existing.toJSON())
          continue
        }
        if (existing !== undefined) this.remove(input.name)
        done.push((await this.add(input)).toJSON())
      }
      return { proxies: done }
    } catch (err) {
      if (err instanceof ApiError) return { proxies: done, error: err }
      throw err
    }
  }

  /** Closes every proxy (server stop). */
  closeAll (): void {
    for (const proxy of this.proxies.values()) proxy.close()
    this.proxies.clear()
  }

  private async add (input: ProxyInput): Promise<UdpProxy> {
    if (this.proxies.has(input.name) || this.creating.has(input.name)) throw proxyAlreadyExists()
    this.creating.add(input.name)
    try {
      const proxy = await UdpProxy.open(input.name, input.listen, input.upstream, input.enabled, this.deps)
      this.proxies.set(input.name, proxy)
      return proxy
    } finally {
      this.creating.delete(input.name)
    }
  }
}
