/**
 * One fault action on one leg: the single place that maps a scenario action
 * (harness/scenario/types.ts FaultActionSpec) onto the Leg handle's methods.
 * Used by the scenario runner's schedule and by library users (Devnet.fault).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '../cli/logger.ts'
import { ACTION_RULES, paramIssues, toxiproxyRate } from '../faults/action-rules.ts'
import { UnsupportedFaultError } from '../faults/leg.ts'
import type { FaultTag, Leg } from '../faults/leg.ts'
import type { FaultActionSpec } from '../scenario/types.ts'

/** One action on one leg; a timed fault heals itself after `durationMs`. */
export async function applyAction (leg: Leg, action: FaultActionSpec, tag: FaultTag, durationMs: number | undefined, signal: AbortSignal, log?: Logger): Promise<void> {
  checkAction(leg, action)
  log?.debug({ fault: tag.fault, leg: leg.name, action, durationMs, selector: tag.selector }, 'fault applying')
  const healAfter = async (heal: () => Promise<void>): Promise<void> => {
    if (durationMs === undefined) return
    await sleep(durationMs, undefined, { signal })
    await heal()
    log?.debug({ fault: tag.fault, leg: leg.name, action: action.kind }, 'fault healed')
  }
  switch (action.kind) {
    case 'flap': await leg.flap({ times: action.times, downMs: action.downMs, upMs: action.upMs }, { ...tag, signal }); return
    case 'down': await leg.down(tag); await healAfter(async () => { await leg.up(tag) }); return
    case 'up': await leg.up(tag); return
    case 'blackhole': await leg.blackhole(action.direction, tag); await healAfter(async () => { await leg.heal(tag) }); return
    case 'latency': await leg.latency(action.ms, action.jitterMs, { ...tag, direction: action.direction }); await healAfter(async () => { await leg.heal(tag) }); return
    case 'loss': await leg.loss(action.probability, { ...tag, direction: action.direction }); await healAfter(async () => { await leg.heal(tag) }); return
    case 'bandwidth': await leg.bandwidth(toxiproxyRate(action.kbps), { ...tag, direction: action.direction }); await healAfter(async () => { await leg.heal(tag) }); return
    case 'reset': await leg.reset(tag); await healAfter(async () => { await leg.heal(tag) }); return
    case 'close': await leg.close(tag); return
    case 'rebind': await leg.rebind(tag); return
    case 'stall': await leg.stall(action.direction, { ...tag, maxBytes: action.maxBytes }); await healAfter(async () => { await leg.heal(tag) }); return
    case 'burst-loss': await leg.burstLoss(action.burstMs, action.everyMs, { ...tag, direction: action.direction }); await healAfter(async () => { await leg.heal(tag) }); return
  }
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
  const bad = paramIssues(action)
  if (bad.length > 0) throw new RangeError(`leg ${leg.name}: ${bad.map(b => `${b.message} (expected ${b.expected})`).join('; ')}`)
}
