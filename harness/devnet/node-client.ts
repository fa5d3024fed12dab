/**
 * The harness side of a node's control API (containers/CONTRACT.md section 7).
 * Every call has a timeout: a node that stops answering is a finding, never a hung run.
 */
import type { NodeStatus } from '../contract/node-status.ts'

export class NodeApiError extends Error {
  override name = 'NodeApiError'
  /** the HTTP status when the node answered with an error; undefined when it did not answer */
  readonly status: number | undefined

  constructor (message: string, status?: number) {
    super(message)
    this.status = status
  }
}

export class NodeClient {
  readonly name: string
  readonly url: string
  private readonly timeoutMs: number

  constructor (name: string, url: string, timeoutMs = 3000) {
    this.name = name
    this.url = url
    this.timeoutMs = timeoutMs
  }

  async status (timeoutMs = this.timeoutMs): Promise<NodeStatus> {
    return await this.call('GET', '/v1/status', undefined, timeoutMs) as NodeStatus
  }

  async dial (peerId: string, addr: string, name?: string): Promise<{ leg: string }> {
    return await this.call('POST', '/v1/dial', { peerId, addr, name }, 15_000) as { leg: string }
  }

  async closeLeg (id: string, abort = false): Promise<void> {
    await this.call('POST', `/v1/legs/${encodeURIComponent(id)}/close`, { abort })
  }

  async setGenesis (genesisMs: number): Promise<void> {
    await this.call('POST', '/v1/duties', { genesisMs })
  }

  async setRedial (enabled: boolean): Promise<void> {
    await this.call('POST', '/v1/redial', { enabled })
  }

  async publish (slot: number, validator: number): Promise<unknown> {
    return await this.call('POST', '/v1/publish', { slot, validator })
  }

  private async call (method: string, path: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<unknown> {
    let res: Response
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(timeoutMs)
      })
    } catch (err) {
      throw new NodeApiError(`node ${this.name}: ${method} ${path} got no answer within ${timeoutMs} ms (${(err as Error).message})`)
    }
    const json = await res.json().catch(() => ({})) as { error?: string }
    if (!res.ok) throw new NodeApiError(`node ${this.name}: ${method} ${path} -> HTTP ${res.status}: ${json.error ?? 'no error text'}`, res.status)
    return json
  }
}
