/**
 * "Nothing left behind" checks: live handles of this process, live child pids.
 */
import { setTimeout as sleep } from 'node:timers/promises'

/** How many live handles of one kind (e.g. 'UDPWrap', 'TCPServerWrap') this process has. */
export function countHandles (kind: string): number {
  return process.getActiveResourcesInfo().filter((k) => k === kind).length
}

export function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Polls `check` until it returns true; false after timeoutMs. Closing a handle completes asynchronously. */
export async function eventually (check: () => boolean | Promise<boolean>, timeoutMs = 2000, everyMs = 10): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (true) {
    if (await check()) return true
    if (performance.now() > deadline) return false
    await sleep(everyMs)
  }
}

export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}
