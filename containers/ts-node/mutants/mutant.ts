/**
 * A mutant: one field bug re-created as a switchable defect on top of the
 * correct `leg-aware` node (containers/ts-node/MUTANTS.md describes each).
 * `meshflap power` runs every mutant against the fixture that names its bug
 * class; a mutant its fixture does not catch means the harness lost power.
 *
 * A mutant module imports types only (no runtime libraries): the harness
 * reads the list for names and summaries without loading libp2p.
 */
import type { Libp2p } from '@libp2p/interface'
import type { EventLog } from '../events.ts'
import type { GossipInternals } from '../gossip-internals.ts'
import type { LegBook } from '../leg-book.ts'
import type { WedgeProbe } from '../wedge-probe.ts'
import type { StreamObserver } from '../stream-observer.ts'

/** What a mutant may wrap: the same parts the leg discipline wraps. */
export interface MutantContext {
  libp2p: Libp2p
  gossip: GossipInternals
  legs: LegBook
  observer: StreamObserver
  events: EventLog
  /** the wedge probe (leg-aware: always there; mutants only run on leg-aware) */
  wedgeProbe?: WedgeProbe
}

/**
 * When a mutant installs: `before` the leg discipline wraps gossipsub (the
 * discipline then calls through the mutant's wrapper, as the field code sat
 * below its own fix), or `after` it (the mutant overrides what the fix does).
 */
export type MutantStage = 'before-discipline' | 'after-discipline'

export interface Mutant {
  readonly name: string
  /** one line: the bug, the field commit it mirrors */
  readonly summary: string
  /** the fixture (fixtures/scenarios/<name>.yaml) that must catch it on every seed */
  readonly fixture: string
  readonly stage: MutantStage
  readonly install: (ctx: MutantContext) => void
}

export function defineMutant<const Name extends string> (m: Mutant & { name: Name }): Mutant & { name: Name } {
  return m
}
