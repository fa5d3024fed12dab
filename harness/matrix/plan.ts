/**
 * The interop matrix, planned before anything runs (test-plans' generator /
 * runner split): every scenario x every ORDERED implementation pair x every
 * transport x seed. A pair (X, Y) assigns implementations to the nodes
 * round-robin, X first; (X, X) is in the matrix too. Pure and unit-tested.
 */
import type { TransportName } from '../history/types.ts'
import type { NodeImpl, Scenario } from '../scenario/types.ts'

export interface MatrixCell {
  /** "pr278-non-bearing-leg-flap ts>go quic seed 278" */
  key: string
  scenario: Scenario
  impls: [NodeImpl, NodeImpl]
  transport: TransportName
  seed: number
}

export interface MatrixPlanOptions {
  impls: NodeImpl[]
  transports: TransportName[]
  /** seeds per cell: the scenario's seed, +1, ... */
  seeds: number
}

export function orderedPairs<T> (items: readonly T[]): Array<[T, T]> {
  const pairs: Array<[T, T]> = []
  for (const a of items) for (const b of items) pairs.push([a, b])
  return pairs
}

export function cellKey (scenario: string, impls: readonly [string, string], transport: string, seed: number): string {
  return `${scenario} ${impls[0]}>${impls[1]} ${transport} seed ${seed}`
}

export function planMatrix (scenarios: readonly Scenario[], options: MatrixPlanOptions): MatrixCell[] {
  const cells: MatrixCell[] = []
  for (const scenario of scenarios) {
    for (const impls of orderedPairs([...new Set(options.impls)])) {
      for (const transport of [...new Set(options.transports)]) {
        for (let i = 0; i < options.seeds; i++) {
          const seed = scenario.seed + i
          cells.push({ key: cellKey(scenario.name, impls, transport, seed), scenario, impls, transport, seed })
        }
      }
    }
  }
  return cells
}
