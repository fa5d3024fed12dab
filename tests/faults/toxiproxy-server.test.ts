/**
 * The toxiproxy-server child: starts on a free port, stops, never outlives the
 * harness, says what to do when the binary is missing; and what its TCP
 * proxies do to live connections (down closes both ends).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { Toxiproxy } from 'toxiproxy-node-client'
import { ToxiproxyBinaryMissingError, ToxiproxyServer } from '../../harness/faults/toxiproxy-server.ts'
import { startTcpEcho } from './support/echo.ts'
import { waitFor } from '../support/wait-for.ts'
import { isAlive } from './support/leaks.ts'

const MODULE = fileURLToPath(new URL('../../harness/faults/toxiproxy-server.ts', import.meta.url))

async function connectTo (addr: string): Promise<Socket> {
  const i = addr.lastIndexOf(':')
  const conn = connect(Number(addr.slice(i + 1)), addr.slice(0, i))
  await once(conn, 'connect')
  return conn
}

describe('toxiproxy-server child process', function () {
  this.timeout(20_000)

  it('starts on a free API port, answers /version, and is gone after stop()', async () => {
    const a = await ToxiproxyServer.start()
    const b = await ToxiproxyServer.start()
    try {
      expect(a.apiUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(b.apiUrl).to.not.equal(a.apiUrl)
      expect(await new Toxiproxy(a.apiUrl).getVersion()).to.include('version')
    } finally {
      await a.stop()
      await b.stop()
    }
    expect(isAlive(a.pid)).to.equal(false)
    expect(isAlive(b.pid)).to.equal(false)
    const refused = await fetch(`${a.apiUrl}/version`).then(() => false, () => true)
    expect(refused, 'API still answers after stop()').to.equal(true)
  })

  it('does not outlive a harness that is SIGKILLed', async () => {
    // a stand-in harness: starts toxiproxy, prints its pid, then waits to be killed
    const script = `const m = await import(${JSON.stringify(MODULE)}); const s = await m.ToxiproxyServer.start(); console.log(s.pid); setInterval(() => {}, 1000)`
    const harness = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    const lines = createInterface({ input: harness.stdout })
    const [line] = await once(lines, 'line') as [string]
    lines.close()
    const pid = Number(line)
    expect(pid).to.be.greaterThan(0)
    expect(isAlive(pid)).to.equal(true)
    harness.kill('SIGKILL')
    await once(harness, 'exit')
    await waitFor(() => !isAlive(pid), 3000, `toxiproxy ${pid} exits after its harness`, 10)
  })

  it('names `npm run setup` when the binary is missing', async () => {
    const err = await ToxiproxyServer.start({ binary: '/nonexistent/toxiproxy-server' }).then(() => undefined, (e: unknown) => e)
    expect(err).to.be.instanceOf(ToxiproxyBinaryMissingError)
    expect((err as Error).message).to.include('npm run setup')
  })

  it('enabled=false closes a live connection at both ends at once', async () => {
    await using server = await ToxiproxyServer.start()
    await using echo = await startTcpEcho()
    const client = new Toxiproxy(server.apiUrl)
    const proxy = await client.createProxy({ name: 'leg', listen: '127.0.0.1:0', upstream: echo.addr })
    const conn = await connectTo(proxy.listen)
    conn.on('error', () => { /* a reset is one way to see the close */ })
    await waitFor(() => echo.openConnections === 1, 1000, 'the server holds the proxied connection', 10)
    const clientClosed = once(conn, 'close').then(() => performance.now())
    const start = performance.now()
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream })
    const applied = performance.now()
    const closedAt = await clientClosed
    await waitFor(() => echo.openConnections === 0, 1000, 'the server end is closed', 10)
    const serverSeen = performance.now()
    console.log(`      enabled=false: applied ${(applied - start).toFixed(1)} ms, client close ${(closedAt - start).toFixed(1)} ms, server close ${(serverSeen - start).toFixed(1)} ms`)
    expect(closedAt - start, `client saw the close ${(closedAt - start).toFixed(1)} ms after down`).to.be.below(50)
    expect(serverSeen - start, `server saw the close ${(serverSeen - start).toFixed(1)} ms after down`).to.be.below(60)
    expect(applied - start).to.be.below(50)
    await proxy.remove()
  })
})
