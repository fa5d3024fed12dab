/**
 * Start-to-ready time and idle RSS of every implementation meshflap starts itself
 * (TS node, Go peer, Rust peer: issue 6 and issue 12 benchmark).
 *
 *   node_modules/.bin/node tests/peers/measure-startup.ts [runs=5] [idleMs=3000] [impls=all, e.g. rust,go]
 *
 * Each run spawns the node on a fresh config (QUIC + TCP listeners on 127.0.0.1,
 * no peers, no validators), times spawn -> `ready` line on stdout, waits idleMs,
 * reads VmRSS from /proc, then closes stdin (exitOnStdinClose). Prints medians.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { IMPLEMENTATIONS } from '../../harness/impls/index.ts'

interface Sample { readyMs: number, rssMiB: number }

async function measure (commandFor: (configPath: string) => string[], dir: string, idleMs: number): Promise<Sample> {
  const config = join(dir, 'node.json')
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
  await sleep(idleMs)
  const rssKiB = Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${child.pid!}/status`, 'utf8'))?.[1])
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.stdin.end()
  await exited
  return { readyMs, rssMiB: rssKiB / 1024 }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const runs = Number(process.argv[2] ?? 5)
const idleMs = Number(process.argv[3] ?? 3000)
// every implementation meshflap starts itself (harness/impls/index.ts), or the ones named
const impls = IMPLEMENTATIONS.filter(i => !i.perNode && (process.argv[4] === undefined || process.argv[4].split(',').includes(i.name)))
const dir = await mkdtemp(join(tmpdir(), 'meshflap-measure-'))
try {
  for (const { name: impl, processCommand } of impls) {
    const samples: Sample[] = []
    for (let i = 0; i < runs; i++) samples.push(await measure(config => processCommand(config, { name: 'M' }), dir, idleMs))
    const ready = samples.map(s => s.readyMs)
    const rss = samples.map(s => s.rssMiB)
    console.log(`${impl}: start-to-ready median ${median(ready).toFixed(0)} ms (min ${Math.min(...ready).toFixed(0)}, max ${Math.max(...ready).toFixed(0)}); ` +
      `idle RSS after ${idleMs} ms median ${median(rss).toFixed(1)} MiB (min ${Math.min(...rss).toFixed(1)}, max ${Math.max(...rss).toFixed(1)}); ${runs} runs`)
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}
