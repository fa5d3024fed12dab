/**
 * `npm run bench`: what a leg's proxy costs.
 *
 *   direct:          bench ──udp──> echo (child process)
 *   proxy (process): bench ──udp──> bin.ts UDP proxy (child) ──udp──> echo (child)
 *   proxy (harness): bench ──udp──> UdpProxyServer in this process ──udp──> echo (child)
 *
 * 1. added latency per datagram: ping-pong, one 64-byte datagram in flight; p50/p99 of
 *    the round trip through the proxy minus the direct one's.
 * 2. throughput: 1200-byte datagrams, a window of WINDOW in flight, for SECONDS; echoed
 *    datagrams/s and Mbit/s of payload one way.
 * 3. TCP leg down: toxiproxy `enabled=false` -> both ends of a live connection see it closed.
 *
 * Goal (issue 3): p50 added latency <= 0.2 ms, throughput >= 50 % of direct.
 * Not part of `npm test`: the numbers depend on the machine's load.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'
import type { Socket } from 'node:dgram'
import { once } from 'node:events'
import { connect, createServer } from 'node:net'
import type { AddressInfo, Socket as TcpSocket } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Toxiproxy } from 'toxiproxy-node-client'
import { startToxiproxyEngine } from '../harness/faults/engine.ts'
import { UdpProxyServer } from '../harness/faults/udp-proxy/udp-proxy-server.ts'

const PINGS = 5000
const WARMUP = 500
const SECONDS = 3
const WINDOW = 64
const SIZE = 1200
const DOWN_RUNS = 20
const BIN = fileURLToPath(new URL('../harness/faults/udp-proxy/bin.ts', import.meta.url))

const ECHO = `import { createSocket } from 'node:dgram'
const s = createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 })
s.on('message', (m, r) => { s.send(m, r.port, r.address) })
s.bind(0, '127.0.0.1', () => { console.log(JSON.stringify({ port: s.address().port })) })`

async function child (args: string[]): Promise<{ proc: ChildProcess, ready: Record<string, unknown> }> {
  const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream })
  const [line] = await once(lines, 'line') as [string]
  lines.close()
  return { proc, ready: JSON.parse(line) as Record<string, unknown> }
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN

async function udpClient (): Promise<Socket> {
  const s = createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 })
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve))
  return s
}

/** Sorted round-trip times (ms) of PINGS sequential pings. */
async function pingPong (port: number): Promise<number[]> {
  const s = await udpClient()
  const buf = Buffer.alloc(64)
  const out: number[] = []
  let start = 0
  let next: (() => void) | undefined
  s.on('message', () => { next?.() })
  for (let i = 0; i < WARMUP + PINGS; i++) {
    const got = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => { resolve(false) }, 1000)
      next = () => { clearTimeout(timer); resolve(true) }
      start = performance.now()
      s.send(buf, port, '127.0.0.1')
    })
    if (got && i >= WARMUP) out.push(performance.now() - start)
  }
  s.close()
  return out.sort((a, b) => a - b)
}

/** Echoed datagrams per second with WINDOW in flight. */
async function throughput (port: number): Promise<number> {
  const s = await udpClient()
  const buf = Buffer.alloc(SIZE)
  let received = 0
  let inFlight = 0
  let running = true
  const fill = (): void => { while (running && inFlight < WINDOW) { inFlight++; s.send(buf, port, '127.0.0.1') } }
  s.on('message', () => { received++; inFlight--; fill() })
  // a datagram lost to a full socket buffer would shrink the window for good: refill on a stall
  let last = -1
  const stall = setInterval(() => { if (received === last) { inFlight = 0; fill() } last = received }, 20)
  fill()
  await new Promise((resolve) => setTimeout(resolve, 300)) // warm-up
  const from = received
  const t0 = performance.now()
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000))
  const rate = (received - from) / ((performance.now() - t0) / 1000)
  running = false
  clearInterval(stall)
  s.close()
  return rate
}

/** ms from `enabled=false` until both ends of a live TCP connection saw it closed, per run. */
async function tcpDown (): Promise<number[]> {
  await using engine = await startToxiproxyEngine()
  const serverConns: TcpSocket[] = []
  const server = createServer((c) => { serverConns.push(c); c.on('error', () => {}); c.pipe(c) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const upstream = `127.0.0.1:${(server.address() as AddressInfo).port}`
  let proxy = await engine.createProxy('tcp-leg', '127.0.0.1:0', upstream)
  const times: number[] = []
  for (let i = 0; i < DOWN_RUNS; i++) {
    const [host, port] = [proxy.listen.split(':')[0] ?? '', Number(proxy.listen.split(':')[1])]
    const conn = connect(port, host)
    conn.on('error', () => {})
    await once(conn, 'connect')
    conn.write('x')
    await once(conn, 'data')
    const serverEnd = serverConns.at(-1)
    if (serverEnd === undefined) throw new Error('no server connection')
    const closed = Promise.all([once(conn, 'close'), once(serverEnd, 'close')])
    const start = performance.now()
    proxy = await proxy.update({ enabled: false, listen: proxy.listen, upstream })
    await closed
    times.push(performance.now() - start)
    proxy = await proxy.update({ enabled: true, listen: proxy.listen, upstream })
  }
  await proxy.remove()
  server.close()
  return times.sort((a, b) => a - b)
}

function table (rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? []
  return rows.map((r) => r.map((cell, c) => c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)).join('  ')).join('\n')
}

async function main (): Promise<void> {
  const echo = await child(['--input-type=module', '-e', ECHO])
  const echoPort = echo.ready.port as number
  const bin = await child([BIN, '--host', '127.0.0.1', '--port', '0'])
  const binClient = new Toxiproxy(bin.ready.apiUrl as string)
  const binProxy = await binClient.createProxy({ name: 'bench', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` })
  await using local = await new UdpProxyServer().start()
  const localProxy = await new Toxiproxy(local.apiUrl).createProxy({ name: 'bench', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` })
  const targets: Array<[string, number]> = [
    ['direct', echoPort],
    ['proxy (own process)', Number(binProxy.listen.split(':')[1])],
    ['proxy (in harness)', Number(localProxy.listen.split(':')[1])]
  ]
  try {
    const rows = [['path', 'rtt p50 ms', 'rtt p99 ms', 'added p50 ms', 'added p99 ms', 'dgram/s', 'Mbit/s', '% of direct']]
    let direct: { p50: number, p99: number, rate: number } | undefined
    for (const [name, port] of targets) {
      process.stderr.write(`bench: ${name} ...\n`)
      const rtt = await pingPong(port)
      const rate = await throughput(port)
      const p50 = quantile(rtt, 0.5)
      const p99 = quantile(rtt, 0.99)
      direct ??= { p50, p99, rate }
      rows.push([name, p50.toFixed(3), p99.toFixed(3),
        name === 'direct' ? '-' : (p50 - direct.p50).toFixed(3), name === 'direct' ? '-' : (p99 - direct.p99).toFixed(3),
        rate.toFixed(0), (rate * SIZE * 8 / 1e6).toFixed(1), (100 * rate / direct.rate).toFixed(0)])
    }
    process.stdout.write(`\nUDP, ${PINGS} pings of 64 B; throughput ${SIZE} B datagrams, window ${WINDOW}, ${SECONDS} s\n${table(rows)}\n`)
  } finally {
    bin.proc.kill('SIGTERM')
    echo.proc.kill('SIGTERM')
  }
  process.stderr.write('bench: tcp down ...\n')
  const down = await tcpDown()
  process.stdout.write(`\nTCP leg down (toxiproxy enabled=false) -> both ends closed, ${DOWN_RUNS} runs\n${table([
    ['', 'p50 ms', 'max ms'], ['down -> both ends closed', quantile(down, 0.5).toFixed(2), (down.at(-1) ?? NaN).toFixed(2)]
  ])}\n`)
}

await main()
