/**
 * `peers: { degree: 4 }` on real nodes: 12 TS nodes over QUIC, each peering with 4 others drawn
 * from the seed. The devnet dials only the peering pairs' legs (both of each), no node connects to
 * a node it does not peer with, and gossip relays across the sparse mesh: every aggregator is at
 * quorum in every slot, and every attestation reaches every node, most of them relayed (7 of each
 * node's 11 others do not peer with it).
 *
 * On a machine busy enough that most nodes are not scheduled the run is unknown (environment), not
 * failed: it is rerun once, and skipped when it stays so (nothing was judged).
 */
import { expect } from 'chai'
import { access, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { environmentWhat, runWithEnvironmentRerun } from '../../harness/runner/environment-rerun.ts'
import { readHistory } from '../../harness/report/read-history.ts'
import { peersFromLegs } from '../../harness/scenario/resolve-topology.ts'

const SCENARIO = `
name: sparse-peering-12
description: 12 TS nodes, each peering with 4 others drawn from the seed, no faults
seed: 18
validators: 48
nodes: { count: 12, aggregators: [A, F, K] }
peers: { degree: 4 }
transport: quic
slotMs: 1000
slots: 6
expectations:
  - coverage: { from-slot: 0 }
`

describe('devnet: a sparse peering (12 TS nodes, degree 4)', function () {
  this.timeout(90_000)
  it('dials only the peering pairs, and every aggregator is at quorum every slot through the mesh', async function () {
    const scenario = parseScenario(SCENARIO, '(sparse-peering)')
    const outcome = await runWithEnvironmentRerun(scenario, { outDir: await mkdtemp(join(tmpdir(), 'meshflap-sparse-')) })
    const r = outcome.result
    if (outcome.environment) { console.log(`      unknown (environment: ${environmentWhat(r)}), twice: ${r.dir}`); this.skip() }
    const failed = r.verdicts.filter(v => v.status !== 'pass').map(v => `${v.title}: ${v.summary} ${v.findings.slice(0, 3).map(f => f.message).join('; ')}`)
    expect(r.status, `${failed.join('\n')}\n${r.dir}`).to.equal('pass')

    const history = await readHistory(join(r.dir, 'history.ndjson'))
    const start = history.find(e => e.kind === 'run_start')
    if (start?.kind !== 'run_start') throw new Error('no run_start')
    expect(start.legs).to.have.length(12 * 4)
    const names = start.nodes.map(n => n.name)
    const peers = peersFromLegs(names, start.legs)
    expect([...peers.values()].every(p => p.length === 4)).to.equal(true)
    // no connection between nodes that do not peer: every leg_open names a peer of its node
    const nameOf = new Map(start.nodes.map(n => [n.peerId, n.name]))
    const strays = history.flatMap(e => e.kind === 'node' && e.type === 'leg_open' && peers.get(e.node)?.includes(nameOf.get(e.peer as string) ?? '') !== true ? [`${e.node}<->${String(e.peer)}`] : [])
    expect(strays).to.deep.equal([])

    // every attestation (48 validators x 6 slots) reached all 11 other nodes, through whichever peers
    const owner = new Map(start.nodes.flatMap(n => n.validators.map(v => [v, n.name] as const)))
    const got = new Set(history.flatMap(e => e.kind === 'node' && e.type === 'msg_received' ? [`${e.node} ${String(e.slot)} ${String(e.validator)}`] : []))
    const missing: string[] = []
    let relayed = 0
    for (const [v, publisher] of owner) {
      for (const n of names) {
        if (n === publisher) continue
        if (peers.get(n)?.includes(publisher) !== true) relayed++
        for (let slot = 0; slot < scenario.slots; slot++) if (!got.has(`${n} ${slot} ${v}`)) missing.push(`${publisher}->${n} v${v} slot ${slot}`)
      }
    }
    expect(relayed, 'validator x receiver directions with no leg of their own').to.equal(48 * 7)
    expect(missing.slice(0, 10), `${missing.length} attestations never arrived`).to.deep.equal([])
    await access(join(r.dir, 'report.html'))
  })
})
