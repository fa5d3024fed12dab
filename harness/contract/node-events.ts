/**
 * A node's events (containers/CONTRACT.md section 6): one JSON object per stdout
 * line, `{seq, ts, type, ...}`. Verdicts are computed from these lines only, so
 * they are checked once, here, as they come in; everything downstream reads
 * typed events and never casts.
 *
 *   stdout line ──parseNodeEvent(line, node, lineNo)──> NodeEvent   (one of the types below)
 *                                                  └──> NodeEventError "node A, stdout line 12: leg_open: field direction ..."
 *
 * Fields a type does not list are kept as they came (an implementation may add
 * its own); listed fields must have the listed type.
 */

export type Direction = 'inbound' | 'outbound'
export type Transport = 'quic' | 'tcp'

interface EventBase {
  /** per node, from 1, +1 each event, never reused */
  seq: number
  /** unix ms */
  ts: number
}

export interface ReadyEvent extends EventBase {
  type: 'ready'
  name: string
  peerId: string
  impl: string
  gossipPolicy: string
  /** multiaddrs without /p2p */
  listen: string[]
  /** base URL of the control API */
  control: string
  pid: number
  /** config features accepted but not honoured, e.g. ["subscribeDelayMs"] (absent: none) */
  unsupported?: string[]
  /** what the node does not report: "streams" (stream events and status streams), "receiveLeg" (msg_received.leg) (absent: none) */
  unreported?: string[]
  /** the mutants the node runs (node config `mutants`; absent: none) */
  mutants?: string[]
}

export interface LegOpenEvent extends EventBase {
  type: 'leg_open'
  /** node-local connection id */
  leg: string
  peer: string
  direction: Direction
  transport: Transport
  remote: string
  local?: string
}

export interface LegCloseEvent extends EventBase {
  type: 'leg_close'
  leg: string
  peer: string
  direction: Direction
  /** api-close, closed, error: ... */
  reason: string
}

export interface StreamOpenEvent extends EventBase {
  type: 'stream_open'
  /** unique within the node */
  stream: string
  leg: string
  peer: string
  protocol: string
  direction: Direction
}

export interface StreamCloseEvent extends EventBase {
  type: 'stream_close'
  stream: string
  leg: string
  peer: string
  direction: Direction
  reason: string
}

export interface SubscribeReplayedEvent extends EventBase {
  type: 'subscribe_replayed'
  peer: string
  leg: string
  stream: string
  topics: string[]
  closedStream: string
  reopenMs: number
  /** messages written on the dead stream shortly before its close, sent again on this one (optional) */
  resentMessages?: number
  /** RPCs carrying GRAFT/PRUNE written on the dead stream shortly before its close, sent again on this one (optional) */
  resentControl?: number
  /** RPCs that waited for this stream (optional) */
  heldRpcs?: number
  /** topics whose mesh lists the peer, GRAFTed again on this stream (the peer may have dropped us at its own disconnect) (optional) */
  replayedGrafts?: number
}

export interface MsgPublishedEvent extends EventBase {
  type: 'msg_published'
  topic: string
  msgId: string
  slot: number
  validator: number
  /** peer ids the message was sent to */
  recipients: string[]
  publishError?: string
}

export interface MsgReceivedEvent extends EventBase {
  type: 'msg_received'
  topic: string
  msgId: string
  /** slot, validator and latencyMs are absent when the payload is not an attestation */
  slot?: number
  validator?: number
  /** propagation source peer id */
  from: string
  /** the leg it arrived on, when the stack can tell */
  leg?: string
  latencyMs?: number
}

/** A block this node proposed (duties.blocks): one per proposed slot. */
export interface BlockPublishedEvent extends EventBase {
  type: 'block_published'
  topic: string
  msgId: string
  slot: number
  /** the proposing node's config index */
  proposer: number
  /** payload size */
  bytes: number
  recipients: string[]
  publishError?: string
}

/** First arrival of another node's block (never reported as msg_received). */
export interface BlockReceivedEvent extends EventBase {
  type: 'block_received'
  topic: string
  msgId: string
  slot: number
  proposer: number
  bytes: number
  from: string
  leg?: string
  /** now - the publish time in the block's header */
  latencyMs: number
}

export interface ErrorEvent extends EventBase {
  type: 'error'
  message: string
  peer?: string
  leg?: string
  addr?: string
}

/** OPTIONAL: how late the node's own timers ran in one window (CONTRACT.md "Timer lateness"). */
export interface SchedEvent extends EventBase {
  type: 'sched'
  /** the time the window covered, ms (it ends at ts) */
  windowMs: number
  /** the largest timer lateness in the window, ms */
  maxLateMs: number
  /** unix ms when that latest timer ran: no timer ran in [maxLateAt - maxLateMs, maxLateAt] */
  maxLateAt: number
  p99LateMs?: number
  /** CPU time (user + system) used in the window, ms */
  cpuMs?: number
}

export type NodeEvent =
  | ReadyEvent | LegOpenEvent | LegCloseEvent | StreamOpenEvent | StreamCloseEvent
  | SubscribeReplayedEvent | MsgPublishedEvent | MsgReceivedEvent | BlockPublishedEvent | BlockReceivedEvent | ErrorEvent | SchedEvent

export type NodeEventType = NodeEvent['type']

/** One event type's own fields (what an implementation passes when it emits one). */
export type NodeEventFields<T extends NodeEventType> = Omit<Extract<NodeEvent, { type: T }>, 'seq' | 'ts' | 'type'>

/** A stdout line that is not a contract event; names the node and the line. */
export class NodeEventError extends Error {
  override name = 'NodeEventError'
  readonly node: string
  readonly line: number
  /** the `type` the line claimed, when it was a JSON object with a string type */
  readonly claimedType: string | undefined
  constructor (node: string, line: number, problem: string, claimedType?: string) {
    super(`node ${node}, stdout line ${line}: ${problem}`)
    this.node = node
    this.line = line
    this.claimedType = claimedType
  }
}

type FieldKind = 'string' | 'number' | 'string[]' | 'direction' | 'transport'
/** name -> kind; a trailing `?` marks an optional field */
type FieldSpec = Record<string, FieldKind>

const FIELDS: { readonly [T in NodeEventType]: FieldSpec } = {
  ready: { name: 'string', peerId: 'string', impl: 'string', gossipPolicy: 'string', listen: 'string[]', control: 'string', pid: 'number', 'unsupported?': 'string[]', 'unreported?': 'string[]', 'mutants?': 'string[]' },
  leg_open: { leg: 'string', peer: 'string', direction: 'direction', transport: 'transport', remote: 'string', 'local?': 'string' },
  leg_close: { leg: 'string', peer: 'string', direction: 'direction', reason: 'string' },
  stream_open: { stream: 'string', leg: 'string', peer: 'string', protocol: 'string', direction: 'direction' },
  stream_close: { stream: 'string', leg: 'string', peer: 'string', direction: 'direction', reason: 'string' },
  subscribe_replayed: { peer: 'string', leg: 'string', stream: 'string', topics: 'string[]', closedStream: 'string', reopenMs: 'number' },
  msg_published: { topic: 'string', msgId: 'string', slot: 'number', validator: 'number', recipients: 'string[]', 'publishError?': 'string' },
  msg_received: { topic: 'string', msgId: 'string', 'slot?': 'number', 'validator?': 'number', from: 'string', 'leg?': 'string', 'latencyMs?': 'number' },
  block_published: { topic: 'string', msgId: 'string', slot: 'number', proposer: 'number', bytes: 'number', recipients: 'string[]', 'publishError?': 'string' },
  block_received: { topic: 'string', msgId: 'string', slot: 'number', proposer: 'number', bytes: 'number', from: 'string', 'leg?': 'string', latencyMs: 'number' },
  error: { message: 'string', 'peer?': 'string', 'leg?': 'string', 'addr?': 'string' },
  sched: { windowMs: 'number', maxLateMs: 'number', maxLateAt: 'number', 'p99LateMs?': 'number', 'cpuMs?': 'number' }
}

export const NODE_EVENT_TYPES = Object.keys(FIELDS) as NodeEventType[]

function isEventType (type: string): type is NodeEventType {
  return Object.hasOwn(FIELDS, type)
}

function kindProblem (value: unknown, kind: FieldKind): string | undefined {
  switch (kind) {
    case 'string': return typeof value === 'string' ? undefined : 'must be a string'
    case 'number': return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number'
    case 'string[]': return Array.isArray(value) && value.every(v => typeof v === 'string') ? undefined : 'must be an array of strings'
    case 'direction': return value === 'inbound' || value === 'outbound' ? undefined : 'must be "inbound" or "outbound"'
    case 'transport': return value === 'quic' || value === 'tcp' ? undefined : 'must be "quic" or "tcp"'
  }
}

/** What is wrong with a parsed value as an event, or undefined when it is one. */
export function nodeEventProblem (value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object'
  const e = value as Record<string, unknown>
  if (typeof e.type !== 'string') return 'has no string field "type"'
  if (!isEventType(e.type)) return `unknown event type ${JSON.stringify(e.type)} (one of ${NODE_EVENT_TYPES.join(', ')})`
  const problems: string[] = []
  for (const field of ['seq', 'ts']) {
    if (typeof e[field] !== 'number' || !Number.isFinite(e[field])) problems.push(`field ${field} must be a number`)
  }
  for (const [spec, kind] of Object.entries(FIELDS[e.type])) {
    const optional = spec.endsWith('?')
    const field = optional ? spec.slice(0, -1) : spec
    const v = e[field]
    if (v === undefined) {
      if (!optional) problems.push(`field ${field} is missing`)
      continue
    }
    const problem = kindProblem(v, kind)
    if (problem !== undefined) problems.push(`field ${field} ${problem}, got ${JSON.stringify(v)}`)
  }
  return problems.length === 0 ? undefined : `${e.type}: ${problems.join('; ')}`
}

/** The value as an event; throws an Error starting with `what` when it is not one (for values built in code). */
export function asNodeEvent (value: unknown, what: string): NodeEvent {
  const problem = nodeEventProblem(value)
  if (problem !== undefined) throw new Error(`${what}: not a contract event: ${problem}`)
  return value as NodeEvent
}

/** Parses one stdout line of node `nodeName` (`lineNo` counts from 1); throws NodeEventError naming both. */
export function parseNodeEvent (line: string, nodeName: string, lineNo: number): NodeEvent {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw new NodeEventError(nodeName, lineNo, `not JSON: ${clip(line)}`)
  }
  const problem = nodeEventProblem(value)
  if (problem !== undefined) {
    const claimed = (value as { type?: unknown } | null)?.type
    throw new NodeEventError(nodeName, lineNo, problem, typeof claimed === 'string' ? claimed : undefined)
  }
  return value as NodeEvent
}

function clip (line: string): string {
  return line.length > 120 ? `${line.slice(0, 117)}...` : line
}

/** A type guard for one event type, for `events.filter(eventOfType('leg_open'))` (history entries too). */
export function eventOfType<T extends NodeEventType> (type: T): <E extends { type: string }>(e: E) => e is Extract<E, { type: T }> {
  return <E extends { type: string }>(e: E): e is Extract<E, { type: T }> => e.type === type
}
