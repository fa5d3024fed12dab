/**
 * Issue 12: a mixed devnet (TS nodes and Rust peers) on real QUIC and TCP legs
 * through their fault proxies reaches quorum every slot.
 */
import { expect } from 'chai'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { runScenario } from '../../harness/runner/run-scenario.ts'

const rust = 'impl: rust, gossipPolicy: stock'
const mixed = (transport: string): string => `
name: mixed-ts-rust-quorum-${transport}
description: "A calm mixed TS + Rust devnet (PR #278's field devnet shape: 32 validators, quorum 22)."
seed: 9
validators: 32
nodes:
  - { name: A, impl: ts }
  - { name: B, ${rust} }
  - { name: C, impl: ts }
  - { name: D, ${rust}, aggregator: true }
  - { name: E, impl: ts, aggregator: true }
transport: ${transport}
slotMs: 1000
slots: 5
genesisDelayMs: 1000
expectations:
  - coverage: { from-slot: 0 }
  - delivery-gap: { maxSlots: 1 }
`

describe('mixed TS + Rust devnet', function () {
  this.timeout(120_000)
  for (const transport of ['quic', 'tcp']) {
    it(`${transport}: every aggregator (a TS node and a Rust peer) reaches quorum every slot, every direction delivers`, async () => {
      const r = await runScenario(parseScenario(mixed(transport), `(mixed ${transport})`), { outDir: await mkdtemp(join(tmpdir(), 'meshflap-mixed-rust-')) })
      const why = r.verdicts.filter(v => v.status !== 'pass').map(v => `${v.title}: ${v.findings[0]?.message ?? v.summary}`).join('\n')
      expect(r.status, why).to.equal('pass')
      expect(r.scenario.nodes.map(n => n.impl)).to.deep.equal(['ts', 'rust', 'ts', 'rust', 'ts'])
    })
  }
})
