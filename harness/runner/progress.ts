/**
 * Live progress of one run, derived from the history as it is recorded (no
 * second bookkeeping): the current slot, each aggregator's coverage line for
 * the last finished slot, faults applied, and the verdicts so far.
 */
import type { HistoryEntry } from '../history/types.ts'
import type { Scenario } from '../scenario/types.ts'
import { coverageLines, judge } from '../oracles/index.ts'
import type { VerdictStatus } from '../oracles/verdict.ts'

export interface ProgressState {
  phase: 'starting' | 'running' | 'done'
  slot: number
  slots: number
  faultsApplied: number
  /** e.g. { aggregator: 'D', line: 'coverage=32/32 late=none diff=+0/-0' } for the last finished slot */
  coverage: Array<{ aggregator: string, slot: number, line: string, quorum: boolean }>
  verdicts: Record<VerdictStatus, number>
}

export class ProgressTracker {
  private readonly scenario: Scenario
  private readonly onProgress: ((s: ProgressState) => void) | undefined
  private readonly entries: HistoryEntry[] = []
  private timer: NodeJS.Timeout | undefined
  private readonly state: ProgressState

  constructor (scenario: Scenario, onProgress?: (s: ProgressState) => void) {
    this.scenario = scenario
    this.onProgress = onProgress
    this.state = { phase: 'starting', slot: 0, slots: scenario.slots, faultsApplied: 0, coverage: [], verdicts: { pass: 0, fail: 0, unknown: 0 } }
  }

  observe (entry: HistoryEntry): void {
    this.entries.push(entry)
  }

  begin (genesisMs: number): void {
    if (this.onProgress == null) return
    this.state.phase = 'running'
    const tick = (): void => {
      const slot = Math.floor((Date.now() - genesisMs) / this.scenario.slotMs)
      this.state.slot = Math.max(0, Math.min(slot, this.scenario.slots))
      if (slot >= 1) this.assess(slot - 1)
      this.emit()
      const next = genesisMs + (slot + 1) * this.scenario.slotMs + 50
      this.timer = setTimeout(tick, Math.max(10, next - Date.now()))
    }
    tick()
  }

  faultApplied (): void {
    this.state.faultsApplied++
    this.emit()
  }

  end (): void {
    clearTimeout(this.timer)
    this.state.phase = 'done'
  }

  private assess (slot: number): void {
    const history = [...this.entries].sort((a, b) => a.ts - b.ts)
    this.state.coverage = coverageLines(history)
      .filter(c => c.slot === slot)
      .map(c => ({ aggregator: c.aggregator, slot: c.slot, line: c.line, quorum: c.quorum }))
    const verdicts = judge(history, this.scenario.expectations)
    this.state.verdicts = { pass: 0, fail: 0, unknown: 0 }
    for (const v of verdicts) this.state.verdicts[v.status]++
  }

  private emit (): void {
    this.onProgress?.({ ...this.state, coverage: [...this.state.coverage] })
  }
}
