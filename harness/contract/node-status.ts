/**
 * The `GET /v1/status` answer every implementation gives (containers/CONTRACT.md
 * section 7): the node's live view of its legs, streams and gossip state. The
 * harness decides fault targets and "meshed" from it.
 */
import type { Direction, SchedEvent, Transport } from './node-events.ts'

export interface StreamStatus {
  id: string
  protocol: string
  direction: Direction
  /** set on the streams gossipsub uses: its sending (outbound) or reading (inbound) stream */
  gossip?: Direction
}

export interface LegStatus {
  id: string
  peer: string
  direction: Direction
  transport: Transport
  local?: string
  remote: string
  openedAt: number
  streams: StreamStatus[]
}

export interface NodeStatus {
  name: string
  peerId: string
  impl: string
  gossipPolicy: string
  redialEnabled: boolean
  listen: string[]
  legs: LegStatus[]
  topics: Record<string, { mesh: string[], subscribers: string[] }>
  gossipPeers: string[]
  /** OPTIONAL: timer lateness, the last window and since start (CONTRACT.md "Timer lateness") */
  sched?: SchedStatus
  /** config features this implementation accepts but cannot honour (e.g. "subscribeDelayMs"); absent = none */
  unsupported?: string[]
  /** what this node does not report (CONTRACT.md "What a stack must expose"): "streams", "receiveLeg", ...; absent = none */
  unreported?: string[]
}

export interface SchedStatus {
  windowMs: number
  tickMs: number
  /** the last window's `sched` event fields, or null before the first */
  last: Omit<SchedEvent, 'seq' | 'ts' | 'type'> | null
  sinceStart: { maxLateMs: number, p99LateMs: number, meanLateMs: number, windows: number }
}
