/**
 * Verdicts, listed explicitly (nothing registers itself on import). Every
 * oracle is a pure function `(history, params) => Verdict`; `judge` runs a
 * scenario's expectations over one history.
 *
 *   verdict.ts ........... Verdict, Finding, composeStatus
 *   expectation.ts ....... the resolved expectations (what scenarios ask for)
 *   judge.ts ............. judge(history, expectations): one verdict each, exceptions -> unknown
 *   streams-survive.ts ... no stream on an unfaulted leg closes during a fault
 *   reopen-within.ts ..... a stream a fault closed reopens on a surviving leg in time
 *   delivery-gap.ts ...... no publisher->receiver gap over the bound while the pair had a live leg
 *   coverage-quorum.ts ... quorum every slot (or again within k slots of a fault)
 *   no-decay.ts .......... no +0/-N coverage loss that outlasts k slots while a path existed
 *   coverage.ts .......... coverage per aggregator per slot and the field's log line
 *   run-index.ts ......... the history indexed once (connections -> legs, streams, slots)
 *   leg-liveness.ts ...... when each leg / pair / path was live
 *   fault-windows.ts ..... fault apply..heal windows per leg
 *   node-health.ts ....... never-ready / crashed nodes as findings with their last log lines
 *   unapplied-faults.ts .. a fault that did not apply makes a pass unknown
 */
export { composeStatus } from './verdict.ts'
export type { Finding, Verdict, VerdictStatus } from './verdict.ts'
export { EXPECTATION_KINDS, expectationTitle } from './expectation.ts'
export type {
  CoverageExpectation, DeliveryGapExpectation, Expectation, ExpectationKind, NoDecayExpectation, ReopenWithinExpectation,
  StreamsSurviveExpectation
} from './expectation.ts'
export { judge, judgeOne } from './judge.ts'
export { streamsSurvive, streamDirection, describeStream, judgedUntil } from './streams-survive.ts'
export { reopenWithin } from './reopen-within.ts'
export type { ReopenCase } from './reopen-within.ts'
export { deliveryGap } from './delivery-gap.ts'
export type { DirectionGap } from './delivery-gap.ts'
export { coverageQuorum, exemptSlots } from './coverage-quorum.ts'
export { noDecay } from './no-decay.ts'
export { arrivals, coverageLine, coverageLines, coverageSeries, hasQuorum, quorumCount } from './coverage.ts'
export type { AggregatorCoverage, CoverageLine, SlotCoverage } from './coverage.ts'
export { HistoryError, connectionKey, indexHistory, ranges, slotAt, slotDeadline, slotStart, span, when } from './run-index.ts'
export type { Connection, GossipStream, RunIndex } from './run-index.ts'
export { LegLiveness } from './leg-liveness.ts'
export { faultApplies, faultWindows } from './fault-windows.ts'
export type { FaultWindow } from './fault-windows.ts'
export { healthFindings } from './node-health.ts'
export { describeFailure, unappliedFaults } from './unapplied-faults.ts'
export { MAX_FINDINGS, verdictOf } from './verdict-parts.ts'
export type { VerdictParts } from './verdict-parts.ts'
export type { Interval } from './intervals.ts'
