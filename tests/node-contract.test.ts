/**
 * The peer contract's compliance suite (containers/CONTRACT.md section 8): one
 * suite, run against every implementation meshflap can start here — the TS
 * node, the Go and Rust peers, and their binaries again as `external` entries,
 * the way a client team's own build joins. A new implementation is ready when it passes.
 * The checks are `meshflap conform`'s (harness/conform/); this suite runs them on both transports.
 */
import { expect } from 'chai'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Devnet } from '../harness/devnet/devnet.ts'
import type { RunStart } from '../harness/history/types.ts'
import type { NodeImpl, Scenario } from '../harness/scenario/types.ts'
import { goPeerBinary } from '../harness/impls/go.ts'
import { rustPeerBinary } from '../harness/impls/rust.ts'
import { devnetChecks } from '../harness/conform/devnet-checks.ts'
import { wireChecks } from '../harness/conform/wire-checks.ts'
import { pairScenario } from './support/pair-scenario.ts'
import { IMPLEMENTATIONS as IMPLS } from '../harness/impls/index.ts'
import type { GossipPolicy } from '../harness/contract/node-config.ts'

interface Implementation { label: string, impl: NodeImpl, policy: GossipPolicy, command?: string[] }

// every implementation meshflap runs itself (harness/impls/index.ts), each with its default policy, and
// the Go and Rust peer binaries once more as `external` entries, the way a client team's own build joins
const IMPLEMENTATIONS: Implementation[] = [
  ...IMPLS.filter(i => !i.perNode).map(i => ({ label: `${i.name}: ${i.summary}`, impl: i.name, policy: i.defaultPolicy })),
  { label: 'external (the Go peer binary)', impl: 'external', policy: 'stock', command: [goPeerBinary()] },
  { label: 'external (the Rust peer binary)', impl: 'external', policy: 'stock', command: [rustPeerBinary()] }
]

function scenarioFor (impl: Implementation, transport: 'quic' | 'tcp'): Scenario {
  const s = pairScenario(transport, { policy: impl.policy, name: `contract-${impl.impl}-${transport}` })
  s.nodes = s.nodes.map(n => ({ ...n, impl: impl.impl, ...(impl.command != null ? { command: impl.command } : {}) }))
  return s
}

for (const impl of IMPLEMENTATIONS) {
  describe(`peer contract: ${impl.label}`, function () {
    this.timeout(90_000)

    for (const transport of ['quic', 'tcp'] as const) {
      it(`${transport}: identity, two legs per pair through their proxies, deliveries both ways, events, status, control API, wire ids`, async () => {
        // Devnet.start itself checks the identity derivation (peer id from seed + index) and that no leg bypasses its proxy;
        // the checks are meshflap conform's (harness/conform/), every row must pass
        await using devnet = await Devnet.start(scenarioFor(impl, transport), { dir: await mkdtemp(join(tmpdir(), 'meshflap-contract-')) })
        const start = devnet.history().find((e): e is RunStart => e.kind === 'run_start')!
        expect(start.nodes.map(n => n.impl)).to.deep.equal([impl.impl, impl.impl])
        const rows = [...await devnetChecks(devnet, { policy: impl.policy, transport }), await wireChecks(devnet, ['A', 'B'])]
        const bad = rows.filter(r => r.status !== 'pass').map(r => `${r.status} ${r.id}: ${r.evidence}`)
        expect(bad, 'checks that did not pass').to.deep.equal([])
        expect(rows.map(r => r.id)).to.include.members(['identity', 'events.ready', 'legs.two-per-pair', 'legs.own-outbound', 'legs.through-proxies', 'streams.gossip', 'events.gap-free', 'control.errors', 'wire.lean'])
      })
    }
  })
}
