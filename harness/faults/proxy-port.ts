/**
 * Where a TCP leg's proxy listens.
 *
 * `down` closes toxiproxy's listener, and `up` binds the same port again: the dialer was handed
 * that address and redials it. A port the OS picked (`:0`) lies in the ephemeral range, the
 * range every outgoing connection takes its source port from; while the leg is down, any of the
 * devnet's redials, the harness's control calls or toxiproxy's own upstream dials may be given
 * it, and the `up` then fails with "address already in use" (toxiproxy: HTTP 500). Seen in
 * quorum-32 (8 nodes redialing every 100-400 ms, a 5-slot bearing storm): the leg stayed down
 * and the run could not be judged. So a proxy port is drawn outside the ephemeral range, where
 * the OS never hands out a source port, and another is drawn when the one drawn is taken.
 *
 * The range is read from this machine; an engine in a container has its own network namespace
 * with Linux's default range, so ports outside both are used.
 */
import { readFileSync } from 'node:fs'

export interface PortRange { lo: number, hi: number }

/** Linux's default ip_local_port_range, which every new network namespace (a container) starts with. */
export const LINUX_DEFAULT_EPHEMERAL: PortRange = { lo: 32768, hi: 60999 }
/** the lowest port drawn: below it live well-known services (and unprivileged binds start at 1024) */
export const LOWEST_PROXY_PORT = 10000
/** fewer free ports than this outside the ephemeral ranges: leave the choice to the OS */
const MIN_USEFUL_SPAN = 1000

/** This machine's ephemeral range (Linux), or Linux's default where it cannot be read. */
export function ephemeralRangeHere (path = '/proc/sys/net/ipv4/ip_local_port_range'): PortRange {
  try {
    const [lo = NaN, hi = NaN] = readFileSync(path, 'utf8').trim().split(/\s+/).map(Number)
    if (Number.isInteger(lo) && Number.isInteger(hi) && lo > 0 && hi >= lo) return { lo, hi }
  } catch { /* not Linux, or no /proc: assume the default */ }
  return LINUX_DEFAULT_EPHEMERAL
}

/**
 * The widest stretch of ports outside every given ephemeral range (from LOWEST_PROXY_PORT up to
 * 65535), or undefined when none is wide enough to draw from.
 */
export function proxyPortRange (ephemeral: PortRange[]): PortRange | undefined {
  const lo = Math.min(...ephemeral.map(r => r.lo))
  const hi = Math.max(...ephemeral.map(r => r.hi))
  const below = { lo: LOWEST_PROXY_PORT, hi: lo - 1 }
  const above = { lo: Math.max(hi + 1, LOWEST_PROXY_PORT), hi: 65535 }
  const span = (r: PortRange): number => r.hi - r.lo + 1
  const best = span(below) >= span(above) ? below : above
  return span(best) >= MIN_USEFUL_SPAN ? best : undefined
}

/** The stretch proxies on this machine (or in a container on it) draw their ports from. */
export function proxyPortRangeHere (): PortRange | undefined {
  return proxyPortRange([ephemeralRangeHere(), LINUX_DEFAULT_EPHEMERAL])
}

/**
 * `listen` with a port drawn from `range` in place of port 0 (other addresses unchanged). The draw
 * is not part of a run's seeded choices: like the OS's port 0, it only has to be free.
 */
export function withDrawnPort (listen: string, range: PortRange | undefined, random: () => number = Math.random): string {
  const at = listen.lastIndexOf(':')
  if (range === undefined || at < 0 || listen.slice(at + 1) !== '0') return listen
  return `${listen.slice(0, at)}:${range.lo + Math.floor(random() * (range.hi - range.lo + 1))}`
}
