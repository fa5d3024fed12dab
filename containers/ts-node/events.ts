/**
 * The node's event log: NDJSON on stdout, each line `{seq, ts, type, ...}`.
 * These lines are the only facts the harness judges a run by, so every
 * emit goes out at once and is also kept for `GET /v1/events?after=<seq>`.
 */
export type NodeEventType =
  | 'ready' | 'leg_open' | 'leg_close' | 'stream_open' | 'stream_close'
  | 'subscribe_replayed' | 'msg_published' | 'msg_received' | 'error'

export interface NodeEvent {
  seq: number
  ts: number
  type: NodeEventType
  [field: string]: unknown
}

export interface EventSink {
  write: (line: string) => void
}

export class EventLog {
  private readonly kept: NodeEvent[] = []
  private seq = 0
  private readonly sink: EventSink
  private readonly maxKept: number

  constructor (sink: EventSink, maxKept = 500_000) {
    this.sink = sink
    this.maxKept = maxKept
  }

  emit (type: NodeEventType, fields: Record<string, unknown> = {}): NodeEvent {
    const event: NodeEvent = { seq: ++this.seq, ts: Date.now(), type, ...fields }
    this.kept.push(event)
    if (this.kept.length > this.maxKept) this.kept.splice(0, this.kept.length - this.maxKept)
    this.sink.write(JSON.stringify(event) + '\n')
    return event
  }

  after (seq: number, limit = 10_000): NodeEvent[] {
    const first = this.kept.findIndex(e => e.seq > seq)
    return first < 0 ? [] : this.kept.slice(first, first + limit)
  }

  get lastSeq (): number { return this.seq }
}
