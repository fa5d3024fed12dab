/**
 * Real peers of any implementation on 127.0.0.1 for the contract peer tests: each
 * started from its JSON config by the process runtime (the same code path a
 * run uses: stdout NDJSON, `ready` event, control URL), dialed to each other
 * through `POST /v1/dial`.
 *
 *   PeerSet.create() ── start({impl:'go'}) ──> .tools/bin/meshflap-go-peer cfg.json
 *                   ├── start({impl:'rust'}) ─> .tools/bin/meshflap-rust-peer cfg.json
 *                   └── start({impl:'ts'}) ──> node containers/ts-node/main.ts cfg.json
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ImplName } from '../../harness/impls/index.ts'
import { ProcessRuntime } from '../../harness/runtime/process-runtime.ts'
import type { NodeConfig } from '../../harness/contract/node-config.ts'
import type { NodeStatus } from '../../harness/contract/node-status.ts'
import { api, status } from '../support/node-pair.ts'
import type { NodeHandle, Transport } from '../support/node-pair.ts'
import { eventOfType } from '../../harness/contract/node-events.ts'
import { waitFor } from '../support/wait-for.ts'

/** any implementation the process runtime starts without a per-node command (not `external`) */
export type Impl = Exclude<ImplName, 'external'>

/** One peer to start; the rest of its config is the defaults below. */
export interface PeerSpec {
  name: string
  index: number
  impl: Impl
  transport: Transport
  validators: number[]
  seed?: number | string
  /** merged over the defaults (shallow per section) */
  config?: Partial<NodeConfig>
}

export interface Peer extends NodeHandle {
  impl: Impl
}

export class PeerSet implements AsyncDisposable {
  readonly runtime: ProcessRuntime
  readonly genesisMs: number
  readonly slotMs: number
  private readonly dir: string

  private constructor (dir: string, slotMs: number, genesisMs: number) {
    this.dir = dir
    this.runtime = new ProcessRuntime({ dir })
    this.slotMs = slotMs
    this.genesisMs = genesisMs
  }

  /** Genesis a little ahead, so that slot 0 finds both peers started. */
  static async create (slotMs = 500, genesisInMs = 1500): Promise<PeerSet> {
    const dir = await mkdtemp(join(tmpdir(), 'meshflap-peers-'))
    return new PeerSet(dir, slotMs, Date.now() + genesisInMs)
  }

  async start (spec: PeerSpec): Promise<Peer> {
    const listen = spec.transport === 'quic' ? '/ip4/127.0.0.1/udp/0/quic-v1' : '/ip4/127.0.0.1/tcp/0'
    const base = {
      name: spec.name, index: spec.index, seed: spec.seed ?? 11, listen: [listen], peers: [],
      redial: { enabled: true, minMs: 100, maxMs: 1000 },
      quic: { maxIdleTimeoutMs: 2000, keepAliveIntervalMs: 500, handshakeTimeoutMs: 5000 },
      gossip: { D: 8, Dlo: 6, Dhi: 12, Dlazy: 6, heartbeatMs: 700 },
      duties: { genesisMs: this.genesisMs, slotMs: this.slotMs, validators: spec.validators, subnets: 4, forkDigest: '12345678', paddingBytes: 64 },
      control: { host: '127.0.0.1', port: 0 },
      exitOnStdinClose: true
    }
    // The Go and Rust peers are given no gossipPolicy: they must accept the default and report "stock".
    const config = { ...base, ...(spec.impl === 'ts' ? { gossipPolicy: 'leg-aware' } : {}), ...spec.config } as NodeConfig
    const node = await this.runtime.startNode({ name: spec.name, impl: spec.impl, config })
    const events: Peer['events'] = []
    node.onEvent(e => { events.push(e) })
    return { name: spec.name, impl: spec.impl, node, events, validators: spec.validators }
  }

  /** `from` opens its own outbound leg to `to`'s first listen address. */
  async dial (from: Peer, to: Peer): Promise<string> {
    const res = await api(from, '/v1/dial', { peerId: to.node.peerId, addr: to.node.listen[0] }) as { leg: string }
    return res.leg
  }

  /**
   * `a` dials `b`; once `b` holds that inbound leg, `b` dials `a` (so `b` must open its
   * own leg although a connection to `a` exists); both end with 2 legs and a gossip stream each way.
   */
  async connect (a: Peer, b: Peer, timeoutMs = 15_000): Promise<void> {
    await this.dial(a, b)
    await waitFor(async () => (await status(b)).legs.some(l => l.peer === a.node.peerId && l.direction === 'inbound'), timeoutMs,
      `${b.name} holds ${a.name}'s inbound leg`)
    await this.dial(b, a)
    await waitFor(async () => {
      const [sa, sb] = await Promise.all([status(a), status(b)])
      return legsAndStreamsTo(sa, b.node.peerId) && legsAndStreamsTo(sb, a.node.peerId)
    }, timeoutMs, `${a.name} and ${b.name} hold 2 legs and a gossip stream each way`)
  }

  async [Symbol.asyncDispose] (): Promise<void> {
    await this.runtime.dispose()
    await rm(this.dir, { recursive: true, force: true })
  }
}

/** An outbound and an inbound leg to `peer`, and gossip streams both ways on them. */
export function legsAndStreamsTo (s: NodeStatus, peer: string): boolean {
  const legs = s.legs.filter(l => l.peer === peer)
  const gossip = legs.flatMap(l => l.streams.map(x => x.gossip))
  return legs.some(l => l.direction === 'outbound') && legs.some(l => l.direction === 'inbound') &&
    gossip.includes('outbound') && gossip.includes('inbound')
}

/** Validators of `from` whose attestations `to` received (msg_received with from's peer id or relayed). */
export function receivedValidators (to: Peer, from: Peer): Set<number> {
  const mine = new Set(from.validators)
  return new Set(to.events.filter(eventOfType('msg_received')).flatMap(e => e.validator !== undefined && mine.has(e.validator) ? [e.validator] : []))
}
