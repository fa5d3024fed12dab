/**
 * Nodes and legs of a scenario, resolved: names, impls, validator shares,
 * aggregators, and every ordered pair's leg with its transport. Collects
 * every problem instead of stopping at the first.
 *
 *   nodes: { count: 4 }            -> A, B, C, D; 32 validators as 0-7, 8-15, 16-23, 24-31; aggregator A
 *   transport: mixed               -> A>B quic, B>A tcp (the earlier node's dial is QUIC)
 */
import type { LegName, TransportName } from '../history/types.ts'
import { IMPL_NAMES, implementation } from '../impls/index.ts'
import { DEFAULTS, defaultNodeName } from './defaults.ts'
import type { FieldIssue, FieldPath } from './scenario-error.ts'
import { closest } from './schema-issues.ts'
import type { NodeFile, ScenarioFile, TransportFile } from './scenario-file.ts'
import type { NodeImpl, ScenarioLeg, ScenarioNode, TransportChoice } from './types.ts'

/** An issue when `name` is not a node of the run, else undefined. */
export function unknownNode (name: string, path: FieldPath, names: readonly string[]): FieldIssue | undefined {
  if (names.includes(name)) return undefined
  const near = closest(name, names)
  return {
    path,
    message: `unknown node "${name}"${near === undefined ? '' : ` (did you mean "${near}"?)`}`,
    expected: `one of the nodes ${names.join(', ')}`
  }
}

/** Issues for a pair: both names known, and not the same node twice. */
export function pairIssues (pair: readonly [string, string], path: FieldPath, names: readonly string[]): FieldIssue[] {
  const issues: FieldIssue[] = []
  pair.forEach((n, i) => {
    const issue = unknownNode(n, [...path, i], names)
    if (issue !== undefined) issues.push(issue)
  })
  if (pair[0] === pair[1]) issues.push({ path: [...path, 1], message: `pair names node "${pair[0]}" twice`, expected: 'two different nodes, e.g. [A, B]' })
  return issues
}

/**
 * An issue when the pair (two known nodes) does not peer: with `peers: { degree }` only peering
 * pairs have legs, so a fault, placement or override naming another pair would name nothing.
 */
export function notPeeringIssue (pair: readonly [string, string], path: FieldPath, legs: readonly ScenarioLeg[] | undefined): FieldIssue | undefined {
  if (legs === undefined || legs.some(l => l.dialer === pair[0] && l.listener === pair[1])) return undefined
  const peersOf = (n: string): string => legs.filter(l => l.dialer === n).map(l => l.listener).join(', ') || 'none'
  return {
    path,
    message: `${pair[0]} and ${pair[1]} do not peer in this topology (peers: { degree }): the pair has no legs`,
    expected: `a peering pair: ${pair[0]} peers with ${peersOf(pair[0])}; ${pair[1]} with ${peersOf(pair[1])}`
  }
}

/** Splits `pool` (ascending) into `n` near-equal consecutive shares, the larger shares first. */
export function evenShares (pool: readonly number[], n: number): number[][] {
  const shares: number[][] = []
  const base = Math.floor(pool.length / n)
  const extra = pool.length % n
  let at = 0
  for (let i = 0; i < n; i++) {
    const size = base + (i < extra ? 1 : 0)
    shares.push(pool.slice(at, at + size))
    at += size
  }
  return shares
}

export function resolveNodes (file: ScenarioFile, issues: FieldIssue[]): ScenarioNode[] {
  const validatorCount = file.validators ?? DEFAULTS.validators
  if (Array.isArray(file.nodes)) return resolveNodeList(file.nodes, validatorCount, issues)
  const { count, defaults = {}, aggregators } = file.nodes
  const names = Array.from({ length: count }, (_, i) => defaultNodeName(i))
  const aggregatorSet = new Set(aggregators ?? [names[0] as string])
  aggregators?.forEach((a, i) => {
    const issue = unknownNode(a, ['nodes', 'aggregators', i], names)
    if (issue !== undefined) issues.push(issue)
  })
  const shares = evenShares(range(validatorCount), count)
  const nodes = names.map((name, index): ScenarioNode => ({
    name,
    index,
    impl: defaults.impl ?? DEFAULTS.impl,
    ...(defaults.command !== undefined ? { command: defaults.command } : {}),
    ...(defaults.image !== undefined ? { image: defaults.image } : {}),
    gossipPolicy: defaults.gossipPolicy ?? DEFAULTS.gossipPolicy,
    ...(defaults.mutants !== undefined && defaults.mutants.length > 0 ? { mutants: [...defaults.mutants] } : {}),
    validators: shares[index] ?? [],
    aggregator: aggregatorSet.has(name)
  }))
  implIssues(defaults, ['nodes', 'defaults'], issues)
  if (nodes[0] !== undefined) issues.push(...mutantIssues(nodes[0], ['nodes', 'defaults']))
  return nodes
}

function resolveNodeList (list: NodeFile[], validatorCount: number, issues: FieldIssue[]): ScenarioNode[] {
  const firstIndex = new Map<string, number>()
  list.forEach((n, i) => {
    const earlier = firstIndex.get(n.name)
    if (earlier !== undefined) issues.push({ path: ['nodes', i, 'name'], message: `node name "${n.name}" is used twice (also nodes[${earlier}])`, expected: 'unique node names' })
    else firstIndex.set(n.name, i)
    implIssues(n, ['nodes', i], issues)
  })
  // validators listed explicitly: in range, and owned by one node only
  const owner = new Map<number, string>()
  list.forEach((n, i) => {
    n.validators?.forEach((v, j) => {
      const path = ['nodes', i, 'validators', j]
      if (v >= validatorCount) {
        issues.push({ path, message: `validator ${v} is out of range`, expected: `an index in 0..${validatorCount - 1} (validators: ${validatorCount})` })
        return
      }
      const already = owner.get(v)
      if (already !== undefined) {
        issues.push({ path, message: `validator ${v} is listed twice (already ${already === `nodes[${i}]` ? 'in this list' : `at ${already}`})`, expected: 'each validator on one node, once' })
        return
      }
      owner.set(v, `nodes[${i}]`)
    })
  })
  const pool = range(validatorCount).filter(v => !owner.has(v))
  const implicit = list.filter(n => n.validators === undefined)
  const shares = evenShares(pool, Math.max(1, implicit.length))
  const anyAggregator = list.some(n => n.aggregator !== undefined && n.aggregator !== false)
  const nodes = list.map((n, index): ScenarioNode => ({
    name: n.name,
    index,
    impl: n.impl ?? DEFAULTS.impl,
    ...(n.command !== undefined ? { command: n.command } : {}),
    ...(n.image !== undefined ? { image: n.image } : {}),
    gossipPolicy: n.gossipPolicy ?? DEFAULTS.gossipPolicy,
    ...(n.mutants !== undefined && n.mutants.length > 0 ? { mutants: [...n.mutants] } : {}),
    validators: n.validators !== undefined
      ? [...new Set(n.validators.filter(v => v < validatorCount))].sort((a, b) => a - b)
      : shares[implicit.indexOf(n)] ?? [],
    aggregator: anyAggregator ? (n.aggregator !== undefined && n.aggregator !== false) : index === 0 && n.aggregator !== false,
    ...(typeof n.aggregator === 'object' ? { aggregates: [...new Set(n.aggregator.subnets)].sort((a, b) => a - b) } : {}),
    ...(n.start !== undefined && n.start.delayMs > 0 ? { startDelayMs: n.start.delayMs } : {}),
    ...(n.subscribe !== undefined && 'delayMs' in n.subscribe && n.subscribe.delayMs > 0 ? { subscribeDelayMs: n.subscribe.delayMs } : {}),
    ...(n.subscribe !== undefined && 'atMs' in n.subscribe ? { subscribeAtMs: n.subscribe.atMs } : {})
  }))
  nodes.forEach((n, i) => { issues.push(...mutantIssues(n, ['nodes', i])) })
  if (!nodes.some(n => n.aggregator)) {
    issues.push({ path: ['nodes', 0, 'aggregator'], message: 'no node is an aggregator', expected: 'aggregator: true on at least one node (coverage is measured at aggregators)' })
  }
  return nodes
}

/** A node's mutants: each one its implementation has, and only on the leg-aware policy they modify. */
export function mutantIssues (n: Pick<ScenarioNode, 'impl' | 'gossipPolicy' | 'mutants'>, path: FieldPath): FieldIssue[] {
  const mutants = n.mutants ?? []
  if (mutants.length === 0) return []
  const known = (implementation(n.impl).mutants ?? []).map(m => m.name)
  const issues: FieldIssue[] = []
  mutants.forEach((m, j) => {
    if (known.includes(m)) return
    const near = closest(m, known)
    issues.push({
      path: [...path, 'mutants', j],
      message: `impl ${n.impl} has no mutant "${m}"${near === undefined ? '' : ` (did you mean "${near}"?)`}`,
      expected: known.length > 0 ? `one of ${known.join(', ')}` : `no mutants (impl ${n.impl} has none)`
    })
  })
  if (n.gossipPolicy !== 'leg-aware') {
    issues.push({ path: [...path, 'mutants'], at: 'key', message: `mutants modify the leg-aware policy, but gossipPolicy is ${n.gossipPolicy}`, expected: 'gossipPolicy: leg-aware (the default), or no mutants' })
  }
  return issues
}

/** A node of a `perNode` implementation (external) names what runs; no other node may. */
function implIssues (n: { impl?: NodeImpl, command?: string[], image?: string }, path: FieldPath, issues: FieldIssue[]): void {
  const impl = n.impl ?? DEFAULTS.impl
  if (implementation(impl).perNode) {
    if (n.command === undefined && n.image === undefined) {
      issues.push({ path: [...path, 'impl'], message: `impl ${impl} has neither command nor image`, expected: 'command: [argv...] (process runtime) or image: name (docker runtime)' })
    }
    return
  }
  const perNode = IMPL_NAMES.filter(name => implementation(name).perNode).map(name => `impl: ${name}`).join(' or ')
  for (const field of ['command', 'image'] as const) {
    if (n[field] !== undefined) issues.push({ path: [...path, field], at: 'key', message: `${field} is only used with ${perNode} (impl is ${impl})`, expected: `${perNode}, or no ${field}` })
  }
}

export function legName (dialer: string, listener: string): LegName {
  return `${dialer}>${listener}`
}

/**
 * Both legs of every peering pair (`pairs`; absent: every pair), in node order, with transports
 * from `transport` (choice or overrides).
 */
export function resolveLegs (nodes: readonly ScenarioNode[], transport: TransportFile | undefined, issues: FieldIssue[], pairs?: ReadonlyArray<readonly [string, string]>): ScenarioLeg[] {
  const names = nodes.map(n => n.name)
  const choice: TransportChoice = typeof transport === 'string' ? transport : transport?.default ?? DEFAULTS.transport
  const peering = pairs === undefined ? undefined : new Set(pairs.flatMap(([a, b]) => [legName(a, b), legName(b, a)]))
  const legs = legsFor(nodes, choice).filter(l => peering === undefined || peering.has(l.name))
  if (typeof transport !== 'object') return legs
  if (pairs !== undefined && (transport.overrides ?? []).length > 0) {
    // the pairs of a seeded peering change with --seed: an override naming one would silently stop applying
    issues.push({ path: ['transport', 'overrides'], at: 'key', message: 'transport overrides name pairs, and with peers: { degree } the pairs are drawn from the seed', expected: 'a transport choice (quic, tcp, mixed) with peers: { degree }, or peers: full' })
    return legs
  }
  transport.overrides?.forEach((o, i) => {
    const path = ['transport', 'overrides', i]
    if ((o.pair === undefined) === (o.leg === undefined)) {
      issues.push({ path, message: o.pair === undefined ? 'names neither pair nor leg' : 'names both pair and leg', expected: 'exactly one of pair: [A, B] or leg: "A>B"' })
      return
    }
    let hit: ScenarioLeg[] = []
    if (o.pair !== undefined) {
      const found = pairIssues(o.pair, [...path, 'pair'], names)
      if (found.length > 0) { issues.push(...found); return }
      hit = legs.filter(l => (l.dialer === o.pair?.[0] && l.listener === o.pair[1]) || (l.dialer === o.pair?.[1] && l.listener === o.pair[0]))
    } else if (o.leg !== undefined) {
      const [dialer = '', listener = ''] = o.leg.split('>')
      const found = pairIssues([dialer, listener], [...path, 'leg'], names).map(x => ({ ...x, path: [...path, 'leg'] }))
      if (found.length > 0) { issues.push(...found); return }
      hit = legs.filter(l => l.name === o.leg)
    }
    for (const l of hit) l.transport = o.transport
  })
  return legs
}

/** Every ordered pair's leg with the transport `choice` gives it (mixed: the earlier node's dial is QUIC). */
export function legsFor (nodes: readonly ScenarioNode[], choice: TransportChoice): ScenarioLeg[] {
  const legs: ScenarioLeg[] = []
  for (const dialer of nodes) {
    for (const listener of nodes) {
      if (dialer === listener) continue
      const t: TransportName = choice === 'mixed' ? (dialer.index < listener.index ? 'quic' : 'tcp') : choice
      legs.push({ name: legName(dialer.name, listener.name), dialer: dialer.name, listener: listener.name, transport: t })
    }
  }
  return legs
}

function range (n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}
