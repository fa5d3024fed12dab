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
  rebind: { transports: ['quic'], otherwise: 'a TCP connection cannot change its source port', takesDuration: false, params: [] },
  stall: {
    transports: BOTH,
    takesDuration: true,
    params: [{ field: 'maxBytes', fileKey: 'maxBytes', unit: 'bytes', integer: true, min: 1, max: 1500, why: 'QUIC datagrams above this size are dropped; ACK-only and PING packets must still pass' }]
  },
  'burst-loss': {
    transports: ['quic'],
    otherwise: 'TCP retransmits every byte; use blackhole with a duration, or latency',
    takesDuration: true,
    params: [
      { field: 'burstMs', fileKey: 'burstMs', unit: 'ms', integer: true, min: 1 },
      { field: 'everyMs', fileKey: 'everyMs', unit: 'ms', integer: true, min: 2 }
    ]
  }
}

/**
 * Whether an action of a node or a pair (not a leg) takes a `duration`: a pause with one is
 * resumed after it; kill, resume and simultaneous-dial are over at once.
 */
export const NODE_AND_PAIR_ACTIONS_TAKE_DURATION: Readonly<Record<string, boolean>> = { kill: false, pause: true, resume: false, 'simultaneous-dial': false }

/** Any scenario action's duration rule: leg actions from the table, node and pair actions from the list above. */
export function takesDuration (kind: string): boolean {
  const rule = (ACTION_RULES as Readonly<Record<string, ActionRule | undefined>>)[kind]
  return rule !== undefined ? rule.takesDuration : NODE_AND_PAIR_ACTIONS_TAKE_DURATION[kind] === true
}

/** A parameter outside its bounds, in scenario-file terms. */
export interface ParamIssue {
  /** the file key, e.g. "kbps" */
  key: string
  message: string
  expected: string
}

/** Every parameter of the action that breaks the table's bounds. */
export function paramIssues (action: { kind: string }): ParamIssue[] {
  const issues: ParamIssue[] = []
  const values = action as unknown as Record<string, unknown>
  // node and pair actions (kill, pause, simultaneous-dial, ...) have no numeric parameters here
  const rule = (ACTION_RULES as Readonly<Record<string, ActionRule | undefined>>)[action.kind]
  for (const p of rule?.params ?? []) {
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
