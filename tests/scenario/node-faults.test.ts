/** Node faults in a scenario: parsed, checked and resolved to nodes (pure; the real-node tests are in tests/faults-nodes/). */
import { expect } from 'chai'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { ScenarioError } from '../../harness/scenario/scenario-error.ts'
import { planFaults } from '../../harness/scenario/plan-faults.ts'
import { decideNodeTarget, nodeSelectorText, resolveNodeTarget } from '../../harness/scenario/resolve-node-target.ts'
import { statusSnapshot, type LegView, type StatusView } from '../../harness/scenario/status-snapshot.ts'
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

  it('subscribe atMs may be negative (before genesis), down to -genesisDelayMs: genesis is set that long after the devnet connected', () => {
    const at = (atMs: number): string => yaml('  - { slot: 1, action: kill, target: { node: C } }')
      .replace('subscribe: { delayMs: 2000 }', `subscribe: { atMs: ${atMs} }`)
    expect(parseScenario(at(-1500), 'nf.yaml').nodes[1]?.subscribeAtMs).to.equal(-1500)
    try {
      parseScenario(at(-1501), 'early.yaml')
      expect.fail('atMs -1501 validated with the default genesisDelayMs 1500')
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err
      expect(err.message).to.match(/early\.yaml:\d+:\d+: nodes\[1\]\.subscribe\.atMs: atMs -1501 is before genesis is set .*\(expected atMs >= -1500\)/)
    }
  })

  it('restart: after as a span (slots or ms, default at once), on any node target', async () => {
    const s = await parseScenario(yaml(`  - { slot: 1, action: restart, target: { node: C } }
  - { slot: 2, action: { restart: { after: { slots: 1.5 } } }, target: { aggregator: true } }
  - { slot: 3, action: { restart: { after: { ms: 700 } } }, target: { pair: [A, B], bearing-node-of: B } }`), 'nf.yaml')
    expect(s.faults.map(f => [f.action, f.target])).to.deep.equal([
      [{ kind: 'restart', afterMs: 0 }, { kind: 'node', node: 'C' }],
      [{ kind: 'restart', afterMs: 1500 }, { kind: 'aggregators' }],
      [{ kind: 'restart', afterMs: 700 }, { kind: 'bearing-node', of: 'B', to: 'A' }]
    ])
  })

  it('bearing-node-of: the dialer of the leg holding the stream, from live status; unresolved when no leg holds it', () => {
    const nodes = [{ name: 'A', peerId: 'pA' }, { name: 'B', peerId: 'pB' }]
    const conn = (id: string, peer: string, direction: 'outbound' | 'inbound', gossip: Array<'outbound' | 'inbound'>): LegView => ({
      id, peer, direction, openedAt: 1, streams: gossip.map((g, i) => ({ id: `${id}/s${i}`, protocol: '/meshsub/1.2.0', direction: g, gossip: g }))
    })
    const status = (name: string, legs: LegView[]): StatusView => ({ name, peerId: `p${name}`, legs })
    // A's stream to B rides the connection B dialed (B>A); B's stream to A rides A>B
    const snap = statusSnapshot(nodes, [
      status('A', [conn('a-out', 'pB', 'outbound', ['inbound']), conn('a-in', 'pB', 'inbound', ['outbound'])]),
      status('B', [conn('b-in', 'pA', 'inbound', ['outbound']), conn('b-out', 'pA', 'outbound', ['inbound'])])
    ])
    const scenarioNodes: Parameters<typeof decideNodeTarget>[1] = ['A', 'B'].map((name, index) => ({ name, index, impl: 'ts', gossipPolicy: 'leg-aware', validators: [], aggregator: false }))
    const ofA = decideNodeTarget({ kind: 'bearing-node', of: 'A', to: 'B' }, scenarioNodes, seededRng(1), snap)
    expect(ofA.nodes).to.deep.equal(['B'])
    expect(ofA.why).to.include('B>A')
    expect(decideNodeTarget({ kind: 'bearing-node', of: 'B', to: 'A' }, scenarioNodes, seededRng(1), snap).nodes).to.deep.equal(['A'])
    expect(nodeSelectorText({ kind: 'bearing-node', of: 'A', to: 'B' })).to.equal('bearing-node-of: A (A,B)')
    // no stream from A to B in the status: never a guess
    const bare = statusSnapshot(nodes, [status('A', [conn('a-out', 'pB', 'outbound', [])]), status('B', [conn('b-in', 'pA', 'inbound', [])])])
    const none = decideNodeTarget({ kind: 'bearing-node', of: 'A', to: 'B' }, scenarioNodes, seededRng(1), bare)
    expect(none.nodes).to.deep.equal([])
    expect(none.unresolved).to.be.a('string').and.not.equal('')
    expect(decideNodeTarget({ kind: 'bearing-node', of: 'A', to: 'B' }, scenarioNodes, seededRng(1)).unresolved).to.include('no live status')
  })
})
