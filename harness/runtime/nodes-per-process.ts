/**
 * The process runtime's `nodesPerProcess` (CLI `--nodes-per-process`): how many nodes of an
 * implementation that can host several (harness/impls/, `processHostCommand`: today the TS
 * node) share one child process. Pure: the value's check, which process a node goes to, how
 * many processes a devnet needs. 1 (the default) is one process per node, as always.
 */
import type { RuntimeName } from './runtime.ts'

/** What is wrong with the option for this runtime, or undefined. */
export function nodesPerProcessProblem (value: number, runtime: RuntimeName): string | undefined {
  if (!Number.isInteger(value) || value < 1) return `--nodes-per-process must be a whole number >= 1, got ${value}`
  if (value > 1 && runtime !== 'process') return `--nodes-per-process is an option of the process runtime; the ${runtime} runtime runs one ${runtime === 'docker' ? 'container' : 'service'} per node`
  return undefined
}

/**
 * Which of the open processes a new node joins: the first with room (free slots, in the
 * order the processes were started), or -1 when a new one must be started. Filling in
 * order keeps the grouping a function of the start order: nodes A..D in the first process, E..H in the next.
 */
export function processWithRoom (free: readonly number[]): number {
  return free.findIndex(f => f > 0)
}

/** Child processes a devnet of these nodes starts (before any restart): `hostable` impls in groups of `perProcess`, every other node alone. */
export function processCount (impls: readonly string[], perProcess: number, hostable: (impl: string) => boolean): number {
  const byImpl = new Map<string, number>()
  let alone = 0
  for (const impl of impls) {
    if (perProcess > 1 && hostable(impl)) byImpl.set(impl, (byImpl.get(impl) ?? 0) + 1)
    else alone++
  }
  return alone + [...byImpl.values()].reduce((sum, n) => sum + Math.ceil(n / perProcess), 0)
}
