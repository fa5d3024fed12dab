/** A two-node devnet scenario built in code: the conformance checks' devnet, and tests that drive the fault plane by hand. */
import type { TransportName } from '../history/types.ts'
import type { GossipPolicyName, Scenario } from '../scenario/types.ts'
import type { WireProfile } from '../contract/node-config.ts'

export function pairScenario (transport: TransportName, opts: { policy?: GossipPolicyName, name?: string, slotMs?: number, idleMs?: number, redialMaxMs?: number, wire?: WireProfile } = {}): Scenario {
  const slotMs = opts.slotMs ?? 500
  return {
    name: opts.name ?? `pair-${transport}`,
    description: 'two nodes, two legs, faults driven by the test',
    seed: 11,
    file: '(test)',
    validatorCount: 4,
    subnets: 4,
    wire: opts.wire ?? 'lean',
    slotMs,
    slots: 1000,
    genesisDelayMs: 300,
    nodes: [
      { name: 'A', index: 0, impl: 'ts', gossipPolicy: opts.policy ?? 'leg-aware', validators: [0, 1], aggregator: true },
      { name: 'B', index: 1, impl: 'ts', gossipPolicy: opts.policy ?? 'leg-aware', validators: [2, 3], aggregator: true }
    ],
    legs: [
      { name: 'A>B', dialer: 'A', listener: 'B', transport },
      { name: 'B>A', dialer: 'B', listener: 'A', transport }
    ],
    quic: { maxIdleTimeoutMs: opts.idleMs ?? 2000, keepAliveIntervalMs: 500, handshakeTimeoutMs: 5000 },
    redial: { enabled: true, minMs: 100, maxMs: opts.redialMaxMs ?? 500 },
    gossip: { D: 8, Dlo: 6, Dhi: 12, Dlazy: 6, heartbeatMs: 700 },
    faults: [],
    expectations: []
  }
}
