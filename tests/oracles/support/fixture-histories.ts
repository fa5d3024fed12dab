/**
 * The recorded histories in fixtures/histories/oracles/, each written by a
 * short script over HistoryBuilder. `node tests/oracles/support/write-fixture-histories.ts`
 * writes the files; tests/oracles/fixture-files.test.ts checks they match.
 *
 * All but never-ready: 4 nodes A-D, 8 validators (A 0-2, B 3-4, C 5-6, D 7),
 * aggregator D, quorum 6 (3*6 >= 2*8), 1 s slots, 8 slots, 2 QUIC legs per
 * pair, each node's outbound gossip stream on its own outbound leg.
 */
import type { History, LegName } from '../../../harness/history/types.ts'
import { HistoryBuilder, type BuilderOptions, type DeliveryOverride } from './history-builder.ts'

const NODES = [
  { name: 'A', validators: [0, 1, 2] },
  { name: 'B', validators: [3, 4] },
  { name: 'C', validators: [5, 6] },
  { name: 'D', validators: [7], aggregator: true }
]
const PEERS_OF_A = ['B', 'C', 'D']

function builder (scenario: string, extra: Partial<BuilderOptions> = {}): HistoryBuilder {
  return new HistoryBuilder({ scenario, slots: 8, validatorCount: 8, nodes: NODES, ...extra })
}

function allSlots (b: HistoryBuilder, override?: DeliveryOverride, from = 0, to = 7): void {
  for (let s = from; s <= to; s++) b.slot(s, override)
}

/** No fault at all: every attestation delivered directly within 20 ms. */
function cleanRun (): History {
  const b = builder('clean-run')
  b.mesh(-1500)
  allSlots(b)
  b.end(8300)
  return b.build()
}

/** Leg-aware: A's three bearing legs held down from +2.1 s; they die at the idle timeout (+2.7 s) and A reopens each stream on the surviving leg 5 ms later. */
function bearingReopened (): History {
  const b = builder('bearing-leg-down')
  b.mesh(-1500)
  allSlots(b, undefined, 0, 2)
  for (const x of PEERS_OF_A) b.fault('faults[0]', 'down', 'apply', `A>${x}` as LegName, 2100, `bearing-of: A (A,${x})`)
  for (const x of PEERS_OF_A) b.closeLeg(`A>${x}` as LegName, 2700)
  for (const x of PEERS_OF_A) {
    const id = b.openStream('A', x, `${x}>A` as LegName, 2705)
    b.event('A', 2705, 'subscribe_replayed', { peer: b.peerId(x), leg: b.connOf(`${x}>A` as LegName, 'A'), stream: id, topics: ['/leanconsensus/12345678/attestation_0/ssz_snappy'], closedStream: '?', reopenMs: 5 })
  }
  allSlots(b, undefined, 3, 6)
  for (const x of PEERS_OF_A) b.fault('faults[0]', 'up', 'heal', `A>${x}` as LegName, 7100, `bearing-of: A (A,${x})`)
  for (const x of PEERS_OF_A) b.openLeg('A', x, 7250)
  allSlots(b, undefined, 7, 7)
  b.end(8300)
  return b.build()
}

/** Stock: the same fault, held to the end; A's streams die with their legs and are never reopened although the other legs stay up: +0/-3 at D from slot 3 on. */
function bearingNeverReopens (): History {
  const b = builder('bearing-leg-down', { policy: 'stock' })
  b.mesh(-1500)
  allSlots(b, undefined, 0, 2)
  for (const x of PEERS_OF_A) b.fault('faults[0]', 'down', 'apply', `A>${x}` as LegName, 2100, `bearing-of: A (A,${x})`)
  for (const x of PEERS_OF_A) b.closeLeg(`A>${x}` as LegName, 2700)
  allSlots(b, undefined, 3, 7)
  b.end(8300)
  return b.build()
}

/** The zig-libp2p PR #278 bug: a flap of B>A (non-bearing for A->B) also destroys A's live stream to B on A>B, which was never faulted. */
function nonBearingStreamKilled (): History {
  const b = builder('pr278-non-bearing-leg-flap', { policy: 'zig-v0.2.51' })
  b.mesh(-1500)
  allSlots(b, undefined, 0, 2)
  b.fault('faults[0]#1', 'down', 'apply', 'B>A', 2100, 'non-bearing-of: A (A,B)')
  b.closeLeg('B>A', 2700)
  b.closeStream('A', 'B', 2700, 'error: persistent gossip stream destroyed on leg close')
  b.fault('faults[0]#1', 'up', 'heal', 'B>A', 3100, 'non-bearing-of: A (A,B)')
  b.openLeg('B', 'A', 3300)
  b.openStream('B', 'A', 'B>A', 3305)
  allSlots(b, undefined, 3, 7)
  b.end(8300)
  return b.build()
}

/** Attestations at the slot boundary: at D, validator 0 of slot 1 arrives at +1.999 s (counted), validators 1 and 2 at exactly +2.000 s, the deadline (late). */
function slotBoundary (): History {
  const b = builder('slot-boundary')
  b.mesh(-1500)
  allSlots(b, d => {
    if (d.slot !== 1 || d.publisher !== 'A' || d.receiver !== 'D') return undefined
    return d.validator === 0 ? 999 : 1000
  })
  b.end(8300)
  return b.build()
}

/** A latency fault on A's legs during slot 3: A's slot-3 attestations reach everyone 1.5 s late (after the deadline), then all is well again. */
function lateArrivals (): History {
  const b = builder('late-arrivals')
  b.mesh(-1500)
  for (const x of PEERS_OF_A) b.fault('faults[0]', 'latency', 'apply', `A>${x}` as LegName, 2900, `outbound-of: A (A,${x})`, { ms: 1500, jitterMs: 0, direction: 'both' })
  for (const x of PEERS_OF_A) b.fault('faults[0]', 'latency', 'heal', `A>${x}` as LegName, 3900, `outbound-of: A (A,${x})`, { ms: 0, jitterMs: 0, direction: 'both' })
  allSlots(b, d => d.slot === 3 && d.publisher === 'A' ? 1500 : undefined)
  b.end(8300)
  return b.build()
}

/** C never becomes ready (its listen address is taken); the runner gives up at set-up and kills it. */
function neverReady (): History {
  const b = builder('never-ready')
  for (const n of ['A', 'B', 'D']) b.ready(n, -1800)
  for (const d of ['A', 'B', 'D']) for (const l of ['A', 'B', 'D']) if (d !== l) b.openLeg(d, l, -1500)
  b.exit('C', -600, { code: null, signal: 'SIGKILL', expected: false, lastLines: ['meshflap ts-node 0.1.0 starting (C, index 2)', 'Error: listen EADDRINUSE: address already in use 127.0.0.1:41003'] })
  b.end(-400, 'setup-failed')
  return b.build()
}

/** B is killed at +3.5 s (slot 3); its peers see its legs close; the run stops as node-failed. */
function crashMidRun (): History {
  const b = builder('crash-mid-run')
  b.mesh(-1500)
  allSlots(b, undefined, 0, 3)
  b.exit('B', 3500, { code: null, signal: 'SIGKILL', expected: false, lastLines: ['slot 3 published 2 attestations', '<--- Last few GCs --->', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'] })
  for (const x of ['A', 'C', 'D']) { b.closeLeg(`${x}>B` as LegName, 3520, 'error: connection reset', ['dialer']); b.closeLeg(`B>${x}` as LegName, 3520, 'error: connection reset', ['listener']) }
  b.end(3800, 'node-failed')
  return b.build()
}

/** A is cut off (all its legs down) from +2.1 s to +4.1 s; legs redialed at +4.3 s, streams back at +4.4 s. Nothing to reopen on, nothing to deliver over: excused. */
function partitionExcused (): History {
  const b = builder('partition')
  b.mesh(-1500)
  allSlots(b, undefined, 0, 2)
  const legs = PEERS_OF_A.flatMap(x => [`A>${x}`, `${x}>A`] as LegName[])
  for (const l of legs) b.fault('faults[0]', 'down', 'apply', l, 2100, 'all-legs-of: A')
  for (const l of legs) b.closeLeg(l, 2700)
  allSlots(b, undefined, 3, 4)
  for (const l of legs) b.fault('faults[0]', 'up', 'heal', l, 4100, 'all-legs-of: A')
  for (const x of PEERS_OF_A) { b.openLeg('A', x, 4300); b.openLeg(x, 'A', 4300) }
  for (const x of PEERS_OF_A) { b.openStream('A', x, `A>${x}` as LegName, 4400); b.openStream(x, 'A', `${x}>A` as LegName, 4400) }
  allSlots(b, undefined, 5, 7)
  b.end(8300)
  return b.build()
}

/** Every fixture history by file name (without .ndjson). */
export const FIXTURE_HISTORIES: Readonly<Record<string, () => History>> = {
  'clean-run': cleanRun,
  'bearing-reopened': bearingReopened,
  'bearing-never-reopens': bearingNeverReopens,
  'non-bearing-stream-killed': nonBearingStreamKilled,
  'slot-boundary': slotBoundary,
  'late-arrivals': lateArrivals,
  'never-ready': neverReady,
  'crash-mid-run': crashMidRun,
  'partition-excused': partitionExcused
}
