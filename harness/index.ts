/**
 * meshflap as a library: the same engine the CLI runs, for a client team's own
 * mocha suite (see README "meshflap in your own test suite", and the example
 * suite in fixtures/examples/).
 *
 *   await using devnet = await Devnet.start(await loadScenario('my.yaml'))
 *   await devnet.leg('A>B').down()                   // one leg by name, or by selector:
 *   await devnet.fault(bearingOf('A'), 'down', { durationMs: 3000 })
 *   expect(devnet).to.holdQuorum({ from: 0 })        // chai.use(meshflapChai) from 'meshflap/chai'
 *
 * Listed explicitly; nothing registers itself on import.
 */
export { Devnet, DevnetSetupError } from './devnet/devnet.ts'
export type { DevnetNode, DevnetOptions } from './devnet/devnet.ts'
export { NodeFaults } from './devnet/node-faults.ts'
export type { NodeFaultState, NodeFaultTag } from './devnet/node-faults.ts'
export { Leg, UnsupportedFaultError } from './faults/leg.ts'
export type { Direction, FaultTag } from './faults/leg.ts'
export { loadScenario, parseScenario, ScenarioError, planFaults, resolveTarget } from './scenario/index.ts'
export type { Scenario, ScenarioNode, ScenarioFault, ScenarioFile, Target, FaultActionSpec, LegRole, TargetResolution, TargetedLeg } from './scenario/index.ts'
export type { NodeActionSpec, NodeTarget } from './scenario/types.ts'
export { decideNodeTarget, resolveNodeTarget } from './scenario/resolve-node-target.ts'
export { FAULT_ACTIONS, faultAction } from './faults/actions/index.ts'
export type { LegAction, NodeAction, PairAction } from './faults/actions/action.ts'
export { runScenario } from './runner/run-scenario.ts'
export type { RunOptions, RunResult } from './runner/run-scenario.ts'
export { applyOverrides } from './runner/overrides.ts'
export type { ScenarioOverrides } from './runner/overrides.ts'
export { judge } from './oracles/index.ts'
export type { Verdict, VerdictStatus, Finding } from './oracles/verdict.ts'
export type { History, HistoryEntry, NodeEntry, FaultEntry, RunStart, RunLeg, RunEnd, NodeExit, LegName } from './history/types.ts'
export type { NodeStatus, LegStatus, StreamStatus } from './contract/node-status.ts'
export type { NodeConfig, GossipPolicy } from './contract/node-config.ts'
export { parseNodeEvent, NodeEventError, eventOfType } from './contract/node-events.ts'
export type { NodeEvent, NodeEventType } from './contract/node-events.ts'
export { peerIdFor } from './contract/identity.ts'
export { IMPL_NAMES } from './impls/index.ts'
export type { ImplName } from './impls/index.ts'
export { writeRunDir, readHistory } from './report/index.ts'
export { ProcessRuntime } from './runtime/process-runtime.ts'
export type { Runtime, RuntimeName, RunningNode } from './runtime/runtime.ts'
export { bearingOf, nonBearingOf, outboundOf, inboundOf, randomLeg, allLegsOf } from './devnet/selectors.ts'
export { referenceNodeCommand } from './devnet/reference-node.ts'
