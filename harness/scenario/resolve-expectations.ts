/**
 * The `expectations` list, resolved into the oracles' `Expectation` shapes
 * (harness/oracles/expectation.ts): slots turned into ms where the oracle
 * measures time, defaults applied, impossible thresholds rejected.
 */
import type { Expectation } from '../oracles/expectation.ts'
import { DEFAULTS } from './defaults.ts'
import type { FieldIssue, FieldPath } from './scenario-error.ts'
import type { ExpectationFile } from './scenario-file.ts'

export interface ExpectationContext {
  slotMs: number
  /** the gossip heartbeat (mesh-consistent counts in heartbeats) */
  heartbeatMs: number
  slots: number
  validatorCount: number
  /** the scenario has `blocks` (block-delivery needs them) */
  blocks: boolean
}

export function resolveExpectations (list: readonly ExpectationFile[], ctx: ExpectationContext, issues: FieldIssue[]): Expectation[] {
  const out: Expectation[] = []
  list.forEach((item, i) => {
    const e = resolveOne(item, ['expectations', i], ctx, issues)
    if (e !== undefined) out.push(e)
  })
  return out
}

function resolveOne (item: ExpectationFile, path: FieldPath, ctx: ExpectationContext, issues: FieldIssue[]): Expectation | undefined {
  if (typeof item === 'string') {
    switch (item) {
      case 'streams-survive': return { kind: item, graceMs: ctx.slotMs }
      case 'coverage': return { kind: item, fromSlot: DEFAULTS.coverageFromSlot }
      case 'no-decay': return { kind: item, withinSlots: DEFAULTS.noDecayWithinSlots }
      case 'legs-settle': return { kind: item, withinSlots: DEFAULTS.legsSettleWithinSlots }
      case 'mesh-consistent': return meshConsistent(DEFAULTS.meshConsistentHeartbeats, ctx)
      case 'reopen-within': issues.push({ path, message: 'reopen-within needs a time', expected: '{ reopen-within: { ms: 1000 } } or { reopen-within: { slots: 1 } }' }); return undefined
      case 'unwedge-within': issues.push({ path, message: 'unwedge-within needs a time', expected: '{ unwedge-within: { ms: 4000 } } or { unwedge-within: { slots: 4 } }' }); return undefined
      case 'delivery-gap': issues.push({ path, message: 'delivery-gap needs a bound', expected: '{ delivery-gap: { maxMs: 1000 } } or { delivery-gap: { maxSlots: 1 } }' }); return undefined
      case 'block-delivery': return blockDelivery({}, path, ctx, issues)
      case 'latency': issues.push({ path, message: 'latency needs a bound', expected: '{ latency: { p50Ms: 100, p99Ms: 300 } } (either or both)' }); return undefined
    }
  }
  const [kind, raw] = Object.entries(item)[0] as [string, Record<string, number | undefined> | null]
  const p = raw ?? {}
  const here: FieldPath = [...path, kind]
  switch (kind) {
    case 'streams-survive': return { kind, graceMs: p.graceMs ?? ctx.slotMs }
    case 'reopen-within': {
      if ((p.ms === undefined) === (p.slots === undefined)) {
        issues.push({ path: here, message: p.ms === undefined ? 'reopen-within has neither ms nor slots' : 'reopen-within has both ms and slots', expected: 'one of ms or slots' })
        return undefined
      }
      return { kind, ms: p.ms ?? Math.round((p.slots ?? 0) * ctx.slotMs), graceMs: p.graceMs ?? ctx.slotMs }
    }
    case 'unwedge-within': {
      if ((p.ms === undefined) === (p.slots === undefined)) {
        issues.push({ path: here, message: p.ms === undefined ? 'unwedge-within has neither ms nor slots' : 'unwedge-within has both ms and slots', expected: 'one of ms or slots' })
        return undefined
      }
      return { kind, ms: p.ms ?? Math.round((p.slots ?? 0) * ctx.slotMs) }
    }
    case 'delivery-gap': {
      const maxMs = p.maxMs ?? Math.round((p.maxSlots ?? 0) * ctx.slotMs)
      if (maxMs < ctx.slotMs) {
        // every publisher publishes once per slot: gaps of one slot are the normal cadence
        issues.push({ path: [...here, p.maxMs !== undefined ? 'maxMs' : 'maxSlots'], message: `a gap bound of ${maxMs} ms is shorter than one slot (${ctx.slotMs} ms), the publishing cadence`, expected: `maxMs >= ${ctx.slotMs} (or maxSlots >= 1)` })
        return undefined
      }
      return { kind, maxMs }
    }
    case 'coverage': {
      const fromSlot = p['from-slot'] ?? DEFAULTS.coverageFromSlot
      if (fromSlot >= ctx.slots) {
        issues.push({ path: [...here, 'from-slot'], message: `from-slot ${fromSlot} is after the last slot (${ctx.slots - 1})`, expected: `a slot in 0..${ctx.slots - 1}` })
        return undefined
      }
      const min = p.min
      if (min !== undefined && min > ctx.validatorCount) {
        issues.push({ path: [...here, 'min'], message: `min ${min} is more than the ${ctx.validatorCount} validators`, expected: `min <= ${ctx.validatorCount}` })
        return undefined
      }
      const within = p['within-slots-after-fault']
      return { kind, fromSlot, ...(within !== undefined ? { withinSlotsAfterFault: within } : {}), ...(min !== undefined ? { min } : {}) }
    }
    case 'no-decay': return { kind, withinSlots: p['within-slots'] ?? DEFAULTS.noDecayWithinSlots }
    case 'legs-settle': return { kind, withinSlots: p['within-slots'] ?? DEFAULTS.legsSettleWithinSlots }
    case 'mesh-consistent': return meshConsistent(p.heartbeats ?? DEFAULTS.meshConsistentHeartbeats, ctx)
    case 'block-delivery': return blockDelivery(p, here, ctx, issues)
    case 'latency': {
      const fromSlot = p['from-slot'] ?? 0
      if (fromSlot >= ctx.slots) {
        issues.push({ path: [...here, 'from-slot'], message: `from-slot ${fromSlot} is after the last slot (${ctx.slots - 1})`, expected: `a slot in 0..${ctx.slots - 1}` })
        return undefined
      }
      if (p.p50Ms !== undefined && p.p99Ms !== undefined && p.p50Ms > p.p99Ms) {
        issues.push({ path: [...here, 'p50Ms'], message: `p50Ms ${p.p50Ms} is above p99Ms ${p.p99Ms}: the median cannot exceed the 99th percentile`, expected: 'p50Ms <= p99Ms' })
        return undefined
      }
      return { kind, fromSlot, ...(p.p50Ms !== undefined ? { p50Ms: p.p50Ms } : {}), ...(p.p99Ms !== undefined ? { p99Ms: p.p99Ms } : {}) }
    }
  }
  issues.push({ path: here, message: `unknown expectation "${kind}"` })
  return undefined
}

function blockDelivery (p: Record<string, number | undefined>, path: FieldPath, ctx: ExpectationContext, issues: FieldIssue[]): Expectation | undefined {
  if (!ctx.blocks) {
    issues.push({ path, message: 'block-delivery judges blocks, but the scenario has none', expected: 'a top-level blocks: { bytes: ... } (or no block-delivery)' })
    return undefined
  }
  const maxMs = p.maxMs ?? Math.round((p.maxSlots ?? DEFAULTS.blockDeliveryMaxSlots) * ctx.slotMs)
  return { kind: 'block-delivery', maxMs }
}

function meshConsistent (heartbeats: number, ctx: ExpectationContext): Expectation {
  return { kind: 'mesh-consistent', heartbeats, heartbeatMs: ctx.heartbeatMs, maxMs: heartbeats * ctx.heartbeatMs }
}
