/**
 * "Nothing left behind" checks: live handles of this process, live child pids.
 * (Waiting until they are gone: tests/support/wait-for.ts.)
 */

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

export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}
