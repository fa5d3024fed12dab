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
 *   unwedge-within.ts .... a stream a stall wedged moves to another leg in time
 *   delivery-gap.ts ...... no publisher->receiver gap over the bound while the pair had a live leg
 *   coverage-quorum.ts ... quorum every slot (or again within k slots of a fault)
 *   no-decay.ts .......... no +0/-N coverage loss that outlasts k slots while a path existed
 *   mesh-consistent.ts ... no one-sided mesh listing (A has B, B lacks A) longer than k heartbeats
 *   legs-settle.ts ....... every leg back within k slots of the last heal and staying up (no redial loop)
 *   latency.ts ........... attestation latency p50/p99 per direction within bounds
 *   block-delivery.ts .... every block at every other node within a bound of its publish
 *   coverage.ts .......... coverage per aggregator per slot and the field's log line
 *   run-index.ts ......... the history indexed once (connections -> legs, streams, slots)
 *   leg-liveness.ts ...... when each leg / pair / path was live
 *   fault-windows.ts ..... fault apply..heal windows per leg
 *   fault-hits.ts ........ which streams each fault hit; `exercised: true` faults that hit none -> unknown (vacuous)
 *   node-health.ts ....... never-ready / crashed nodes as findings with their last log lines
 *   environment.ts ....... where the harness or most nodes stalled (timer lateness), per-slot lateness
 *   environment-excuse.ts  a fail every finding of which such a stall explains -> unknown (environment)
 *   environment-silence.ts a stream on an unfaulted leg given up for silence while the path stood still -> unknown (environment)
 *   leg-silence.ts ....... when the silence a leg was given up for began
 *   leg-death.ts ......... apply -> leg_close per end of every downed leg, per node and implementation
 *   leg-death-excuse.ts .. a fail inside a leg death slower than its bound (declared, or 2 x QUIC idle timeout) -> unknown
 *   leg-death-required.ts  a fault with `leg-death-within` seen dying too late: passes -> unknown (node cannot detect)
 *   unapplied-faults.ts .. a fault that did not apply makes a pass unknown
 *   subnet-interest.ts ... which attestations a node subscribes to (sparse subnets)
 */
export { composeStatus } from './verdict.ts'
export type { Finding, Verdict, VerdictStatus } from './verdict.ts'
export { EXPECTATION_KINDS, expectationTitle } from './expectation.ts'
export type {
  BlockDeliveryExpectation, CoverageExpectation, DeliveryGapExpectation, Expectation, ExpectationKind, LatencyExpectation, LegsSettleExpectation, MeshConsistentExpectation, NoDecayExpectation, ReopenWithinExpectation,
  StreamsSurviveExpectation, UnwedgeWithinExpectation
} from './expectation.ts'
export { judge, judgeOne } from './judge.ts'
export { streamsSurvive, streamDirection, describeStream, judgedUntil } from './streams-survive.ts'
export { reopenWithin } from './reopen-within.ts'
export type { ReopenCase } from './reopen-within.ts'
export { unwedgeWithin } from './unwedge-within.ts'
export type { UnwedgeCase } from './unwedge-within.ts'
export { deliveryGap } from './delivery-gap.ts'
export type { DirectionGap } from './delivery-gap.ts'
export { coverageQuorum, exemptSlots } from './coverage-quorum.ts'
export { noDecay } from './no-decay.ts'
export { directionLatencies, latency, percentile } from './latency.ts'
export { legsSettle } from './legs-settle.ts'
export { blockDelivery } from './block-delivery.ts'
export { meshConsistent, phantomMembers } from './mesh-consistent.ts'
export type { PhantomMember } from './mesh-consistent.ts'
export type { LegSettling } from './legs-settle.ts'
export type { DirectionLatency } from './latency.ts'
export { arrivals, coverageLine, coverageLines, coverageSeries, hasQuorum, quorumCount } from './coverage.ts'
export type { AggregatorCoverage, CoverageLine, SlotCoverage } from './coverage.ts'
export { HistoryError, connectionKey, indexHistory, ranges, slotAt, slotDeadline, slotStart, span, when } from './run-index.ts'
export type { Connection, GossipStream, RunIndex } from './run-index.ts'
export { LegLiveness } from './leg-liveness.ts'
export { faultApplies, faultWindows } from './fault-windows.ts'
export type { FaultWindow } from './fault-windows.ts'
export { faultHits, hitOf, markVacuous, untouchedNote, vacuousReasons } from './fault-hits.ts'
export type { FaultHit } from './fault-hits.ts'
export { healthFindings } from './node-health.ts'
export { describeFailure, unappliedFaults } from './unapplied-faults.ts'
export { MAX_FINDINGS, verdictOf } from './verdict-parts.ts'
export { environmentOf, intervalsDuring, stalledSlot, HARNESS } from './environment.ts'
export type { Environment, EnvironmentInterval, EnvironmentParams, SlotLateness, Stall } from './environment.ts'
export { environmentLabel, environmentUnknown, excuseByEnvironment } from './environment-excuse.ts'
export { describeEnd, describeSummary, legDeathReport, legDeaths } from './leg-death.ts'
export type { LegDeathEnd, LegDeathReport, LegDeathSummary } from './leg-death.ts'
export { detectionBoundMs, excuseBySlowLegDeath, slowLegDeathLabel, slowLegDeaths } from './leg-death-excuse.ts'
export type { SlowLegDeath } from './leg-death-excuse.ts'
export { unknownWhenDeclaredDeathMissed } from './leg-death-required.ts'
export type { VerdictParts } from './verdict-parts.ts'
export type { Interval } from './intervals.ts'
