/**
 * A scenario file as written (after YAML parsing and schema validation, before
 * defaults): the TypeScript face of scenario.schema.json. Only the loader
 * reads this shape; everything downstream reads the resolved `Scenario`.
 */
import type { ActionKind } from '../faults/actions/index.ts'
import type { WireProfile } from '../contract/node-config.ts'
import type { GossipPolicyName, LegDirection, NodeImpl, TransportChoice } from './types.ts'

export interface NodeFile {
  name: string
  impl?: NodeImpl
  command?: string[]
  image?: string
  gossipPolicy?: GossipPolicyName
  mutants?: string[]
  validators?: number[]
  /** true: every subnet; { subnets }: those */
  aggregator?: boolean | { subnets: number[] }
  start?: { delayMs: number }
  /** one of the two: from the node's start, or from genesis */
  subscribe?: { delayMs: number } | { atMs: number }
}

export interface NodeCountFile {
  count: number
  defaults?: { impl?: NodeImpl, command?: string[], image?: string, gossipPolicy?: GossipPolicyName, mutants?: string[] }
  aggregators?: string[]
}

export interface TransportOverrideFile {
  pair?: [string, string]
  leg?: string
  transport: 'quic' | 'tcp'
}

export type TransportFile = TransportChoice | { default?: TransportChoice, overrides?: TransportOverrideFile[] }

/** `{ ms: 2500 }` or `{ slots: 2 }` */
export interface SpanFile { ms?: number, slots?: number }

/** An action's name: one per file in harness/faults/actions/ (their list is the one truth; the schema checks the file). */
export type ActionName = ActionKind

/** The one-key map form, e.g. { latency: { ms: 100 } }; each action's file reads its own parameters. */
export type ActionParamsFile = { [K in ActionName]?: Record<string, unknown> | null }

export type ActionFile = ActionName | ActionParamsFile

/** A role's node: a name, or n distinct nodes drawn from the seed. */
export type RoleNodeFile = string | { random: number }

export interface TargetFile {
  pair?: [string, string]
  'bearing-of'?: RoleNodeFile
  'non-bearing-of'?: RoleNodeFile
  'outbound-of'?: RoleNodeFile
  'inbound-of'?: RoleNodeFile
  random?: true
  'all-legs-of'?: string
  /** with pair [A, B]: the node whose dialed leg holds A's outbound gossip stream to B (node actions) */
  'bearing-node-of'?: string
  /** node faults: a node name or n drawn from the seed */
  node?: RoleNodeFile
  /** node faults: every aggregator */
  aggregator?: true
}

export interface FaultFile {
  name?: string
  slot?: number
  atMs?: number
  action: ActionFile
  target: TargetFile
  duration?: SpanFile
  repeat?: number
  every?: SpanFile
  jitter?: SpanFile
  exercised?: boolean
  'leg-death-within'?: SpanFile
}

export type ExpectationName = 'streams-survive' | 'coverage' | 'no-decay' | 'reopen-within' | 'unwedge-within' | 'delivery-gap' | 'latency' | 'legs-settle' | 'mesh-consistent' | 'block-delivery'

export interface ExpectationParamsFile {
  'streams-survive'?: { graceMs?: number } | null
  'reopen-within'?: { ms?: number, slots?: number, graceMs?: number }
  'unwedge-within'?: { ms?: number, slots?: number }
  'delivery-gap'?: { maxMs?: number, maxSlots?: number }
  coverage?: { 'from-slot'?: number, 'within-slots-after-fault'?: number, min?: number } | null
  'no-decay'?: { 'within-slots'?: number } | null
  latency?: { p50Ms?: number, p99Ms?: number, 'from-slot'?: number }
  'legs-settle'?: { 'within-slots'?: number } | null
  'mesh-consistent'?: { heartbeats?: number } | null
  'block-delivery'?: { maxMs?: number, maxSlots?: number } | null
}

export type ExpectationFile = ExpectationName | ExpectationParamsFile

/** `{ pair: [A, B], streams: split }`; no pair = every pair not listed */
export interface PlacementFile {
  pair?: [string, string]
  streams: 'split' | 'same'
}

export interface ScenarioFile {
  $schema?: string
  name: string
  description: string
  seed?: number
  validators?: number
  subnets?: number
  subnetSubscriptions?: 'all' | 'sparse' | 'aggregated'
  blocks?: { bytes: number, proposers?: string[] }
  nodes: NodeFile[] | NodeCountFile
  transport?: TransportFile
  /** full (default) or a seeded k-regular peering (harness/scenario/resolve-topology.ts) */
  peers?: 'full' | { degree: number }
  wire?: WireProfile
  slotMs?: number
  slots?: number
  genesisDelayMs?: number
  quic?: { maxIdleTimeoutMs?: number, keepAliveIntervalMs?: number, handshakeTimeoutMs?: number }
  redial?: { enabled?: boolean, minMs?: number, maxMs?: number }
  gossip?: { D?: number, Dlo?: number, Dhi?: number, Dlazy?: number, heartbeatMs?: number }
  faults?: FaultFile[]
  placement?: PlacementFile[]
  /** what `meshflap matrix` runs it on (absent: only the transport it is written for) */
  matrix?: { transports: Array<'quic' | 'tcp'> }
  catches?: 'every-mutant' | string[]
  expectations: ExpectationFile[]
}
