// suite: serial — asserts how many milliseconds a probe takes to give a stalled leg up: a neighbour devnet would be the load
/**
 * The leg-aware probe keeps one echo stream per leg it opened (wedge-probe.ts): after a few probe
 * rounds each leg of a leg-aware pair carries exactly one outbound /meshflap/leg-probe/1.0.0 stream
 * per end, not a stream per probe; facing a peer that does not serve the echo (a stock TS node, the
 * Go and Rust peers) it negotiates afresh each time and keeps none. Real nodes, QUIC.
 */
import { expect } from 'chai'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { NodePair, status } from '../support/node-pair.ts'
import { PROBE_PROTOCOL } from '../../containers/ts-node/wedge-probe.ts'
import { loadScenario } from '../../harness/scenario/load-scenario.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'
import { runWithReruns } from '../support/run-with-reruns.ts'

describe('the wedge probe keeps one echo stream per leg (real nodes)', function () {
  this.timeout(60_000)

  it('leg-aware peers: one outbound probe stream per leg end, kept across rounds; every leg still open', async () => {
    await using pair = await NodePair.start({ transport: 'quic' })
    await sleep(3500)
    const s = await status(pair.a)
    expect(s.legs).to.have.length(2)
    for (const leg of s.legs) {
      const probes = leg.streams.filter(x => x.protocol === PROBE_PROTOCOL)
      expect(probes.map(p => p.direction).sort(), `leg ${leg.id}`).to.deep.equal(['inbound', 'outbound'])
    }
    const ids = s.legs.flatMap(l => l.streams.filter(x => x.protocol === PROBE_PROTOCOL).map(x => x.id)).sort()
    await sleep(2000)
    const later = (await status(pair.a)).legs.flatMap(l => l.streams.filter(x => x.protocol === PROBE_PROTOCOL).map(x => x.id)).sort()
    expect(later, 'the same streams two probe rounds later').to.deep.equal(ids)
    expect(pair.a.events.filter(e => e.type === 'leg_close')).to.deep.equal([])
  })

  it('a peer without the echo (a stock node): no probe stream is kept, the legs stay open (it negotiates /ipfs/ping/1.0.0 each round)', async () => {
    await using pair = await NodePair.start({ transport: 'quic', policies: ['leg-aware', 'stock'] })
    await sleep(3500)
    const s = await status(pair.a)
    expect(s.legs).to.have.length(2)
    expect(s.legs.flatMap(l => l.streams.filter(x => x.protocol === PROBE_PROTOCOL))).to.deep.equal([])
    expect(pair.a.events.filter(e => e.type === 'leg_close')).to.deep.equal([])
  })

  it('a stall that lets only small datagrams through (64 bytes) is judged within 3 s: the probe is as large as gossip', async () => {
    const out = await mkdtemp(join(tmpdir(), 'meshflap-wedge-'))
    const scenario = await loadScenario(join(PROJECT_ROOT, 'fixtures', 'scenarios', 'wedged-stream-never-reopened.yaml'))
    const { result } = await runWithReruns(scenario, { outDir: out })
    const history = (await readFile(join(result.dir, 'history.ndjson'), 'utf8')).trim().split('\n').map(l => JSON.parse(l) as { kind: string, ts: number, phase?: string, type?: string, reason?: string })
    const stall = history.find(e => e.kind === 'fault' && e.phase === 'apply')!
    const wedged = history.filter(e => e.type === 'leg_close' && (e.reason ?? '').startsWith('wedged')).map(e => e.ts - stall.ts)
    // measured 2357-2402 ms; a 1-byte probe got through this stall and took 4363 ms
    expect(wedged.length, 'the stalled leg was given up').to.be.greaterThan(0)
    expect(Math.min(...wedged)).to.be.within(1900, 3000)
  })
})
