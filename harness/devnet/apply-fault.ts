/**
 * One fault action on one leg: looks the action up in the list (harness/faults/actions/) and
 * runs its `apply` on the Leg handle, with the heal after `durationMs` when it takes one.
 * Used by the scenario runner's schedule and by library users (Devnet.fault).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '../cli/logger.ts'
import { ACTION_RULES, narrowerTransports, paramIssues } from '../faults/action-rules.ts'
import { legAction } from '../faults/actions/index.ts'
import { UnsupportedFaultError } from '../faults/leg.ts'
import type { FaultTag, Leg } from '../faults/leg.ts'
import type { FaultActionSpec } from '../scenario/types.ts'

/** One action on one leg; a timed fault heals itself after `durationMs`. */
export async function applyAction (leg: Leg, action: FaultActionSpec, tag: FaultTag, durationMs: number | undefined, signal: AbortSignal, log?: Logger): Promise<void> {
  checkAction(leg, action)
  const def = legAction(action.kind)
  if (def === undefined) throw new Error(`${action.kind} is not a leg action`)
  log?.debug({ fault: tag.fault, leg: leg.name, action, durationMs, selector: tag.selector }, 'fault applying')
  const healAfter = async (heal: () => Promise<void>): Promise<void> => {
    if (durationMs === undefined) return
    await sleep(durationMs, undefined, { signal })
    await heal()
    log?.debug({ fault: tag.fault, leg: leg.name, action: action.kind }, 'fault healed')
  }
  // its heal ends what this fault holds, not another fault's on the same leg (fault-holds.ts)
  await def.apply(action, { leg, tag: { ...tag, ownOnly: true }, signal, healAfter })
}

/**
 * The table's checks (harness/faults/action-rules.ts) before any engine call: the same
 * transport and parameter rules the scenario loader applied, so a library caller's action
 * fails the same way. (A duration on an action that takes none is the loader's business: a
 * planned flap carries its whole cycle as durationMs, and applyAction ignores it.)
 */
export function checkAction (leg: Pick<Leg, 'name' | 'transport'>, action: FaultActionSpec): void {
  const rule = ACTION_RULES[action.kind]
  if (!rule.transports.includes(leg.transport)) throw new UnsupportedFaultError(action.kind, leg.transport, `${rule.otherwise ?? ''} (leg ${leg.name})`)
  const narrower = narrowerTransports(action)
  if (narrower !== undefined && !narrower.transports.includes(leg.transport)) throw new UnsupportedFaultError(`${action.kind} as written`, leg.transport, `${narrower.why} (leg ${leg.name})`)
  const bad = paramIssues(action)
  if (bad.length > 0) throw new RangeError(`leg ${leg.name}: ${bad.map(b => `${b.message} (expected ${b.expected})`).join('; ')}`)
}
