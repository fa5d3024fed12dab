/**
 * `peers: { degree: 4 }` on real nodes: 12 TS nodes over QUIC, each peering with 4 others drawn
 * from the seed. The devnet dials only the peering pairs' legs (both of each), no node connects to
 * a node it does not peer with, and gossip relays across the sparse mesh: every aggregator is at
 * quorum in every slot and every publisher->receiver direction (most of them between nodes that do
 * not peer, judged end to end) gets its attestations every slot.
 */
import { expect } from 'chai'
import { access, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { runScenario } from '../../harness/runner/run-scenario.ts'
import { readHistory } from '../../harness/report/read-history.ts'
import { peersFromLegs } from '../../harness/scenario/resolve-topology.ts'
import type { DirectionGap } from '../../harness/oracles/delivery-gap.ts'

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
  - delivery-gap: { maxSlots: 1 }
  - no-decay
`

describe('devnet: a sparse peering (12 TS nodes, degree 4)', function () {
  this.timeout(90_000)
  it('dials only the peering pairs, and every aggregator is at quorum every slot through the mesh', async () => {
    const scenario = parseScenario(SCENARIO, '(sparse-peering)')
    const r = await runScenario(scenario, { outDir: await mkdtemp(join(tmpdir(), 'meshflap-sparse-')) })
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

    const gap = r.verdicts.find(v => v.expectation === 'delivery-gap')
    const directions = (gap?.evidence?.directions ?? []) as DirectionGap[]
    expect(directions).to.have.length(12 * 11)
    const unpeered = directions.filter(d => { const [p, q] = d.direction.split('->') as [string, string]; return peers.get(p)?.includes(q) !== true })
    expect(unpeered).to.have.length(12 * 7)
    expect(unpeered.every(d => d.deliveries === scenario.slots), 'every non-peering direction delivered every slot').to.equal(true)
    await access(join(r.dir, 'report.html'))
  })
})
