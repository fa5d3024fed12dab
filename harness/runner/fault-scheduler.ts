/**
 * Applies a planned fault schedule (harness/scenario/plan-faults.ts) to a
 * running devnet: at each entry's time it reads live status, resolves the
 * selector (decide), then drives the legs' proxies (apply). Every action is
 * recorded in the history by the Leg handles themselves.
 *
 *   genesis + atMs ──> devnet.snapshot() ──resolveTarget──> legs ──Leg.down()/flap()/...──> history
 *                        (a selector left unresolved: decided once more 500 ms after its time)
 *   (node faults)  ──> decideNodeTarget ──> nodes ──devnet.nodeFaults.apply(kill/pause/resume/restart)──> history
 *   (pair faults)  ──> the pair action's apply (simultaneous-dial) ──> history
 *                                 └──streamsOnLeg──> the streams each leg carried (FaultEntry.hit)
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Devnet } from '../devnet/devnet.ts'
import type { LegName } from '../history/types.ts'
import type { FaultTag } from '../faults/leg.ts'
import { applyAction } from '../devnet/apply-fault.ts'
import type { PlannedFault } from '../scenario/plan-faults.ts'
import { resolveTarget } from '../scenario/resolve-target.ts'
import { decideNodeTarget, isNodeTarget, needsStatus, nodeSelectorText } from '../scenario/resolve-node-target.ts'
import { legAction, pairAction } from '../faults/actions/index.ts'
import type { FaultActionSpec, NodeActionSpec, NodeTarget, Target } from '../scenario/types.ts'
import type { TargetResolution, TargetedLeg } from '../scenario/resolve-target.ts'
import type { StatusSnapshot } from '../scenario/status-snapshot.ts'
import { seededRng } from '../scenario/seeded-rng.ts'
import { streamsOnLeg } from '../scenario/streams-on-leg.ts'

/** How long before its time a fault's selector is resolved from live status. */
const RESOLVE_AHEAD_MS = 250
/** A selector left unresolved is decided once more this long after the fault's time (a reopen takes about this long). */
const REDECIDE_AFTER_MS = 500

export interface FaultSchedulerOptions {
  signal: AbortSignal
  /** a fault that could not be applied as written (no leg resolved, engine error) */
  note: (message: string) => void
  onApplied?: (planned: PlannedFault, legs: number) => void
}

export class FaultScheduler {
  private readonly devnet: Devnet
  private readonly plan: PlannedFault[]
  private readonly options: FaultSchedulerOptions
  private readonly running = new Set<Promise<void>>()
  private readonly timers: NodeJS.Timeout[] = []
  /** leg -> until when (unix ms, as planned) a fault applied to it holds it: random draws skip held legs */
  private readonly heldUntil = new Map<LegName, number>()
  applied = 0

  constructor (devnet: Devnet, plan: PlannedFault[], options: FaultSchedulerOptions) {
    this.devnet = devnet
    this.plan = plan
    this.options = options
  }

  start (): void {
    for (const planned of this.plan) {
      // decide a little ahead (status from every node takes a moment on a loaded machine), apply on time
      const due = this.devnet.genesisMs + planned.atMs
      const delay = Math.max(0, due - RESOLVE_AHEAD_MS - Date.now())
      this.timers.push(setTimeout(() => { this.track(this.apply(planned, due)) }, delay))
    }
  }

  /** Waits for every fault in progress (flaps, timed heals) to finish or be aborted. */
  async settle (): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }

  stop (): void {
    for (const t of this.timers) clearTimeout(t)
  }

  private track (p: Promise<void>): void {
    this.running.add(p)
    void p.finally(() => this.running.delete(p))
  }

  private async apply (planned: PlannedFault, due: number): Promise<void> {
    const { signal, note } = this.options
    if (signal.aborted) return
    if (isNodeTarget(planned.target)) { await this.applyToNodes(planned, planned.target, planned.action as NodeActionSpec, due); return }
    if (planned.target.kind === 'pair') { await this.applyToPair(planned, planned.target.pair, due); return }
    const where = planned.fault.where
    const failed = (reason: string, selector?: string, leg?: TargetedLeg, severalBearingLegs?: string): void => {
      if (signal.aborted) return
      note(`${planned.id} (${where})${selector !== undefined ? `: ${selector}` : ''}${leg !== undefined ? ` on ${leg.leg}` : ''} not applied: ${reason}`)
      this.devnet.recordFaultFailed({
        fault: planned.id, action: planned.action.kind, reason, where, ...(selector !== undefined ? { selector } : {}), ...(leg !== undefined ? { leg: leg.leg } : {}),
        ...(severalBearingLegs !== undefined ? { severalBearingLegs } : {})
      })
    }
    try {
      let { snapshot, resolution } = await this.decide(planned, planned.id, due)
      await sleep(Math.max(0, due - Date.now()), undefined, { signal })
      if (resolution.unresolved.length > 0) {
        // a stream-placement selector can miss a moment of churn (the stream it names is being
        // reopened after an earlier fault): decided once more from fresh status, same seed
        await sleep(REDECIDE_AFTER_MS, undefined, { signal })
        const again = await this.decide(planned, `${planned.id} (decided again)`, due)
        if (again.resolution.unresolved.length < resolution.unresolved.length) ({ snapshot, resolution } = again)
      }
      for (const u of resolution.unresolved) failed(u.reason, u.selector, undefined, u.severalBearingLegs)
      if (resolution.legs.length === 0 && resolution.unresolved.length === 0) failed('the selector resolved to no leg')
      this.applied++
      this.options.onApplied?.(planned, resolution.legs.length)
      const results = await Promise.allSettled(resolution.legs.map(async t => {
        const tag: FaultTag = {
          fault: planned.id, selector: t.selector, dialerLeg: t.dialerLeg, listenerLeg: t.listenerLeg,
          // what rode the leg as it was decided: "the fault touched no stream" must be visible, not inferred
          hit: streamsOnLeg(snapshot, t.dialer, t.listener, { ...(t.dialerLeg !== undefined ? { dialerLeg: t.dialerLeg } : {}), ...(t.listenerLeg !== undefined ? { listenerLeg: t.listenerLeg } : {}) }),
          ...(planned.fault.exercised ? { mustHit: true } : {}),
          ...(planned.fault.legDeathWithinMs !== undefined ? { legDeathWithinMs: planned.fault.legDeathWithinMs } : {})
        }
        await applyAction(this.devnet.leg(t.leg), planned.action as FaultActionSpec, tag, planned.durationMs, signal, this.devnet.log)
      }))
      results.forEach((r, i) => { if (r.status === 'rejected') failed((r.reason as Error).message, resolution.legs[i]!.selector, resolution.legs[i]) })
    } catch (err) {
      failed((err as Error).message)
    }
  }

  /** The target decided from live status (same seed, so the same choice on the same status and the same faults in force). */
  private async decide (planned: PlannedFault, label: string, due: number): Promise<{ snapshot: StatusSnapshot, resolution: TargetResolution }> {
    const snapshot = await this.devnet.snapshot()
    const liveLegsOnly = legAction((planned.action as FaultActionSpec).kind)?.needsConnection === true
    const heldLegs = new Set([...this.heldUntil].filter(([, until]) => until > due).map(([leg]) => leg))
    const resolution = resolveTarget(planned.target as Target, snapshot, seededRng(planned.rngSeed), { liveLegsOnly, heldLegs })
    // held from the moment it is decided: a fault due within RESOLVE_AHEAD_MS of this one is decided before this one applies
    this.hold(resolution.legs, due, planned.durationMs)
    this.devnet.logResolution(planned.target as Target, resolution, label)
    return { snapshot, resolution }
  }

  /** The legs a fault with a duration holds from `due` until its planned heal (instant actions hold nothing). */
  private hold (legs: readonly TargetedLeg[], due: number, durationMs: number | undefined): void {
    if (durationMs === undefined) return
    for (const t of legs) this.heldUntil.set(t.leg, Math.max(this.heldUntil.get(t.leg) ?? 0, due + durationMs))
  }

  /**
   * A node fault: the nodes are drawn from the fault's own seed, or (bearing-node-of) decided from
   * live status just ahead of time; the action's own file does the rest (a pause with a duration
   * is resumed after it, a restart waits its `after`).
   */
  private async applyToNodes (planned: PlannedFault, target: NodeTarget, action: NodeActionSpec, due: number): Promise<void> {
    const { signal, note } = this.options
    const selector = nodeSelectorText(target)
    try {
      // live status: for targets decided from it, and for what the node's legs carried (FaultEntry.hit)
      const snapshot = await this.devnet.snapshot()
      const hitOf = (leg: LegName): string[] => { const [dialer, listener] = leg.split('>') as [string, string]; return streamsOnLeg(snapshot, dialer, listener) }
      const tag = { fault: planned.id, selector, hitOf, ...(planned.fault.exercised ? { mustHit: true } : {}) }
      const decided = decideNodeTarget(target, this.devnet.scenario.nodes, seededRng(planned.rngSeed), needsStatus(target) ? snapshot : undefined)
      this.devnet.log.debug({ fault: planned.id, selector, nodes: decided.nodes, why: decided.why, unresolved: decided.unresolved }, 'node target resolved')
      await sleep(Math.max(0, due - Date.now()), undefined, { signal })
      if (decided.unresolved !== undefined) {
        // never a guess: the history says the fault was not applied, so no verdict can pass on it
        note(`${planned.id} (${planned.fault.where}): ${selector} not applied: ${decided.unresolved}`)
        this.devnet.recordFaultFailed({
          fault: planned.id, action: action.kind, reason: decided.unresolved, where: planned.fault.where, selector,
          ...(decided.severalBearingLegs !== undefined ? { severalBearingLegs: decided.severalBearingLegs } : {})
        })
        return
      }
      this.applied++
      this.options.onApplied?.(planned, decided.nodes.length)
      await Promise.all(decided.nodes.map(async node => {
        try {
          await this.devnet.nodeFaults.apply(node, action, tag, { ...(planned.durationMs !== undefined ? { durationMs: planned.durationMs } : {}), signal })
        } catch (err) {
          if (!signal.aborted) note(`${planned.id} (${planned.fault.where}) on node ${node} failed: ${(err as Error).message}`)
        }
      }))
    } catch (err) {
      if (!signal.aborted) note(`${planned.id} (${planned.fault.where}) failed: ${(err as Error).message}`)
    }
  }

  /** A pair action (simultaneous-dial) through its own file; its outcome is in the history. */
  private async applyToPair (planned: PlannedFault, pair: [string, string], due: number): Promise<void> {
    const { signal, note } = this.options
    const def = pairAction(planned.action.kind)
    try {
      if (def === undefined) throw new Error(`${planned.action.kind} is not a pair action`)
      await sleep(Math.max(0, due - Date.now()), undefined, { signal })
      this.applied++
      this.options.onApplied?.(planned, 2)
      const tag = { fault: planned.id, selector: `pair: ${pair[0]},${pair[1]}` }
      await def.apply(planned.action, {
        pair,
        tag,
        signal,
        simultaneousDial: async () => await this.devnet.simultaneousDial(pair[0], pair[1], { ...tag, signal }),
        note: message => { note(`${planned.id} (${planned.fault.where}): ${message}`) }
      })
    } catch (err) {
      if (!signal.aborted) note(`${planned.id} (${planned.fault.where}) failed: ${(err as Error).message}`)
    }
  }
}
