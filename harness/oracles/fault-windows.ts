/**
 * The fault timeline as windows per harness leg: when each fault was in
 * force. Verdicts ask "was this leg faulted at t?" and "was this leg passing
 * traffic at t?" of these.
 *
 *   apply (fault f, leg A>B) ─────────────── heal (f, A>B)        => [apply, heal]
 *   apply, no heal before the history ends                        => [apply, end], open
 *   close (nothing to heal)                                       => [ts, ts], instant
 *   rebind (nothing to heal; the path may be lost until the
 *           transport's idle timeout, see FaultWindowOptions)     => [ts, ts + rebindEffectMs], instant
 *   pause (node C, leg C>A) ───────── resume + graceMs           => [pause, resume + grace]
 *   kill (node C, leg C>A) ───────────────────────────────────── => [kill, end], open
 *   restart (node C, leg C>A) ──── restart heal + graceMs          => [stop, back + grace]
 *
 * A heal closes the open window of the same fault id on that leg; failing
 * that, the latest open window of the same action there; failing that, the
 * latest open window on the leg. A `heal` action (every toxic removed) closes
 * every open window on its leg; an `up` closes the latest `down`, a `resume`
 * the latest `pause` (its window ends `params.graceMs` after the resume).
 */
import type { FaultAction, FaultEntry, LegName } from '../history/types.ts'

/** One fault on one leg, from apply to heal (unix ms). */
export interface FaultWindow {
  fault: string
  action: FaultAction
  leg: LegName
  fromMs: number
  toMs: number
  /** no heal was recorded before the history ended */
  open: boolean
  /** a one-shot action with nothing to heal */
  instant: boolean
  /** nothing (or, for loss, nearly nothing) gets through the leg while it is in force */
  blocking: boolean
  selector?: string
  /** FaultEntry.hit of the apply entry: stream directions riding the leg when it started (absent: not recorded) */
  hit?: string[]
  /** FaultEntry.mustHit: the scenario required this fault to hit a stream */
  mustHit?: boolean
  /** FaultEntry.legDeathWithinMs: the scenario's bound on detecting this leg's death */
  legDeathWithinMs?: number
}

/** What the fault timeline needs from the run beyond the fault entries. */
export interface FaultWindowOptions {
  /**
   * How long a rebind can go on costing its leg. A QUIC stack that refuses path migration
   * (@chainsafe/libp2p-quic and rust-libp2p set quinn's `migration(false)`) drops every packet
   * from the new port, so the leg is dead until its idle timeout notices, measured at 0.9-1.1 x
   * the idle timeout in tests/faults-nodes/leg-faults.test.ts. A stack that migrates loses
   * nothing, and a window nothing happens in explains nothing. Absent: the rebind is an instant.
   */
  rebindEffectMs?: number
}

const INSTANT: ReadonlySet<FaultAction> = new Set<FaultAction>(['close', 'rebind'])

function isBlocking (f: FaultEntry): boolean {
  // a stall passes ACKs and pings only: no data gets through
  if (f.action === 'down' || f.action === 'blackhole' || f.action === 'reset' || f.action === 'stall') return true
  // a killed, frozen or restarting node passes nothing on any of its legs
  if (f.action === 'kill' || f.action === 'pause' || f.action === 'restart') return true
  // the pair's legs are closed on purpose until both dials are back
  if (f.action === 'simultaneous-dial') return true
  if (f.action === 'loss') return Number(f.params?.p ?? f.params?.probability ?? 0) >= 1
  if (f.action === 'bandwidth') return Number(f.params?.rateKBps ?? f.params?.kbps ?? 1) <= 0
  return false
}

export function faultWindows (faults: readonly FaultEntry[], endMs: number, opts: FaultWindowOptions = {}): FaultWindow[] {
  const done: FaultWindow[] = []
  const open: FaultWindow[] = []
  const close = (w: FaultWindow, ts: number): void => {
    open.splice(open.indexOf(w), 1)
    done.push({ ...w, toMs: Math.max(w.fromMs, ts), open: false })
  }
  for (const f of [...faults].sort((a, b) => a.ts - b.ts)) {
    const heals = f.phase === 'heal' || f.action === 'up' || f.action === 'heal' || f.action === 'resume'
    if (heals) {
      const onLeg = open.filter(w => w.leg === f.leg)
      if (f.action === 'heal') {
        // a fault's heal ends that fault's window only: overlapping faults on one leg (a blackhole applied
        // while a latency heals) keep theirs, as the fault plane removes only the healed fault's toxic
        const own = onLeg.filter(w => w.fault === f.fault)
        for (const w of own.length > 0 ? own : onLeg) close(w, f.ts)
        continue
      }
      if (f.action === 'resume') {
        const paused = onLeg.filter(w => w.action === 'pause')
        const target = paused.find(w => w.fault === f.fault) ?? paused.at(-1)
        if (target !== undefined) close(target, f.ts + Math.max(0, Number(f.params?.graceMs ?? 0)))
        continue
      }
      const target = onLeg.find(w => w.fault === f.fault && (f.action === 'up' || w.action === f.action)) ??
        onLeg.filter(w => w.action === (f.action === 'up' ? 'down' : f.action)).at(-1) ??
        onLeg.at(-1)
      // a restarted node's heal carries its recovery grace, like a resume
      if (target !== undefined) close(target, f.ts + (f.action === 'restart' ? Math.max(0, Number(f.params?.graceMs ?? 0)) : 0))
      continue
    }
    const w: FaultWindow = {
      fault: f.fault,
      action: f.action,
      leg: f.leg,
      fromMs: f.ts,
      toMs: f.action === 'rebind' ? Math.min(endMs, f.ts + (opts.rebindEffectMs ?? 0)) : f.ts,
      open: false,
      instant: INSTANT.has(f.action),
      blocking: isBlocking(f),
      ...(f.selector !== undefined ? { selector: f.selector } : {}),
      ...(f.hit !== undefined ? { hit: [...f.hit] } : {}),
      ...(f.mustHit === true ? { mustHit: true } : {}),
      ...(f.legDeathWithinMs !== undefined ? { legDeathWithinMs: f.legDeathWithinMs } : {})
    }
    if (w.instant) done.push(w)
    else open.push(w)
  }
  for (const w of open) done.push({ ...w, toMs: Math.max(w.fromMs, endMs), open: true })
  return done.sort((a, b) => a.fromMs - b.fromMs || a.leg.localeCompare(b.leg))
}

/** Link faults after which a transport's backed-off retransmissions take time to get through again. */
const LINK_BLOCKING: ReadonlySet<FaultAction> = new Set<FaultAction>(['down', 'blackhole', 'stall', 'loss', 'bandwidth', 'reset'])

/**
 * How long after its heal a blocking link fault can go on costing its leg. While nothing gets
 * through, QUIC (probe timeout) and TCP (retransmission timeout) double their retransmission
 * timer at each loss, so the first retransmission after a heal comes up to about as long after
 * it as the outage lasted (retransmissions at p, 3p, 7p, ...: the one after an outage of d comes
 * by 2d + p). A node probing the leg meanwhile sees no round trip and may give the leg up
 * (measured: a 1.2 s QUIC down with 128 KiB blocks on the leg, no answer to a ping 1.7 s after
 * the heal, fixtures/investigations/field-shaped.md). An outage longer than the QUIC idle
 * timeout ends the leg instead, so the tail is at most that timeout; 0 when it is not recorded,
 * for an open window, and for instants and node faults (they have their own grace).
 */
export function recoveryTailMs (w: FaultWindow, idleTimeoutMs: number | undefined): number {
  if (idleTimeoutMs === undefined || w.open || w.instant || !w.blocking || !LINK_BLOCKING.has(w.action)) return 0
  return Math.max(0, Math.min(w.toMs - w.fromMs, idleTimeoutMs))
}

/** The first application of each fault id (apply entries only, heals and `up` excluded), in time order. */
export function faultApplies (faults: readonly FaultEntry[]): FaultEntry[] {
  return faults.filter(f => f.phase === 'apply' && f.action !== 'up' && f.action !== 'heal' && f.action !== 'resume').sort((a, b) => a.ts - b.ts)
}
