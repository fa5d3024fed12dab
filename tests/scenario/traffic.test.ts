/** The traffic fields resolved: sparse subscriptions, subnet aggregators, the seeded proposer rotation. */
import { expect } from 'chai'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { blockDuties, proposerRotation } from '../../harness/scenario/resolve-traffic.ts'

const SPARSE = `name: sparse
description: sparse subnets with subnet aggregators and blocks
validators: 16
subnets: 4
subnetSubscriptions: sparse
nodes:
  - { name: A, validators: [0, 4, 8, 12], aggregator: { subnets: [1] } }
  - { name: B, validators: [1, 5, 9, 13], aggregator: { subnets: [2] } }
  - { name: C, validators: [2, 6, 10, 14], aggregator: { subnets: [3, 0] } }
  - { name: D, validators: [3, 7, 11, 15] }
blocks: { bytes: 262144, proposers: [A, B, C] }
expectations: [coverage, block-delivery]
`

describe('scenario: traffic', () => {
  it('sparse: each node subscribes to its validators\' subnets plus those it aggregates', () => {
    const s = parseScenario(SPARSE, 'sparse.yaml')
    expect(s.subnetSubscriptions).to.equal('sparse')
    expect(s.nodes.map(n => [n.name, n.aggregator, n.aggregates, n.subscribeSubnets])).to.deep.equal([
      ['A', true, [1], [0, 1]], ['B', true, [2], [1, 2]], ['C', true, [0, 3], [0, 2, 3]], ['D', false, undefined, [3]]
    ])
    expect(s.expectations).to.deep.include({ kind: 'block-delivery', maxMs: 1000 })
  })

  it('default: every node on every subnet (no subscribeSubnets), no blocks; aggregator: true aggregates all', () => {
    const s = parseScenario('name: plain\ndescription: the defaults for the traffic fields\nnodes: { count: 4 }\nexpectations: [coverage]\n', 'plain.yaml')
    expect(s.subnetSubscriptions).to.equal('all')
    expect(s.blocks).to.equal(undefined)
    expect(s.nodes.every(n => n.subscribeSubnets === undefined && n.aggregates === undefined)).to.equal(true)
  })

  it('the proposer rotation: a permutation fixed by the seed, different across seeds', () => {
    const names = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']
    const r1 = proposerRotation(names, 1)
    expect([...r1].sort()).to.deep.equal(names)
    expect(proposerRotation(names, 1)).to.deep.equal(r1)
    const others = [2, 3, 4, 5].map(seed => proposerRotation(names, seed).join(''))
    expect(others.some(o => o !== r1.join(''))).to.equal(true)
  })

  it('block duties: one proposer per slot among the proposers; others only receive', () => {
    const s = parseScenario(SPARSE, 'sparse.yaml')
    const duties = blockDuties(s, 7)
    expect(duties.get('D')).to.deep.equal({ bytes: 262144 })
    for (let slot = 0; slot < 12; slot++) {
      const proposing = [...duties].filter(([, d]) => d.every !== undefined && slot % d.every === d.offset).map(([n]) => n)
      expect(proposing, `slot ${slot}`).to.have.length(1)
      expect(proposing[0]).to.equal(proposerRotation(['A', 'B', 'C'], 7)[slot % 3])
    }
  })

  it('aggregated: a node subscribes to the subnets it aggregates only (none when it aggregates none)', () => {
    const s = parseScenario(SPARSE.replace('subnetSubscriptions: sparse', 'subnetSubscriptions: aggregated'), 'aggregated.yaml')
    expect(s.nodes.map(n => [n.name, n.subscribeSubnets])).to.deep.equal([['A', [1]], ['B', [2]], ['C', [0, 3]], ['D', []]])
  })

  it('the field-shaped devnet is expressible: 8 nodes, 32 validators on 4 sparse subnets, a block every slot, QUIC', () => {
    // node i: the eight validators of subnet i % 4 split in two, aggregating subnet (i + 1) % 4
    const nodes = Array.from({ length: 8 }, (_, i) => {
      const subnet = i % 4
      const half = Math.floor(i / 4)
      const validators = Array.from({ length: 4 }, (_, k) => subnet + 4 * (half * 4 + k))
      return `  - { name: N${i}, validators: [${validators.join(', ')}], aggregator: { subnets: [${(subnet + 1) % 4}] } }`
    })
    const text = `name: field-shaped
description: the field's devnet shape with blocks and sparse subnets
validators: 32
subnets: 4
subnetSubscriptions: sparse
transport: quic
nodes:
${nodes.join('\n')}
blocks: { bytes: 1048576 }
expectations: [coverage, { delivery-gap: { maxSlots: 1 } }, block-delivery, { latency: { p99Ms: 500 } }]
`
    const s = parseScenario(text, 'field-shaped.yaml')
    expect(s.nodes).to.have.length(8)
    expect(s.legs.every(l => l.transport === 'quic')).to.equal(true)
    expect(s.nodes.every(n => n.validators.length === 4 && n.subscribeSubnets?.length === 2)).to.equal(true)
    // every subnet: four subscribers (two publishing nodes, two aggregators)
    for (let subnet = 0; subnet < 4; subnet++) expect(s.nodes.filter(n => n.subscribeSubnets?.includes(subnet))).to.have.length(4)
    const duties = blockDuties(s, s.seed)
    expect([...duties.values()].every(d => d.every === 8)).to.equal(true)
    expect(new Set([...duties.values()].map(d => d.offset)).size).to.equal(8)
  })
})
