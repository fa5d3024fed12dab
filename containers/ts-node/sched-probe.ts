/**
 * How late this process runs its timers (containers/CONTRACT.md, event
 * `sched`): a short timer is re-armed every `tickMs`; how late it fires is
 * how long the process could not run (descheduled by the OS, or its event loop
 * blocked). Every `windowMs` the probe hands over one window: the worst
 * lateness, when that late timer finally ran, the p99 and the CPU time used.
 * The harness uses the same class for its own probe (harness_sched entries).
 *
 * perf_hooks.monitorEventLoopDelay samples the event-loop delay alongside
 * (its windowed max and p99 are folded in, and its since-start numbers feed
 * /v1/status). It is not the only source because resetting it per window can
 * drop a stall: measured on Node 24, a 300 ms block that ended just before a
 * reset left no sample in either window. The probe's own tick measures its own
 * lateness, so the window that ends right after a stall always carries it.
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks'
import type { SchedStatus } from '../../harness/contract/node-status.ts'

/** One window of timer lateness (the `sched` event's fields). */
export interface SchedWindow {
  /** the time this window covered, ms (it ends when the window is handed over) */
  windowMs: number
  /** the longest any timer of the window fired late, ms */
  maxLateMs: number
  p99LateMs: number
  /** unix ms when that latest timer ran: no timer ran in [maxLateAt - maxLateMs, maxLateAt] */
  maxLateAt: number
  /** CPU time (user + system) the process used in the window, ms */
  cpuMs: number
}

export interface SchedProbeOptions {
  windowMs?: number
  tickMs?: number
}

/** monitorEventLoopDelay's sampling period; its samples are the whole period plus the delay. */
const ELD_RESOLUTION_MS = 10

export class SchedProbe {
  readonly windowMs: number
  readonly tickMs: number
  private readonly onWindow: (w: SchedWindow) => void
  private readonly eldWindow: IntervalHistogram = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS })
  private readonly eldTotal: IntervalHistogram = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS })
  private timer: NodeJS.Timeout | undefined
  private due = 0
  private windowStart = 0
  private cpuAtStart: NodeJS.CpuUsage = process.cpuUsage()
  private lates: number[] = []
  private worst = { lateMs: 0, at: 0 }
  private maxSinceStart = 0
  private windows = 0
  private last: SchedWindow | null = null

  constructor (onWindow: (w: SchedWindow) => void, options: SchedProbeOptions = {}) {
    this.onWindow = onWindow
    this.windowMs = options.windowMs ?? 200
    this.tickMs = options.tickMs ?? 20
  }

  start (): void {
    if (this.timer !== undefined) return
    this.eldWindow.enable()
    this.eldTotal.enable()
    this.windowStart = performance.now()
    this.cpuAtStart = process.cpuUsage()
    this.arm()
  }

  stop (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.eldWindow.disable()
    this.eldTotal.disable()
  }

  status (): SchedStatus {
    const eld = (ns: number): number => round(Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS))
    const count = this.eldTotal.count
    return {
      windowMs: this.windowMs,
      tickMs: this.tickMs,
      last: this.last,
      sinceStart: {
        maxLateMs: Math.max(this.maxSinceStart, count > 0 ? eld(this.eldTotal.max) : 0),
        p99LateMs: count > 0 ? eld(this.eldTotal.percentile(99)) : 0,
        meanLateMs: count > 0 ? eld(this.eldTotal.mean) : 0,
        windows: this.windows
      }
    }
  }

  private arm (): void {
    this.due = performance.now() + this.tickMs
    this.timer = setTimeout(() => { this.tick() }, this.tickMs)
    // the probe must never be what keeps a process alive
    this.timer.unref()
  }

  private tick (): void {
    const now = performance.now()
    const late = Math.max(0, now - this.due)
    this.lates.push(late)
    if (late >= this.worst.lateMs) this.worst = { lateMs: late, at: Date.now() }
    if (now - this.windowStart >= this.windowMs) this.handOver(now)
    this.arm()
  }

  private handOver (now: number): void {
    const eldMax = this.eldWindow.count > 0 ? Math.max(0, this.eldWindow.max / 1e6 - ELD_RESOLUTION_MS) : 0
    const eldP99 = this.eldWindow.count > 0 ? Math.max(0, this.eldWindow.percentile(99) / 1e6 - ELD_RESOLUTION_MS) : 0
    const sorted = [...this.lates].sort((a, b) => a - b)
    const ownP99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0
    const cpu = process.cpuUsage(this.cpuAtStart)
    // a stall the histogram saw but the own tick did not (rare: it ended mid-tick) has no better time than now
    const useEld = eldMax > this.worst.lateMs
    const w: SchedWindow = {
      windowMs: round(now - this.windowStart),
      maxLateMs: round(useEld ? eldMax : this.worst.lateMs),
      p99LateMs: round(Math.max(ownP99, eldP99)),
      maxLateAt: useEld ? Date.now() : this.worst.at,
      cpuMs: round((cpu.user + cpu.system) / 1000)
    }
    this.maxSinceStart = Math.max(this.maxSinceStart, w.maxLateMs)
    this.windows++
    this.last = w
    this.windowStart = now
    this.cpuAtStart = process.cpuUsage()
    this.lates = []
    this.worst = { lateMs: 0, at: 0 }
    this.eldWindow.reset()
    this.onWindow(w)
  }
}

function round (ms: number): number {
  return Math.round(ms * 10) / 10
}
