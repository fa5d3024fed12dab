/**
 * Progress of a long many-run command (matrix, gate, triage): a cli-progress
 * bar with counts and ETA on a terminal, one plain line per item elsewhere.
 */
import { SingleBar, Presets } from 'cli-progress'

export class CountProgress {
  private readonly out: NodeJS.WriteStream
  private readonly label: string
  private readonly total: number
  private readonly bar: SingleBar | undefined
  private doneCount = 0
  private stopped = false

  constructor (out: NodeJS.WriteStream, label: string, total: number) {
    this.out = out
    this.label = label
    this.total = total
    if (out.isTTY === true) {
      this.bar = new SingleBar({ stream: out, format: `${label} [{bar}] {value}/{total} | ETA {eta_formatted} | {item}`, hideCursor: true }, Presets.shades_classic)
      this.bar.start(total, 0, { item: '' })
    }
  }

  start (item: string): void {
    if (this.bar != null) this.bar.update(this.doneCount, { item })
    else this.out.write(`${this.label} ${this.doneCount + 1}/${this.total}: ${item}\n`)
  }

  done (note?: string): void {
    this.doneCount++
    this.bar?.update(this.doneCount)
    if (note != null) {
      if (this.bar != null) this.out.write(`\n${note}\n`)
      else this.out.write(`  ${note}\n`)
    }
  }

  stop (): void {
    if (this.stopped) return
    this.stopped = true
    this.bar?.stop()
  }
}
