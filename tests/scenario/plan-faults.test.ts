/** planFaults: the schedule is a pure function of (scenario, seed), time-ordered, and each fault's draws are its own. */
import { expect } from 'chai'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { planFaults } from '../../harness/scenario/plan-faults.ts'
import type { Scenario } from '../../harness/scenario/types.ts'

const text = (extra = ''): string => `name: plan
description: a scenario for the fault planner tests
slots: 40
nodes: { count: 4 }
faults:
  - { slot: 3, action: { flap: { times: 3, downMs: 200, upMs: 100 } }, target: { random: true }, repeat: 5, every: { slots: 3 }, jitter: { ms: 400 } }
  - { atMs: 1500, action: down, duration: { ms: 700 }, target: { outbound-of: B } }
  - { slot: 2, action: close, target: { all-legs-of: C }, repeat: 3, every: { ms: 10000 } }
${extra}expectations: [coverage]
`
const scenario = (extra = ''): Scenario => parseScenario(text(extra), 'plan.yaml')

describe('scenario: planFaults', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const s = scenario()
    expect(planFaults(s, 7)).to.deep.equal(planFaults(s, 7))
    expect(planFaults(s)).to.deep.equal(planFaults(s, s.seed))
    const a = planFaults(s, 7).map(p => [p.id, p.atMs, p.rngSeed])
    const b = planFaults(s, 8).map(p => [p.id, p.atMs, p.rngSeed])
    expect(a).to.not.deep.equal(b)
  })

  it('unrolls repeat/every with seeded jitter into a time-ordered schedule', () => {
    const plan = planFaults(scenario(), 11)
    expect(plan.map(p => p.atMs)).to.deep.equal([...plan.map(p => p.atMs)].sort((x, y) => x - y))
    expect(plan.length).to.equal(5 + 1 + 3)
    const flaps = plan.filter(p => p.fault.index === 0)
    expect(flaps.map(p => p.id)).to.deep.equal(['faults[0]#1', 'faults[0]#2', 'faults[0]#3', 'faults[0]#4', 'faults[0]#5'])
    expect(flaps[0]?.atMs).to.equal(3000) // the first repetition is never jittered
    flaps.forEach((p, i) => {
      const nominal = 3000 + i * 3000
      expect(p.atMs).to.be.within(nominal, nominal + 400)
      expect(p.slot).to.equal(Math.floor(p.atMs / 1000))
      expect(p.durationMs).to.equal(3 * 200 + 2 * 100)
    })
    expect(new Set(flaps.map(p => p.atMs % 3000)).size).to.be.greaterThan(1) // jitter was drawn
    const single = plan.find(p => p.fault.index === 1)
    expect(single).to.deep.include({ id: 'faults[1]', atMs: 1500, slot: 1, durationMs: 700, repetition: 1 })
    expect(plan.filter(p => p.fault.index === 2).map(p => p.atMs)).to.deep.equal([2000, 12000, 22000])
  })

  it('gives every entry its own rng seed, unchanged when another fault is added', () => {
    const before = planFaults(scenario(), 5)
    const after = planFaults(scenario('  - { slot: 1, action: up, target: { outbound-of: A } }\n'), 5)
    const pick = (plan: typeof before) => plan.filter(p => p.fault.index < 3).map(p => [p.id, p.atMs, p.rngSeed])
    expect(pick(after)).to.deep.equal(pick(before))
    expect(new Set(before.map(p => p.rngSeed)).size).to.equal(before.length)
  })

  it('takes an injected generator', () => {
    const plan = planFaults(scenario(), 1, () => () => 0.999999)
    const flaps = plan.filter(p => p.fault.index === 0)
    expect(flaps.slice(1).map(p => p.atMs - 3000 * (p.repetition - 1) - 3000)).to.deep.equal([400, 400, 400, 400])
  })
})
