/**
 * Duties stop at `slots` (containers/CONTRACT.md section 5): a devnet kept running two slots past its
 * last judged slot holds no attestation of slot >= slots, from the TS node or the Go peer. Before the
 * devnet handed `duties.slots` to its nodes, they published until stopped and the report counted the
 * extra slots as losses (a red heatmap on a passing run).
 */
import { expect } from 'chai'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Devnet, parseScenario } from 'meshflap'

const SCENARIO = `
name: duties-window
description: a TS node and a Go peer, two judged slots, to check nobody publishes after them
seed: 4
validators: 4
nodes:
  - { name: A, impl: ts }
  - { name: B, impl: go, gossipPolicy: stock, aggregator: true }
transport: quic
slotMs: 400
slots: 2
genesisDelayMs: 300
expectations: [streams-survive]
`

describe('devnet: duties stop at slots', function () {
  this.timeout(60_000)
  it('publishes slots 0..slots-1 and nothing after, from a TS node and a Go peer', async () => {
    const scenario = parseScenario(SCENARIO, '(duties-window)')
    await using devnet = await Devnet.start(scenario, { dir: await mkdtemp(join(tmpdir(), 'meshflap-duties-')) })
    await sleep(devnet.slotStart(scenario.slots + 2) + 200 - Date.now())
    const published = new Map<string, Set<unknown>>()
    for (const e of devnet.history()) {
      if (e.kind !== 'node' || e.type !== 'msg_published') continue
      const set = published.get(e.node) ?? new Set()
      set.add(e.slot)
      published.set(e.node, set)
    }
    expect(Object.fromEntries([...published].map(([n, s]) => [n, [...s].sort()]))).to.deep.equal({ A: [0, 1], B: [0, 1] })
  })
})
