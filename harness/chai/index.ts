/**
 * chai assertions over a devnet's live history (`chai.use(meshflapChai)`).
 * Each one runs the same oracle as the CLI verdict of that name, so a failure
 * reads the same: pair, direction, stream, leg, time window, coverage line.
 *
 *   expect(devnet).to.keepStreamsAcross()                 // streams-survive (optionally one fault label)
 *   expect(devnet).to.reopenWithin(1000)                  // reopen-within
 *   expect(devnet).to.holdQuorum({ from: 1 })             // coverage
 *   expect(devnet).to.deliverWithin(1000, { from: 'A', to: 'B' })   // delivery-gap (one direction, or all)
 *
 * The subject may be a Devnet or a recorded history (an array of entries).
 */
import type { HistoryEntry } from '../history/types.ts'
import { judge } from '../oracles/index.ts'
import type { Expectation } from '../oracles/expectation.ts'
import type { Finding, Verdict } from '../oracles/verdict.ts'

declare global {
  // chai's own typings live in the global `Chai` namespace; this adds meshflap's assertions to it
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Chai {
    interface Assertion {
      keepStreamsAcross: (fault?: string) => Assertion
      reopenWithin: (ms: number) => Assertion
      holdQuorum: (options?: { from?: number, withinSlotsAfterFault?: number, min?: number }) => Assertion
      deliverWithin: (ms: number, direction?: { from: string, to: string }) => Assertion
    }
  }
}

interface HistorySource { history: () => HistoryEntry[], scenario?: { slotMs: number } }

function historyOf (subject: unknown): HistoryEntry[] {
  if (Array.isArray(subject)) return subject as HistoryEntry[]
  if (subject != null && typeof (subject as HistorySource).history === 'function') return (subject as HistorySource).history()
  throw new TypeError('meshflap assertions need a Devnet or a history (array of entries) as the subject')
}

function slotMsOf (history: HistoryEntry[]): number {
  const start = history.find(e => e.kind === 'run_start')
  return start?.kind === 'run_start' ? start.slotMs : 1000
}

/** The failure message: the verdict's title and summary, then its findings, as the CLI prints them. */
export function verdictMessage (v: Verdict, findings: readonly Finding[] = v.findings): string {
  const lines = [`${v.title}: ${v.status === 'unknown' ? 'could not be judged' : 'failed'}: ${v.summary}`]
  for (const f of findings.slice(0, 12)) lines.push(`  - ${f.message}`)
  if (findings.length > 12) lines.push(`  ... ${findings.length - 12} more`)
  return lines.join('\n')
}

type ChaiStatic = { Assertion: { addMethod: (name: string, fn: (this: AssertionThis, ...args: never[]) => void) => void } }
interface AssertionThis {
  _obj: unknown
  assert: (ok: boolean, message: string, negatedMessage: string) => void
}

function check (self: AssertionThis, history: HistoryEntry[], expectation: Expectation, keep?: (f: Finding) => boolean): void {
  const verdict = judge(history, [expectation])[0]!
  const findings = keep == null ? verdict.findings : verdict.findings.filter(keep)
  const ok = keep == null ? verdict.status === 'pass' : verdict.status !== 'unknown' && findings.length === 0
  self.assert(ok, verdictMessage(verdict, findings), `expected ${verdict.title} to fail, but it passed: ${verdict.summary}`)
}

export function meshflapChai (chai: unknown): void {
  const { Assertion } = chai as ChaiStatic
  Assertion.addMethod('keepStreamsAcross', function (this: AssertionThis, fault?: string) {
    const all = historyOf(this._obj)
    const history = fault == null ? all : all.filter(e => e.kind !== 'fault' || e.fault === fault)
    check(this, history, { kind: 'streams-survive', graceMs: slotMsOf(all) })
  })
  Assertion.addMethod('reopenWithin', function (this: AssertionThis, ms: number) {
    const history = historyOf(this._obj)
    check(this, history, { kind: 'reopen-within', ms, graceMs: slotMsOf(history) })
  })
  Assertion.addMethod('holdQuorum', function (this: AssertionThis, options: { from?: number, withinSlotsAfterFault?: number, min?: number } = {}) {
    check(this, historyOf(this._obj), {
      kind: 'coverage',
      fromSlot: options.from ?? 0,
      ...(options.withinSlotsAfterFault != null ? { withinSlotsAfterFault: options.withinSlotsAfterFault } : {}),
      ...(options.min != null ? { min: options.min } : {})
    })
  })
  Assertion.addMethod('deliverWithin', function (this: AssertionThis, ms: number, direction?: { from: string, to: string }) {
    const wanted = direction == null ? undefined : `${direction.from}->${direction.to}`
    check(this, historyOf(this._obj), { kind: 'delivery-gap', maxMs: ms }, wanted == null ? undefined : f => f.direction === wanted)
  })
}
