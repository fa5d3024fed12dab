/**
 * Two real nodes on 127.0.0.1 dialing each other directly (no proxies), for
 * the node-level tests: every pair holds 2 legs, one per dialer.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProcessRuntime } from '../../harness/runtime/process-runtime.ts'
import type { NodeEvent } from '../../harness/contract/node-events.ts'
import type { RunningNode } from '../../harness/runtime/runtime.ts'
import type { NodeConfig } from '../../harness/contract/node-config.ts'
import type { NodeStatus } from '../../harness/contract/node-status.ts'
import type { ImplName } from '../../harness/impls/index.ts'
import { waitFor } from './wait-for.ts'

export type Transport = 'quic' | 'tcp'

export interface PairOptions {
  transport: Transport
  policy?: 'leg-aware' | 'stock'
  /** A's and B's policies, when they differ (default: `policy` for both) */
  policies?: ['leg-aware' | 'stock', 'leg-aware' | 'stock']
  slotMs?: number
  redial?: Partial<NodeConfig['redial']>
  quic?: Partial<NodeConfig['quic']>
  impls?: [ImplName, ImplName]
  seed?: number
}

export interface NodeHandle {
  name: string
  node: RunningNode
  events: NodeEvent[]
  validators: number[]
}

export class NodePair implements AsyncDisposable {
  readonly runtime: ProcessRuntime
  readonly a: NodeHandle
  readonly b: NodeHandle
  readonly slotMs: number
  readonly genesisMs: number
  private readonly dir: string

  private constructor (runtime: ProcessRuntime, dir: string, a: NodeHandle, b: NodeHandle, slotMs: number, genesisMs: number) {
    this.runtime = runtime
    this.dir = dir
    this.a = a
    this.b = b
    this.slotMs = slotMs
    this.genesisMs = genesisMs
  }

  static async start (opts: PairOptions): Promise<NodePair> {
    const dir = await mkdtemp(join(tmpdir(), 'meshflap-pair-'))
    const runtime = new ProcessRuntime({ dir })
    const slotMs = opts.slotMs ?? 500
    const genesisMs = Date.now() + 1500
    const listen = opts.transport === 'quic' ? '/ip4/127.0.0.1/udp/0/quic-v1' : '/ip4/127.0.0.1/tcp/0'
    const launch = async (name: string, index: number, validators: number[], impl: ImplName): Promise<NodeHandle> => {
      const config = {
        name, index, seed: opts.seed ?? 7, listen: [listen], peers: [],
        gossipPolicy: opts.policies?.[index] ?? opts.policy ?? 'leg-aware',
        redial: { enabled: true, minMs: 100, maxMs: 1000, ...opts.redial },
        quic: { maxIdleTimeoutMs: 2000, keepAliveIntervalMs: 500, handshakeTimeoutMs: 5000, ...opts.quic },
        gossip: { D: 8, Dlo: 6, Dhi: 12, Dlazy: 6, heartbeatMs: 700 },
        duties: { genesisMs, slotMs, validators, subnets: 4, forkDigest: '12345678', paddingBytes: 64 },
        control: { host: '127.0.0.1', port: 0 },
        exitOnStdinClose: true
      } satisfies NodeConfig
      const node = await runtime.startNode({ name, impl, config })
      const events: NodeEvent[] = []
      node.onEvent(e => { events.push(e) })
      return { name, node, events, validators }
    }
    try {
      const [implA, implB] = opts.impls ?? ['ts', 'ts']
      const [a, b] = await Promise.all([launch('A', 0, [0, 1], implA), launch('B', 1, [2, 3], implB)])
      const pair = new NodePair(runtime, dir, a, b, slotMs, genesisMs)
      await Promise.all([pair.dial(a, b), pair.dial(b, a)])
      await waitFor(async () => {
        const [sa, sb] = await Promise.all([status(a), status(b)])
        return hasTwoLegsAndStreams(sa) && hasTwoLegsAndStreams(sb)
      }, 10_000, 'both nodes hold 2 legs and a gossip stream each way')
      return pair
    } catch (err) {
      await runtime.dispose()
      await rm(dir, { recursive: true, force: true })
      throw err
    }
  }

  async dial (from: NodeHandle, to: NodeHandle): Promise<void> {
    await api(from, '/v1/dial', { peerId: to.node.peerId, addr: to.node.listen[0] })
  }

  /**
   * Traffic flows both ways: each node has received at least `k` attestations of the
   * other's validators (what "let the pair run a few slots" stands for before a fault).
   */
  async waitForTraffic (k: number, timeoutMs = 10_000): Promise<void> {
    await waitFor(() => received(this.a, this.b).length >= k && received(this.b, this.a).length >= k, timeoutMs,
      () => `A and B each received ${k} attestations of the other (A->B ${received(this.a, this.b).length}, B->A ${received(this.b, this.a).length})`)
  }

  async [Symbol.asyncDispose] (): Promise<void> {
    await this.runtime.dispose()
    await rm(this.dir, { recursive: true, force: true })
  }
}

export async function status (h: NodeHandle): Promise<NodeStatus> {
  const res = await fetch(`${h.node.controlUrl}/v1/status`)
  return await res.json() as NodeStatus
}

export async function api (h: NodeHandle, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${h.node.controlUrl}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
  const json = await res.json() as unknown
  if (!res.ok) throw new Error(`${h.name} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`)
  return json
}

export function hasTwoLegsAndStreams (s: NodeStatus): boolean {
  const open = s.legs
  const streams = open.flatMap(l => l.streams.filter(x => x.gossip != null).map(x => x.gossip))
  return open.some(l => l.direction === 'outbound') && open.some(l => l.direction === 'inbound') &&
    streams.includes('outbound') && streams.includes('inbound')
}

/** The leg (connection id) carrying this node's outbound gossip stream, and that stream's id. */
export function bearingLeg (s: NodeStatus): { leg: string, direction: string, stream: string } | undefined {
  for (const l of s.legs) {
    const st = l.streams.find(x => x.gossip === 'outbound')
    if (st != null) return { leg: l.id, direction: l.direction, stream: st.id }
  }
  return undefined
}

/** The attestations of `publisher`'s validators that `receiver` received. */
export function received (publisher: NodeHandle, receiver: NodeHandle): NodeEvent[] {
  const mine = new Set(publisher.validators)
  return receiver.events.filter(e => e.type === 'msg_received' && mine.has(e.validator as number))
}

/**
 * Longest time the receiver went without hearing from the publisher after a publish,
 * within [fromMs, toMs]: for each attestation the publisher published at p, the
 * time until the receiver next received ANY attestation of that publisher published at or after p.
 */
export function longestDeliveryGap (publisher: NodeHandle, receiver: NodeHandle, fromMs: number, toMs: number): number {
  const mine = new Set(publisher.validators)
  const publishes = publisher.events.filter(e => e.type === 'msg_published' && e.ts >= fromMs && e.ts <= toMs)
  const receivedAt = new Map<string, number>()
  for (const e of receiver.events) if (e.type === 'msg_received' && mine.has(e.validator as number)) receivedAt.set(e.msgId as string, e.ts)
  let worst = 0
  for (const p of publishes) {
    let next = Infinity
    for (const q of publisher.events) {
      if (q.type !== 'msg_published' || q.ts < p.ts) continue
      const d = receivedAt.get(q.msgId as string)
      if (d != null && d < next) next = d
    }
    const end = Math.min(next, toMs)
    worst = Math.max(worst, end - p.ts)
  }
  return worst
}

/** For a failing gap assertion: the publishes the receiver never got, with the leg/stream events around them. */
export function explainLosses (publisher: NodeHandle, receiver: NodeHandle, fromMs: number, toMs: number): string {
  const got = new Set(receiver.events.filter(e => e.type === 'msg_received').map(e => e.msgId))
  const lines: string[] = []
  for (const p of publisher.events) {
    if (p.type !== 'msg_published' || p.ts < fromMs || p.ts > toMs || got.has(p.msgId)) continue
    lines.push(`lost ${publisher.name}->${receiver.name} slot ${String(p.slot)} validator ${String(p.validator)} at ${p.ts - fromMs} ms, recipients ${JSON.stringify(p.recipients)}`)
    for (const h of [publisher, receiver]) {
      for (const x of h.events) {
        if (Math.abs(x.ts - p.ts) < 300 && !x.type.startsWith('msg')) lines.push(`   ${h.name} ${x.ts - fromMs} ${x.type} leg=${'leg' in x ? String(x.leg) : 'undefined'} ${'direction' in x ? x.direction : ''} ${'reason' in x ? x.reason : 'message' in x ? x.message : ''}`)
      }
    }
  }
  return lines.join('\n')
}
