/**
 * Node faults a process shared by several nodes cannot honour. `kill` is a SIGKILL of the
 * node's process and `pause`/`resume` a SIGSTOP/SIGCONT of it (harness/runtime/README.md,
 * "Node faults"); under the process runtime's `nodesPerProcess` a TS node shares its process
 * with others, so the signal would hit them all. Such a fault is refused before anything
 * starts (exit 2), naming the file, the fault and why. `restart` is fine: a hosted node stops
 * through the same teardown its SIGTERM handler runs alone, and starts again in a process.
 */
import { nodeAction } from '../faults/actions/index.ts'
import { implementation } from '../impls/index.ts'
import { isNodeTarget } from './resolve-node-target.ts'
import type { FieldIssue } from './scenario-error.ts'
import type { NodeTarget, Scenario, ScenarioNode } from './types.ts'

/** Issues (at `faults[i].action`) for every node fault that would signal a shared process. */
export function sharedProcessIssues (scenario: Scenario, nodesPerProcess: number): Array<FieldIssue & { faultIndex: number }> {
  if (nodesPerProcess <= 1) return []
  const hosted = (n: ScenarioNode): boolean => implementation(n.impl).processHostCommand !== undefined
  const issues: Array<FieldIssue & { faultIndex: number }> = []
  for (const fault of scenario.faults) {
    const signal = nodeAction(fault.action.kind)?.signalsProcess
    if (signal === undefined || !isNodeTarget(fault.target)) continue
    const shared = mayHit(fault.target, scenario.nodes).filter(hosted)
    if (shared.length === 0) continue
    issues.push({
      faultIndex: fault.index,
      path: ['faults', fault.index, 'action'],
      message: `${fault.action.kind} sends ${signal} to the node's process, but with --nodes-per-process ${nodesPerProcess} ${describe(shared)} share${shared.length === 1 ? 's' : ''} a process with other nodes, and the signal would reach them all`,
      expected: 'one process per node: --nodes-per-process 1'
    })
  }
  return issues
}

/** Every node the target could mean (random and live-status targets: any node they may pick). */
function mayHit (target: NodeTarget, nodes: readonly ScenarioNode[]): ScenarioNode[] {
  switch (target.kind) {
    case 'node': return nodes.filter(n => n.name === target.node)
    case 'aggregators': return nodes.filter(n => n.aggregator)
    case 'bearing-node': return nodes.filter(n => n.name === target.of || n.name === target.to)
    case 'random-nodes': return [...nodes]
  }
}

function describe (nodes: ScenarioNode[]): string {
  const names = nodes.map(n => `${n.name} (${n.impl})`)
  return nodes.length === 1 ? `node ${names[0]!}` : `nodes ${names.length > 4 ? `${names.slice(0, 4).join(', ')}, ...` : names.join(', ')}`
}
