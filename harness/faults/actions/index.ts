/**
 * Every fault action a scenario can write, one file each, listed here once (nothing registers
 * itself on import). The scenario loader (resolve-faults.ts), the JSON Schema (schema-issues.ts
 * builds `definitions.action` from this list), the table of rules (action-rules.ts) and the
 * fault plane (apply-fault.ts, node-faults.ts, fault-scheduler.ts) all read FAULT_ACTIONS.
 *
 * Adding an action: one new file in this folder (a LegAction, NodeAction or PairAction, see
 * action.ts) and one line in the list below; then `node harness/scenario/write-schema.ts` writes
 * the shipped schema file for editors (tests/scenario/action-rules.test.ts fails until it is).
 */
import type { AnyAction, LegAction, NodeAction, PairAction, SpecOf } from './action.ts'
import { bandwidth } from './bandwidth.ts'
import { blackhole } from './blackhole.ts'
import { burstLoss } from './burst-loss.ts'
import { close } from './close.ts'
import { down } from './down.ts'
import { flap } from './flap.ts'
import { kill } from './kill.ts'
import { latency } from './latency.ts'
import { loss } from './loss.ts'
import { pause } from './pause.ts'
import { rebind } from './rebind.ts'
import { reset } from './reset.ts'
import { restart } from './restart.ts'
import { resume } from './resume.ts'
import { simultaneousDial } from './simultaneous-dial.ts'
import { stall } from './stall.ts'
import { up } from './up.ts'

export const FAULT_ACTIONS = [
  // on legs
  flap,
  down,
  up,
  blackhole,
  reset,
  close,
  rebind,
  latency,
  loss,
  bandwidth,
  stall,
  burstLoss,
  // on nodes
  kill,
  pause,
  resume,
  restart,
  // on a pair
  simultaneousDial
] as const

type Listed = typeof FAULT_ACTIONS[number]
/** A leg action as the scenario resolved it (flap, down, latency, ...). */
export type LegActionSpec = SpecOf<Extract<Listed, { on: 'leg' }>>
/** A node action as the scenario resolved it (kill, pause, resume, restart). */
export type NodeActionSpec = SpecOf<Extract<Listed, { on: 'node' }>>
/** A pair action as the scenario resolved it (simultaneous-dial). */
export type PairActionSpec = SpecOf<Extract<Listed, { on: 'pair' }>>
export type ActionKind = Listed['kind']

const byKind: ReadonlyMap<string, AnyAction> = new Map(FAULT_ACTIONS.map(a => [a.kind, a as AnyAction]))

/** The action of that name, or undefined. */
export function faultAction (kind: string): AnyAction | undefined {
  return byKind.get(kind)
}

export function legAction (kind: string): LegAction<{ kind: string }> | undefined {
  const a = byKind.get(kind)
  return a?.on === 'leg' ? a : undefined
}

export function nodeAction (kind: string): NodeAction<{ kind: string }> | undefined {
  const a = byKind.get(kind)
  return a?.on === 'node' ? a : undefined
}

export function pairAction (kind: string): PairAction<{ kind: string }> | undefined {
  const a = byKind.get(kind)
  return a?.on === 'pair' ? a : undefined
}

/** Names of the listed actions that act on `on`, in list order. */
export function actionNames (on: AnyAction['on']): string[] {
  return FAULT_ACTIONS.filter(a => a.on === on).map(a => a.kind)
}
