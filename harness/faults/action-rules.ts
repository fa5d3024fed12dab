/**
 * What each fault action needs: the leg transports it works on, whether it
 * takes a `duration`, and its parameters with unit and bounds, gathered from the
 * action files (harness/faults/actions/, one per action). The one table
 * behind the scenario checks (harness/scenario/resolve-faults.ts, again after
 * --transport/--impl overrides) and the fault plane (devnet/apply-fault.ts and
 * the Leg handle), so a fault that validates is a fault the engines accept.
 * The JSON Schema's action entries come from the same files (schema-issues.ts);
 * tests/scenario/action-rules.test.ts checks the shipped schema file agrees.
 *
 *   scenario file ──resolve-faults──┐
 *   --transport / --impl ──recheck──┼──> ACTION_RULES[kind] ──> transports, duration, params
 *   Devnet.fault / schedule ────────┘          (applyAction checks before any engine call)
 */
import type { TransportName } from '../history/types.ts'
import type { FaultActionKind } from '../scenario/types.ts'
import type { ParamRule } from './actions/action.ts'
import { FAULT_ACTIONS, faultAction, legAction } from './actions/index.ts'
export { KBPS_PER_TOXIPROXY_RATE, toxiproxyRate } from './toxiproxy-rate.ts'
export type { ParamRule } from './actions/action.ts'

export interface ActionRule {
  /** leg transports the engines can do it on */
  transports: readonly TransportName[]
  /** what to use instead on the other transport */
  otherwise?: string
  /** true: `duration` heals it after that long; false: over at once, or it brings its own timing */
  takesDuration: boolean
  params: readonly ParamRule[]
}

/** The leg actions' rules, read from their files (harness/faults/actions/). */
export const ACTION_RULES = Object.fromEntries(FAULT_ACTIONS.flatMap(a => a.on === 'leg'
  ? [[a.kind, { transports: a.transports, ...(a.otherwise !== undefined ? { otherwise: a.otherwise } : {}), takesDuration: a.takesDuration, params: a.params }]]
  : [])) as { readonly [K in FaultActionKind]: ActionRule }

/**
 * Whether an action of a node or a pair (not a leg) takes a `duration`: a pause with one is
 * resumed after it; kill, resume, restart and simultaneous-dial are over at once (restart has `after`).
 */
export const NODE_AND_PAIR_ACTIONS_TAKE_DURATION: Readonly<Record<string, boolean>> = Object.fromEntries(FAULT_ACTIONS.filter(a => a.on !== 'leg').map(a => [a.kind, a.takesDuration]))

/** Any scenario action's duration rule: leg actions from the table, node and pair actions from the list above. */
export function takesDuration (kind: string): boolean {
  return faultAction(kind)?.takesDuration === true
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
  for (const p of faultAction(action.kind)?.params ?? []) {
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

/**
 * The narrower transports some settings of a leg action need, and why (latency with reorder: QUIC),
 * from the action's own file; undefined when the action's `transports` are all it asks. The scenario
 * check, the devnet's check and the Leg read it here, so the rule is written once.
 */
export function narrowerTransports (action: { kind: string }): { transports: readonly TransportName[], why: string } | undefined {
  return legAction(action.kind)?.transportsFor?.(action)
}

export function supportsTransport (kind: FaultActionKind, transport: TransportName): boolean {
  return ACTION_RULES[kind].transports.includes(transport)
}

/** "loss works on QUIC legs only (TCP retransmits lost segments; use ...)" */
export function transportMessage (kind: FaultActionKind): string {
  const rule = ACTION_RULES[kind]
  return `${kind} works on ${rule.transports.map(t => t.toUpperCase()).join(' and ')} legs only` + (rule.otherwise !== undefined ? ` (${rule.otherwise})` : '')
}
