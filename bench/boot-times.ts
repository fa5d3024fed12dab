/**
 * A devnet's boot, from the harness's debug log (MESHFLAP_LOG=debug, pino JSON on stderr), for
 * issue 18's scale table: start-to-ready (devnet starting -> the last node `ready`), ready to meshed
 * (every peering pair with both legs and gossip streams both ways), dials that failed first, and
 * the node processes that ran them (distinct `pid`s of the `ready` events in the history).
 *
 *   MESHFLAP_LOG=debug bash bench/peak-memory.sh node harness/cli/bin.js run /tmp/scale-32.yaml --out /tmp/runs
 *   node bench/boot-times.ts /tmp/meshflap-peak-memory.out [<run dir>]
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const [logFile, runDir] = process.argv.slice(2)
if (logFile === undefined) throw new Error('usage: boot-times.ts <debug log> [<run dir>]')

interface LogLine { time?: number, msg?: string, ms?: number, dialErrors?: string[] }
const lines: LogLine[] = readFileSync(logFile, 'utf8').split('\n').flatMap(l => {
  if (!l.startsWith('{')) return []
  try { return [JSON.parse(l) as LogLine] } catch { return [] }
})
const first = (msg: string): LogLine | undefined => lines.find(l => l.msg === msg)
const start = first('devnet starting')?.time
const readies = lines.filter(l => l.msg === 'node ready').map(l => l.time ?? 0)
const meshed = first('every pair meshed: both legs, gossip streams both ways')
const failedDials = first('first dials failed (the nodes redial)')?.dialErrors?.length ?? 0
const s = (ms: number | undefined): string => ms === undefined ? '-' : (ms / 1000).toFixed(1)

const out: Record<string, string | number> = {
  nodesReady: readies.length,
  startToReadyS: s(start !== undefined && readies.length > 0 ? Math.max(...readies) - start : undefined),
  readyToMeshedS: s(meshed?.time !== undefined && readies.length > 0 ? meshed.time - Math.max(...readies) : undefined),
  firstDialsFailed: failedDials
}
if (runDir !== undefined) {
  const pids = new Set<number>()
  for (const l of readFileSync(join(runDir, 'history.ndjson'), 'utf8').split('\n')) {
    if (!l.includes('"type":"ready"')) continue
    const e = JSON.parse(l) as { pid?: number }
    if (e.pid !== undefined) pids.add(e.pid)
  }
  out.nodeProcesses = pids.size
}
console.log(Object.entries(out).map(([k, v]) => `${k} ${v}`).join(', '))
