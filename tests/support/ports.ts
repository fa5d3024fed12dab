/** Whether a port is free again: bind it (UDP or TCP) on its host and let go. For "nothing left behind" checks. */
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'

export async function portIsFree (host: string, port: number, protocol: 'udp' | 'tcp'): Promise<boolean> {
  return await new Promise(resolve => {
    if (protocol === 'udp') {
      const s = createSocket(host.includes(':') ? 'udp6' : 'udp4')
      s.once('error', () => { resolve(false) })
      s.bind(port, host, () => { s.close(() => { resolve(true) }) })
    } else {
      const s = createServer()
      s.once('error', () => { resolve(false) })
      s.listen(port, host, () => { s.close(() => { resolve(true) }) })
    }
  })
}

/** host and port of a /ip4/<host>/(udp|tcp)/<port> multiaddr, with its protocol. */
export function multiaddrPort (addr: string): { host: string, port: number, protocol: 'udp' | 'tcp' } {
  const m = /\/ip[46]\/([^/]+)\/(udp|tcp)\/(\d+)/.exec(addr)
  if (m == null) throw new Error(`not an ip multiaddr: ${addr}`)
  return { host: m[1]!, port: Number(m[3]), protocol: m[2] as 'udp' | 'tcp' }
}
