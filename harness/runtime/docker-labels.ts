/**
 * The labels every meshflap container, network and image carries, and who owns
 * a run: the harness process (host, pid and its start time, so a reused pid is
 * not taken for the dead owner).
 *
 *   meshflap.run=<run id>             containers + network of one run
 *   meshflap.owner=<host>/<pid>/<t0>  the harness that made them (for the stale sweep)
 *   meshflap.role=node|toxiproxy|udp-proxy, meshflap.node=<name>
 *   meshflap.image=<name>, meshflap.inputs=<content hash>   images
 */
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'

export const LABEL_RUN = 'meshflap.run'
export const LABEL_OWNER = 'meshflap.owner'
export const LABEL_ROLE = 'meshflap.role'
export const LABEL_NODE = 'meshflap.node'
export const LABEL_IMAGE = 'meshflap.image'
export const LABEL_INPUTS = 'meshflap.inputs'

/** The harness process that made a run's resources. */
export interface Owner {
  host: string
  pid: number
  /** process start time in clock ticks since boot (/proc/<pid>/stat field 22); '' where unknown */
  startTicks: string
}

export type OwnerState = 'alive' | 'dead' | 'unknown'

export function currentOwner (): Owner {
  return { host: hostname(), pid: process.pid, startTicks: startTicksOf(process.pid) ?? '' }
}

export function ownerLabel (owner: Owner): string {
  return `${owner.host}/${owner.pid}/${owner.startTicks}`
}

export function parseOwner (label: string | undefined): Owner | undefined {
  if (label === undefined) return undefined
  const m = /^(.+)\/([0-9]+)\/([0-9]*)$/.exec(label)
  if (m == null) return undefined
  return { host: m[1] ?? '', pid: Number(m[2]), startTicks: m[3] ?? '' }
}

/**
 * Whether the owner still runs. Only an owner on this host can be judged: one on
 * another host (a shared remote engine) is 'unknown' and left alone by the sweep.
 */
export function ownerState (owner: Owner | undefined, here: string = hostname()): OwnerState {
  if (owner === undefined) return 'dead' // a meshflap resource with no owner: an older harness, nobody to wait for
  if (owner.host !== here) return 'unknown'
  try {
    process.kill(owner.pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'dead'
    // EPERM: it exists under another user
  }
  const ticks = startTicksOf(owner.pid)
  if (owner.startTicks !== '' && ticks !== undefined && ticks !== owner.startTicks) return 'dead' // pid reused
  return 'alive'
}

/** Labels for a run's resources. */
export function runLabels (runId: string, owner: Owner, extra: Record<string, string> = {}): Record<string, string> {
  return { [LABEL_RUN]: runId, [LABEL_OWNER]: ownerLabel(owner), ...extra }
}

/** A docker `filters` value selecting one run's resources, or every meshflap run's. */
export function runFilter (runId?: string): { label: string[] } {
  return { label: [runId === undefined ? LABEL_RUN : `${LABEL_RUN}=${runId}`] }
}

function startTicksOf (pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return rest[19] // field 22 overall
  } catch {
    return undefined
  }
}
