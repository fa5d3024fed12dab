/**
 * What each fault action needs: the leg transports it works on, whether it
 * takes a `duration`, and its parameters with unit and bounds. The one table
 * behind the scenario checks (harness/scenario/resolve-faults.ts, again after
 * --transport/--impl overrides) and the fault plane (devnet/apply-fault.ts and
 * the Leg handle), so a fault that validates is a fault the engines accept.
 * The JSON Schema repeats the bounds for editors; tests/scenario/action-rules.test.ts
 * checks the two agree, so this file is the one to change.
 *
 *   scenario file ──resolve-faults──┐
 *   --transport / --impl ──recheck──┼──> ACTION_RULES[kind] ──> transports, duration, params
 *   Devnet.fault / schedule ────────┘          (applyAction checks before any engine call)
 */
import type { TransportName } from '../history/types.ts'
import type { FaultActionKind, FaultActionSpec } from '../scenario/types.ts'

/** One numeric parameter of an action, as the resolved FaultActionSpec holds it. */
export interface ParamRule {
  /** field of the FaultActionSpec */
  field: string
  /** the key a scenario file writes (differs for latency's jitter) */
  fileKey: string
  unit: string
  integer: boolean
  min: number
  max?: number
  /** why the bound is what it is (shown with the error) */
  why?: string
}

export interface ActionRule {
  /** leg transports the engines can do it on */
  transports: readonly TransportName[]
  /** what to use instead on the other transport */
  otherwise?: string
  /** true: `duration` heals it after that long; false: over at once, or it brings its own timing */
  takesDuration: boolean
  params: readonly ParamRule[]
}

const BOTH: readonly TransportName[] = ['quic', 'tcp']

/** Toxiproxy's bandwidth toxic counts whole kilobytes per second; scenarios write kilobits. */
export const KBPS_PER_TOXIPROXY_RATE = 8

export const ACTION_RULES: { readonly [K in FaultActionKind]: ActionRule } = {
  flap: {
    transports: BOTH,
    takesDuration: false,
    params: [
      { field: 'times', fileKey: 'times', unit: 'cycles', integer: true, min: 1 },
      { field: 'downMs', fileKey: 'downMs', unit: 'ms', integer: true, min: 1 },
      { field: 'upMs', fileKey: 'upMs', unit: 'ms', integer: true, min: 0 }
    ]
  },
  down: { transports: BOTH, takesDuration: true, params: [] },
  up: { transports: BOTH, takesDuration: false, params: [] },
  blackhole: { transports: BOTH, takesDuration: true, params: [] },
  latency: {
    transports: BOTH,
    takesDuration: true,
    params: [
      { field: 'ms', fileKey: 'ms', unit: 'ms', integer: true, min: 0 },
      { field: 'jitterMs', fileKey: 'jitter', unit: 'ms', integer: true, min: 0 }
    ]
  },
  loss: {
    transports: ['quic'],
    otherwise: 'TCP retransmits lost segments; use latency, bandwidth or blackhole',
    takesDuration: true,
    params: [{ field: 'probability', fileKey: 'probability', unit: 'probability', integer: false, min: 0, max: 1 }]
  },
  bandwidth: {
    transports: ['tcp'],
    otherwise: 'the UDP proxy has no rate limit; use loss or latency',
    takesDuration: true,
    params: [{
      field: 'kbps',
      fileKey: 'kbps',
      unit: 'kbit/s',
      integer: true,
      min: KBPS_PER_TOXIPROXY_RATE,
      why: 'toxiproxy limits bandwidth in whole KB/s (8 kbit/s); a lower rate would round to 0, which is a blackhole'
    }]
  },
  reset: { transports: ['tcp'], otherwise: 'QUIC has no RST; use down or close', takesDuration: true, params: [] },
  close: { transports: BOTH, takesDuration: false, params: [] },
  rebind: { transports: ['quic'], otherwise: 'a TCP connection cannot change its source port', takesDuration: false, params: [] }
}

/** A parameter outside its bounds, in scenario-file terms. */
export interface ParamIssue {
  /** the file key, e.g. "kbps" */
  key: string
  message: string
  expected: string
}

/** Every parameter of the action that breaks the table's bounds. */
export function paramIssues (action: FaultActionSpec): ParamIssue[] {
  const issues: ParamIssue[] = []
  const values = action as unknown as Record<string, unknown>
  for (const p of ACTION_RULES[action.kind].params) {
    const v = values[p.field]
    if (typeof v !== 'number') continue
    const inRange = Number.isFinite(v) && v >= p.min && (p.max === undefined || v <= p.max) && (!p.integer || Number.isInteger(v))
    if (inRange) continue
    issues.push({
      key: p.fileKey,
      message: `${action.kind} ${p.fileKey} ${v} is out of range${p.why !== undefined ? `: ${p.why}` : ''}`,
      expected: boundsOf(p)
    })
  }
  return issues
}

/** "an integer >= 8 (kbit/s)" */
export function boundsOf (p: ParamRule): string {
  const range = p.max === undefined ? `>= ${p.min}` : `in ${p.min}..${p.max}`
  return `${p.integer ? 'an integer' : 'a number'} ${range} (${p.unit})`
}

export function supportsTransport (kind: FaultActionKind, transport: TransportName): boolean {
  return ACTION_RULES[kind].transports.includes(transport)
}

/** "loss works on QUIC legs only (TCP retransmits lost segments; use ...)" */
export function transportMessage (kind: FaultActionKind): string {
  const rule = ACTION_RULES[kind]
  return `${kind} works on ${rule.transports.map(t => t.toUpperCase()).join(' and ')} legs only` + (rule.otherwise !== undefined ? ` (${rule.otherwise})` : '')
}

/** The toxiproxy bandwidth rate (KB/s) for a scenario's kbit/s. */
export function toxiproxyRate (kbps: number): number {
  return Math.round(kbps / KBPS_PER_TOXIPROXY_RATE)
}
