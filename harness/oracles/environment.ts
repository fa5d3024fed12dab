/**
 * The `environment` judgement: when was the machine, not the code under test,
 * in the way? Pure over the history like every oracle. Its inputs are the
 * timer-lateness windows every process reports (a node's `sched` events,
 * containers/CONTRACT.md section 6; the harness's own `harness_sched`
 * entries): a timer that fired L ms late at time t means the process ran no
 * timers in [t - L, t].
 *
 *   harness   ....[====812 ms====]............     a stall: lateness over the bound (default a quarter slot)
 *   node A    ......[===700===]...............
 *   node B    .......[====650====]............
 *   node C    ................................     majority (> half of the nodes) stalled: A+B of 4 is not,
 *   env       ....[==============]............       so here only the harness's stall counts
 *
 * An environment interval is where the harness stalled or more than half of
 * the run's nodes stalled at once. Inside one, a late direction is the
 * machine's doing in two cases:
 *   - the whole slot: most publisher->receiver directions missed its deadline
 *     ("every direction late at once", `stalledSlot`);
 *   - this direction: one of its own ends was not running where it mattered,
 *     the publisher before it published (it published a stall bound or more
 *     into the slot) or the receiver across the deadline (`stalledDirection`).
 *     Measured in CI: 8 nodes on 2 cores, 6 of them stalled 1-2 s in slots 1-3;
 *     a third of the directions missed slot 2, every one of them from or to a
 *     stalled node, while the others made it.
 *     Outside such an interval this holds too when the stalled end was
 *     descheduled (it used under half the stall in CPU) while the harness was
 *     held up as well (its timers over a tenth of a slot late): the machine
 *     was busy and did not run the node (measured in a matrix run at load 20:
 *     a TS node stalled 755 ms with 21 ms of CPU across a deadline, the
 *     harness 110-235 ms late). A node busy in its own event loop uses the
 *     CPU; a node frozen alone while the harness ran on time (SIGSTOP, or a
 *     blocking call) uses none either: both stay the node's own doing.
 * A direction late while both its ends ran is the code's doing, however loaded
 * the machine was. environment-excuse.ts applies this to the other verdicts.
 */
import type { History } from '../history/types.ts'
import { arrivals } from './coverage.ts'
import { union, type Interval } from './intervals.ts'
import { indexHistory, slotDeadline, slotStart, when, type RunIndex } from './run-index.ts'
import { heardValidators } from './subnet-interest.ts'

/** The harness's name among stall sources. */
export const HARNESS = 'harness'

export interface EnvironmentParams {
  /** a process stalled longer than this counts (default: a quarter slot) */
  boundMs?: number
}

/** One process not running its timers for longer than the bound. */
export interface Stall extends Interval {
  /** 'harness' or a node name */
  source: string
  lateMs: number
  /**
   * The process used under half the stall's length in CPU in its window: the OS did not run it (the
   * machine's doing), as opposed to a process busy in its own event loop (its own doing).
   */
  descheduled: boolean
  /**
   * The wall clock moved on between two of the process's windows by more than the window its own
   * (monotonic) clock measured: the machine itself stood still (a paused or snapshotted VM, a
   * suspended host) or the wall clock was stepped. Timers cannot see it, so it has no lateness of
   * its own; the slot clocks, which run on wall time, jumped past whole slots.
   */
  frozen?: boolean
}

/** Where the harness or a majority of nodes stalled at once. */
export interface EnvironmentInterval extends Interval {
  harness: boolean
  /** nodes with a stall overlapping the interval */
  nodes: string[]
  /** the longest stall of any source overlapping it, ms */
  worstMs: number
  /** "the harness and nodes A, B, C stalled up to 812 ms at +4.100s (slot 4)" */
  what: string
}

/** One slot's deliveries over all publisher->receiver directions the history can judge. */
export interface SlotLateness {
  slot: number
  /** directions judged (both ends ready before the slot, neither gone before its deadline) */
  directions: number
  /** of those, directions with no attestation of the slot before its deadline */
  late: number
}

export interface Environment {
  boundMs: number
  /**
   * Where the harness itself ran its timers late by over a tenth of a slot: the machine was busy. A
   * process the harness does not test was held up too, so a node's lone descheduled stall then is the
   * machine's; with the harness on time it may be the node's own (a blocking call uses no CPU either).
   */
  busy: Interval[]
  /** sources that reported lateness windows: 'harness' and node names */
  probed: string[]
  stalls: Stall[]
  intervals: EnvironmentInterval[]
  slots: SlotLateness[]
}

export function environmentOf (history: History, ix: RunIndex = indexHistory(history), params: EnvironmentParams = {}): Environment {
  const boundMs = params.boundMs ?? ix.slotMs / 4
  const probed = new Set<string>()
  const stalls: Stall[] = []
  const busy: Interval[] = []
  // a node the scenario paused (a `pause` node fault) is stalled on purpose: that is the fault, not the machine
  const paused = ix.faultWindows.filter(w => w.action === 'pause')
  const pausedOnPurpose = (source: string, fromMs: number, toMs: number): boolean => paused.some(w =>
    ix.faults.some(f => f.fault === w.fault && f.leg === w.leg && f.node === source) && w.fromMs <= toMs && fromMs <= w.toMs)
  const sample = (source: string, ts: number, w: { maxLateMs: unknown, maxLateAt: unknown, cpuMs?: unknown }): void => {
    probed.add(source)
    const lateMs = num(w.maxLateMs)
    if (lateMs === undefined || lateMs <= boundMs) return
    const at = num(w.maxLateAt) ?? ts
    if (pausedOnPurpose(source, at - lateMs, at)) return
    const cpuMs = num(w.cpuMs)
    stalls.push({ source, fromMs: at - lateMs, toMs: at, lateMs, descheduled: cpuMs !== undefined && cpuMs * 2 < lateMs })
  }
  for (const e of history) {
    if (e.kind === 'harness_sched' || (e.kind === 'node' && e.type === 'sched')) sample(e.kind === 'node' ? e.node : HARNESS, e.ts, e)
    if (e.kind === 'harness_sched') {
      const late = num(e.maxLateMs)
      const at = num(e.maxLateAt) ?? e.ts
      if (late !== undefined && late > ix.slotMs / 10) busy.push({ fromMs: at - late, toMs: at })
    }
  }
  for (const f of freezes(history, boundMs)) {
    if (pausedOnPurpose(f.source, f.fromMs, f.toMs)) continue
    stalls.push(f)
    if (f.source === HARNESS) busy.push({ fromMs: f.fromMs, toMs: f.toMs })
  }
  stalls.sort((a, b) => a.fromMs - b.fromMs)
  return { boundMs, busy: union(busy), probed: [...probed].sort(), stalls, intervals: environmentIntervals(ix, stalls), slots: slotLateness(ix) }
}

/**
 * Where a process's wall clock ran ahead of its own monotonic clock by over the bound: between two of
 * its lateness windows more wall time passed than the later window measured. Measured in CI (a 7-slot
 * run on 2 cores): the harness's and all three nodes' windows were 200-206 ms long by their own
 * clocks, yet their entries jumped from +3.1 s to +24.4 s of wall time while the kernel logged "crng
 * reseeded due to virtual machine fork"; the nodes' slot clocks (wall time) skipped slots 4-6 and the
 * aggregator saw no attestation in them. The jump lies somewhere between the two entries, so the
 * stall is that whole span. A node's gap across its own exit and restart is not one.
 */
function freezes (history: History, boundMs: number): Stall[] {
  const samples = new Map<string, Array<{ ts: number, windowMs: number }>>()
  const restarts = new Map<string, number[]>()
  for (const e of history) {
    const source = e.kind === 'harness_sched' ? HARNESS : e.kind === 'node' && e.type === 'sched' ? e.node : undefined
    const windowMs = source === undefined ? undefined : num((e as { windowMs?: unknown }).windowMs)
    if (source !== undefined && windowMs !== undefined) listOf(samples, source).push({ ts: e.ts, windowMs })
    if (e.kind === 'node_exit' || (e.kind === 'node' && e.type === 'ready')) listOf(restarts, e.node).push(e.ts)
  }
  const out: Stall[] = []
  for (const [source, list] of samples) {
    list.sort((a, b) => a.ts - b.ts)
    for (let i = 1; i < list.length; i++) {
      const before = list[i - 1]!
      const after = list[i]!
      const missingMs = after.ts - before.ts - after.windowMs
      if (missingMs <= boundMs || (restarts.get(source) ?? []).some(t => t >= before.ts && t <= after.ts)) continue
      out.push({ source, fromMs: before.ts, toMs: after.ts, lateMs: missingMs, descheduled: true, frozen: true })
    }
  }
  return out
}

/** Harness stalls, plus the times more than half of the run's nodes were stalled together. */
function environmentIntervals (ix: RunIndex, stalls: readonly Stall[]): EnvironmentInterval[] {
  const harness = union(stalls.filter(s => s.source === HARNESS))
  const perNode = ix.nodes.map(n => union(stalls.filter(s => s.source === n.name)))
  // sweep the nodes' stall edges: +1 at a start, -1 at an end
  const edges = perNode.flat().flatMap(i => [{ t: i.fromMs, d: 1 }, { t: i.toMs, d: -1 }]).sort((a, b) => a.t - b.t || a.d - b.d)
  const majority: Interval[] = []
  let count = 0
  let openedAt: number | undefined
  for (const e of edges) {
    count += e.d
    if (count * 2 > ix.nodes.length && openedAt === undefined) openedAt = e.t
    else if (count * 2 <= ix.nodes.length && openedAt !== undefined) { majority.push({ fromMs: openedAt, toMs: e.t }); openedAt = undefined }
  }
  return union([...harness, ...majority]).map(i => {
    const overlapping = stalls.filter(s => s.fromMs < i.toMs && s.toMs > i.fromMs)
    const nodes = [...new Set(overlapping.filter(s => s.source !== HARNESS).map(s => s.source))].sort()
    const withHarness = overlapping.some(s => s.source === HARNESS)
    const worstMs = Math.max(0, ...overlapping.map(s => s.lateMs))
    const who = [withHarness ? 'the harness' : '', nodes.length > 0 ? `node${nodes.length > 1 ? 's' : ''} ${nodes.join(', ')}` : ''].filter(x => x !== '').join(' and ')
    const froze = overlapping.some(s => s.frozen === true) ? ' (the wall clock jumped past their own clocks: the machine stood still)' : ''
    return { ...i, harness: withHarness, nodes, worstMs, what: `${who} stalled up to ${Math.round(worstMs)} ms${froze} at ${when(ix, i.fromMs)}` }
  })
}

/** Per slot: how many publisher->receiver directions missed the deadline (slots the history has seen to their deadline). */
function slotLateness (ix: RunIndex): SlotLateness[] {
  const publishers = ix.nodes.filter(n => n.validators.length > 0)
  const got = new Map(ix.nodes.map(n => [n.name, arrivals(ix, n.name)]))
  const out: SlotLateness[] = []
  for (let slot = 0; slot < ix.slots && slotDeadline(ix, slot) <= ix.observedUntil; slot++) {
    const start = slotStart(ix, slot)
    const deadline = slotDeadline(ix, slot)
    const up = (name: string): boolean => (ix.ready.get(name) ?? Infinity) <= start && (ix.exits.get(name)?.ts ?? Infinity) >= deadline
    let directions = 0
    let late = 0
    for (const p of publishers) {
      if (!up(p.name)) continue
      for (const r of ix.nodes) {
        if (r.name === p.name || !up(r.name)) continue
        const heard = heardValidators(ix, p, r)
        if (heard.length === 0) continue
        directions++
        const bySlot = got.get(r.name)?.get(slot)
        if (!heard.some(v => (bySlot?.get(v) ?? Infinity) < deadline)) late++
      }
    }
    out.push({ slot, directions, late })
  }
  return out
}

/** The environment intervals overlapping [fromMs, toMs). */
export function intervalsDuring (env: Environment, fromMs: number, toMs: number): EnvironmentInterval[] {
  return env.intervals.filter(i => i.fromMs < toMs && i.toMs > fromMs)
}

/**
 * The slot was the environment's doing: an environment interval overlaps it and more than half of
 * the judged directions missed its deadline. Undefined when it was not.
 */
export function stalledSlot (env: Environment, ix: RunIndex, slot: number): EnvironmentInterval[] | undefined {
  const s = env.slots[slot]
  if (s === undefined || s.directions === 0 || s.late * 2 <= s.directions) return undefined
  const during = intervalsDuring(env, slotStart(ix, slot), slotDeadline(ix, slot))
  return during.length > 0 ? during : undefined
}

/**
 * One direction's slot was the environment's doing although most directions may have made it: an
 * environment interval overlaps the slot, and the publisher was stalled in the slot before it published
 * its attestation (which went out a stall bound or more after the slot started, or never), or the
 * receiver was stalled across the deadline (what had arrived was not read before it).
 */
export function stalledDirection (env: Environment, ix: RunIndex, slot: number, publisher: string, receiver: string): EnvironmentInterval[] | undefined {
  const start = slotStart(ix, slot)
  const deadline = slotDeadline(ix, slot)
  const published = firstPublish(ix, publisher, slot)
  const held = [
    ...(published === undefined || published >= start + env.boundMs ? stallsDuring(env, publisher, start, Math.min(published ?? deadline, deadline)) : []),
    ...stallsDuring(env, receiver, deadline, deadline)
  ]
  if (held.length === 0) return undefined
  const during = intervalsDuring(env, start, deadline)
  if (during.length > 0) return during
  // no overload of the machine as a whole, but the OS did not run this end (it used almost no CPU while stalled)
  // while the harness was held up too (a node frozen alone, the others and the harness on time, is its own doing)
  const descheduled = held.filter(s => s.descheduled && env.busy.some(b => b.fromMs < s.toMs && b.toMs > s.fromMs))
  return descheduled.length > 0 ? descheduled.map(s => descheduledInterval(ix, s)) : undefined
}

function descheduledInterval (ix: RunIndex, s: Stall): EnvironmentInterval {
  return { fromMs: s.fromMs, toMs: s.toMs, harness: false, nodes: [s.source], worstMs: s.lateMs, what: `node ${s.source} was not scheduled for ${Math.round(s.lateMs)} ms at ${when(ix, s.fromMs)}` }
}

/** The slot, or else this direction of it, was the environment's doing (see above). */
export function stalledSlotOrDirection (env: Environment, ix: RunIndex, slot: number, publisher: string, receiver: string): EnvironmentInterval[] | undefined {
  return stalledSlot(env, ix, slot) ?? stalledDirection(env, ix, slot, publisher, receiver)
}

function stallsDuring (env: Environment, source: string, fromMs: number, toMs: number): Stall[] {
  return env.stalls.filter(s => s.source === source && s.fromMs <= toMs && s.toMs >= fromMs)
}

/** When the publisher published its first attestation of the slot (unix ms), or undefined. */
function firstPublish (ix: RunIndex, publisher: string, slot: number): number | undefined {
  let first: number | undefined
  for (const e of ix.events.get(publisher) ?? []) {
    if (e.type === 'msg_published' && e.slot === slot && (first === undefined || e.ts < first)) first = e.ts
  }
  return first
}

function listOf<T> (map: Map<string, T[]>, key: string): T[] {
  const list = map.get(key) ?? []
  map.set(key, list)
  return list
}

function num (v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}
