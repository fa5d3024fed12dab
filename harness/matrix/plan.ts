/**
 * The interop matrix, planned before anything runs (test-plans' generator /
 * runner split): every scenario x every ORDERED implementation pair x each
 * transport the scenario is about x seed. A pair (X, Y) assigns
 * implementations to the nodes round-robin, X first; (X, X) is in the matrix
 * too. Pure and unit-tested.
 *
 * Transports: a scenario that lists `matrix.transports` is about each of them
 * and runs once per transport with every leg forced onto it; any other is run
 * only as written (a `-tcp` fixture tuned for TCP legs that close at once is
 * not re-run on QUIC, where a leg dies only at an idle timeout it never set;
 * a mixed fixture keeps its mixed legs). `--transport` keeps the cells whose
 * legs all use transports it lists.
 *
 * Same run: two cells whose scenarios, once overridden, are the same run
 * (everything but names, description and file positions equal) run once; the
 * later one is listed in `duplicates`, naming the cell that runs it.
 *
 * Cells a pair cannot run as written (stream placement a stack cannot have
 * staged, impls/placement-support.ts) are planned with `skip`: the matrix
 * records them as not applicable with that reason and runs nothing.
 */
import type { TransportName } from '../history/types.ts'
import { unplaceablePairs, unplaceableSummary } from '../impls/placement-support.ts'
import { applyOverrides } from '../runner/overrides.ts'
import type { NodeImpl, Scenario } from '../scenario/types.ts'

/** a cell's transport: one for every leg, or `mixed` (the scenario's own legs use both) */
export type CellTransport = TransportName | 'mixed'

export interface MatrixCell {
  /** "pr278-non-bearing-leg-flap ts>go quic seed 278" */
  key: string
  scenario: Scenario
  impls: [NodeImpl, NodeImpl]
  transport: CellTransport
  /** the transport every leg is forced onto (the run's --transport); absent: the scenario's own legs */
  force?: TransportName
  seed: number
  /** not run, and why (the pair cannot meet a precondition of the scenario) */
  skip?: string
}

export interface MatrixPlanOptions {
  impls: NodeImpl[]
  transports: TransportName[]
  /** seeds per cell: the scenario's seed, +1, ... */
  seeds: number
}

export interface MatrixPlan {
  cells: MatrixCell[]
  /** cells left out because another cell is the same run */
  duplicates: Array<{ key: string, sameAs: string }>
}

export function orderedPairs<T> (items: readonly T[]): Array<[T, T]> {
  const pairs: Array<[T, T]> = []
  for (const a of items) for (const b of items) pairs.push([a, b])
  return pairs
}

export function cellKey (scenario: string, impls: readonly [string, string], transport: string, seed: number): string {
  return `${scenario} ${impls[0]}>${impls[1]} ${transport} seed ${seed}`
}

/** The transports a scenario is run on, within `allowed`: forced ones, or its own legs as written. */
export function cellTransports (scenario: Pick<Scenario, 'legs' | 'matrixTransports'>, allowed: readonly TransportName[]): Array<{ transport: CellTransport, force?: TransportName }> {
  if (scenario.matrixTransports !== undefined) {
    return scenario.matrixTransports.filter(t => allowed.includes(t)).map(t => ({ transport: t, force: t }))
  }
  const own = [...new Set(scenario.legs.map(l => l.transport))]
  if (!own.every(t => allowed.includes(t))) return []
  return [{ transport: own.length === 1 ? own[0]! : 'mixed' }]
}

export function planMatrix (scenarios: readonly Scenario[], options: MatrixPlanOptions): MatrixPlan {
  const cells: MatrixCell[] = []
  const duplicates: MatrixPlan['duplicates'] = []
  const byRun = new Map<string, string>()
  const transports = [...new Set(options.transports)]
  for (const scenario of scenarios) {
    for (const impls of orderedPairs([...new Set(options.impls)])) {
      for (const { transport, force } of cellTransports(scenario, transports)) {
        for (let i = 0; i < options.seeds; i++) {
          const seed = scenario.seed + i
          const key = cellKey(scenario.name, impls, transport, seed)
          const run = applyOverrides(scenario, { seed, impls, ...(force !== undefined ? { transport: force } : {}) })
          const fingerprint = runFingerprint(run)
          const sameAs = byRun.get(fingerprint)
          if (sameAs !== undefined) { duplicates.push({ key, sameAs }); continue }
          byRun.set(fingerprint, key)
          const unplaceable = unplaceablePairs(run)
          cells.push({
            key, scenario, impls, transport, seed,
            ...(force !== undefined ? { force } : {}),
            ...(unplaceable.length > 0 ? { skip: unplaceableSummary(unplaceable) } : {})
          })
        }
      }
    }
  }
  return { cells, duplicates }
}

/**
 * What decides a run: the overridden scenario without its labels (name, description, file,
 * matrix transports, fault names and file positions), as JSON with sorted keys.
 */
export function runFingerprint (run: Scenario): string {
  const { name: _n, description: _d, file: _f, matrixTransports: _m, faults, ...rest } = run
  const unlabelled = { ...rest, faults: faults.map(({ name: _fn, where: _w, ...f }) => f) }
  return JSON.stringify(unlabelled, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : value)
}
