/**
 * The `faults` list, resolved: times in ms from genesis, action parameters
 * with defaults, targets as a tagged union, and every static check that can
 * be made before a node starts (names, timing inside the run, repetitions
 * that fit, actions the targeted legs' transports support).
 */
import { ACTION_RULES, narrowerTransports, paramIssues, takesDuration, transportMessage } from '../faults/action-rules.ts'
import { actionNames, faultAction, legAction, nodeAction, pairAction } from '../faults/actions/index.ts'
import { DEFAULTS } from './defaults.ts'
import { notPeeringIssue, pairIssues, unknownNode } from './resolve-nodes.ts'
import type { FieldIssue, FieldPath } from './scenario-error.ts'
import type { ActionFile, FaultFile, SpanFile, TargetFile } from './scenario-file.ts'
import type { FaultActionSpec, LegRole, NodeActionSpec, NodeTarget, PairActionSpec, PairTarget, ScenarioFault, ScenarioLeg, ScenarioNode, Target } from './types.ts'
import { isNodeTarget } from './resolve-node-target.ts'

/** What the fault resolver needs to know about the run. */
export interface FaultContext {
  nodes: readonly ScenarioNode[]
  legs: readonly ScenarioLeg[]
  slotMs: number
  slots: number
  /** "file:line" of a field path */
  where: (path: FieldPath) => string
}

const ROLE_KEYS: ReadonlyArray<[keyof TargetFile, LegRole]> = [
  ['bearing-of', 'bearing'], ['non-bearing-of', 'non-bearing'], ['outbound-of', 'outbound'], ['inbound-of', 'inbound']
]
const SELECTOR_KEYS = ['bearing-of', 'non-bearing-of', 'outbound-of', 'inbound-of', 'random', 'all-legs-of', 'node', 'aggregator', 'bearing-node-of'] as const
/** leg actions after which a leg's connections are left to die by themselves (`leg-death-within` applies) */
const TAKES_LEG_DOWN: ReadonlySet<string> = new Set(['down', 'blackhole', 'flap'])
/** target keys that name nodes (node actions), not legs */
const NODE_KEYS: ReadonlySet<string> = new Set(['node', 'aggregator', 'bearing-node-of'])


export function spanMs (span: SpanFile, slotMs: number): number {
  return span.ms ?? Math.round((span.slots ?? 0) * slotMs)
}

export function resolveFaults (faults: readonly FaultFile[], ctx: FaultContext, issues: FieldIssue[]): ScenarioFault[] {
  const out: ScenarioFault[] = []
  faults.forEach((f, index) => {
    const path: FieldPath = ['faults', index]
    const before = issues.length
    const atMs = resolveStart(f, path, ctx, issues)
    const action = resolveAction(f.action, [...path, 'action'], ctx.slotMs, issues)
    const target = targetOf(f.target, [...path, 'target'], ctx, issues)
    const durationMs = f.duration === undefined ? undefined : spanMs(f.duration, ctx.slotMs)
    if (durationMs !== undefined && action !== undefined && !takesDuration(action.kind)) {
      issues.push({ path: [...path, 'duration'], at: 'key', message: `${action.kind} takes no duration`, expected: action.kind === 'flap' ? 'flap: { times, downMs, upMs } for its timing' : 'no duration' })
    }
    const repeat = f.repeat ?? DEFAULTS.repeat
    const everyMs = f.every === undefined ? undefined : spanMs(f.every, ctx.slotMs)
    const jitterMs = f.jitter === undefined ? 0 : spanMs(f.jitter, ctx.slotMs)
    if (repeat > 1 && everyMs === undefined) issues.push({ path: [...path, 'repeat'], message: `repeat ${repeat} without every`, expected: 'every: { slots: n } or { ms: n } with repeat' })
    if (repeat === 1 && everyMs !== undefined) issues.push({ path: [...path, 'every'], at: 'key', message: 'every without repeat', expected: 'repeat: n (n >= 2) with every' })
    if (repeat === 1 && f.jitter !== undefined) issues.push({ path: [...path, 'jitter'], at: 'key', message: 'jitter without repeat', expected: 'repeat: n (n >= 2) with jitter' })
    if (action !== undefined && everyMs !== undefined && repeat > 1) {
      const lasts = action.kind === 'flap' ? action.times * action.downMs + (action.times - 1) * action.upMs : durationMs ?? 0
      if (lasts + jitterMs > everyMs) {
        issues.push({ path: [...path, 'every'], message: `repetitions overlap: each lasts ${lasts} ms${jitterMs > 0 ? ` (+ up to ${jitterMs} ms jitter)` : ''} but they start every ${everyMs} ms`, expected: `every >= ${lasts + jitterMs} ms` })
      }
    }
    if (atMs !== undefined && everyMs !== undefined && repeat > 1) {
      const endMs = ctx.slots * ctx.slotMs
      const lastStart = atMs + (repeat - 1) * everyMs + jitterMs
      if (lastStart >= endMs) {
        const fits = Math.max(1, Math.floor((endMs - 1 - atMs - jitterMs) / everyMs) + 1)
        issues.push({
          path: [...path, 'repeat'],
          message: `repetition ${repeat} may start at ${lastStart} ms (slot ${Math.floor(lastStart / ctx.slotMs)}), after the last slot (${ctx.slots - 1})`,
          expected: `repeat <= ${fits}, or more slots`
        })
      }
    }
    if (action !== undefined) {
      for (const p of paramIssues(action)) issues.push({ path: [...path, 'action', action.kind, p.key], message: p.message, expected: p.expected })
    }
    const legDeathWithinMs = f['leg-death-within'] === undefined ? undefined : spanMs(f['leg-death-within'], ctx.slotMs)
    if (legDeathWithinMs !== undefined && action !== undefined && !TAKES_LEG_DOWN.has(action.kind)) {
      issues.push({ path: [...path, 'leg-death-within'], at: 'key', message: `${action.kind} does not take a leg down: there is no leg death to wait for`, expected: `leg-death-within only with ${[...TAKES_LEG_DOWN].join(', ')}` })
    }
    if (action !== undefined && target !== undefined) matchIssues(action, target, path, issues)
    if (action !== undefined && target !== undefined && legAction(action.kind) !== undefined && !isNodeTarget(target) && target.kind !== 'pair') {
      transportIssues(action as FaultActionSpec, target, [...path, 'action'], ctx.legs, issues)
    }
    if (issues.length > before || atMs === undefined || action === undefined || target === undefined) return
    out.push({
      id: `faults[${index}]`,
      index,
      ...(f.name !== undefined ? { name: f.name } : {}),
      atMs,
      action,
      target,
      ...(durationMs !== undefined ? { durationMs } : {}),
      repeat,
      ...(everyMs !== undefined ? { everyMs } : {}),
      jitterMs,
      exercised: f.exercised ?? false,
      ...(legDeathWithinMs !== undefined ? { legDeathWithinMs } : {}),
      where: ctx.where(path)
    })
  })
  return out
}

function resolveStart (f: FaultFile, path: FieldPath, ctx: FaultContext, issues: FieldIssue[]): number | undefined {
  const endMs = ctx.slots * ctx.slotMs
  if (f.slot !== undefined && f.atMs !== undefined) {
    issues.push({ path: [...path, 'atMs'], at: 'key', message: 'both slot and atMs are given', expected: 'one of slot or atMs' })
    return undefined
  }
  if (f.slot !== undefined) {
    if (f.slot >= ctx.slots) {
      issues.push({ path: [...path, 'slot'], message: `slot ${f.slot} is after the last slot (${ctx.slots - 1})`, expected: `a slot in 0..${ctx.slots - 1} (slots: ${ctx.slots})` })
      return undefined
    }
    return f.slot * ctx.slotMs
  }
  if (f.atMs !== undefined) {
    if (f.atMs >= endMs) {
      issues.push({ path: [...path, 'atMs'], message: `atMs ${f.atMs} is after the last slot ends (${ctx.slots} slots x ${ctx.slotMs} ms = ${endMs} ms)`, expected: `atMs < ${endMs}` })
      return undefined
    }
    return f.atMs
  }
  issues.push({ path, message: 'fault has no start', expected: 'slot: n or atMs: n' })
  return undefined
}

/** The action's own file (harness/faults/actions/) turns what the file wrote into its spec. */
function resolveAction (a: ActionFile, path: FieldPath, slotMs: number, issues: FieldIssue[]): FaultActionSpec | NodeActionSpec | PairActionSpec | undefined {
  // the schema guarantees a known name, or exactly one known key
  const [kind, params] = typeof a === 'string' ? [a, undefined] : Object.entries(a)[0] as [string, Record<string, unknown> | null]
  const def = faultAction(kind)
  if (def === undefined) {
    issues.push({ path, message: `unknown action "${kind}"` })
    return undefined
  }
  // a map with an empty value (`{ kill: }`) is the bare name with defaults
  const p = typeof a === 'string' ? undefined : (params ?? {})
  return def.fromFile(p, path, issues, { spanMs: span => spanMs(span, slotMs) }) as FaultActionSpec | NodeActionSpec | PairActionSpec | undefined
}

/** A node action needs a node target and a leg action a leg target. */
function matchIssues (action: FaultActionSpec | NodeActionSpec | PairActionSpec, target: Target | NodeTarget | PairTarget, path: FieldPath, issues: FieldIssue[]): void {
  const onPair = pairAction(action.kind) !== undefined
  if (onPair || target.kind === 'pair') {
    if (onPair && target.kind !== 'pair') issues.push({ path: [...path, 'target'], message: `${action.kind} acts on a pair, and this target is not one`, expected: '{ pair: [A, B] } alone' })
    if (!onPair && target.kind === 'pair') issues.push({ path: [...path, 'target'], message: 'pair without a leg role', expected: `one of: ${SELECTOR_KEYS.join(', ')} (a pair alone is for pair actions: ${actionNames('pair').join(', ')})` })
    return
  }
  const onNode = nodeAction(action.kind) !== undefined
  if (onNode === isNodeTarget(target)) return
  issues.push(onNode
    ? { path: [...path, 'target'], message: `${action.kind} acts on nodes, and this target names legs`, expected: '{ node: A }, { node: { random: n } }, { aggregator: true } or { pair: [A, B], bearing-node-of: A }' }
    : { path: [...path, 'target'], message: `${action.kind} acts on legs, and this target names nodes`, expected: `a leg target: one of ${SELECTOR_KEYS.filter(k => !NODE_KEYS.has(k)).join(', ')}` })
}

function targetOf (t: TargetFile, path: FieldPath, ctx: FaultContext, issues: FieldIssue[]): Target | NodeTarget | PairTarget | undefined {
  const names = ctx.nodes.map(n => n.name)
  const given = SELECTOR_KEYS.filter(k => t[k] !== undefined)
  if (given.length === 0 && t.pair !== undefined) {
    // a pair alone: the target of a pair action (matchIssues refuses it for any other action)
    const pairProblems = pairOrPeeringIssues(t.pair, [...path, 'pair'], ctx)
    issues.push(...pairProblems)
    return pairProblems.length > 0 ? undefined : { kind: 'pair', pair: t.pair }
  }
  if (given.length === 0) {
    issues.push({ path, message: t.pair !== undefined ? 'pair without a leg role' : 'target names no legs', expected: `one of: ${SELECTOR_KEYS.join(', ')}` })
    return undefined
  }
  if (given.length > 1) {
    issues.push({ path: [...path, given[1] as string], at: 'key', message: `target has both ${given[0]} and ${given[1]}`, expected: `one of: ${SELECTOR_KEYS.join(', ')}` })
    return undefined
  }
  const before = issues.length
  if (t.pair !== undefined) issues.push(...pairOrPeeringIssues(t.pair, [...path, 'pair'], ctx))
  const key = given[0] as typeof SELECTOR_KEYS[number]
  if (key === 'bearing-node-of') {
    // the node whose dialed leg holds `of`'s outbound stream to the pair's other node (decided when due)
    const of = t['bearing-node-of'] as string
    const issue = unknownNode(of, [...path, key], names)
    if (issue !== undefined) issues.push(issue)
    if (t.pair === undefined) issues.push({ path: [...path, key], message: 'bearing-node-of needs a pair: whose stream to whom', expected: '{ pair: [A, B], bearing-node-of: A }' })
    else if (issue === undefined && !t.pair.includes(of)) issues.push({ path: [...path, key], message: `bearing-node-of: ${of} is not in pair [${t.pair.join(', ')}]`, expected: `a node of the pair (${t.pair.join(' or ')})` })
    if (issues.length > before || t.pair === undefined) return undefined
    return { kind: 'bearing-node', of, to: t.pair[0] === of ? t.pair[1] : t.pair[0] }
  }
  if (key === 'node' || key === 'aggregator') {
    if (t.pair !== undefined) issues.push({ path: [...path, 'pair'], at: 'key', message: `${key} takes no pair (a node fault hits the node, every leg of it)`, expected: `{ ${key}: ... } alone` })
    if (key === 'aggregator') return issues.length > before ? undefined : { kind: 'aggregators' }
    const node = t.node as string | { random: number }
    if (typeof node === 'object') {
      if (node.random > names.length) issues.push({ path: [...path, key, 'random'], message: `${node.random} nodes asked for, the run has ${names.length}`, expected: `random: 1..${names.length}` })
      return issues.length > before ? undefined : { kind: 'random-nodes', count: node.random }
    }
    const issue = unknownNode(node, [...path, key], names)
    if (issue !== undefined) issues.push(issue)
    return issues.length > before ? undefined : { kind: 'node', node }
  }
  if (key === 'all-legs-of') {
    const node = t['all-legs-of'] as string
    const issue = unknownNode(node, [...path, key], names)
    if (issue !== undefined) issues.push(issue)
    if (t.pair !== undefined) issues.push({ path: [...path, 'pair'], at: 'key', message: 'all-legs-of takes no pair', expected: '{ all-legs-of: A } alone, or { pair: [A, B], outbound-of: A }' })
    return issues.length > before ? undefined : { kind: 'all-legs-of', node }
  }
  if (key === 'random') return issues.length > before ? undefined : { kind: 'random', ...(t.pair !== undefined ? { pair: t.pair } : {}) }
  const role = (ROLE_KEYS.find(([k]) => k === key) as [string, LegRole])[1]
  const of = t[key] as string | { random: number }
  if (typeof of === 'object') {
    if (of.random > names.length) issues.push({ path: [...path, key, 'random'], message: `${of.random} nodes asked for, the run has ${names.length}`, expected: `random: 1..${names.length}` })
    if (t.pair !== undefined) issues.push({ path: [...path, 'pair'], at: 'key', message: `${key}: { random: n } takes no pair (it applies to every peer of each node drawn)`, expected: `a node name in ${key}, or no pair` })
    return issues.length > before ? undefined : { kind: 'role-of-random', role, count: of.random }
  }
  const issue = unknownNode(of, [...path, key], names)
  if (issue !== undefined) issues.push(issue)
  else if (t.pair !== undefined && !t.pair.includes(of)) {
    issues.push({ path: [...path, key], message: `${key}: ${of} is not in pair [${t.pair.join(', ')}]`, expected: `a node of the pair (${t.pair.join(' or ')})` })
  }
  if (issues.length > before) return undefined
  return { kind: 'role', role, of, ...(t.pair !== undefined ? { pair: t.pair } : {}) }
}

/** A pair's names known and different, and (with `peers: { degree }`) a pair that has legs. */
function pairOrPeeringIssues (pair: readonly [string, string], path: FieldPath, ctx: FaultContext): FieldIssue[] {
  const found = pairIssues(pair, path, ctx.nodes.map(n => n.name))
  if (found.length > 0) return found
  const unpeered = notPeeringIssue(pair, path, ctx.legs)
  return unpeered === undefined ? [] : [unpeered]
}

/** The legs a target could hit, whatever the live status says (for static checks). */
export function candidateLegs (target: Target, legs: readonly ScenarioLeg[]): ScenarioLeg[] {
  const inPair = (l: ScenarioLeg, p: readonly [string, string]): boolean => (l.dialer === p[0] && l.listener === p[1]) || (l.dialer === p[1] && l.listener === p[0])
  switch (target.kind) {
    case 'all-legs-of': return legs.filter(l => l.dialer === target.node || l.listener === target.node)
    case 'random': return target.pair === undefined ? [...legs] : legs.filter(l => inPair(l, target.pair as [string, string]))
    case 'role-of-random': return [...legs]
    case 'role': {
      const touches = legs.filter(l => target.pair === undefined ? (l.dialer === target.of || l.listener === target.of) : inPair(l, target.pair))
      if (target.role === 'outbound') return touches.filter(l => l.dialer === target.of)
      if (target.role === 'inbound') return touches.filter(l => l.listener === target.of)
      return touches
    }
  }
}

/** The table's transport rule against every leg the target could hit (also used after --transport/--impl overrides). */
export function transportIssues (action: FaultActionSpec, target: Target, path: FieldPath, legs: readonly ScenarioLeg[], issues: FieldIssue[]): void {
  const narrower = narrowerTransports(action)
  const needs = narrower?.transports ?? ACTION_RULES[action.kind].transports
  const wrong = candidateLegs(target, legs).filter(l => !needs.includes(l.transport))
  if (wrong.length === 0) return
  const list = wrong.slice(0, 4).map(l => `${l.name} is ${l.transport}`).join(', ') + (wrong.length > 4 ? ', ...' : '')
  const rule = narrower === undefined ? transportMessage(action.kind) : `${action.kind} as written works on ${needs.map(t => t.toUpperCase()).join(' and ')} legs only (${narrower.why})`
  issues.push({ path, message: `${rule}, and this target can hit other legs (${list})`, expected: `a target whose legs are all ${needs.join(' or ')}` })
}

