/**
 * One fault action on one leg: the single place that maps a scenario action
 * (harness/scenario/types.ts FaultActionSpec) onto the Leg handle's methods.
 * Used by the scenario runner's schedule and by library users (Devnet.fault).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '../cli/logger.ts'
import type { FaultTag, Leg } from '../faults/leg.ts'
import type { FaultActionSpec } from '../scenario/types.ts'

/** One action on one leg; a timed fault heals itself after `durationMs`. */
export async function applyAction (leg: Leg, action: FaultActionSpec, tag: FaultTag, durationMs: number | undefined, signal: AbortSignal, log?: Logger): Promise<void> {
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
    case 'bandwidth': await leg.bandwidth(Math.round(action.kbps / 8), { ...tag, direction: action.direction }); await healAfter(async () => { await leg.heal(tag) }); return
    case 'reset': await leg.reset(tag); return
    case 'close': await leg.close(tag); return
    case 'rebind': await leg.rebind(tag); return
  }
}
