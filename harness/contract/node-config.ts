/**
 * The node config every implementation is started with (containers/CONTRACT.md
 * section 2; schema: containers/node-config.schema.json). The harness writes it,
 * each implementation reads and checks it its own way (the TS node:
 * containers/ts-node/config.ts), so the type lives here, with the harness.
 */

/** What a node does with its gossip stream when a leg closes; an implementation may have only one. */
export const GOSSIP_POLICIES = ['leg-aware', 'stock'] as const
export type GossipPolicy = typeof GOSSIP_POLICIES[number]

/**
 * The wire profile: which gossip message-id function every node of a devnet uses (one
 * setting for the whole devnet: nodes with different ids still mesh, but IHAVE/IWANT
 * never match). Formulas in containers/CONTRACT.md, vectors in containers/wire-vectors.json.
 */
export const WIRE_PROFILES = ['lean', 'zig-libp2p'] as const
export type WireProfile = typeof WIRE_PROFILES[number]

export interface PeerEntry { name?: string, peerId: string, addr: string }

/**
 * Blocks (CONTRACT.md section 5): every node subscribes to the block topic; a node proposes one
 * block of `bytes` bytes at the start of each slot s with `s % every === offset` (no `every`: never).
 */
export interface BlockDuty {
  bytes: number
  every?: number
  offset?: number
}

export interface NodeConfig {
  name: string
  index: number
  seed: number | string
  /** informational: which implementation this config is for */
  impl?: string
  control: { host: string, port: number }
  listen: string[]
  peers: PeerEntry[]
  gossipPolicy: GossipPolicy
  /** absent: lean */
  wire?: WireProfile
  /**
   * Field bugs to re-create on top of the policy (absent/empty: none). Only an implementation
   * that lists mutants (the TS node: containers/ts-node/MUTANTS.md) is ever given any; it must
   * refuse a name it does not know (exit 2).
   */
  mutants?: string[]
  redial: { enabled: boolean, minMs: number, maxMs: number }
  quic: { maxIdleTimeoutMs: number, keepAliveIntervalMs: number, handshakeTimeoutMs: number }
  gossip: { D: number, Dlo: number, Dhi: number, Dlazy: number, heartbeatMs: number }
  duties: {
    genesisMs: number
    slotMs: number
    slots?: number
    validators: number[]
    subnets: number
    forkDigest: string
    paddingBytes: number
    /** subscribe this many ms after start (absent/0: at once); see NodeStatus.unsupported */
    subscribeDelayMs?: number
    /** subscribe this many ms after genesis (wins over subscribeDelayMs); see NodeStatus.unsupported */
    subscribeAtMs?: number
    /** the attestation subnets this node subscribes to (absent: all `subnets`); see NodeStatus.unsupported */
    subscribeSubnets?: number[]
    /** the proposer duty and the block topic (absent: no block topic); see NodeStatus.unsupported */
    blocks?: BlockDuty
  }
  exitOnStdinClose: boolean
}
