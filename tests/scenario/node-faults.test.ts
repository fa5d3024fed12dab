/** Node faults in a scenario: parsed, checked and resolved to nodes (pure; the real-node tests are in tests/faults-nodes/). */
import { expect } from 'chai'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { planFaults } from '../../harness/scenario/plan-faults.ts'
import { resolveNodeTarget } from '../../harness/scenario/resolve-node-target.ts'
import { seededRng } from '../../harness/scenario/seeded-rng.ts'

const yaml = (faults: string): string => `name: nf
description: node faults for the resolver tests
nodes:
  - { name: A }
  - { name: B, start: { delayMs: 500 }, subscribe: { delayMs: 2000 } }
  - { name: C }
  - { name: D, aggregator: true }
faults:
${faults}
expectations: [streams-survive]
`

describe('scenario: node faults and start order', () => {
  it('kill, pause with a duration, resume and the node targets resolve', async () => {
    const s = await parseScenario(yaml(`  - { slot: 1, action: kill, target: { node: C } }
  - { slot: 2, action: pause, duration: { slots: 2 }, target: { aggregator: true } }
  - { slot: 3, action: { pause: {} }, target: { node: { random: 2 } } }
  - { slot: 5, action: resume, target: { node: A } }`), 'nf.yaml')
    expect(s.faults.map(f => [f.action.kind, f.target, f.durationMs])).to.deep.equal([
      ['kill', { kind: 'node', node: 'C' }, undefined],
      ['pause', { kind: 'aggregators' }, 2000],
      ['pause', { kind: 'random-nodes', count: 2 }, undefined],
      ['resume', { kind: 'node', node: 'A' }, undefined]
    ])
    expect(s.nodes.map(n => [n.name, n.startDelayMs, n.subscribeDelayMs])).to.deep.equal([['A', undefined, undefined], ['B', 500, 2000], ['C', undefined, undefined], ['D', undefined, undefined]])
    expect(resolveNodeTarget({ kind: 'aggregators' }, s.nodes, seededRng(1))).to.deep.equal(['D'])
    const random = planFaults(s).find(p => p.target.kind === 'random-nodes')!
    const picked = resolveNodeTarget({ kind: 'random-nodes', count: 2 }, s.nodes, seededRng(random.rngSeed))
    expect(picked).to.have.length(2)
    expect(new Set(picked).size).to.equal(2)
    // the seed decides: the same seed picks the same nodes
    expect(resolveNodeTarget({ kind: 'random-nodes', count: 2 }, s.nodes, seededRng(random.rngSeed))).to.deep.equal(picked)
    const draws = new Set(Array.from({ length: 40 }, (_, i) => resolveNodeTarget({ kind: 'random-nodes', count: 2 }, s.nodes, seededRng(i)).join()))
    expect(draws.size, 'different seeds pick different pairs').to.be.greaterThan(2)
  })
})
