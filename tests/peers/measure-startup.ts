/**
 * Start-to-ready time and idle RSS of every implementation meshflap starts itself
 * (TS node, Go peer, Rust peer: issue 6 and issue 12 benchmark).
 *
 *   node_modules/.bin/node tests/peers/measure-startup.ts [runs=5] [idleMs=3000] [impls=all, e.g. rust,go] [together=1]
 *
 * Each run spawns `together` nodes at once (8: a devnet's start, where the nodes
 * compete for the cores), each on a fresh config (QUIC + TCP listeners on 127.0.0.1,
 * no peers, no validators), times spawn -> `ready` line on stdout, waits idleMs,
 * reads the CPU time used until then from /proc/<pid>/stat,
 * reads VmRSS and VmHWM (peak RSS) from /proc, then closes stdin (exitOnStdinClose).
 * Prints medians over every node of every run.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { IMPLEMENTATIONS } from '../../harness/impls/index.ts'

interface Sample { readyMs: number, cpuToReadyMs: number, rssMiB: number, peakMiB: number }

async function measure (commandFor: (configPath: string) => string[], dir: string, idleMs: number, i: number): Promise<Sample> {
  const config = join(dir, `node-${i}.json`)
  await writeFile(config, JSON.stringify({
    name: 'M', index: 0, seed: 1, listen: ['/ip4/127.0.0.1/udp/0/quic-v1', '/ip4/127.0.0.1/tcp/0'],
    gossipPolicy: 'stock', duties: { genesisMs: Date.now(), slotMs: 1000, validators: [] }, exitOnStdinClose: true
  }))
  const [cmd, ...args] = commandFor(config)
  const t0 = performance.now()
  const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  const readyMs = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', () => { resolve(performance.now() - t0) })
    child.once('exit', code => { reject(new Error(`exited with ${String(code)} before ready`)) })
  })
  // CPU time (user + system) the node had used when its `ready` was read: a loaded machine stretches the wall time, not this
  const stat = (await readFile(`/proc/${child.pid!}/stat`, 'utf8')).replace(/^.*\) /, '').split(' ')
  const cpuToReadyMs = (Number(stat[11]) + Number(stat[12])) * 1000 / CLOCK_TICKS
  await sleep(idleMs)
  const status = await readFile(`/proc/${child.pid!}/status`, 'utf8')
  const kiB = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1])
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.stdin.end()
  await exited
  return { readyMs, cpuToReadyMs, rssMiB: kiB('VmRSS') / 1024, peakMiB: kiB('VmHWM') / 1024 }
}

/** USER_HZ of /proc/<pid>/stat: 100 on every Linux this runs on */
const CLOCK_TICKS = 100
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const runs = Number(process.argv[2] ?? 5)
const idleMs = Number(process.argv[3] ?? 3000)
// every implementation meshflap starts itself (harness/impls/index.ts), or the ones named
const together = Number(process.argv[5] ?? 1)
const impls = IMPLEMENTATIONS.filter(i => !i.perNode && (process.argv[4] === undefined || process.argv[4].split(',').includes(i.name)))
const dir = await mkdtemp(join(tmpdir(), 'meshflap-measure-'))
try {
  for (const { name: impl, processCommand } of impls) {
    const samples: Sample[] = []
    for (let i = 0; i < runs; i++) {
      const batch = Array.from({ length: together }, async (_, j) => await measure(config => processCommand(config, { name: 'M' }), dir, idleMs, j))
      samples.push(...await Promise.all(batch))
    }
    const ready = samples.map(s => s.readyMs)
    const cpu = samples.map(s => s.cpuToReadyMs)
    const rss = samples.map(s => s.rssMiB)
    const peak = samples.map(s => s.peakMiB)
    console.log(`${impl}: start-to-ready median ${median(ready).toFixed(0)} ms (min ${Math.min(...ready).toFixed(0)}, max ${Math.max(...ready).toFixed(0)}); ` +
      `CPU to ready median ${median(cpu).toFixed(0)} ms (min ${Math.min(...cpu).toFixed(0)}, max ${Math.max(...cpu).toFixed(0)}); ` +
      `idle RSS after ${idleMs} ms median ${median(rss).toFixed(1)} MiB (min ${Math.min(...rss).toFixed(1)}, max ${Math.max(...rss).toFixed(1)}); ` +
      `peak RSS median ${median(peak).toFixed(1)} MiB (max ${Math.max(...peak).toFixed(1)}); ${runs} runs of ${together} node(s) started together`)
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}
