/**
 * The shipped scenarios load, say which field bug they reproduce, point
 * editors at the schema, and resolve to what issue 4 asks of each.
 */
import { expect } from 'chai'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { loadScenario } from '../../harness/scenario/load-scenario.ts'
import { planFaults } from '../../harness/scenario/plan-faults.ts'
import type { Scenario } from '../../harness/scenario/types.ts'

const dir = join(import.meta.dirname, '../../fixtures/scenarios')
const files = readdirSync(dir).filter(f => f.endsWith('.yaml')).sort()
const quorum = (s: Scenario): number => Math.ceil(2 * s.validatorCount / 3)

describe('scenario: shipped fixtures', () => {
  const loaded = new Map<string, Scenario>()
  before(async () => {
    for (const f of files) loaded.set(f.replace(/\.yaml$/, ''), await loadScenario(join(dir, f)))
  })

  it('has the issue-4 set: pr278, bearing-leg-down (each also tcp and mixed) and quorum-32', () => {
    expect([...loaded.keys()]).to.include.members([
      'pr278-non-bearing-leg-flap', 'pr278-non-bearing-leg-flap-tcp', 'pr278-non-bearing-leg-flap-mixed',
      'bearing-leg-down', 'bearing-leg-down-tcp', 'bearing-leg-down-mixed', 'quorum-32'
    ])
  })

  for (const f of files) {
    it(`${f}: names itself, its field bug and the schema`, () => {
      const s = loaded.get(f.replace(/\.yaml$/, '')) as Scenario
      expect(s.name).to.equal(f.replace(/\.yaml$/, ''))
      // the field bug: a pull request, or a commit id where the fix had no PR, or the catalogue's
      // section where upstream recorded neither (zig-libp2p's PendingDial)
      expect(s.description).to.match(/PR #\d+|\b[0-9a-f]{7,40}\b|docs\/field-bugs\.md section \d+/)
      const text = readFileSync(join(dir, f), 'utf8')
      const m = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)
      expect(m, 'yaml-language-server schema comment').to.not.equal(null)
      expect(resolve(dirname(join(dir, f)), m?.[1] ?? '')).to.equal(resolve(import.meta.dirname, '../../harness/scenario/scenario.schema.json'))
      // short slots: a run takes seconds
      expect(s.slotMs).to.be.at.most(1000)
      expect(s.expectations.length).to.be.greaterThan(0)
      // a fixture without faults must disturb the run some other way: the boot race is start order alone
      const timed = s.nodes.some(n => n.subscribeDelayMs !== undefined || n.subscribeAtMs !== undefined || n.startDelayMs !== undefined)
      expect(planFaults(s).length > 0 || timed, 'faults, or a start/subscribe delay').to.equal(true)
    })
  }

  it('pr278: 4 TS nodes, QUIC, one aggregator, repeated non-bearing flaps; streams-survive, gap <= 1 slot, quorum every slot', () => {
    const s = loaded.get('pr278-non-bearing-leg-flap') as Scenario
    expect(s.nodes.map(n => n.impl)).to.deep.equal(['ts', 'ts', 'ts', 'ts'])
    expect(s.legs.length).to.equal(12) // 2 legs per pair
    expect(s.legs.every(l => l.transport === 'quic')).to.equal(true)
    expect(s.nodes.filter(n => n.aggregator).length).to.equal(1)
    expect(s.faults.every(f => f.target.kind === 'role' && f.target.role === 'non-bearing')).to.equal(true)
    expect(s.faults.some(f => f.repeat > 1)).to.equal(true)
    expect(s.expectations).to.deep.include({ kind: 'streams-survive', graceMs: s.slotMs })
    expect(s.expectations).to.deep.include({ kind: 'delivery-gap', maxMs: s.slotMs })
    expect(s.expectations).to.deep.include({ kind: 'coverage', fromSlot: 0 })
    // the whole run is at most 10 s of slots + genesis delay, so it fits the 15 s goal with start-up
    expect(s.slots * s.slotMs + s.genesisDelayMs).to.be.at.most(10_000)
  })

  it('bearing-leg-down: all of A\'s bearing legs down for 10 slots; reopen within 1 s; quorum back within 1 slot; losing A breaks quorum', () => {
    const s = loaded.get('bearing-leg-down') as Scenario
    const [f] = s.faults
    expect(f?.target).to.deep.equal({ kind: 'role', role: 'bearing', of: 'A' })
    expect(f?.durationMs).to.equal(10 * s.slotMs)
    expect(s.expectations).to.deep.include({ kind: 'reopen-within', ms: 1000, graceMs: s.slotMs })
    expect(s.expectations).to.deep.include({ kind: 'coverage', fromSlot: 0, withinSlotsAfterFault: 1 })
    expect(s.expectations).to.deep.include({ kind: 'no-decay', withinSlots: 1 })
    const a = s.nodes.find(n => n.name === 'A')
    expect(s.validatorCount - (a?.validators.length ?? 0)).to.be.below(quorum(s))
  })

  it('quorum-32: 8 nodes x 4 validators, quorum 22, seeded random flaps for 30 slots', () => {
    const s = loaded.get('quorum-32') as Scenario
    expect(s.nodes.length).to.equal(8)
    expect(s.nodes.every(n => n.validators.length === 4)).to.equal(true)
    expect(quorum(s)).to.equal(22)
    expect(s.slots).to.equal(30)
    expect(s.faults.some(f => f.target.kind === 'random')).to.equal(true)
    expect(s.expectations.map(e => e.kind)).to.have.members(['coverage', 'no-decay', 'delivery-gap'])
    expect(s.expectations).to.deep.include({ kind: 'no-decay', withinSlots: 1 })
  })

  it('tcp and mixed variants differ from their base only in transport (and description)', () => {
    for (const base of ['pr278-non-bearing-leg-flap', 'bearing-leg-down']) {
      const q = loaded.get(base) as Scenario
      for (const variant of ['tcp', 'mixed']) {
        const v = loaded.get(`${base}-${variant}`) as Scenario
        expect(v.faults.map(f => ({ ...f, where: '' }))).to.deep.equal(q.faults.map(f => ({ ...f, where: '' })))
        expect(v.expectations).to.deep.equal(q.expectations)
        expect(v.nodes).to.deep.equal(q.nodes)
        const transports = new Set(v.legs.map(l => l.transport))
        expect([...transports].sort()).to.deep.equal(variant === 'tcp' ? ['tcp'] : ['quic', 'tcp'])
      }
    }
  })
})
