/** The five leg expectations at 1 s and one slot: what judge.test.ts and unapplied-faults.test.ts judge recorded histories on. */
import type { Expectation } from '../../../harness/oracles/expectation.ts'

export const FIVE_EXPECTATIONS: readonly Expectation[] = [
  { kind: 'streams-survive', graceMs: 1000 },
  { kind: 'reopen-within', ms: 1000, graceMs: 1000 },
  { kind: 'delivery-gap', maxMs: 1000 },
  { kind: 'coverage', fromSlot: 0, withinSlotsAfterFault: 1 },
  { kind: 'no-decay', withinSlots: 1 }
]
