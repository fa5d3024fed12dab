/**
 * The JSON Schema editors read and the defaults the loader applies are the
 * same numbers (harness/scenario/defaults.ts is the source; the schema repeats
 * them for completion), and a file leaving everything out gets exactly them.
 */
import { expect } from 'chai'
import { DEFAULTS } from '../../harness/scenario/defaults.ts'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { scenarioSchema } from '../../harness/scenario/schema-issues.ts'

type Json = Record<string, unknown>
const at = (root: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node as Json | undefined)?.[key], root)

describe('scenario: schema and defaults', () => {
  it('every default in the schema equals DEFAULTS', () => {
    const s = scenarioSchema
    const props = (...p: string[]): unknown => at(s, 'properties', ...p, 'default')
    const defs = (...p: string[]): unknown => at(s, 'definitions', ...p, 'default')
    expect(props('seed')).to.equal(DEFAULTS.seed)
    expect(props('validators')).to.equal(DEFAULTS.validators)
    expect(props('subnets')).to.equal(DEFAULTS.subnets)
    expect(props('subnetSubscriptions')).to.equal(DEFAULTS.subnetSubscriptions)
    expect(props('slotMs')).to.equal(DEFAULTS.slotMs)
    expect(props('slots')).to.equal(DEFAULTS.slots)
    expect(props('genesisDelayMs')).to.equal(DEFAULTS.genesisDelayMs)
    expect(props('transport')).to.equal(DEFAULTS.transport)
    expect(props('peers')).to.equal(DEFAULTS.peers)
    for (const group of ['quic', 'redial', 'gossip'] as const) {
      for (const [key, value] of Object.entries(DEFAULTS[group])) {
        expect(props(group, 'properties', key), `${group}.${key}`).to.equal(value)
      }
    }
    expect(defs('impl')).to.equal(DEFAULTS.impl)
    expect(defs('gossipPolicy')).to.equal(DEFAULTS.gossipPolicy)
    expect(defs('direction')).to.equal(DEFAULTS.direction)
    for (const [key, value] of Object.entries(DEFAULTS.flap)) {
      expect(defs('action', 'else', 'properties', 'flap', 'properties', key), `flap.${key}`).to.equal(value)
    }
    expect(defs('action', 'else', 'properties', 'latency', 'properties', 'jitter')).to.equal(DEFAULTS.latencyJitterMs)
    expect(defs('action', 'else', 'properties', 'close', 'properties', 'abort')).to.equal(DEFAULTS.closeAbort)
    expect(defs('action', 'else', 'properties', 'stall', 'properties', 'maxBytes')).to.equal(DEFAULTS.stallMaxBytes)
    for (const [key, value] of Object.entries(DEFAULTS.burstLoss)) {
      expect(defs('action', 'else', 'properties', 'burst-loss', 'properties', key), `burst-loss.${key}`).to.equal(value)
    }
    expect(defs('fault', 'properties', 'repeat')).to.equal(DEFAULTS.repeat)
    expect(defs('expectation', 'else', 'properties', 'coverage', 'properties', 'from-slot')).to.equal(DEFAULTS.coverageFromSlot)
    expect(defs('expectation', 'else', 'properties', 'no-decay', 'properties', 'within-slots')).to.equal(DEFAULTS.noDecayWithinSlots)
    expect(defs('expectation', 'else', 'properties', 'block-delivery', 'properties', 'maxSlots')).to.equal(DEFAULTS.blockDeliveryMaxSlots)
  })

  it('a minimal file resolves to the defaults', () => {
    const s = parseScenario('name: minimal\ndescription: only what is required, nothing else\nnodes: { count: 4 }\nexpectations: [coverage]\n', 'minimal.yaml')
    expect(s).to.deep.include({
      seed: DEFAULTS.seed,
      validatorCount: DEFAULTS.validators,
      subnets: DEFAULTS.subnets,
      slotMs: DEFAULTS.slotMs,
      slots: DEFAULTS.slots,
      genesisDelayMs: DEFAULTS.genesisDelayMs,
      faults: []
    })
    expect(s.quic).to.deep.equal(DEFAULTS.quic)
    expect(s.redial).to.deep.equal(DEFAULTS.redial)
    expect(s.gossip).to.deep.equal(DEFAULTS.gossip)
    expect(s.nodes.map(n => [n.name, n.impl, n.gossipPolicy, n.aggregator])).to.deep.equal([
      ['A', 'ts', 'leg-aware', true], ['B', 'ts', 'leg-aware', false], ['C', 'ts', 'leg-aware', false], ['D', 'ts', 'leg-aware', false]
    ])
    expect(s.expectations).to.deep.equal([{ kind: 'coverage', fromSlot: 0 }])
  })
})
