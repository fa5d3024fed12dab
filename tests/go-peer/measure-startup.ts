/**
 * Start-to-ready time and idle RSS of the Go peer next to the TS node (issue 6 benchmark).
 *
 *   node tests/go-peer/measure-startup.ts [runs=5] [idleMs=3000]
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
import { goPeerBinary } from '../../harness/impls/go.ts'
import { TS_NODE_MAIN } from '../../harness/impls/ts.ts'

interface Sample { readyMs: number, rssMiB: number }

async function measure (command: string[], dir: string, idleMs: number): Promise<Sample> {
  const config = join(dir, 'node.json')
  await writeFile(config, JSON.stringify({
    name: 'M', index: 0, seed: 1, listen: ['/ip4/127.0.0.1/udp/0/quic-v1', '/ip4/127.0.0.1/tcp/0'],
    gossipPolicy: 'stock', duties: { genesisMs: Date.now(), slotMs: 1000, validators: [] }, exitOnStdinClose: true
  }))
  const [cmd, ...args] = command
  const t0 = performance.now()
  const child = spawn(cmd!, [...args, config], { stdio: ['pipe', 'pipe', 'inherit'] })
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
const dir = await mkdtemp(join(tmpdir(), 'meshflap-measure-'))
try {
  for (const [impl, command] of [['go', [goPeerBinary()]], ['ts', [process.execPath, TS_NODE_MAIN]]] as const) {
    const samples: Sample[] = []
    for (let i = 0; i < runs; i++) samples.push(await measure([...command], dir, idleMs))
    const ready = samples.map(s => s.readyMs)
    const rss = samples.map(s => s.rssMiB)
    console.log(`${impl}: start-to-ready median ${median(ready).toFixed(0)} ms (min ${Math.min(...ready).toFixed(0)}, max ${Math.max(...ready).toFixed(0)}); ` +
      `idle RSS after ${idleMs} ms median ${median(rss).toFixed(1)} MiB (min ${Math.min(...rss).toFixed(1)}, max ${Math.max(...rss).toFixed(1)}); ${runs} runs`)
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}
