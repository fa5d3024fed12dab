/**
 * The peer contract's compliance suite (containers/CONTRACT.md section 8): one
 * suite, run against every implementation meshflap can start here — the TS
 * node, the Go and Rust peers, and their binaries again as `external` entries,
 * the way a client team's own build joins. A new implementation is ready when it passes.
 */
import { expect } from 'chai'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Devnet } from '../harness/devnet/devnet.ts'
import type { NodeEntry, RunStart } from '../harness/history/types.ts'
import type { NodeImpl, Scenario } from '../harness/scenario/types.ts'
import { goPeerBinary } from '../harness/impls/go.ts'
import { rustPeerBinary } from '../harness/impls/rust.ts'
import { eventOfType } from '../harness/contract/node-events.ts'
import type { NodeEventType } from '../harness/contract/node-events.ts'
import { pairScenario } from './support/pair-scenario.ts'
import { IMPLEMENTATIONS as IMPLS } from '../harness/impls/index.ts'
import type { GossipPolicy } from '../harness/contract/node-config.ts'
import { waitFor } from './support/wait-for.ts'

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

const nodeEvents = <T extends NodeEventType>(devnet: Devnet, node: string, type: T): Array<Extract<NodeEntry, { type: T }>> =>
  devnet.history().filter((e): e is NodeEntry => e.kind === 'node' && e.node === node).filter(eventOfType(type))

for (const impl of IMPLEMENTATIONS) {
  describe(`peer contract: ${impl.label}`, function () {
    this.timeout(90_000)

    for (const transport of ['quic', 'tcp'] as const) {
      it(`${transport}: identity, two legs per pair through their proxies, deliveries both ways, events and status`, async () => {
        // Devnet.start itself checks the identity derivation (peer id from seed + index) and that no leg bypasses its proxy
        await using devnet = await Devnet.start(scenarioFor(impl, transport), { dir: await mkdtemp(join(tmpdir(), 'meshflap-contract-')) })
        const start = devnet.history().find((e): e is RunStart => e.kind === 'run_start')!
        expect(start.nodes.map(n => n.impl)).to.deep.equal([impl.impl, impl.impl])

        for (const name of ['A', 'B']) {
          const ready = nodeEvents(devnet, name, 'ready')
          expect(ready, `${name}: one ready event`).to.have.length(1)
          expect(ready[0]!.seq, `${name}: ready is the first event`).to.equal(1)
          for (const field of ['peerId', 'listen', 'control', 'gossipPolicy']) expect(ready[0], `${name}: ready.${field}`).to.have.property(field)
          expect(ready[0]!.gossipPolicy).to.equal(impl.policy)
        }
        await waitFor(() => nodeEvents(devnet, 'B', 'msg_received').some(e => [0, 1].includes(e.validator as number)) &&
          nodeEvents(devnet, 'A', 'msg_received').some(e => [2, 3].includes(e.validator as number)), 10_000, 'deliveries both ways')

        const statuses = await devnet.statuses()
        for (const name of ['A', 'B']) {
          const s = statuses[name]!
          expect(s.legs.map(l => l.direction).sort(), `${name}: one outbound and one inbound leg`).to.deep.equal(['inbound', 'outbound'])
          for (const l of s.legs) {
            expect(l.transport).to.equal(transport)
            expect(l.id).to.be.a('string')
            expect(l.streams).to.be.an('array')
          }
          expect(s.legs.flatMap(l => l.streams).map(x => x.gossip).filter(g => g != null).sort(), `${name}: gossip streams`).to.include.members(['inbound', 'outbound'])
          expect(Object.keys(s.topics), `${name}: subscribed to the 4 attestation subnets`).to.have.length(4)
        }

        // every seq is used once, in order
        for (const name of ['A', 'B']) {
          const seqs = devnet.history().filter((e): e is NodeEntry => e.kind === 'node' && e.node === name).map(e => e.seq).sort((a, b) => a - b)
          expect(seqs, `${name}: seq 1..n without gaps`).to.deep.equal(seqs.map((_, i) => i + 1))
        }

        // control API: events after a seq, metrics, errors as JSON with 4xx, publish
        const a = devnet.node('A')
        const events = await (await fetch(`${a.client.url}/v1/events?after=1`)).json() as { lastSeq: number, events: Array<{ seq: number }> }
        expect(events.events[0]?.seq).to.equal(2)
        const metrics = await fetch(`${a.client.url}/metrics`)
        expect(metrics.status).to.equal(200)
        expect(await metrics.text()).to.match(/^# (HELP|TYPE) /m)
        const missing = await fetch(`${a.client.url}/v1/nope`)
        expect(missing.status).to.equal(404)
        expect(await missing.json()).to.have.property('error')
        const badLeg = await fetch(`${a.client.url}/v1/legs/no-such-leg/close`, { method: 'POST', body: '{}' })
        expect(badLeg.status).to.equal(404)
        const badBody = await fetch(`${a.client.url}/v1/dial`, { method: 'POST', body: '{"peerId": 7}' })
        expect(badBody.status).to.equal(400)
        const published = await a.client.publish(999, 0) as { msgId: string, slot: number }
        expect(published.slot).to.equal(999)
        expect(published.msgId).to.match(/^[0-9a-f]{40}$/)
      })
    }
  })
}
