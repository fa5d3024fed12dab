/**
 * Issues 6 and 12: for every built contract peer (peers-under-test.ts), a mixed
 * devnet of TS nodes and that peer on real QUIC and TCP legs through their fault
 * proxies reaches quorum every slot.
 */
import { expect } from 'chai'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { runScenario } from '../../harness/runner/run-scenario.ts'
import { PEERS } from './peers-under-test.ts'

const mixed = (impl: string, transport: string): string => `
name: mixed-ts-${impl}-quorum-${transport}
description: "A calm mixed TS + ${impl} devnet, the baseline every interop fixture needs (PR #278's field devnet shape: 32 validators, quorum 22)."
seed: 9
validators: 32
nodes:
  - { name: A, impl: ts }
  - { name: B, impl: ${impl}, gossipPolicy: stock }
  - { name: C, impl: ts }
  - { name: D, impl: ${impl}, gossipPolicy: stock, aggregator: true }
  - { name: E, impl: ts, aggregator: true }
transport: ${transport}
slotMs: 1000
slots: 5
genesisDelayMs: 1000
expectations:
  - coverage: { from-slot: 0 }
  - delivery-gap: { maxSlots: 1 }
`

for (const peer of PEERS) {
  describe(`mixed TS + ${peer.title} devnet`, function () {
    this.timeout(120_000)
    for (const transport of ['quic', 'tcp']) {
      it(`${transport}: every aggregator (a TS node and a ${peer.title}) reaches quorum every slot, every direction delivers`, async () => {
        const r = await runScenario(parseScenario(mixed(peer.impl, transport), `(mixed ${peer.impl} ${transport})`), { outDir: await mkdtemp(join(tmpdir(), `meshflap-mixed-${peer.impl}-`)) })
        const why = r.verdicts.filter(v => v.status !== 'pass').map(v => `${v.title}: ${v.findings[0]?.message ?? v.summary}`).join('\n')
        expect(r.status, why).to.equal('pass')
        expect(r.scenario.nodes.map(n => n.impl)).to.deep.equal(['ts', peer.impl, 'ts', peer.impl, 'ts'])
      })
    }
  })
}
