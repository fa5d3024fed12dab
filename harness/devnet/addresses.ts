/** Conversions between the node contract's multiaddrs and the proxies' host:port. */
import type { TransportName } from '../history/types.ts'

const MULTIADDR = /^\/ip([46])\/([^/]+)\/(udp|tcp)\/([0-9]+)(\/quic-v1)?$/

export function hostPortOf (multiaddr: string): string {
  const m = MULTIADDR.exec(multiaddr)
  if (m == null) throw new Error(`not an /ip4|6/<host>/(udp|tcp)/<port> multiaddr: ${multiaddr}`)
  return m[1] === '6' ? `[${m[2]}]:${m[4]}` : `${m[2]}:${m[4]}`
}

export function multiaddrOf (hostPort: string, transport: TransportName): string {
  const m = /^\[?([^\]]+?)\]?:([0-9]+)$/.exec(hostPort)
  if (m == null) throw new Error(`not a host:port address: ${hostPort}`)
  const host = m[1] ?? ''
  const family = host.includes(':') ? 'ip6' : 'ip4'
  return transport === 'quic' ? `/${family}/${host}/udp/${m[2]}/quic-v1` : `/${family}/${host}/tcp/${m[2]}`
}

export function transportOfAddr (multiaddr: string): TransportName {
  return multiaddr.includes('/quic') ? 'quic' : 'tcp'
}

/** The listen address of a node for one transport. */
export function listenFor (listen: string[], transport: TransportName): string | undefined {
  return listen.find(a => transportOfAddr(a) === transport)
}
