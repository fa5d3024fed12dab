/**
 * Composes the `environment` judgement with the other verdicts: a failed
 * verdict whose every finding lies inside an environment stall and is
 * explained by it becomes `unknown (environment: <what stalled, for how
 * long>)`: never pass (the run did not show the code works), never fail (it
 * did not show it breaks). One finding the stall does not explain keeps the
 * verdict `fail`, so the stock bug is still caught on a loaded machine.
 *
 * What "explained" means per oracle (see environment.ts: a stalled slot is one
 * an environment interval overlaps and in which most directions missed the
 * deadline; a stalled direction is one whose publisher or receiver was itself
 * stalled where it mattered, inside an environment interval):
 *
 *   delivery-gap   every slot the gap swallowed (slot starts inside it) is stalled, for the whole slot or this direction
 *   coverage       every slot of the shortfall is stalled, or every direction late into the aggregator in it is
 *   no-decay       the slot of the loss and the k slots it had to come back in are stalled, or this direction in them
 *   reopen-within  the stall took most of the reopen delay, and the delay without it is within the bound
 *   streams-survive the stream's leg was given up for silence (no round trip, idle timeout) and the
 *                  harness (QUIC legs: its UDP proxy carries them) or most nodes stalled for at least
 *                  half of that silence (environment-silence.ts); any other close: never
 *   a node that crashed or never became ready: never explained
 */
import type { Expectation } from './expectation.ts'
import { intervalsDuring, stalledSlot, stalledSlotOrDirection, type Environment, type EnvironmentInterval } from './environment.ts'
import { arrivals } from './coverage.ts'
import { heardValidators } from './subnet-interest.ts'
import { measure } from './intervals.ts'
import { silenceExplains } from './environment-silence.ts'
import { healthFindings } from './node-health.ts'
import { MAX_FINDINGS } from './verdict-parts.ts'
import { slotAt, slotDeadline, slotStart, type RunIndex } from './run-index.ts'
import type { Finding, Verdict } from './verdict.ts'

/** The verdict, or its `unknown (environment)` form when the environment explains every finding. */
export function excuseByEnvironment (v: Verdict, e: Expectation, env: Environment, ix: RunIndex): Verdict {
  if (v.status !== 'fail' || v.findings.length === 0 || v.findings.length >= MAX_FINDINGS) return v
  if (env.intervals.length === 0 && (env.busy.length === 0 || !env.stalls.some(s => s.descheduled))) return v
  // a node that crashed or never came up is a failure whatever the machine did
  if (healthFindings(ix).length > 0) return v
  const used = new Map<number, EnvironmentInterval>()
  for (const f of v.findings) {
    const by = environmentExplains(f, e, env, ix)
    if (by === undefined) return v
    for (const i of by) used.set(i.fromMs, i)
  }
  const intervals = [...used.values()].sort((a, b) => a.fromMs - b.fromMs)
  const what = intervals.map(i => i.what).join('; ')
  return {
    ...v,
    status: 'unknown',
    summary: `environment: ${what}; ${v.findings.length} finding(s) inside the stall (in slots most directions missed at once, or from or to a node stalled there); first: ${(v.findings[0] as Finding).message.split('\n')[0] ?? ''}`,
    environment: { what, explained: v.findings.length, intervals: intervals.map(i => ({ fromMs: i.fromMs, toMs: i.toMs, what: i.what })) }
  }
}

/** True when every verdict that is not `pass` is `unknown` because of the environment (and at least one is). */
export function environmentUnknown (verdicts: readonly Verdict[]): boolean {
  const open = verdicts.filter(v => v.status !== 'pass')
  return open.length > 0 && open.every(v => v.status === 'unknown' && v.environment !== undefined)
}

/** "unknown (environment: the harness stalled up to 812 ms at +4.100s (slot 4))" */
export function environmentLabel (v: Verdict): string {
  return v.environment === undefined ? v.status : `unknown (environment: ${v.environment.what})`
}

/** The environment intervals that explain a finding, or undefined when it is not the environment's doing. */
export function environmentExplains (f: Finding, e: Expectation, env: Environment, ix: RunIndex): EnvironmentInterval[] | undefined {
  if (f.fromMs === undefined || f.toMs === undefined) return undefined
  const from = f.fromMs
  const to = f.toMs
  switch (e.kind) {
    case 'delivery-gap': {
      if (f.direction === undefined) return undefined
      const slots: number[] = []
      for (let s = Math.max(0, slotAt(ix, from)); s < ix.slots && slotStart(ix, s) < to; s++) if (slotStart(ix, s) > from) slots.push(s)
      return everySlot(slots, s => inDirection(env, ix, s, f.direction))
    }
    case 'coverage': {
      if (f.slot === undefined || f.node === undefined) return undefined
      const aggregator = f.node
      return everySlot(range(f.slot, slotAt(ix, to - 1)), s => stalledSlot(env, ix, s) ?? everyLateInto(env, ix, s, aggregator))
    }
    case 'no-decay': {
      if (f.slot === undefined) return undefined
      return everySlot(range(f.slot, f.slot + e.withinSlots), s => inDirection(env, ix, s, f.direction))
    }
    case 'reopen-within':
    case 'unwedge-within': {
      const during = intervalsDuring(env, from, to)
      const stalledMs = measure(during, from, to)
      // the stall took most of the delay, and without it the reopen was in time
      return during.length > 0 && stalledMs * 2 >= to - from && to - from - stalledMs <= e.ms ? during : undefined
    }
    case 'streams-survive': return silenceExplains(f, env, ix)
  }
  return undefined
}

function everySlot (slots: readonly number[], explain: (slot: number) => EnvironmentInterval[] | undefined): EnvironmentInterval[] | undefined {
  if (slots.length === 0) return undefined
  const out: EnvironmentInterval[] = []
  for (const s of slots) {
    const by = explain(s)
    if (by === undefined) return undefined
    out.push(...by)
  }
  return out
}

/** The slot was stalled, or the direction "P->R" was in it; a finding without a direction only by the whole slot. */
function inDirection (env: Environment, ix: RunIndex, slot: number, direction: string | undefined): EnvironmentInterval[] | undefined {
  const [publisher, receiver] = direction?.split('->') ?? []
  if (publisher === undefined || receiver === undefined) return stalledSlot(env, ix, slot)
  return stalledSlotOrDirection(env, ix, slot, publisher, receiver)
}

/** Every direction into the aggregator that missed the slot's deadline (some attestation it hears not there) was stalled. */
function everyLateInto (env: Environment, ix: RunIndex, slot: number, aggregator: string): EnvironmentInterval[] | undefined {
  const receiver = ix.nodeByName.get(aggregator)
  if (receiver === undefined) return undefined
  const got = arrivals(ix, aggregator).get(slot)
  const deadline = slotDeadline(ix, slot)
  const out: EnvironmentInterval[] = []
  for (const p of ix.nodes) {
    const heard = heardValidators(ix, p, receiver)
    if (heard.every(v => (got?.get(v) ?? Infinity) < deadline)) continue
    const by = stalledSlotOrDirection(env, ix, slot, p.name, aggregator)
    if (by === undefined) return undefined
    out.push(...by)
  }
  return out.length > 0 ? out : undefined
}

function range (from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)
}
