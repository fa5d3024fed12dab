/**
 * simultaneous-dial on real nodes: with both legs of the pair closed and
 * redials held off, A and B dial each other in the same instant through the
 * control API. What the stacks do with it is measured here: both dials
 * succeed and the pair holds its two legs (each dialer's own outbound leg),
 * with a gossip stream each way, for the TS node against the TS node and
 * against the Go peer.
 */
import { expect } from 'chai'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Devnet } from '../../harness/devnet/devnet.ts'
import type { FaultEntry } from '../../harness/history/types.ts'
import type { NodeImpl } from '../../harness/scenario/types.ts'
import { pairScenario } from '../support/pair-scenario.ts'
import { waitFor } from '../support/wait-for.ts'

describe('simultaneous-dial on real nodes', function () {
  this.timeout(180_000)

  for (const impl of ['ts', 'go'] as NodeImpl[]) {
    it(`ts <-> ${impl}: both dials succeed, the pair is back to one outbound leg per side with a gossip stream each way`, async () => {
      const scenario = pairScenario('quic', { name: `simultaneous-dial-${impl}` })
      scenario.nodes[1]!.impl = impl
      if (impl === 'go') scenario.nodes[1]!.gossipPolicy = 'stock'
      const devnet = await Devnet.start(scenario, { dir: await mkdtemp(join(tmpdir(), 'meshflap-simdial-')) })
      try {
        const before = await devnet.statuses()
        const result = await devnet.simultaneousDial('A', 'B', { fault: 'test-simdial' })
        console.log(`      ts <-> ${impl}: ${result.outcomes.join('; ')}, requests ${result.skewMs} ms apart`)
        expect(result.outcomes.every(o => o.startsWith('ok')), result.outcomes.join('; ')).to.equal(true)
        expect(result.skewMs).to.be.below(50)
        const a = devnet.node('A').running.peerId
        const b = devnet.node('B').running.peerId
        await waitFor(async () => {
          const s = await devnet.statuses()
          const at = (node: string, peer: string): string[] => (s[node]?.legs ?? []).filter(l => l.peer === peer).map(l => l.direction).sort()
          const gossip = (node: string): Array<string | undefined> => (s[node]?.legs ?? []).flatMap(l => l.streams.map(x => x.gossip))
          return at('A', b).join() === 'inbound,outbound' && at('B', a).join() === 'inbound,outbound' &&
            gossip('A').includes('outbound') && gossip('B').includes('outbound')
        }, 10_000, 'A and B hold exactly one outbound and one inbound leg to each other, with gossip streams')
        // new connections: the old ones were closed first
        const after = await devnet.statuses()
        const ids = (s: typeof before): string[] => (s.A?.legs ?? []).map(l => l.id)
        expect(ids(after).some(id => ids(before).includes(id)), 'a leg from before the action survived').to.equal(false)
        const recorded = devnet.history().filter((e): e is FaultEntry => e.kind === 'fault' && e.action === 'simultaneous-dial')
        expect(recorded.map(f => `${f.leg}/${f.phase}`).sort()).to.deep.equal(['A>B/apply', 'A>B/heal', 'B>A/apply', 'B>A/heal'])
      } finally {
        await devnet.stop()
      }
    })
  }
})
