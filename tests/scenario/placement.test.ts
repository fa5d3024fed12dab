/** Stream placement: resolving `placement`, and the staging plan and check (pure parts of harness/devnet/stage-placement.ts). */
import { expect } from 'chai'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { statusSnapshot, type StatusView } from '../../harness/scenario/status-snapshot.ts'
import { placementProblems, placementStaging, readyToRelease } from '../../harness/devnet/stage-placement.ts'

const BASE = `name: placed
description: placement resolution for the tests
nodes: { count: 3 }
expectations: [coverage]
`

/** A and B with their streams: `ab` on A>B, `ba` on B>A (directions "A->B", "B->A"). */
function snap (ab: string[], ba: string[]): ReturnType<typeof statusSnapshot> {
  const streamsAt = (node: string, on: string[]): StatusView['legs'][number]['streams'] =>
    on.map((d, i) => ({ id: `${node}${i}`, gossip: d.startsWith(node) ? 'outbound' : 'inbound' }))
  return statusSnapshot([{ name: 'A', peerId: 'pA' }, { name: 'B', peerId: 'pB' }], [
    { name: 'A', peerId: 'pA', legs: [{ id: 'a1', peer: 'pB', direction: 'outbound', streams: streamsAt('A', ab) }, { id: 'a2', peer: 'pB', direction: 'inbound', streams: streamsAt('A', ba) }] },
    { name: 'B', peerId: 'pB', legs: [{ id: 'b1', peer: 'pA', direction: 'inbound', streams: streamsAt('B', ab) }, { id: 'b2', peer: 'pA', direction: 'outbound', streams: streamsAt('B', ba) }] }
  ])
}

describe('scenario: stream placement', () => {
  it('resolves a pair entry and a default for every other pair, in node order', async () => {
    const s = await parseScenario(BASE + 'placement:\n  - { pair: [C, A], streams: same }\n  - { streams: split }\n', 'placed.yaml')
    expect(s.placement).to.deep.equal([
      { pair: ['A', 'B'], streams: 'split' },
      { pair: ['C', 'A'], streams: 'same' },
      { pair: ['B', 'C'], streams: 'split' }
    ])
  })

  it('no placement: left to the stacks', async () => {
    expect((await parseScenario(BASE, 'placed.yaml')).placement).to.equal(undefined)
  })

  it('rejects an unknown node, a pair placed twice and two defaults, with file:line', async () => {
    for (const [yaml, message] of [
      ['placement:\n  - { pair: [A, E], streams: split }\n', /placed\.yaml:6:.*placement\[0\]\.pair\[1\]: unknown node "E"/],
      ['placement:\n  - { pair: [A, B], streams: split }\n  - { pair: [B, A], streams: same }\n', /placed\.yaml:7:.*placement\[1\]\.pair: pair \[B, A\] is placed twice/],
      ['placement:\n  - { streams: split }\n  - { streams: same }\n', /placed\.yaml:7:.*placement\[1\]: a second placement without pair/],
      ['placement:\n  - { pair: [A, B], streams: apart }\n', /placed\.yaml:6:.*placement\[0\]\.streams/]
    ] as const) {
      let error: unknown
      try { await parseScenario(BASE + yaml, 'placed.yaml') } catch (err) { error = err }
      expect(String(error)).to.match(message)
    }
  })

  it('plans the staging: same holds the second leg, split slows both', () => {
    const plan = placementStaging([{ pair: ['A', 'B'], streams: 'same' }, { pair: ['B', 'C'], streams: 'split' }])
    expect([...plan.held]).to.deep.equal(['B>A'])
    expect([...plan.slowed]).to.deep.equal(['B>C', 'C>B'])
  })

  it('releases a held leg only once the other leg carries both streams', () => {
    const same = [{ pair: ['A', 'B'] as [string, string], streams: 'same' as const }]
    expect(readyToRelease(same, snap(['A->B'], []))).to.deep.equal([])
    expect(readyToRelease(same, snap(['A->B', 'B->A'], []))).to.deep.equal(['B>A'])
  })

  it('checks the outcome: split in either orientation, same on pair[0]>pair[1] only', () => {
    const split = [{ pair: ['A', 'B'] as [string, string], streams: 'split' as const }]
    const same = [{ pair: ['A', 'B'] as [string, string], streams: 'same' as const }]
    expect(placementProblems(split, snap(['A->B'], ['B->A']))).to.deep.equal([])
    expect(placementProblems(split, snap(['B->A'], ['A->B']))).to.deep.equal([])
    expect(placementProblems(split, snap(['A->B', 'B->A'], []))).to.deep.equal(['pair [A, B] asked for split: A>B carries A->B, B->A; B>A carries no stream'])
    expect(placementProblems(same, snap(['A->B', 'B->A'], []))).to.deep.equal([])
    expect(placementProblems(same, snap([], ['A->B', 'B->A']))).to.have.length(1)
    expect(placementProblems(same, snap(['A->B'], ['B->A']))).to.have.length(1)
  })
})
