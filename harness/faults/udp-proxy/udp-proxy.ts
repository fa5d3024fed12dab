/**
 * One UDP proxy = one QUIC leg of a meshflap devnet. toxiproxy is TCP only, and
 * address/port rules cannot isolate one QUIC connection when several share a
 * UDP 5-tuple, so each leg gets its own listener: the dialer is handed the
 * proxy's listen address instead of the listener node's.
 *
 *                     ┌──────────────────────── UdpProxy "A>B" ─────────────────────────┐
 *   dialer A          │  listener socket              Flow per client source address    │   listener B
 *   client :5000 ──dgram──> onClient ─ up plan ─(drop?/loss?/DelayLine)─> flow socket :41234 ──> upstream
 *                     │                                                        │ connected      │   :9001
 *   client :5000 <─dgram─── listener.send <─(DelayLine)─ down plan ─ onReply <─┘ to upstream    │
 *                     └──────────────────────────────────────────────────────────────────┘
 *
 *   up plan / down plan: compiled from the toxics (fault-plan.ts), one per flow and stream:
 *   enabled=false ........ both plans drop (sockets stay bound: no port change, no path change)
 *   blackhole <stream> ... that stream drops
 *   loss <stream> ........ that stream drops with `probability` (seeded RandomSource)
 *   latency <stream> ..... that stream waits latency +- jitter ms (DelayLine: in order, or reordered with reorder: 1)
 *   rebind ............... every flow moves to a new upstream socket (new source port), once
 *   size_limit <stream> .. that stream drops datagrams above `bytes` (a stall: ACKs and PINGs pass)
 *   burst_loss <stream> .. that stream drops everything for `duration` ms every `period` ms
 *
 * Datagram path (onClient / onReply): two Map lookups, a few number reads, one
 * send. No JSON, no logging, no closures or objects created per datagram; the
 * only per-datagram allocations are node's own (the received Buffer, rinfo).
 */
import { createSocket } from 'node:dgram'
import type { RemoteInfo, Socket } from 'node:dgram'
import { formatHostPort, parseHostPort, resolveHost } from './address.ts'
import { listenFailed, toxicAlreadyExists, toxicNotFound } from './api-error.ts'
import { compilePlan, DROP, inBurst } from './fault-plan.ts'
import { Flow } from './flow.ts'
import type { RandomSource } from './random.ts'
import { parseNewToxic, parseToxicUpdate } from './toxics.ts'
import type { Toxic } from './toxics.ts'

/** A proxy as the API shows it (toxiproxy's shape). */
export interface ProxyJson {
  name: string
  listen: string
  upstream: string
  enabled: boolean
  toxics: Toxic[]
}

// rinfo.address is always a literal IP: skip node's per-send dns.lookup (and its nextTick)
function literalLookup (address: string, _options: unknown, callback: (err: null, address: string, family: number) => void): void {
  callback(null, address, address.includes(':') ? 6 : 4)
}

const SOCKET_BUFFER = 4 * 1024 * 1024

/** What every proxy of a server shares. */
export interface ProxyDeps {
  random: RandomSource
  /**
   * A flow with no datagram either way for this long is closed (its upstream socket freed);
   * the client's next datagram opens a new flow, with a new upstream port. Default 120 s:
   * far above any QUIC idle timeout, so a live or merely blackholed leg never loses its flow.
   */
  flowIdleMs?: number
}

const DEFAULT_FLOW_IDLE_MS = 120_000
const IDLE_SWEEPS = 4

async function bindListener (listen: string): Promise<Socket> {
  const { host, port } = parseHostPort(listen, 'listen')
  const { ip, family } = await resolveHost(host).catch((err: unknown) => { throw listenFailed(listen, err) })
  const socket = createSocket({
    type: family === 6 ? 'udp6' : 'udp4',
    lookup: literalLookup,
    recvBufferSize: SOCKET_BUFFER,
    sendBufferSize: SOCKET_BUFFER
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind({ port, address: ip, exclusive: true }, () => {
      socket.off('error', reject)
      resolve()
    })
  }).catch((err: unknown) => {
    socket.close()
    throw listenFailed(formatHostPort(ip, port), err)
  })
  return socket
}

export class UdpProxy {
  readonly name: string
  private listenAddr: string
  private upstreamAddr: string
  private enabled: boolean
  private toxics: Toxic[] = []
  private socket: Socket
  private readonly random: RandomSource
  private readonly flows = new Map<string, Map<number, Flow>>()
  private readonly sweeper: NodeJS.Timeout
  /** datagrams dropped because their flow's upstream was still being resolved or failed to connect */
  private flowErrors = 0

  private constructor (name: string, socket: Socket, upstream: string, enabled: boolean, deps: ProxyDeps) {
    this.name = name
    this.socket = socket
    this.listenAddr = formatHostPort(socket.address().address, socket.address().port)
    this.upstreamAddr = upstream
    this.enabled = enabled
    this.random = deps.random
    this.attach(socket)
    // idle = no activity for IDLE_SWEEPS sweeps in a row: a counter per datagram, no clock read
    const idleMs = deps.flowIdleMs ?? DEFAULT_FLOW_IDLE_MS
    this.sweeper = setInterval(() => { this.sweepIdleFlows() }, Math.max(1, Math.floor(idleMs / IDLE_SWEEPS))).unref()
  }

  /** Binds the listener (port 0 = any free port; the real one is reported in `listen`). */
  static async open (name: string, listen: string, upstream: string, enabled: boolean, deps: ProxyDeps): Promise<UdpProxy> {
    parseHostPort(upstream, 'upstream')
    return new UdpProxy(name, await bindListener(listen), upstream, enabled, deps)
  }

  get listen (): string { return this.listenAddr }
  get upstream (): string { return this.upstreamAddr }
  get flowCount (): number {
    let n = 0
    for (const byPort of this.flows.values()) n += byPort.size
    return n
  }

  toJSON (): ProxyJson {
    return { name: this.name, listen: this.listenAddr, upstream: this.upstreamAddr, enabled: this.enabled, toxics: this.toxics.map((t) => ({ ...t, attributes: { ...t.attributes } })) }
  }

  /**
   * Datagrams the open flows took in per direction (upstream: from clients; downstream: from the
   * upstream), dropped ones included, and those their delay lines hold now (tests, diagnostics):
   * what a test waits for instead of sleeping until a datagram "must have" passed the proxy.
   */
  datagrams (): { upstream: number, downstream: number, held: number } {
    const count = { upstream: 0, downstream: 0, held: 0 }
    for (const flow of this.allFlows()) {
      count.upstream += flow.seenUp
      count.downstream += flow.seenDown
      count.held += flow.upLine.size + flow.downLine.size
    }
    return count
  }

  /** The upstream source port each client currently has, keyed "ip:port" (tests, diagnostics). */
  flowPorts (): Map<string, number | undefined> {
    const out = new Map<string, number | undefined>()
    for (const byPort of this.flows.values()) {
      for (const flow of byPort.values()) out.set(formatHostPort(flow.clientAddress, flow.clientPort), flow.localPort)
    }
    return out
  }

  /**
   * toxiproxy's ProxyUpdate: a new listen or upstream restarts the proxy (flows are dropped,
   * as toxiproxy drops its connections); `enabled` only flips the drop-everything switch.
   * A listen address that cannot be bound leaves the proxy as it was.
   */
  async update (input: { listen?: string, upstream?: string, enabled?: boolean }): Promise<void> {
    const upstream = input.upstream ?? this.upstreamAddr
    parseHostPort(upstream, 'upstream')
    if (input.listen !== undefined && !(await this.isListeningOn(input.listen))) {
      const socket = await bindListener(input.listen)
      this.closeFlows()
      this.socket.close()
      this.socket = socket
      this.listenAddr = formatHostPort(socket.address().address, socket.address().port)
      this.attach(socket)
    }
    if (upstream !== this.upstreamAddr) {
      this.closeFlows()
      this.upstreamAddr = upstream
    }
    if (input.enabled !== undefined && input.enabled !== this.enabled) {
      this.enabled = input.enabled
      // datagrams in flight inside a disabled proxy are lost, like toxiproxy's closed links
      if (!this.enabled) for (const flow of this.allFlows()) { flow.upLine.clear(); flow.downLine.clear() }
      this.recompile()
    }
  }

  /** Same address after resolving the host ("localhost:4001" is "127.0.0.1:4001"), as toxiproxy's Differs does. */
  private async isListeningOn (listen: string): Promise<boolean> {
    if (listen === this.listenAddr) return true
    const { host, port } = parseHostPort(listen, 'listen')
    const resolved = await resolveHost(host).catch(() => undefined)
    return resolved !== undefined && formatHostPort(resolved.ip, port) === this.listenAddr
  }

  addToxic (body: unknown): Toxic {
    const toxic = parseNewToxic(body)
    if (this.toxics.some((t) => t.name === toxic.name)) throw toxicAlreadyExists()
    this.toxics.push(toxic)
    this.recompile()
    if (toxic.type === 'rebind') this.rebindFlows(toxic)
    return toxic
  }

  getToxic (name: string): Toxic {
    const toxic = this.toxics.find((t) => t.name === name)
    if (toxic === undefined) throw toxicNotFound()
    return toxic
  }

  listToxics (): Toxic[] { return this.toJSON().toxics }

  updateToxic (name: string, body: unknown): Toxic {
    const i = this.toxics.findIndex((t) => t.name === name)
    const existing = this.toxics[i]
    if (existing === undefined) throw toxicNotFound()
    const toxic = parseToxicUpdate(existing, body)
    this.toxics[i] = toxic
    this.recompile()
    if (toxic.type === 'rebind') this.rebindFlows(toxic)
    return toxic
  }

  removeToxic (name: string): void {
    const i = this.toxics.findIndex((t) => t.name === name)
    if (i < 0) throw toxicNotFound()
    this.toxics.splice(i, 1)
    this.recompile()
  }

  resetToxics (): void {
    this.toxics = []
    this.recompile()
  }

  /** Closes the listener and every flow socket. */
  close (): void {
    clearInterval(this.sweeper)
    this.closeFlows()
    this.socket.close()
  }

  // ── datagram path ────────────────────────────────────────────────────────────
  private readonly onClient = (msg: Buffer, rinfo: RemoteInfo): void => {
    const flow = this.flows.get(rinfo.address)?.get(rinfo.port) ?? this.newFlow(rinfo.address, rinfo.port)
    flow.seenUp++
    const plan = flow.up
    if (plan.drop) return
    if (plan.maxBytes > 0 && msg.length > plan.maxBytes) return
    if (plan.burstMs > 0 && inBurst(plan, Date.now())) return
    if (plan.loss > 0 && this.random() < plan.loss) return
    if (plan.latencyMs > 0 || plan.jitterMs > 0) flow.upLine.push(msg, plan.latencyMs, plan.jitterMs, plan.reorder)
    else flow.sendUpstream(msg)
  }

  private readonly onReply = (flow: Flow, msg: Buffer): void => {
    flow.seenDown++
    const plan = flow.down
    if (plan.drop) return
    if (plan.maxBytes > 0 && msg.length > plan.maxBytes) return
    if (plan.burstMs > 0 && inBurst(plan, Date.now())) return
    if (plan.loss > 0 && this.random() < plan.loss) return
    if (plan.latencyMs > 0 || plan.jitterMs > 0) flow.downLine.push(msg, plan.latencyMs, plan.jitterMs, plan.reorder)
    else this.sendDownstream(flow, msg)
  }

  private readonly sendDownstream = (flow: Flow, msg: Buffer): void => {
    this.socket.send(msg, flow.clientPort, flow.clientAddress)
  }
  // ─────────────────────────────────────────────────────────────────────────────

  private attach (socket: Socket): void {
    socket.on('message', this.onClient)
    // a failed send to one client (EPERM from a firewall, a vanished interface) must not stop the proxy
    socket.on('error', () => { this.flowErrors++ })
  }

  private newFlow (address: string, port: number): Flow {
    let byPort = this.flows.get(address)
    if (byPort === undefined) { byPort = new Map(); this.flows.set(address, byPort) }
    const { host, port: upstreamPort } = parseHostPort(this.upstreamAddr, 'upstream')
    const flow = new Flow(address, port, this.random, this.sendDownstream, this.onReply)
    this.applyPlans(flow)
    byPort.set(port, flow)
    resolveHost(host)
      .then(async ({ ip, family }) => { await flow.open({ ip, port: upstreamPort, family }) })
      .catch(() => {
        this.flowErrors++
        flow.close()
        // forget it so the client's next datagram tries again
        if (byPort.get(port) === flow) byPort.delete(port)
      })
    return flow
  }

  private sweepIdleFlows (): void {
    for (const [address, byPort] of this.flows) {
      for (const [port, flow] of byPort) {
        const activity = flow.seenUp + flow.seenDown
        flow.idleSweeps = activity === flow.activityAtSweep ? flow.idleSweeps + 1 : 0
        flow.activityAtSweep = activity
        if (flow.idleSweeps >= IDLE_SWEEPS) { flow.close(); byPort.delete(port) }
      }
      if (byPort.size === 0) this.flows.delete(address)
    }
  }

  private allFlows (): Flow[] {
    const out: Flow[] = []
    for (const byPort of this.flows.values()) out.push(...byPort.values())
    return out
  }

  private closeFlows (): void {
    for (const flow of this.allFlows()) flow.close()
    this.flows.clear()
  }

  private applyPlans (flow: Flow): void {
    if (!this.enabled) { flow.up = DROP; flow.down = DROP; return }
    const hadUpDelay = flow.up.latencyMs > 0 || flow.up.jitterMs > 0
    const hadDownDelay = flow.down.latencyMs > 0 || flow.down.jitterMs > 0
    flow.up = compilePlan(this.toxics, 'upstream', this.random)
    flow.down = compilePlan(this.toxics, 'downstream', this.random)
    // a removed latency toxic releases what it held at once, as toxiproxy's does
    if (hadUpDelay && flow.up.latencyMs === 0 && flow.up.jitterMs === 0) flow.upLine.flush()
    if (hadDownDelay && flow.down.latencyMs === 0 && flow.down.jitterMs === 0) flow.downLine.flush()
  }

  private recompile (): void {
    for (const flow of this.allFlows()) this.applyPlans(flow)
  }

  private rebindFlows (toxic: Toxic): void {
    for (const flow of this.allFlows()) {
      if (toxic.toxicity < 1 && !(this.random() < toxic.toxicity)) continue
      flow.rebind().catch(() => { this.flowErrors++ })
    }
  }
}
