/**
 * What only the UDP proxy does: loss, blackhole per direction, rebind, one
 * upstream socket per client source address, down keeps the port and the
 * flow; and the proxy as its own process (bin.ts).
 */
import { spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import type { Socket } from 'node:dgram'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { Toxiproxy } from 'toxiproxy-node-client'
import type { Proxy, ToxicType } from 'toxiproxy-node-client'
import { startUdpEngine } from '../../harness/faults/engine.ts'
import type { FaultEngine } from '../../harness/faults/engine.ts'
import { UdpProxyServer } from '../../harness/faults/udp-proxy/udp-proxy-server.ts'
import { startUdpEcho } from './support/echo.ts'
import type { EchoServer } from './support/echo.ts'
import { waitFor } from '../support/wait-for.ts'
import { countHandles, isAlive } from './support/leaks.ts'
import { openUdpProbe } from './support/probe.ts'

const BIN = fileURLToPath(new URL('../../harness/faults/udp-proxy/bin.ts', import.meta.url))

/** A raw client socket that counts replies. */
async function client (): Promise<{ socket: Socket, replies: Buffer[], send: (to: string, payload: Buffer) => void }> {
  const socket = createSocket('udp4')
  const replies: Buffer[] = []
  socket.on('message', (msg) => { replies.push(msg) })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const send = (to: string, payload: Buffer): void => {
    const i = to.lastIndexOf(':')
    socket.send(payload, Number(to.slice(i + 1)), to.slice(0, i))
  }
  return { socket, replies, send }
}

async function closeSocket (socket: Socket): Promise<void> {
  await new Promise<void>((resolve) => socket.close(() => { resolve() }))
}

const toxic = (name: string, type: string, stream: 'upstream' | 'downstream', attributes: Record<string, number> = {}, toxicity = 1):
Parameters<Proxy['addToxic']>[0] => ({ name, type: type as ToxicType, stream, toxicity, attributes })

describe('UDP proxy: datagram faults', function () {
  this.timeout(20_000)
  let engine: FaultEngine & { server: UdpProxyServer }
  let echo: EchoServer
  let proxy: Proxy
  const sockets: Socket[] = []
  let udpHandles = 0

  before(async () => { engine = await startUdpEngine({ seed: 42 }) })
  after(async () => { await engine.dispose() })
  beforeEach(async () => {
    udpHandles = countHandles('UDPWrap')
    echo = await startUdpEcho()
    proxy = await engine.createProxy('leg', '127.0.0.1:0', echo.addr)
  })
  afterEach(async function () {
    await proxy.remove()
    for (const s of sockets.splice(0)) await closeSocket(s)
    await echo.close()
    if (this.currentTest?.state !== 'passed') return
    expect(await engine.proxyNames()).to.deep.equal([])
    await waitFor(() => countHandles('UDPWrap') === udpHandles, 2000, () => `the test's UDP sockets are closed (open: ${countHandles('UDPWrap')}, before the test: ${udpHandles})`, 10)
  })
  const newClient = async (): Promise<Awaited<ReturnType<typeof client>>> => {
    const c = await client()
    sockets.push(c.socket)
    return c
  }
  /**
   * What a test waits for instead of sleeping: the proxy's own count of datagrams taken in (a
   * datagram taken in under a drop toxic is dropped for good). And once a toxic is removed, a
   * marker sent after it rides behind everything that passed (same sockets, loopback keeps the
   * order), so when its echo arrives the counts are final.
   */
  const datagrams = (): { upstream: number, downstream: number, held: number } => engine.server.proxies.get('leg').datagrams()
  const echoed = (c: { replies: Buffer[] }, marker: string): boolean => c.replies.some(r => r.toString() === marker)

  it('loss 0.3 drops 30 % +- 5 % of 2000 datagrams', async () => {
    await proxy.addToxic(toxic('lossy', 'loss', 'upstream', { probability: 0.3 }))
    const c = await newClient()
    const payload = Buffer.alloc(100)
    for (let i = 0; i < 2000; i++) {
      c.send(proxy.listen, payload)
      if (i % 50 === 49) await sleep(1) // stay far below any socket buffer: only the toxic may drop
    }
    await waitFor(() => datagrams().upstream === 2000, 5000, () => `the proxy took in the 2000 datagrams (${datagrams().upstream})`)
    await (await proxy.getToxic('lossy')).remove()
    c.send(proxy.listen, Buffer.from('end'))
    await waitFor(() => echoed(c, 'end'), 2000, 'the echo of a marker sent after the loss toxic was removed')
    const arrived = echo.received - 1
    const dropped = 1 - arrived / 2000
    expect(dropped, `${arrived} of 2000 arrived`).to.be.within(0.25, 0.35)
    expect(c.replies.length - 1, 'replies (no downstream loss)').to.equal(arrived)
  })

  it('blackhole upstream: the server gets nothing; blackhole downstream: the server gets it, the client gets no reply', async () => {
    const c = await newClient()
    const probe = Buffer.from('x')
    c.send(proxy.listen, probe)
    await waitFor(() => c.replies.length === 1, 1000, 'an echo before any fault')

    await proxy.addToxic(toxic('bh_up', 'blackhole', 'upstream'))
    for (let i = 0; i < 5; i++) c.send(proxy.listen, probe)
    await waitFor(() => datagrams().upstream === 6, 1000, 'the proxy took in the 5 datagrams')
    await (await proxy.getToxic('bh_up')).remove()
    c.send(proxy.listen, Buffer.from('m1'))
    await waitFor(() => echoed(c, 'm1'), 1000, 'the echo of a marker sent after the upstream blackhole was removed')
    expect(echo.received, 'the server received through an upstream blackhole').to.equal(2)
    expect(c.replies.map(String)).to.deep.equal(['x', 'm1'])

    await proxy.addToxic(toxic('bh_down', 'blackhole', 'downstream'))
    for (let i = 0; i < 5; i++) c.send(proxy.listen, probe)
    await waitFor(() => echo.received === 7, 1000, 'the server gets the datagrams')
    await waitFor(() => datagrams().downstream === 7, 1000, 'the proxy took in the 5 echoes')
    await (await proxy.getToxic('bh_down')).remove()
    c.send(proxy.listen, Buffer.from('m2'))
    await waitFor(() => echoed(c, 'm2'), 1000, 'the echo of a marker sent after the downstream blackhole was removed')
    expect(c.replies.map(String), 'the client got replies through a downstream blackhole').to.deep.equal(['x', 'm1', 'm2'])
  })

  it('rebind moves the client to a new upstream source port; replies still reach it', async () => {
    const c = await newClient()
    c.send(proxy.listen, Buffer.from('a'))
    await waitFor(() => c.replies.length === 1, 1000, 'an echo before the rebind')
    const before = echo.sources[0]
    await proxy.addToxic(toxic('rebind', 'rebind', 'upstream'))
    expect((await proxy.getToxic('rebind')).type).to.equal('rebind')
    // the swap completes once the new socket is connected: poll with datagrams
    await waitFor(() => { c.send(proxy.listen, Buffer.from('b')); return echo.sources.at(-1) !== before }, 2000,
      `the server sees a new source port (it stayed ${before})`, 20)
    const after = echo.sources.at(-1)
    expect(after).to.be.a('number').and.not.equal(before)
    c.send(proxy.listen, Buffer.from('c'))
    await waitFor(() => echoed(c, 'c'), 1000, 'a reply after the rebind')
    expect(echo.sources.at(-1)).to.equal(after)
    expect(engine.server.proxies.get('leg').flowCount).to.equal(1)
  })

  it('one upstream socket per client source address, and each client gets its own replies', async () => {
    const a = await newClient()
    const b = await newClient()
    for (let i = 0; i < 3; i++) {
      a.send(proxy.listen, Buffer.from('from-a'))
      b.send(proxy.listen, Buffer.from('from-b'))
    }
    await waitFor(() => a.replies.length === 3 && b.replies.length === 3, 1000, 'both clients get their 3 echoes')
    expect(a.replies.map(String)).to.deep.equal(['from-a', 'from-a', 'from-a'])
    expect(b.replies.map(String)).to.deep.equal(['from-b', 'from-b', 'from-b'])
    expect(new Set(echo.sources).size, `server saw source ports ${echo.sources.join(',')}`).to.equal(2)
    const ports = engine.server.proxies.get('leg').flowPorts()
    expect(ports.size).to.equal(2)
    expect(new Set(ports.values())).to.deep.equal(new Set(echo.sources))
  })

  it('down drops both ways but keeps the listen port and the flow (no path change after up)', async () => {
    const c = await newClient()
    c.send(proxy.listen, Buffer.from('1'))
    await waitFor(() => c.replies.length === 1, 1000, 'an echo before down')
    const down = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream })
    for (let i = 0; i < 5; i++) c.send(proxy.listen, Buffer.from('2'))
    await waitFor(() => datagrams().upstream === 6, 1000, 'the proxy took in the 5 datagrams')
    const up = await down.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream })
    expect(up.listen).to.equal(proxy.listen)
    c.send(proxy.listen, Buffer.from('3'))
    await waitFor(() => echoed(c, '3'), 1000, 'an echo after up')
    expect(echo.received, 'the server received while the proxy was down').to.equal(2)
    expect(c.replies.map(String)).to.deep.equal(['1', '3'])
    expect(new Set(echo.sources).size, 'the upstream saw a new source port after up').to.equal(1)
  })

  it('latency without jitter keeps datagram order', async () => {
    await proxy.addToxic(toxic('lat', 'latency', 'upstream', { latency: 30, jitter: 0 }))
    const c = await newClient()
    for (let i = 0; i < 50; i++) c.send(proxy.listen, Buffer.from(String(i)))
    await waitFor(() => c.replies.length === 50, 2000, 'the 50 echoes')
    expect(c.replies.map(String)).to.deep.equal(Array.from({ length: 50 }, (_, i) => String(i)))
  })

  it('removing a latency toxic releases the held datagrams at once', async () => {
    await proxy.addToxic(toxic('lat', 'latency', 'upstream', { latency: 5000, jitter: 0 }))
    const c = await newClient()
    for (let i = 0; i < 3; i++) c.send(proxy.listen, Buffer.from('held'))
    await waitFor(() => datagrams().held === 3, 1000, () => `the proxy holds the 3 datagrams (${JSON.stringify(datagrams())})`)
    expect(echo.received).to.equal(0)
    const removing = performance.now()
    await (await proxy.getToxic('lat')).remove()
    await waitFor(() => c.replies.length === 3, 500, 'the held datagrams are released and echoed', 5)
    console.log(`      released and echoed ${Math.round(performance.now() - removing)} ms after the remove call`)
  })

  it('toxicity 0 leaves a flow untouched; unknown attributes and out-of-range values are refused', async () => {
    await proxy.addToxic(toxic('never', 'blackhole', 'upstream', {}, 0))
    const p = await openUdpProbe(proxy.listen)
    try {
      expect(await p.ping(), 'a toxicity-0 blackhole dropped').to.be.a('number')
    } finally { await p.close() }
    for (const body of [
      { type: 'loss', attributes: { probabilty: 0.3 } },
      { type: 'loss', attributes: { probability: 1.5 } },
      { type: 'latency', attributes: { latency: -1 } },
      { type: 'latency', attributes: { latency: 1.5 } },
      { type: 'blackhole', toxicity: 2 }
    ]) {
      const res = await fetch(`${engine.apiUrl}/proxies/leg/toxics`, { method: 'POST', body: JSON.stringify(body) })
      const answer = await res.json() as { error: string, status: number }
      expect(res.status, JSON.stringify(body)).to.equal(400)
      expect(answer.status).to.equal(400)
      expect(answer.error).to.match(/^bad request body: /)
    }
  })
})

describe('UDP proxy flow expiry', () => {
  it('closes a flow idle for flowIdleMs; the next datagram opens a new one', async () => {
    await using server = await new UdpProxyServer({ flowIdleMs: 200, seed: 1 }).start()
    await using echo = await startUdpEcho()
    const proxy = await new Toxiproxy(server.apiUrl).createProxy({ name: 'leg', listen: '127.0.0.1:0', upstream: echo.addr })
    await using probe = await openUdpProbe(proxy.listen)
    const udp = server.proxies.get('leg')
    // busy: pinging every 50 ms keeps the flow (pacing, not synchronisation: 4x below flowIdleMs)
    for (let i = 0; i < 8; i++) { expect(await probe.ping()).to.be.a('number'); await sleep(50) }
    expect(udp.flowCount).to.equal(1)
    expect(new Set(echo.sources).size).to.equal(1)
    await waitFor(() => udp.flowCount === 0, 1000, 'the idle flow is closed')
    expect(await probe.ping()).to.be.a('number')
    expect(udp.flowCount).to.equal(1)
    expect(new Set(echo.sources).size, 'the new flow has a new upstream port').to.equal(2)
    await proxy.remove()
  })
})

describe('UDP proxy as its own process (bin.ts)', function () {
  this.timeout(20_000)

  async function startBin (...args: string[]): Promise<{ child: ReturnType<typeof spawn>, ready: { apiUrl: string, pid: number } }> {
    const child = spawn(process.execPath, [BIN, '--host', '127.0.0.1', '--port', '0', ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    const lines = createInterface({ input: child.stdout })
    const [line] = await once(lines, 'line') as [string]
    lines.close()
    return { child, ready: JSON.parse(line) as { apiUrl: string, pid: number } }
  }

  it('prints one ready line, is driven by toxiproxy-node-client, and exits 0 on SIGTERM', async () => {
    await using echo = await startUdpEcho()
    const { child, ready } = await startBin('--seed', '1')
    expect(ready).to.include({ type: 'ready', pid: child.pid })
    expect(ready.apiUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
    const client = new Toxiproxy(ready.apiUrl)
    expect(await client.getVersion()).to.include('meshflap-udp-proxy')
    const proxy = await client.createProxy({ name: 'leg', listen: '127.0.0.1:0', upstream: echo.addr })
    await using probe = await openUdpProbe(proxy.listen)
    expect(await probe.ping()).to.be.a('number')
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>
    child.kill('SIGTERM')
    const [code] = await exited
    expect(code).to.equal(0)
    // its proxy's port is free again
    const socket = createSocket('udp4')
    const port = Number(proxy.listen.split(':')[1])
    await new Promise<void>((resolve, reject) => { socket.once('error', reject); socket.bind(port, '127.0.0.1', resolve) })
    await closeSocket(socket)
  })

  it('--exit-on-stdin-close: exits 0 when its parent closes stdin', async () => {
    const { child } = await startBin('--exit-on-stdin-close')
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>
    child.stdin?.end()
    const [code] = await exited
    expect(code).to.equal(0)
    expect(isAlive(child.pid ?? -1)).to.equal(false)
  })
})
