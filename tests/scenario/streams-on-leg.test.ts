/** streamsOnLeg: the stream directions riding a harness leg, read from both ends' live status. */
import { expect } from 'chai'
import { statusSnapshot, type StatusView } from '../../harness/scenario/status-snapshot.ts'
import { streamsOnLeg } from '../../harness/scenario/streams-on-leg.ts'

const NODES = [{ name: 'A', peerId: 'pA' }, { name: 'B', peerId: 'pB' }]

function status (name: string, legs: StatusView['legs']): StatusView {
  return { name, peerId: `p${name}`, legs }
}

describe('scenario: streamsOnLeg', () => {
  // A's stream to B and B's stream to A both ride A>B; B>A carries none
  const snap = statusSnapshot(NODES, [
    status('A', [
      { id: 'a1', peer: 'pB', direction: 'outbound', streams: [{ id: 'a1/o1', gossip: 'outbound' }, { id: 'a1/i2', gossip: 'inbound' }] },
      { id: 'a2', peer: 'pB', direction: 'inbound', streams: [{ id: 'a2/i3' }] }
    ]),
    status('B', [
      { id: 'b1', peer: 'pA', direction: 'inbound', streams: [{ id: 'b1/i1', gossip: 'inbound' }, { id: 'b1/o2', gossip: 'outbound' }] },
      { id: 'b2', peer: 'pA', direction: 'outbound', streams: [] }
    ])
  ])

  it('lists both directions on the bearing leg and nothing on the idle one', () => {
    expect(streamsOnLeg(snap, 'A', 'B')).to.deep.equal(['A->B', 'B->A'])
    expect(streamsOnLeg(snap, 'B', 'A')).to.deep.equal([])
  })

  it('reads either end: a stream one end already dropped still counts at the other', () => {
    const onlyB = statusSnapshot(NODES, [status('B', [{ id: 'b1', peer: 'pA', direction: 'inbound', streams: [{ id: 'b1/o2', gossip: 'outbound' }] }])])
    expect(streamsOnLeg(onlyB, 'A', 'B')).to.deep.equal(['B->A'])
  })

  it('narrows to the given connection ids', () => {
    expect(streamsOnLeg(snap, 'A', 'B', { dialerLeg: 'a9', listenerLeg: 'b9' })).to.deep.equal([])
    expect(streamsOnLeg(snap, 'A', 'B', { dialerLeg: 'a1', listenerLeg: 'b9' })).to.deep.equal(['A->B', 'B->A'])
  })
})
