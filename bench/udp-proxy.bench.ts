/**
 * `npm run bench`: what a leg's proxy costs.
 *
 *   direct:          bench ──udp──> echo (child process)
 *   proxy (process): bench ──udp──> bin.ts UDP proxy (child) ──udp──> echo (child)
 *   proxy (harness): bench ──udp──> UdpProxyServer in this process ──udp──> echo (child)
 *
 * 1. added latency per datagram: ping-pong, one 64-byte datagram in flight; p50/p99 of
 *    the round trip through the proxy minus the direct one's (ROUNDS x PINGS samples).
 * 2. throughput, 1200-byte datagrams, median of ROUNDS rounds of SECONDS:
 *    - echo: WINDOW datagrams in flight, each echo sends the next (how a QUIC leg with a
 *      congestion window uses the path: round-trip bound);
 *    - one-way: the sender blasts, the echo child counts what arrives (the relay's capacity;
 *      a relay pays a receive AND a send per datagram, the sink only a receive).
 *    Mbit/s is payload, one way.
 * The paths take turns in every round: on a shared machine, load drifts.
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

const PINGS = 1000
const WARMUP = 100
const SECONDS = 1
/** paths are measured in turns, ROUNDS times, so a load spike from a neighbour hits all of them alike */
const ROUNDS = 5
const WINDOW = 64
const SIZE = 1200
const DOWN_RUNS = 20
const BIN = fileURLToPath(new URL('../harness/faults/udp-proxy/bin.ts', import.meta.url))

/** first byte COUNT_ONLY: count, don't echo; a 1-byte QUERY: answer the count so far */
const COUNT_ONLY = 0xff
const QUERY = 0xfe
const ECHO = `import { createSocket } from 'node:dgram'
const s = createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 })
let counted = 0
s.on('message', (m, r) => {
  if (m[0] === ${COUNT_ONLY}) counted++
  else if (m.length === 1 && m[0] === ${QUERY}) s.send(String(counted), r.port, r.address)
  else s.send(m, r.port, r.address)
})
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
async function echoThroughput (port: number): Promise<number> {
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

/** Datagrams per second that reach the echo child while the sender sends as fast as it can. */
async function oneWayThroughput (port: number): Promise<number> {
  const s = await udpClient()
  const counted = async (): Promise<number> => {
    const reply = once(s, 'message') as Promise<[Buffer]>
    s.send(Buffer.from([QUERY]), port, '127.0.0.1')
    return Number((await reply)[0].toString())
  }
  const buf = Buffer.alloc(SIZE, COUNT_ONLY)
  const burst = async (): Promise<void> => {
    // 32 per turn, then wait for the last send to complete: the send queue stays short;
    // then yield to the event loop, or an in-process proxy never gets to read
    await new Promise<void>((resolve) => {
      for (let i = 0; i < 31; i++) s.send(buf, port, '127.0.0.1')
      s.send(buf, port, '127.0.0.1', () => { setImmediate(resolve) })
    })
  }
  const warm = performance.now()
  while (performance.now() - warm < 200) await burst()
  await new Promise((resolve) => setTimeout(resolve, 50))
  const from = await counted()
  const t0 = performance.now()
  while (performance.now() - t0 < SECONDS * 1000) await burst()
  const elapsed = (performance.now() - t0) / 1000
  await new Promise((resolve) => setTimeout(resolve, 100)) // let the last ones land
  const rate = (await counted() - from) / elapsed
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
    const samples = targets.map(() => ({ rtt: [] as number[], echo: [] as number[], oneWay: [] as number[] }))
    // latency first, on quiet sockets: a blast leaves queues that take a while to drain
    for (let round = 1; round <= ROUNDS; round++) {
      process.stderr.write(`bench: latency round ${round}/${ROUNDS} ...\n`)
      for (const [i, [, port]] of targets.entries()) samples[i]?.rtt.push(...await pingPong(port))
    }
    for (let round = 1; round <= ROUNDS; round++) {
      process.stderr.write(`bench: throughput round ${round}/${ROUNDS} ...\n`)
      for (const [i, [, port]] of targets.entries()) {
        samples[i]?.echo.push(await echoThroughput(port))
        samples[i]?.oneWay.push(await oneWayThroughput(port))
      }
    }
    const latency = [['path', 'rtt p50 ms', 'rtt p99 ms', 'added p50 ms', 'added p99 ms']]
    const rate = [['path', 'echo dgram/s', 'echo Mbit/s', '% of direct', 'one-way dgram/s', 'one-way Mbit/s', '% of direct']]
    const mbit = (r: number): string => (r * SIZE * 8 / 1e6).toFixed(1)
    let direct: { p50: number, p99: number, echo: number, oneWay: number } | undefined
    for (const [i, [name]] of targets.entries()) {
      const rtt = (samples[i]?.rtt ?? []).sort((a, b) => a - b)
      const echo = quantile((samples[i]?.echo ?? []).sort((a, b) => a - b), 0.5)
      const oneWay = quantile((samples[i]?.oneWay ?? []).sort((a, b) => a - b), 0.5)
      const p50 = quantile(rtt, 0.5)
      const p99 = quantile(rtt, 0.99)
      direct ??= { p50, p99, echo, oneWay }
      const isDirect = name === 'direct'
      latency.push([name, p50.toFixed(3), p99.toFixed(3), isDirect ? '-' : (p50 - direct.p50).toFixed(3), isDirect ? '-' : (p99 - direct.p99).toFixed(3)])
      rate.push([name, echo.toFixed(0), mbit(echo), (100 * echo / direct.echo).toFixed(0), oneWay.toFixed(0), mbit(oneWay), (100 * oneWay / direct.oneWay).toFixed(0)])
    }
    process.stdout.write(`\nUDP added latency: ${ROUNDS} x ${PINGS} ping-pongs of 64 B\n${table(latency)}\n`)
    process.stdout.write(`\nUDP throughput: ${SIZE} B datagrams, median of ${ROUNDS} x ${SECONDS} s; echo with ${WINDOW} in flight\n${table(rate)}\n`)
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
