/**
 * chai assertions over a devnet's live history (`chai.use(meshflapChai)`).
 * Each one runs the same oracle as the CLI verdict of that name, so a failure
 * reads the same: pair, direction, stream, leg, time window, coverage line
 * (see verdict-message.ts).
 *
 *   expect(devnet).to.keepStreamsAcross()                 // streams-survive, every fault so far
 *   expect(devnet).to.keepStreamsAcross('my flap')        //   only the fault labelled so (and its repetitions, 'my flap#2')
 *   expect(devnet).to.reopenWithin(1000)                  // reopen-within
 *   expect(devnet).to.unwedgeWithin(5000)                 // unwedge-within (a stream a stall wedged moves)
 *   expect(devnet).to.holdQuorum({ from: 1 })             // coverage
 *   expect(devnet).to.deliverWithin(1000, { from: 'A', to: 'B' })   // delivery-gap (one direction, or all)
 *
 * The subject is a Devnet (judged up to its current slot) or a recorded
 * history (an array of entries, e.g. from readHistory). Anything the oracle
 * cannot judge (no fault applied, a node that never became ready) fails the
 * assertion too: never a silent pass.
 */
import type { HistoryEntry } from '../history/types.ts'
import { judge } from '../oracles/index.ts'
import type { Expectation } from '../oracles/expectation.ts'
import type { Finding, Verdict } from '../oracles/verdict.ts'
import { narrowVerdict, passedMessage, verdictMessage } from './verdict-message.ts'

export { verdictMessage, narrowVerdict } from './verdict-message.ts'

/** Options of `holdQuorum`: the `coverage` expectation of a scenario file. */
export interface HoldQuorumOptions {
  /** first slot judged (default 0) */
  from?: number
  /** slots overlapping [fault, fault + k slots) may fall short */
  withinSlotsAfterFault?: number
  /** minimum coverage (default: quorum, 3*count >= 2*validators) */
  min?: number
}

/** One publisher -> receiver direction, by node name. */
export interface DeliveryDirection { from: string, to: string }

declare global {
  // chai's own typings live in the global `Chai` namespace; this adds meshflap's assertions to it
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Chai {
    interface Assertion {
      /** no gossip stream on a leg that was not faulted closes while a fault (this label's, or any) is in force */
      keepStreamsAcross: (faultLabel?: string) => Assertion
      /** every outbound gossip stream a fault closed reopens to the same peer within `ms` while another leg survived */
      reopenWithin: (ms: number) => Assertion
      /** every outbound gossip stream a stall wedged has a successor to the same peer on another live leg within `ms` */
      unwedgeWithin: (ms: number) => Assertion
      /** every aggregator reaches quorum (or `min`) every slot from `from` */
      holdQuorum: (options?: HoldQuorumOptions) => Assertion
      /** no publisher->receiver delivery gap longer than `ms` while the pair had a live leg */
      deliverWithin: (ms: number, direction?: DeliveryDirection) => Assertion
    }
  }
}

/** What a Devnet offers the assertions (structural, so recorded histories and stand-ins work too). */
interface HistorySource { history: () => HistoryEntry[], dir?: string }

interface Subject { history: HistoryEntry[], historyPath?: string }

function subjectOf (obj: unknown): Subject {
  if (Array.isArray(obj)) return { history: obj as HistoryEntry[] }
  if (obj != null && typeof (obj as HistorySource).history === 'function') {
    const source = obj as HistorySource
    return { history: source.history(), ...(typeof source.dir === 'string' ? { historyPath: `${source.dir}/history.ndjson` } : {}) }
  }
  throw new TypeError('meshflap assertions need a Devnet or a history (array of entries) as the subject')
}

function slotMsOf (history: HistoryEntry[]): number {
  const start = history.find(e => e.kind === 'run_start')
  return start?.kind === 'run_start' ? start.slotMs : 1000
}

/** A test's fault label matches its own entries and its repetitions' ("label#2", as flaps and repeats record them). */
function isFault (label: string, recorded: string): boolean {
  return recorded === label || recorded.startsWith(`${label}#`)
}

type ChaiStatic = { Assertion: { addMethod: (name: string, fn: (this: AssertionThis, ...args: never[]) => void) => void } }
interface AssertionThis {
  _obj: unknown
  assert: (ok: boolean, message: string, negatedMessage: string) => void
}

function check (self: AssertionThis, subject: Subject, verdict: Verdict): void {
  self.assert(verdict.status === 'pass', verdictMessage(verdict, subject.historyPath), passedMessage(verdict))
}

function judgeOne (history: HistoryEntry[], expectation: Expectation): Verdict {
  return judge(history, [expectation])[0]!
}

/** The chai plugin: `chai.use(meshflapChai)`. Adds the five assertions above; registers nothing else. */
export function meshflapChai (chai: unknown): void {
  const { Assertion } = chai as ChaiStatic
  Assertion.addMethod('keepStreamsAcross', function (this: AssertionThis, faultLabel?: string) {
    const subject = subjectOf(this._obj)
    const all = subject.history
    const history = faultLabel == null ? all : all.filter(e => e.kind !== 'fault' || isFault(faultLabel, e.fault))
    const verdict = judgeOne(history, { kind: 'streams-survive', graceMs: slotMsOf(all) })
    check(this, subject, faultLabel == null ? verdict : { ...verdict, title: `${verdict.title} across "${faultLabel}"` })
  })
  Assertion.addMethod('reopenWithin', function (this: AssertionThis, ms: number) {
    const subject = subjectOf(this._obj)
    check(this, subject, judgeOne(subject.history, { kind: 'reopen-within', ms, graceMs: slotMsOf(subject.history) }))
  })
  Assertion.addMethod('unwedgeWithin', function (this: AssertionThis, ms: number) {
    const subject = subjectOf(this._obj)
    check(this, subject, judgeOne(subject.history, { kind: 'unwedge-within', ms }))
  })
  Assertion.addMethod('holdQuorum', function (this: AssertionThis, options: HoldQuorumOptions = {}) {
    const subject = subjectOf(this._obj)
    check(this, subject, judgeOne(subject.history, {
      kind: 'coverage',
      fromSlot: options.from ?? 0,
      ...(options.withinSlotsAfterFault != null ? { withinSlotsAfterFault: options.withinSlotsAfterFault } : {}),
      ...(options.min != null ? { min: options.min } : {})
    }))
  })
  Assertion.addMethod('deliverWithin', function (this: AssertionThis, ms: number, direction?: DeliveryDirection) {
    const subject = subjectOf(this._obj)
    const verdict = judgeOne(subject.history, { kind: 'delivery-gap', maxMs: ms })
    if (direction == null) { check(this, subject, verdict); return }
    const wanted = `${direction.from}->${direction.to}`
    // a node that crashed or never became ready (no direction) fails every direction, as in the CLI
    const keep = (f: Finding): boolean => f.direction == null || f.direction === wanted
    check(this, subject, narrowVerdict(verdict, keep, wanted))
  })
}
