/**
 * Clients that measure one echo round trip through a proxy: the compliance
 * suite's view of "traffic passes", "is blocked" and "is slower by X ms".
 */
import { createSocket } from 'node:dgram'
import { connect } from 'node:net'

/** A client of one proxy address. */
export interface Probe extends AsyncDisposable {
  /** one echo round trip in ms, or undefined when no echo came within timeoutMs (blocked, refused, closed) */
  ping: (timeoutMs?: number) => Promise<number | undefined>
  close: () => Promise<void>
}

function hostPort (addr: string): { host: string, port: number } {
  const i = addr.lastIndexOf(':')
  return { host: addr.slice(0, i), port: Number(addr.slice(i + 1)) }
}

/** One UDP socket for all pings (one flow through the proxy); each ping is a numbered datagram. */
export async function openUdpProbe (addr: string): Promise<Probe> {
  const { host, port } = hostPort(addr)
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  let seq = 0
  let waiting: { seq: number, done: (ok: boolean) => void } | undefined
  socket.on('message', (msg) => {
    if (msg.length >= 4 && waiting !== undefined && msg.readUInt32BE(0) === waiting.seq) waiting.done(true)
  })
  const probe: Probe = {
    ping: async (timeoutMs = 1000) => {
      const id = ++seq
      const buf = Buffer.alloc(32)
      buf.writeUInt32BE(id, 0)
      const start = performance.now()
      const ok = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => { resolve(false) }, timeoutMs)
        waiting = { seq: id, done: (v) => { clearTimeout(timer); resolve(v) } }
        socket.send(buf, port, host)
      })
      waiting = undefined
      return ok ? performance.now() - start : undefined
    },
    close: async () => { await new Promise<void>((resolve) => socket.close(() => { resolve() })) },
    [Symbol.asyncDispose]: async () => { await probe.close() }
  }
  return probe
}

/** A new TCP connection per ping (a refused or closed connection is "no echo"); RTT counts from the write. */
export async function openTcpProbe (addr: string): Promise<Probe> {
  const { host, port } = hostPort(addr)
  const probe: Probe = {
    ping: async (timeoutMs = 1000) => await new Promise<number | undefined>((resolve) => {
      const conn = connect(port, host)
      let start = 0
      const finish = (v: number | undefined): void => { clearTimeout(timer); conn.destroy(); resolve(v) }
      const timer = setTimeout(() => { finish(undefined) }, timeoutMs)
      conn.on('connect', () => { start = performance.now(); conn.write('ping') })
      let got = ''
      conn.on('data', (chunk) => {
        got += chunk.toString()
        if (got === 'ping') finish(performance.now() - start)
      })
      conn.on('error', () => { finish(undefined) })
      conn.on('close', () => { finish(undefined) })
    }),
    close: async () => {},
    [Symbol.asyncDispose]: async () => {}
  }
  return probe
}
