/**
 * Stream placement on real TS nodes (process runtime, real proxies): `same` and
 * `split` staged for a stock pair over QUIC and TCP, the outcome read back from
 * live status and from run_start; and a fault recording what it hit.
 */
import { expect } from 'chai'
import { Devnet } from '../../harness/devnet/devnet.ts'
import type { FaultEntry, RunStart } from '../../harness/history/types.ts'
import { placementProblems } from '../../harness/devnet/stage-placement.ts'
import type { StreamPlacement } from '../../harness/scenario/types.ts'
import { pairScenario } from '../support/pair-scenario.ts'

async function placed (transport: 'quic' | 'tcp', streams: StreamPlacement['streams']): Promise<Devnet> {
  const placement: StreamPlacement[] = [{ pair: ['A', 'B'], streams }]
  return await Devnet.start({ ...pairScenario(transport, { policy: 'stock', name: `placement-${streams}-${transport}` }), placement })
}

describe('devnet: stream placement staged on real nodes', function () {
  this.timeout(120_000)

  for (const transport of ['quic', 'tcp'] as const) {
    it(`same (${transport}): both streams on A>B, B>A idle, and a fault on B>A records that it hit nothing`, async () => {
      await using devnet = await placed(transport, 'same')
      const snap = await devnet.snapshot()
      expect(placementProblems([{ pair: ['A', 'B'], streams: 'same' }], snap)).to.deep.equal([])
      const start = devnet.history().find((e): e is RunStart => e.kind === 'run_start')
      expect(start?.placement).to.deep.equal([{ pair: ['A', 'B'], streams: 'same', legs: { 'A>B': ['A->B', 'B->A'], 'B>A': [] } }])
      await devnet.fault({ kind: 'role', role: 'outbound', of: 'B', pair: ['A', 'B'] }, 'latency', { durationMs: 100, label: 'idle-leg' })
      await devnet.fault({ kind: 'role', role: 'outbound', of: 'A', pair: ['A', 'B'] }, 'latency', { durationMs: 100, label: 'bearing-leg' })
      const applies = devnet.history().filter((e): e is FaultEntry => e.kind === 'fault' && e.phase === 'apply')
      expect(applies.map(f => [f.fault, f.leg, f.hit])).to.deep.equal([['idle-leg', 'B>A', []], ['bearing-leg', 'A>B', ['A->B', 'B->A']]])
    })

    it(`split (${transport}): one direction on each leg`, async () => {
      await using devnet = await placed(transport, 'split')
      const snap = await devnet.snapshot()
      expect(placementProblems([{ pair: ['A', 'B'], streams: 'split' }], snap)).to.deep.equal([])
      const start = devnet.history().find((e): e is RunStart => e.kind === 'run_start')
      const legs = start?.placement?.[0]?.legs ?? {}
      expect(Object.values(legs).map(l => l.length)).to.deep.equal([1, 1])
      // the staging latency is set-up, not a fault of the run
      expect(devnet.history().filter(e => e.kind === 'fault')).to.deep.equal([])
    })
  }
})
