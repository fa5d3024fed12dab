/**
 * Samples every node's gossip mesh (GET /v1/status `topics`) once per gossip
 * heartbeat into the history as `status` entries, so mesh-consistent can ask
 * "did A list B in its mesh while B did not list A?" of the history alone.
 * A node that does not answer is skipped for that round (its exit or hang is
 * recorded elsewhere); one round at a time, never piling up on a slow node.
 */
import type { Devnet } from '../devnet/devnet.ts'

export class StatusSampler {
  private readonly devnet: Devnet
  private readonly everyMs: number
  private timer: NodeJS.Timeout | undefined
  private round: Promise<void> | undefined
  private stopped = false

  constructor (devnet: Devnet, everyMs: number) {
    this.devnet = devnet
    this.everyMs = everyMs
  }

  start (): void {
    const tick = (): void => {
      if (this.stopped) return
      this.round = this.sample().finally(() => { if (!this.stopped) this.timer = setTimeout(tick, this.everyMs) })
    }
    tick()
  }

  /** Stops sampling and waits for a round in flight, so nothing is appended after the run ends. */
  async stop (): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.round
  }

  private async sample (): Promise<void> {
    await Promise.all(this.devnet.nodes().map(async n => {
      try {
        const status = await n.client.status()
        const mesh: Record<string, string[]> = {}
        for (const [topic, t] of Object.entries(status.topics)) mesh[topic] = [...t.mesh].sort()
        if (!this.stopped) this.devnet.recorder.append({ kind: 'status', ts: Date.now(), node: n.spec.name, mesh })
      } catch { /* no answer this round */ }
    }))
  }
}
