/**
 * `peers`: who peers with whom. `full` (the default) peers every pair; `{ degree: k }` draws a
 * random k-regular, connected peering from the run's seed, the sparse mesh of a field devnet
 * (every node peers with k others). A peering pair has its two legs, A>B and B>A, as in `full`;
 * a pair that does not peer has none, and its directions are judged end to end (through the mesh).
 *
 *   peers: full              A-B A-C A-D B-C B-D C-D      (n(n-1)/2 pairs, n(n-1) legs)
 *   peers: { degree: 2 }     A-B B-D D-C C-A              (n*k/2 pairs, n*k legs; the seed decides which)
 *
 * Same seed, same nodes, same degree: same graph. A draw that is not connected, or gets stuck before
 * every node has k peers, is thrown away and drawn again from the same generator (so still
 * deterministic); degrees no graph can have (k >= n, n*k odd, k = 1 with more than two nodes) are
 * refused when the file is read.
 */
import type { FieldIssue } from './scenario-error.ts'
import { pickIndex, seededRng, type Rng } from './seeded-rng.ts'

/** A resolved topology; absent on a Scenario means `full`. */
export interface DegreePeering { degree: number }

/** How many whole draws may be thrown away before giving up (k >= 3 is connected on the first almost always). */
const MAX_DRAWS = 500
/** Salt for the topology's generator: its draws must not move with the fault draws of the same seed. */
const TOPOLOGY_SALT = 0x70656572

/** Why no k-regular connected graph on n nodes exists, or undefined when one does. */
export function degreeProblem (n: number, k: number): string | undefined {
  if (!Number.isInteger(k) || k < 1) return `degree ${k} is not a whole number of peers >= 1`
  if (k >= n) return `degree ${k} needs more than ${k} nodes, the run has ${n}`
  if ((n * k) % 2 !== 0) return `${n} nodes with ${k} peers each is ${n * k} leg ends, an odd number: no graph has that`
  if (k === 1 && n > 2) return `degree 1 pairs the ${n} nodes off into separate pairs: never one connected mesh`
  return undefined
}

/** Issues for `peers: { degree }` on these nodes ([] when fine). */
export function topologyIssues (n: number, peering: DegreePeering | undefined): FieldIssue[] {
  if (peering === undefined) return []
  const problem = degreeProblem(n, peering.degree)
  if (problem === undefined) return []
  const max = n % 2 === 0 ? n - 1 : n - 2
  return [{ path: ['peers', 'degree'], message: problem, expected: `a degree in ${n > 2 ? 2 : 1}..${max}${n % 2 !== 0 ? ' and even (the run has an odd number of nodes)' : ''}, or peers: full` }]
}

/**
 * The peering pairs, each [earlier, later] in node order, sorted in node order; every pair for
 * `full`. Throws when the degree is impossible (topologyIssues refuses those first).
 */
export function peeringPairs (names: readonly string[], peering: DegreePeering | undefined, seed: number): Array<[string, string]> {
  if (peering === undefined) return names.flatMap((a, i) => names.slice(i + 1).map((b): [string, string] => [a, b]))
  const n = names.length
  const problem = degreeProblem(n, peering.degree)
  if (problem !== undefined) throw new RangeError(problem)
  const rng = seededRng((seed ^ TOPOLOGY_SALT) >>> 0)
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const adjacency = drawRegular(n, peering.degree, rng)
    if (adjacency === undefined || !connected(adjacency)) continue
    const pairs: Array<[string, string]> = []
    adjacency.forEach((peers, i) => { for (const j of [...peers].sort((x, y) => x - y)) if (j > i) pairs.push([names[i] as string, names[j] as string]) })
    return pairs
  }
  throw new RangeError(`no connected ${peering.degree}-regular peering of ${n} nodes in ${MAX_DRAWS} draws (seed ${seed})`)
}

/**
 * One draw of a simple k-regular graph (Steger-Wormald: join two random free leg ends of
 * different, not yet peering nodes until none is left); undefined when it got stuck.
 */
function drawRegular (n: number, k: number, rng: Rng): Array<Set<number>> | undefined {
  const adjacency = Array.from({ length: n }, () => new Set<number>())
  const free = Array.from({ length: n }, () => k)
  const joinable = (a: number, b: number): boolean => a !== b && !(adjacency[a] as Set<number>).has(b)
  for (;;) {
    const ends: number[] = []
    free.forEach((f, i) => { for (let x = 0; x < f; x++) ends.push(i) })
    if (ends.length === 0) return adjacency
    let pair: [number, number] | undefined
    for (let tries = 0; tries < 20 && pair === undefined; tries++) {
      const a = ends[pickIndex(rng, ends.length)] as number
      const b = ends[pickIndex(rng, ends.length)] as number
      if (joinable(a, b)) pair = [a, b]
    }
    if (pair === undefined) {
      // few ends left: list every joinable pair, and stop when there is none
      const open = free.flatMap((f, i) => f > 0 ? [i] : [])
      const all = open.flatMap((a, x) => open.slice(x + 1).filter(b => joinable(a, b)).map((b): [number, number] => [a, b]))
      if (all.length === 0) return undefined
      pair = all[pickIndex(rng, all.length)] as [number, number]
    }
    const [a, b] = pair
    ;(adjacency[a] as Set<number>).add(b)
    ;(adjacency[b] as Set<number>).add(a)
    free[a] = (free[a] as number) - 1
    free[b] = (free[b] as number) - 1
  }
}

function connected (adjacency: ReadonlyArray<ReadonlySet<number>>): boolean {
  const seen = new Set([0])
  const queue = [0]
  while (queue.length > 0) {
    for (const m of adjacency[queue.shift() as number] ?? []) if (!seen.has(m)) { seen.add(m); queue.push(m) }
  }
  return seen.size === adjacency.length
}

/** node -> the nodes it peers with, from a run's legs (every node listed, in `names` order). */
export function peersFromLegs (names: readonly string[], legs: ReadonlyArray<{ dialer: string, listener: string }>): Map<string, string[]> {
  const peers = new Map(names.map(n => [n, new Set<string>()]))
  for (const l of legs) {
    peers.get(l.dialer)?.add(l.listener)
    peers.get(l.listener)?.add(l.dialer)
  }
  return new Map(names.map(n => [n, names.filter(m => peers.get(n)?.has(m) === true)]))
}
