/**
 * One timer-lateness probe (sched-probe.ts) for every node of a process. Lateness is a
 * property of the process, not of a node: several probes in one event loop would only
 * measure each other. Each node subscribes once it is `ready` and gets every window as
 * its own `sched` event; the probe runs while anyone listens.
 */
import { SchedProbe } from './sched-probe.ts'
import type { SchedWindow } from './sched-probe.ts'
import type { SchedStatus } from '../../harness/contract/node-status.ts'

export class SharedSchedProbe {
  private readonly listeners = new Set<(w: SchedWindow) => void>()
  private readonly probe = new SchedProbe(w => { for (const l of [...this.listeners]) l(w) })

  /** From now on every window goes to `listener`; returns the unsubscribe. */
  subscribe (listener: (w: SchedWindow) => void): () => void {
    this.listeners.add(listener)
    this.probe.start()
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0) this.probe.stop()
    }
  }

  status (): SchedStatus {
    return this.probe.status()
  }
}
