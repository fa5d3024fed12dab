// suite: serial — 7 nodes dial 84 QUIC legs at once: beside another devnet their wedge probes (no round trip in 2 s) closed legs at boot (CI, 2026-12-02)
/**
 * Every leg reaches a node through a fault proxy, so all its peers dial it from one host. js-libp2p
 * refuses a host's 6th inbound connection within a second by default (inboundConnectionThreshold):
 * at boot of a 7-node devnet each node then closed legs its 6th peer had just opened, and the
 * devnet took redials to connect. The TS node lifts that limit (containers/ts-node/node.ts); here
 * 7 TS nodes boot over QUIC with no leg closed, each node holding its 6 inbound legs.
 */
import { expect } from 'chai'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Devnet, parseScenario } from 'meshflap'

const SCENARIO = `
name: inbound-from-one-host
description: 7 TS nodes booting at once; every leg's dialer is the proxy host
seed: 6
validators: 7
nodes: { count: 7 }
transport: quic
slotMs: 1000
slots: 2
expectations: [coverage]
`

describe('TS node: inbound legs all come from the proxy host', function () {
  this.timeout(120_000)

  it('7 nodes boot with no leg refused: no leg_close before genesis, 6 inbound legs each', async () => {
    await using devnet = await Devnet.start(parseScenario(SCENARIO, 'inbound-from-one-host.yaml'), { dir: await mkdtemp(join(tmpdir(), 'meshflap-inbound-')) })
    const events = devnet.history().flatMap(e => e.kind === 'node' ? [e] : [])
    const closes = events.filter(e => e.type === 'leg_close').map(e => `${e.node} ${e.type === 'leg_close' ? `${e.direction} ${e.leg} ${e.reason ?? ''}` : ''}`)
    expect(closes, 'legs closed while the devnet booted').to.deep.equal([])
    for (const n of ['A', 'B', 'C', 'D', 'E', 'F', 'G']) {
      expect(events.filter(e => e.node === n && e.type === 'leg_open' && e.direction === 'inbound'), `${n}'s inbound legs`).to.have.length(6)
    }
  })
})
