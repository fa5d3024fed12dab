/**
 * The fault scheduler keeps a random fault off a leg another fault holds: while a `down` holds one
 * of the pair's two legs, every random flap lands on the other; once it healed, the flaps reach
 * both again. The scheduler's own logic over a devnet stand-in; random draws themselves are
 * tests/scenario/resolve-target.test.ts.
 */
import { expect } from 'chai'
import type { Devnet } from '../../harness/devnet/devnet.ts'
import { FaultScheduler } from '../../harness/runner/fault-scheduler.ts'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { planFaults } from '../../harness/scenario/plan-faults.ts'
import { statusSnapshot } from '../../harness/scenario/status-snapshot.ts'

/** A down on one random leg of the pair for 1.2 s, then a random 20 ms flap every 100 ms, 30 times. */
const SCENARIO = (seed: number): string => `
name: held-legs
description: random flaps beside a leg held down
seed: ${seed}
validators: 4
nodes: { count: 2 }
transport: quic
slotMs: 1000
slots: 6
faults:
  - { atMs: 300, action: down, duration: { ms: 1200 }, target: { random: true, pair: [A, B] } }
  - { atMs: 400, action: { flap: { times: 1, downMs: 20 } }, target: { random: true, pair: [A, B] }, repeat: 30, every: { ms: 100 } }
expectations: [streams-survive]
`

async function run (seed: number): Promise<Array<{ at: number, leg: string, call: string }>> {
  const calls: Array<{ at: number, leg: string, call: string }> = []
  const genesisMs = Date.now() + 300
  const nodes = [{ name: 'A', peerId: 'pA' }, { name: 'B', peerId: 'pB' }]
  const devnet = {
    genesisMs,
    scenario: parseScenario(SCENARIO(seed), 'held-legs.yaml'),
    log: { debug: () => {} },
    snapshot: async () => statusSnapshot(nodes, [{ name: 'A', peerId: 'pA', legs: [] }, { name: 'B', peerId: 'pB', legs: [] }]),
    logResolution: () => {},
    // every action on a leg is recorded and done at once
    leg: (name: string) => new Proxy({ name, transport: 'quic' }, {
      get: (target, prop) => prop in target ? target[prop as 'name'] : async () => { calls.push({ at: Date.now() - genesisMs, leg: name, call: String(prop) }) }
    }),
    recordFaultFailed: (f: { reason: string }) => { throw new Error(f.reason) }
  } as unknown as Devnet
  const scheduler = new FaultScheduler(devnet, planFaults(devnet.scenario), { signal: new AbortController().signal, note: m => { throw new Error(m) } })
  scheduler.start()
  await new Promise(resolve => setTimeout(resolve, 3800))
  await scheduler.settle()
  return calls
}

describe('fault scheduler: a random fault skips the legs another fault holds', function () {
  this.timeout(30_000)

  it('while the down holds one leg every flap lands on the other; after its heal, on both', async () => {
    for (const seed of [1, 2]) {
      const calls = await run(seed)
      const down = calls.find(c => c.call === 'down')!
      const other = down.leg === 'A>B' ? 'B>A' : 'A>B'
      const flaps = calls.filter(c => c.call === 'flap')
      expect(flaps, 'every flap applied').to.have.length(30)
      // flaps 1-10 are due at +400..+1300 ms, inside the down (+300..+1500)
      expect(flaps.slice(0, 10).map(f => f.leg), `seed ${seed}`).to.deep.equal(Array(10).fill(other))
      // flaps 13-30, due from +1600 ms: the down has healed, and the seed picks both legs
      expect(new Set(flaps.slice(12).map(f => f.leg)), `seed ${seed}`).to.deep.equal(new Set(['A>B', 'B>A']))
    }
  })
})
