/**
 * Raw echo servers on 127.0.0.1 for the fault engine tests: the "listener
 * node" behind a proxy, with counters a test can assert on.
 */
import { createSocket } from 'node:dgram'
import type { Socket as UdpSocket } from 'node:dgram'
import { createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'

/** An echo server and what it saw. */
export interface EchoServer extends AsyncDisposable {
  /** host:port to use as a proxy's upstream */
  readonly addr: string
  readonly port: number
  /** datagrams (UDP) or chunks (TCP) received */
  readonly received: number
  /** UDP: source port of every datagram, in arrival order; TCP: remote port of every connection */
  readonly sources: number[]
  /** TCP: connections currently open (UDP: 0) */
  readonly openConnections: number
  /** when true, received data is counted but not echoed */
  mute: boolean
  close: () => Promise<void>
}

export async function startUdpEcho (): Promise<EchoServer> {
  const socket: UdpSocket = createSocket('udp4')
  let received = 0
  const sources: number[] = []
  const echo: EchoServer = {
    addr: '',
    port: 0,
    get received () { return received },
    sources,
    openConnections: 0,
    mute: false,
    close: async () => { await new Promise<void>((resolve) => socket.close(() => { resolve() })) },
    [Symbol.asyncDispose]: async () => { await echo.close() }
  }
  socket.on('message', (msg, rinfo) => {
    received++
    sources.push(rinfo.port)
    if (!echo.mute) socket.send(msg, rinfo.port, rinfo.address)
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const port = socket.address().port
  return Object.assign(echo, { addr: `127.0.0.1:${port}`, port })
}

export async function startTcpEcho (): Promise<EchoServer> {
  const conns = new Set<Socket>()
  let received = 0
  const sources: number[] = []
  const server = createServer((conn) => {
    conns.add(conn)
    sources.push(conn.remotePort ?? 0)
    conn.on('data', (chunk) => {
      received++
      if (!echo.mute) conn.write(chunk)
    })
    conn.on('error', () => { /* the proxy's reset_peer and down() end connections abruptly: expected here */ })
    conn.on('close', () => { conns.delete(conn) })
  })
  const echo: EchoServer = {
    addr: '',
    port: 0,
    get received () { return received },
    sources,
    get openConnections () { return conns.size },
    mute: false,
    close: async () => {
      for (const conn of conns) conn.destroy()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    },
    [Symbol.asyncDispose]: async () => { await echo.close() }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return Object.assign(echo, { addr: `127.0.0.1:${port}`, port })
}
