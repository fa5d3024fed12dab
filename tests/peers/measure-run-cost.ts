/**
 * CPU and timer lateness of every node of a finished run, from its history's `sched`
 * events (each carries the node's CPU time and worst timer lateness of one ~200 ms window):
 *
 *   node_modules/.bin/node tests/peers/measure-run-cost.ts <run dir or history.ndjson> [fromSlot=3] [toSlot=end]
 *
 * Prints per node: CPU ms per wall second over the steady state (slot fromSlot to toSlot or the end),
 * the busiest one-second bucket, CPU before genesis (start-up and peering), the worst lateness;
 * then the devnet's total CPU seconds per wall second and its busiest second.
 */
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'

interface Entry { kind: string, ts: number, type?: string, node?: string, cpuMs?: number, maxLateMs?: number, genesisMs?: number, slotMs?: number }

const arg = process.argv[2]
if (arg === undefined) { process.stderr.write('usage: measure-run-cost.ts <run dir or history.ndjson> [fromSlot]\n'); process.exit(2) }
const file = (await stat(arg)).isDirectory() ? join(arg, 'history.ndjson') : arg
const fromSlot = Number(process.argv[3] ?? 3)
const entries = (await readFile(file, 'utf8')).split('\n').filter(l => l !== '').map(l => JSON.parse(l) as Entry)
const start = entries.find(e => e.kind === 'run_start')
if (start?.genesisMs === undefined || start.slotMs === undefined) throw new Error(`${file}: no run_start with genesisMs and slotMs`)
const steadyFrom = start.genesisMs + fromSlot * start.slotMs
const sched = entries.filter(e => e.kind === 'node' && e.type === 'sched' && e.node !== undefined)
const lastTs = Math.max(...sched.map(e => e.ts))
const end = process.argv[4] === undefined ? lastTs : Math.min(lastTs, start.genesisMs + Number(process.argv[4]) * start.slotMs)

const r = (x: number): string => x.toFixed(0).padStart(5)
const perSecondAll = new Map<number, number>()
let steadyTotal = 0
for (const node of [...new Set(sched.map(e => e.node!))].sort()) {
  const mine = sched.filter(e => e.node === node)
  const perSecond = new Map<number, number>()
  let steady = 0; let before = 0; let late = 0
  for (const e of mine) {
    if (e.ts < start.genesisMs) before += e.cpuMs!
    if (e.ts >= steadyFrom && e.ts <= end) {
      steady += e.cpuMs!
      const s = Math.floor((e.ts - steadyFrom) / 1000)
      perSecond.set(s, (perSecond.get(s) ?? 0) + e.cpuMs!)
      perSecondAll.set(s, (perSecondAll.get(s) ?? 0) + e.cpuMs!)
    }
    late = Math.max(late, e.maxLateMs!)
  }
  steadyTotal += steady
  console.log(`${node}: steady CPU ${r(steady / ((end - steadyFrom) / 1000))} ms/s, busiest second ${r(Math.max(...perSecond.values()))} ms, ` +
    `CPU from ready to genesis ${r(before)} ms, worst lateness ${r(late)} ms`)
}
console.log(`all: steady ${(steadyTotal / (end - steadyFrom)).toFixed(2)} CPU-s per wall-s over ${((end - steadyFrom) / 1000).toFixed(0)} s ` +
  `(slot ${fromSlot} to ${process.argv[4] ?? 'the end'}), busiest second ${(Math.max(...perSecondAll.values()) / 1000).toFixed(2)} CPU-s`)
