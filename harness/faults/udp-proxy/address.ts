/**
 * "host:port" strings as toxiproxy writes them (`net.JoinHostPort`): IPv6
 * hosts in brackets, e.g. "[::1]:4001".
 */
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { badRequestBody } from './api-error.ts'

export interface HostPort {
  host: string
  port: number
}

/** Parses "host:port" / "[v6]:port"; throws a 400 ApiError naming the field. */
export function parseHostPort (value: string, field: string): HostPort {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:[\]]*):(\d+)$/.exec(value)
  const port = Number(m?.[2])
  if (m == null || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw badRequestBody(`${field} must be host:port, got ${JSON.stringify(value)}`)
  }
  return { host: m[1] === '' ? '0.0.0.0' : (m[1] ?? ''), port }
}

export function formatHostPort (host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`
}

/** A name or IP resolved to one IP, with its family (decides udp4 vs udp6). */
export async function resolveHost (host: string): Promise<{ ip: string, family: 4 | 6 }> {
  const kind = isIP(host)
  if (kind !== 0) return { ip: host, family: kind === 6 ? 6 : 4 }
  const found = await lookup(host)
  return { ip: found.address, family: found.family === 6 ? 6 : 4 }
}
