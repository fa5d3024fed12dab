/**
 * A node that stops answering is a finding, never a hung run: every slot the
 * watchdog asks each node for its status; a node that misses `strikes` answers
 * in a row is recorded as hung (an `error` note in its log tail) and killed, so
 * its exit goes into the history as an unexpected one and the run ends as
 * node-failed with the node's last log lines in the verdicts. Nodes the
 * scenario paused, is restarting or killed (Devnet.nodeFaults) are not asked:
 * they are silent on purpose, and their strikes start again from zero when they
 * are back. A node whose status answer timed out but whose event stream spoke
 * while the harness waited for it (every TS, Go and Rust node sends a `sched` event every
 * 200 ms) is alive and slow, not hung: on a loaded machine a status answer can
 * take longer than the timeout (seen in a suite run at load 19, where a
 * scheduled quorum-32 node was killed as hung).
 */
import type { Devnet } from '../devnet/devnet.ts'

export interface HangWatchdogOptions {
  everyMs: number
  /** missed answers in a row before a node counts as hung (default 3) */
  strikes?: number
  onHung: (node: string, detail: string) => void
}

export class HangWatchdog {
  private readonly devnet: Devnet
  private readonly options: HangWatchdogOptions
  private readonly missed = new Map<string, number>()
  /** when each node's event stream last spoke (by the running node object: a restart brings a new one) */
  private readonly heardAt = new WeakMap<object, number>()
  private readonly listening = new WeakSet<object>()
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor (devnet: Devnet, options: HangWatchdogOptions) {
    this.devnet = devnet
    this.options = options
  }

  start (): void {
    const tick = async (): Promise<void> => {
      await this.check()
      if (!this.stopped) this.timer = setTimeout(() => { void tick() }, this.options.everyMs)
    }
    this.timer = setTimeout(() => { void tick() }, this.options.everyMs)
  }

  stop (): void {
    this.stopped = true
    clearTimeout(this.timer)
  }

  private async check (): Promise<void> {
    const strikes = this.options.strikes ?? 3
    // a node the scenario paused, is restarting or killed is silent on purpose, not hung
    const onPurpose = (name: string): boolean => this.devnet.nodeFaults.stateOf(name) !== undefined
    const checkedAt = Date.now()
    await Promise.all(this.devnet.nodes().map(async n => {
      if (!this.listening.has(n.running)) {
        this.listening.add(n.running)
        n.running.onEvent(() => { this.heardAt.set(n.running, Date.now()) })
      }
      if (onPurpose(n.spec.name)) { this.missed.set(n.spec.name, 0); return }
      try {
        await n.client.status(Math.min(1000, this.options.everyMs))
        this.missed.set(n.spec.name, 0)
      } catch (err) {
        // paused while the request was in flight: not a strike
        if (onPurpose(n.spec.name)) return
        // it spoke on its event stream while we waited for the answer: slow to answer, not hung
        if ((this.heardAt.get(n.running) ?? 0) >= checkedAt) { this.missed.set(n.spec.name, 0); return }
        const count = (this.missed.get(n.spec.name) ?? 0) + 1
        this.missed.set(n.spec.name, count)
        if (count === strikes && !this.stopped) {
          this.options.onHung(n.spec.name, `node ${n.spec.name} did not answer its control API ${strikes} times in a row (${(err as Error).message}); killed as hung`)
          await n.running.kill()
        }
      }
    }))
  }
}
