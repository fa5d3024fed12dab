/**
 * Appends history entries in memory and to `history.ndjson` as they happen,
 * so a crashed run still leaves its history on disk (Jepsen saves the history
 * before any checker runs). Verdicts and reports read only what this wrote.
 */
import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import type { HistoryEntry } from '../history/types.ts'

export class HistoryRecorder {
  private readonly kept: HistoryEntry[] = []
  private readonly file: WriteStream | undefined
  private readonly listeners: Array<(e: HistoryEntry) => void> = []
  private closed = false

  constructor (path?: string) {
    this.file = path != null ? createWriteStream(path, { flags: 'w' }) : undefined
  }

  append (entry: HistoryEntry): void {
    // a node's last stdout lines can arrive after the run was closed; they are past run_end
    if (this.closed) return
    this.kept.push(entry)
    this.file?.write(JSON.stringify(entry) + '\n')
    for (const l of this.listeners) l(entry)
  }

  onEntry (listener: (e: HistoryEntry) => void): void {
    this.listeners.push(listener)
  }

  /** The history so far, ordered by time (node clocks and the harness clock are the same host clock). */
  entries (): HistoryEntry[] {
    return [...this.kept].sort((a, b) => a.ts - b.ts)
  }

  async close (): Promise<void> {
    this.closed = true
    const file = this.file
    if (file == null || file.writableEnded) return
    await new Promise<void>(resolve => { file.end(resolve) })
  }
}
