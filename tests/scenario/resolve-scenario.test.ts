/** Defaults and derived values of a resolved scenario: validator shares, aggregators, legs and transports, faults, expectations. */
import { expect } from 'chai'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { evenShares } from '../../harness/scenario/resolve-nodes.ts'

const head = 'name: t\ndescription: a scenario written inside a unit test\n'
const parse = (body: string) => parseScenario(head + body, 'test.yaml')

describe('scenario: resolution', () => {
  it('splits validators evenly in node order, larger shares first', () => {
    expect(evenShares([0, 1, 2, 3, 4, 5, 6], 3)).to.deep.equal([[0, 1, 2], [3, 4], [5, 6]])
    const s = parse('validators: 10\nnodes: { count: 4 }\nexpectations: [coverage]\n')
    expect(s.nodes.map(n => n.validators)).to.deep.equal([[0, 1, 2], [3, 4, 5], [6, 7], [8, 9]])
  })

  it('a node list: explicit validators kept, the rest shared by the nodes that list none', () => {
    const s = parse('validators: 8\nnodes:\n  - { name: A, validators: [7, 0] }\n  - { name: B }\n  - { name: C }\nexpectations: [coverage]\n')
    expect(s.nodes.map(n => n.validators)).to.deep.equal([[0, 7], [1, 2, 3], [4, 5, 6]])
  })

  it('aggregators: first node by default, or exactly those that say so', () => {
    expect(parse('nodes:\n  - { name: X }\n  - { name: Y }\nexpectations: [coverage]\n').nodes.map(n => n.aggregator)).to.deep.equal([true, false])
    expect(parse('nodes:\n  - { name: X }\n  - { name: Y, aggregator: true }\nexpectations: [coverage]\n').nodes.map(n => n.aggregator)).to.deep.equal([false, true])
    expect(parse('nodes: { count: 3, aggregators: [B, C] }\nexpectations: [coverage]\n').nodes.map(n => n.aggregator)).to.deep.equal([false, true, true])
  })

  it('one leg per ordered pair; mixed gives each pair one QUIC and one TCP leg; overrides win', () => {
    const mixed = parse('nodes: { count: 3 }\ntransport: mixed\nexpectations: [coverage]\n')
    expect(mixed.legs.map(l => `${l.name}:${l.transport}`)).to.deep.equal(['A>B:quic', 'A>C:quic', 'B>A:tcp', 'B>C:quic', 'C>A:tcp', 'C>B:tcp'])
    const over = parse('nodes: { count: 3 }\ntransport:\n  default: quic\n  overrides:\n    - { pair: [A, C], transport: tcp }\n    - { leg: "B>A", transport: tcp }\nexpectations: [coverage]\n')
    expect(over.legs.filter(l => l.transport === 'tcp').map(l => l.name)).to.deep.equal(['A>C', 'B>A', 'C>A'])
  })

  it('faults: slot or atMs to ms, spans in slots or ms, action defaults, targets', () => {
    const s = parse(`slotMs: 500
slots: 20
nodes: { count: 3 }
faults:
  - { slot: 2, action: flap, target: { pair: [A, B], bearing-of: B } }
  - { atMs: 1250, action: down, duration: { slots: 3 }, target: { inbound-of: C } }
  - { slot: 1, action: { latency: { ms: 80 } }, target: { all-legs-of: A }, repeat: 4, every: { ms: 2000 }, jitter: { slots: 1 } }
  - { slot: 3, action: { close: { abort: true } }, target: { random: true } }
expectations: [coverage]
`)
    const [a, b, c, d] = s.faults
    expect(a).to.deep.include({ id: 'faults[0]', atMs: 1000, repeat: 1, jitterMs: 0, action: { kind: 'flap', times: 1, downMs: 500, upMs: 500 }, target: { kind: 'role', role: 'bearing', of: 'B', pair: ['A', 'B'] } })
    expect(a?.where).to.equal('test.yaml:7')
    expect(b).to.deep.include({ atMs: 1250, durationMs: 1500, action: { kind: 'down' }, target: { kind: 'role', role: 'inbound', of: 'C' } })
    expect(c).to.deep.include({ atMs: 500, repeat: 4, everyMs: 2000, jitterMs: 500, action: { kind: 'latency', ms: 80, jitterMs: 0, direction: 'both' }, target: { kind: 'all-legs-of', node: 'A' } })
    expect(d).to.deep.include({ action: { kind: 'close', abort: true }, target: { kind: 'random' } })
  })

  it('expectations: names and maps, slots turned into ms', () => {
    const s = parse(`slotMs: 800
nodes: { count: 2 }
expectations:
  - streams-survive
  - streams-survive: { graceMs: 100 }
  - reopen-within: { slots: 1.5 }
  - delivery-gap: { maxSlots: 2 }
  - coverage: { from-slot: 2, within-slots-after-fault: 1, min: 20 }
  - coverage:
  - no-decay
`)
    expect(s.expectations).to.deep.equal([
      { kind: 'streams-survive', graceMs: 800 },
      { kind: 'streams-survive', graceMs: 100 },
      { kind: 'reopen-within', ms: 1200, graceMs: 800 },
      { kind: 'delivery-gap', maxMs: 1600 },
      { kind: 'coverage', fromSlot: 2, withinSlotsAfterFault: 1, min: 20 },
      { kind: 'coverage', fromSlot: 0 },
      { kind: 'no-decay', withinSlots: 1 }
    ])
  })

  it('reports every problem of a file at once', () => {
    let problems: unknown[] = []
    try {
      parse('nodes: { count: 2 }\nslots: 5\nfaults:\n  - { slot: 9, action: down, target: { outbound-of: Q } }\nexpectations: [delivery-gap]\n')
    } catch (err) {
      problems = (err as { problems: unknown[] }).problems
    }
    expect(problems.map(p => (p as { path: string }).path)).to.have.members(['faults[0].slot', 'faults[0].target.outbound-of', 'expectations[0]'])
  })
})
