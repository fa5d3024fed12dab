/**
 * Readiness reads a gossip stream where it is reported (harness/devnet/devnet.ts
 * gossipStreamMissing): a node's own status, else its neighbour's, else gossipsub's peer list.
 */
import { expect } from 'chai'
import { gossipStreamMissing } from '../../harness/devnet/devnet.ts'
import type { NodeStatus } from '../../harness/contract/node-status.ts'

const status = (peer: string, gossip: 'inbound' | 'outbound' | undefined, extra: Partial<NodeStatus> = {}): NodeStatus => ({
  name: 'x', peerId: 'x', impl: 'go', gossipPolicy: 'stock', redialEnabled: true, listen: [], topics: {}, gossipPeers: [],
  legs: [{ id: 'l1', peer, direction: 'outbound', transport: 'quic', remote: '/ip4/127.0.0.1/udp/1/quic-v1', openedAt: 1, streams: gossip === undefined ? [] : [{ id: 's', protocol: '/meshsub/1.2.0', direction: gossip, gossip }] }],
  ...extra
} as unknown as NodeStatus)

describe('readiness with declared visibility', () => {
  it('a node that reports streams needs its own outbound gossip stream', () => {
    expect(gossipStreamMissing('A', status('pb', 'outbound'), 'B', status('pa', undefined), 'pb', 'pa')).to.equal(undefined)
    expect(gossipStreamMissing('A', status('pb', undefined), 'B', status('pa', 'inbound'), 'pb', 'pa')).to.equal('A->B: no outbound gossip stream')
  })

  it('a node that declares streams unreported is read from its neighbour\'s inbound stream', () => {
    const blind = status('pb', undefined, { unreported: ['streams'] })
    expect(gossipStreamMissing('A', blind, 'B', status('pa', 'inbound'), 'pb', 'pa')).to.equal(undefined)
    expect(gossipStreamMissing('A', blind, 'B', status('pa', 'outbound'), 'pb', 'pa')).to.contain('no inbound gossip stream at B (A does not report streams)')
  })

  it('two blind nodes: gossipsub must know the peer', () => {
    const blindB = status('pa', undefined, { unreported: ['streams'] })
    expect(gossipStreamMissing('A', status('pb', undefined, { unreported: ['streams'], gossipPeers: ['pb'] }), 'B', blindB, 'pb', 'pa')).to.equal(undefined)
    expect(gossipStreamMissing('A', status('pb', undefined, { unreported: ['streams'] }), 'B', blindB, 'pb', 'pa')).to.contain('is not among A\'s gossip peers')
  })
})
