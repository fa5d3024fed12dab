/**
 * The checks that depend on what the command line changed, run again on the
 * scenario as it will run. A file validates with its own transports and
 * implementations; `--transport tcp` can then put a `loss` fault on TCP legs,
 * `--impl external` can leave a node without a command. Pure: the problems are
 * reported (exit 2) before anything starts.
 *
 *   loadScenario ─> applyOverrides ─> recheckScenario ─> [] ─> run
 *                                                     └─> ScenarioProblem[] ─> ScenarioError
 */
import type { RuntimeName } from '../runtime/runtime.ts'
import { transportIssues } from './resolve-faults.ts'
import type { FieldIssue, ScenarioProblem } from './scenario-error.ts'
import { formatPath } from './scenario-error.ts'
import type { FaultActionSpec, Scenario, ScenarioFault, Target } from './types.ts'
import { ACTION_RULES } from '../faults/action-rules.ts'
import { isNodeTarget } from './resolve-node-target.ts'
import { mutantIssues, notPeeringIssue } from './resolve-nodes.ts'
import { sharedProcessIssues } from './shared-process-faults.ts'

function isLegFault (fault: ScenarioFault): fault is ScenarioFault & { action: FaultActionSpec, target: Target } {
  return fault.action.kind in ACTION_RULES && !isNodeTarget(fault.target) && (fault.target as { kind?: string }).kind !== 'pair'
}

export interface RecheckOptions {
  runtime: RuntimeName
  /** the process runtime's nodes per child process (default 1) */
  nodesPerProcess?: number
  /** what changed the scenario, for the message, e.g. "--transport tcp" */
  because: string
}

export function recheckScenario (scenario: Scenario, options: RecheckOptions): ScenarioProblem[] {
  const problems: ScenarioProblem[] = []
  const after = options.because === '' ? '' : ` (after ${options.because})`
  for (const fault of scenario.faults) {
    const issues: FieldIssue[] = []
    // `--seed` draws another peering (`peers: { degree }`): a pair a fault names may not peer any more
    const pair = pairOf(fault)
    const unpeered = pair === undefined || scenario.peers === undefined ? undefined : notPeeringIssue(pair, ['faults', fault.index, 'target', 'pair'], scenario.legs)
    if (unpeered !== undefined) issues.push({ ...unpeered, message: `${unpeered.message} (seed ${scenario.seed})` })
    // node and pair actions run on whatever transport the legs have
    if (isLegFault(fault)) transportIssues(fault.action, fault.target, ['faults', fault.index, 'action'], scenario.legs, issues)
    const { file, line } = splitWhere(fault.where, scenario.file)
    for (const issue of issues) {
      problems.push({ file, line, col: 0, path: formatPath(issue.path), message: issue.message + after, ...(issue.expected !== undefined ? { expected: issue.expected } : {}) })
    }
  }
  for (const issue of sharedProcessIssues(scenario, options.nodesPerProcess ?? 1)) {
    const { file, line } = splitWhere(scenario.faults.find(f => f.index === issue.faultIndex)?.where ?? '', scenario.file)
    problems.push({ file, line, col: 0, path: formatPath(issue.path), message: issue.message, ...(issue.expected !== undefined ? { expected: issue.expected } : {}) })
  }
  scenario.nodes.forEach((n, i) => {
    for (const issue of mutantIssues(n, ['nodes', i])) {
      problems.push({ file: scenario.file, line: 0, col: 0, path: formatPath(issue.path), message: issue.message + after, ...(issue.expected !== undefined ? { expected: issue.expected } : {}) })
    }
  })
  scenario.nodes.forEach((n, i) => {
    if (n.impl !== 'external') return
    const missing = options.runtime !== 'process'
      ? (n.image === undefined || n.image === '' ? `--external-image <image> (the ${options.runtime} runtime runs an image)` : undefined)
      : (n.command === undefined || n.command.length === 0 ? '--external-command <argv...> (the process runtime runs a command)' : undefined)
    if (missing !== undefined) {
      problems.push({ file: scenario.file, line: 0, col: 0, path: formatPath(['nodes', i]), message: `node ${n.name} has impl external${after} but nothing to run`, expected: missing })
    }
  })
  return problems
}

/** The pair a fault's target names, if any (a pair action's, a role's or random's pair, bearing-node-of's nodes). */
function pairOf (fault: ScenarioFault): readonly [string, string] | undefined {
  const t = fault.target
  if (t.kind === 'pair') return t.pair
  if (t.kind === 'bearing-node') return [t.of, t.to]
  if ((t.kind === 'role' || t.kind === 'random') && t.pair !== undefined) return t.pair
  return undefined
}

/** "dir/a.yaml:12" -> { file: "dir/a.yaml", line: 12 } (a label without a line keeps line 0) */
function splitWhere (where: string, fallback: string): { file: string, line: number } {
  const m = /^(.*):(\d+)$/.exec(where)
  return m === null ? { file: where === '' ? fallback : where, line: 0 } : { file: m[1] as string, line: Number(m[2]) }
}
