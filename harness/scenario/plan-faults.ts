/**
 * Decide, then apply: the scenario's faults expanded into a concrete,
 * time-ordered schedule (repeat/every unrolled, jitter drawn) before any node
 * starts. Pure: the same scenario and seed give the same plan, so a schedule
 * is unit-testable without a network and a rerun with the seed replays it.
 *
 *   faults[1]: slot 2, repeat 3, every 2 slots  ──>  faults[1]#1 @2000  faults[1]#2 @4000  faults[1]#3 @6000
 *
 * Which legs each entry hits is decided later, at its time, from live status
 * (`resolveTarget`), with a generator seeded by the entry's own `rngSeed`, so
 * a random choice does not shift when another fault is added or removed.
 */
import { childSeed, seededRng, type RngFactory } from './seeded-rng.ts'
import type { FaultActionSpec, NodeActionSpec, NodeTarget, PairActionSpec, PairTarget, Scenario, ScenarioFault, Target } from './types.ts'

/** One application of one fault. */
export interface PlannedFault {
  /** "faults[1]" for a single fault, "faults[1]#2" for its 2nd repetition */
  id: string
  fault: ScenarioFault
  /** 1-based */
  repetition: number
  /** ms after genesis */
  atMs: number
  /** the slot `atMs` falls in */
  slot: number
  action: FaultActionSpec | NodeActionSpec | PairActionSpec
  target: Target | NodeTarget | PairTarget
  /** ms from apply until the leg is healed (a flap's whole cycle), absent = not healed by this entry */
  durationMs?: number
  /** seed for this entry's random choices (random targets) */
  rngSeed: number
}

/** Expands `scenario.faults` (seed default: the scenario's) into a schedule sorted by time. */
export function planFaults (scenario: Scenario, seed: number = scenario.seed, makeRng: RngFactory = seededRng): PlannedFault[] {
  const plan: PlannedFault[] = []
  for (const fault of scenario.faults) {
    // one generator per fault, so faults do not shift each other's draws
    const rng = makeRng(mixSeed(seed, fault.index))
    for (let r = 1; r <= fault.repeat; r++) {
      const jitter = r > 1 && fault.jitterMs > 0 ? Math.floor(rng() * (fault.jitterMs + 1)) : 0
      const atMs = fault.atMs + (r - 1) * (fault.everyMs ?? 0) + jitter
      const durationMs = durationOf(fault)
      plan.push({
        id: fault.repeat > 1 ? `${fault.id}#${r}` : fault.id,
        fault,
        repetition: r,
        atMs,
        slot: Math.floor(atMs / scenario.slotMs),
        action: fault.action,
        target: fault.target,
        ...(durationMs !== undefined ? { durationMs } : {}),
        rngSeed: childSeed(rng)
      })
    }
  }
  return plan.sort((a, b) => a.atMs - b.atMs || a.fault.index - b.fault.index || a.repetition - b.repetition)
}

function durationOf (fault: ScenarioFault): number | undefined {
  const a = fault.action
  // harness/faults/leg.ts flap(): times x (down, downMs, up) with upMs between cycles
  if (a.kind === 'flap') return a.times * a.downMs + (a.times - 1) * a.upMs
  return fault.durationMs
}

/** Combines the run seed and a fault index into one 32-bit seed (splitmix32 finaliser). */
export function mixSeed (seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0
  return (h ^ (h >>> 16)) >>> 0
}
