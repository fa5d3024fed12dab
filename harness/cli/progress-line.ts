/**
 * One live progress line on a terminal (rewritten in place), or one line per
 * update elsewhere (CI logs), so both a person and a log reader can follow.
 */
import type { ProgressState } from '../runner/progress.ts'

export class ProgressLine {
  private readonly out: NodeJS.WriteStream
  private readonly label: string
  private readonly tty: boolean
  private last = ''
  private open = false

  constructor (out: NodeJS.WriteStream, label: string) {
    this.out = out
    this.label = label
    this.tty = out.isTTY === true
  }

  update (s: ProgressState): void {
    const coverage = s.coverage.map(c => `${c.aggregator}@${c.slot} ${c.line}${c.quorum ? '' : ' BELOW QUORUM'}`).join(' | ')
    const text = `${this.label}: slot ${s.slot}/${s.slots}  faults ${s.faultsApplied}  verdicts so far pass=${s.verdicts.pass} fail=${s.verdicts.fail}${coverage !== '' ? '  ' + coverage : ''}`
    if (text === this.last) return
    this.last = text
    if (this.tty) {
      this.out.write(`\r\x1b[2K${text.slice(0, (this.out.columns ?? 200) - 1)}`)
      this.open = true
    } else {
      this.out.write(text + '\n')
    }
  }

  note (message: string): void {
    this.done()
    this.out.write(`  note: ${message}\n`)
  }

  done (): void {
    if (this.open) this.out.write('\n')
    this.open = false
  }
}
