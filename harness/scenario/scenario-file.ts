/**
 * A scenario file as written (after YAML parsing and schema validation, before
 * defaults): the TypeScript face of scenario.schema.json. Only the loader
 * reads this shape; everything downstream reads the resolved `Scenario`.
 */
import type { GossipPolicyName, LegDirection, NodeImpl, TransportChoice } from './types.ts'

export interface NodeFile {
  name: string
  impl?: NodeImpl
  command?: string[]
  image?: string
  gossipPolicy?: GossipPolicyName
  validators?: number[]
  aggregator?: boolean
  start?: { delayMs: number }
  subscribe?: { delayMs: number }
}

export interface NodeCountFile {
  count: number
  defaults?: { impl?: NodeImpl, command?: string[], image?: string, gossipPolicy?: GossipPolicyName }
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

export type ActionName = 'flap' | 'down' | 'up' | 'blackhole' | 'reset' | 'close' | 'rebind' | 'latency' | 'loss' | 'bandwidth' | 'stall' | 'burst-loss' | 'kill' | 'pause' | 'resume' | 'simultaneous-dial'

export interface ActionParamsFile {
  flap?: { times?: number, downMs?: number, upMs?: number }
  down?: Record<string, never>
  up?: Record<string, never>
  blackhole?: { direction?: LegDirection }
  latency?: { ms: number, jitter?: number, direction?: LegDirection }
  loss?: { probability: number, direction?: LegDirection }
  bandwidth?: { kbps: number, direction?: LegDirection }
  reset?: Record<string, never>
  close?: { abort?: boolean }
  rebind?: Record<string, never>
  stall?: { direction?: LegDirection, maxBytes?: number }
  'burst-loss'?: { burstMs?: number, everyMs?: number, direction?: LegDirection }
  kill?: Record<string, never>
  pause?: Record<string, never>
  resume?: Record<string, never>
  'simultaneous-dial'?: Record<string, never>
}

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
}

export type ExpectationName = 'streams-survive' | 'coverage' | 'no-decay' | 'reopen-within' | 'delivery-gap' | 'latency' | 'legs-settle' | 'mesh-consistent'

export interface ExpectationParamsFile {
  'streams-survive'?: { graceMs?: number } | null
  'reopen-within'?: { ms?: number, slots?: number, graceMs?: number }
  'delivery-gap'?: { maxMs?: number, maxSlots?: number }
  coverage?: { 'from-slot'?: number, 'within-slots-after-fault'?: number, min?: number } | null
  'no-decay'?: { 'within-slots'?: number } | null
  latency?: { p50Ms?: number, p99Ms?: number, 'from-slot'?: number }
  'legs-settle'?: { 'within-slots'?: number } | null
  'mesh-consistent'?: { heartbeats?: number } | null
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
  nodes: NodeFile[] | NodeCountFile
  transport?: TransportFile
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
  expectations: ExpectationFile[]
}
