/**
 * The node's event log: NDJSON on stdout, each line `{seq, ts, type, ...}`.
 * These lines are the only facts the harness judges a run by, so every
 * emit goes out at once and is also kept for `GET /v1/events?after=<seq>`.
 * The events' types are the contract's (harness/contract/node-events.ts), so
 * an emit with a missing or mistyped field does not compile.
 */
import type { NodeEvent, NodeEventFields, NodeEventType } from '../../harness/contract/node-events.ts'

export interface EventSink {
  write: (line: string) => void
}

export class EventLog {
  private readonly kept: NodeEvent[] = []
  private seq = 0
  private readonly sink: EventSink
  private readonly maxKept: number
  private readonly observers: Array<(event: NodeEvent) => void> = []

  constructor (sink: EventSink, maxKept = 500_000) {
    this.sink = sink
    this.maxKept = maxKept
  }

  /** Called for every event after it is written (metrics). */
  onEmit (observer: (event: NodeEvent) => void): void {
    this.observers.push(observer)
  }

  emit<T extends NodeEventType> (type: T, fields: NodeEventFields<T>): NodeEvent {
    // the spread of T's own fields next to `type: T` is that event; TypeScript cannot see it through the generic
    const event = { seq: ++this.seq, ts: Date.now(), type, ...fields } as unknown as NodeEvent
    this.kept.push(event)
    if (this.kept.length > this.maxKept) this.kept.splice(0, this.kept.length - this.maxKept)
    this.sink.write(JSON.stringify(event) + '\n')
    for (const o of this.observers) o(event)
    return event
  }

  after (seq: number, limit = 10_000): NodeEvent[] {
    const first = this.kept.findIndex(e => e.seq > seq)
    return first < 0 ? [] : this.kept.slice(first, first + limit)
  }

  get lastSeq (): number { return this.seq }
}
