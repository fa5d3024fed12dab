/**
 * `peers: { degree: k }`: a seeded k-regular, connected peering. Same seed, same graph; legs only
 * between peering pairs; impossible degrees and pairs that do not peer refused with file, field and
 * expectation (exit 2); selectors pick only legs that exist; --seed draws another peering.
 */
import { expect } from 'chai'
import { parseScenario } from '../../harness/scenario/load-scenario.ts'
import { ScenarioError } from '../../harness/scenario/scenario-error.ts'
import { degreeProblem, peeringPairs, peersFromLegs } from '../../harness/scenario/resolve-topology.ts'
import { resolveTarget } from '../../harness/scenario/resolve-target.ts'
import { seededRng } from '../../harness/scenario/seeded-rng.ts'
import { statusSnapshot } from '../../harness/scenario/status-snapshot.ts'
import { recheckScenario } from '../../harness/scenario/recheck-scenario.ts'
import { applyOverrides } from '../../harness/runner/overrides.ts'
import { defaultNodeName } from '../../harness/scenario/defaults.ts'
import type { Scenario, Target } from '../../harness/scenario/types.ts'

const head = 'name: t\ndescription: a scenario written inside a unit test\n'
const parse = (body: string): Scenario => parseScenario(head + body, 'test.yaml')
const names = (n: number): string[] => Array.from({ length: n }, (_, i) => defaultNodeName(i))

function problems (body: string): string[] {
  try {
    parse(body)
  } catch (err) {
    expect(err).to.be.instanceOf(ScenarioError)
    expect((err as ScenarioError).exitCode).to.equal(2)
    return (err as ScenarioError).problems.map(p => `${p.file}:${p.line} ${p.path}: ${p.message} (expected ${p.expected ?? ''})`)
  }
  throw new Error('parse must throw')
}

function components (nodes: readonly string[], pairs: ReadonlyArray<[string, string]>): number {
  const seen = new Set<string>()
  let count = 0
  for (const n of nodes) {
    if (seen.has(n)) continue
    count++
    const queue = [n]
    seen.add(n)
    while (queue.length > 0) {
      const x = queue.shift() as string
      for (const [a, b] of pairs) {
        const y = a === x ? b : b === x ? a : undefined
        if (y !== undefined && !seen.has(y)) { seen.add(y); queue.push(y) }
      }
    }
  }
  return count
}

describe('scenario: peers (topology)', () => {
  it('draws a k-regular, simple, connected graph; same seed same graph, another seed another', () => {
    for (const [n, k] of [[12, 4], [16, 3], [24, 8], [64, 8], [9, 2], [5, 4]] as const) {
      for (const seed of [1, 2, 3, 278]) {
        const pairs = peeringPairs(names(n), { degree: k }, seed)
        expect(pairs, `${n}/${k}/${seed}`).to.have.length(n * k / 2)
        const degree = new Map<string, number>()
        for (const [a, b] of pairs) {
          expect(a).to.not.equal(b)
          degree.set(a, (degree.get(a) ?? 0) + 1)
          degree.set(b, (degree.get(b) ?? 0) + 1)
        }
        expect(new Set(pairs.map(p => p.join('-'))).size, 'no pair twice').to.equal(pairs.length)
        expect([...degree.values()].every(d => d === k) && degree.size === n, `${n}/${k}/${seed} regular`).to.equal(true)
        expect(components(names(n), pairs), `${n}/${k}/${seed} connected`).to.equal(1)
        expect(peeringPairs(names(n), { degree: k }, seed)).to.deep.equal(pairs)
      }
    }
    expect(peeringPairs(names(12), { degree: 4 }, 1)).to.not.deep.equal(peeringPairs(names(12), { degree: 4 }, 2))
    expect(peeringPairs(names(3), undefined, 1)).to.deep.equal([['A', 'B'], ['A', 'C'], ['B', 'C']])
  })

  it('refuses degrees no connected graph has', () => {
    expect(degreeProblem(12, 4)).to.equal(undefined)
    expect(degreeProblem(12, 12)).to.match(/needs more than 12 nodes/)
    expect(degreeProblem(5, 3)).to.match(/odd number/)
    expect(degreeProblem(6, 1)).to.match(/never one connected mesh/)
    expect(degreeProblem(2, 1)).to.equal(undefined)
    expect(problems('nodes: { count: 5 }\npeers: { degree: 3 }\nexpectations: [coverage]\n')).to.deep.equal([
      'test.yaml:4 peers.degree: 5 nodes with 3 peers each is 15 leg ends, an odd number: no graph has that (expected a degree in 2..3 and even (the run has an odd number of nodes), or peers: full)'
    ])
    expect(problems('nodes: { count: 4 }\npeers: { degree: 4 }\nexpectations: [coverage]\n')[0]).to.match(/peers\.degree: degree 4 needs more than 4 nodes, the run has 4/)
    expect(problems('nodes: { count: 4 }\npeers: { degree: 0 }\nexpectations: [coverage]\n')[0]).to.match(/peers\.degree/)
    expect(problems('nodes: { count: 4 }\npeers: sparse\nexpectations: [coverage]\n')[0]).to.match(/^test\.yaml:4 peers/)
  })

  it('full is today\'s devnet; { degree } keeps both legs of every peering pair and no other', () => {
    const full = parse('nodes: { count: 4 }\nexpectations: [coverage]\n')
    expect(full.legs).to.have.length(12)
    expect(full.peers).to.equal(undefined)
    expect(parse('nodes: { count: 4 }\npeers: full\nexpectations: [coverage]\n')).to.deep.equal(full)
    const s = parse('seed: 7\nnodes: { count: 12 }\npeers: { degree: 4 }\ntransport: mixed\nexpectations: [coverage]\n')
    expect(s.peers).to.deep.equal({ degree: 4 })
    expect(s.legs).to.have.length(48)
    const pairs = peeringPairs(names(12), { degree: 4 }, 7)
    expect(s.legs.map(l => l.name).sort()).to.deep.equal(pairs.flatMap(([a, b]) => [`${a}>${b}`, `${b}>${a}`]).sort())
    // mixed: still the earlier node's dial is QUIC, the later node's TCP
    for (const l of s.legs) expect(l.transport).to.equal(s.nodes.findIndex(n => n.name === l.dialer) < s.nodes.findIndex(n => n.name === l.listener) ? 'quic' : 'tcp')
    expect([...peersFromLegs(names(12), s.legs).values()].every(p => p.length === 4)).to.equal(true)
  })

  it('a fault, override or placement naming a pair that does not peer is refused, naming the pair\'s peers', () => {
    const s = parse('seed: 7\nnodes: { count: 6 }\npeers: { degree: 2 }\nexpectations: [coverage]\n')
    const peers = peersFromLegs(names(6), s.legs)
    const stranger = names(6).find(n => n !== 'A' && peers.get('A')?.includes(n) !== true) as string
    const friend = peers.get('A')?.[0] as string
    const body = (target: string): string => `seed: 7\nnodes: { count: 6 }\npeers: { degree: 2 }\nfaults:\n  - { slot: 1, action: down, duration: { slots: 1 }, target: ${target} }\nexpectations: [coverage]\n`
    expect(problems(body(`{ pair: [A, ${stranger}], bearing-of: A }`))).to.deep.equal([
      `test.yaml:7 faults[0].target.pair: A and ${stranger} do not peer in this topology (peers: { degree }): the pair has no legs (expected a peering pair: A peers with ${peers.get('A')?.join(', ') ?? ''}; ${stranger} with ${peers.get(stranger)?.join(', ') ?? ''})`
    ])
    expect(problems(body(`{ pair: [A, ${stranger}], random: true }`))[0]).to.include('do not peer')
    expect(problems(`seed: 7\nnodes: { count: 6 }\npeers: { degree: 2 }\nfaults:\n  - { slot: 1, action: simultaneous-dial, target: { pair: [A, ${stranger}] } }\nexpectations: [coverage]\n`)[0]).to.include('do not peer')
    expect(parse(body(`{ pair: [A, ${friend}], bearing-of: A }`)).faults).to.have.length(1)
    expect(problems('nodes: { count: 6 }\npeers: { degree: 2 }\ntransport: { default: quic, overrides: [{ pair: [A, B], transport: tcp }] }\nexpectations: [coverage]\n')[0]).to.match(/transport\.overrides: transport overrides name pairs, and with peers: \{ degree \} the pairs are drawn from the seed/)
    expect(problems('nodes: { count: 6 }\npeers: { degree: 2 }\nplacement: [{ streams: split }]\nexpectations: [coverage]\n').join()).to.match(/placement: placement names pairs/)
  })

  it('selectors pick only legs that exist: random, all-legs-of, roles for every peer, and say so for a pair that does not peer', () => {
    const s = parse('seed: 3\nnodes: { count: 8 }\npeers: { degree: 3 }\nexpectations: [coverage]\n')
    const snap = statusSnapshot(s.nodes.map(n => ({ name: n.name, peerId: `p${n.name}` })), [], s.legs)
    const existing = new Set<string>(s.legs.map(l => l.name))
    const legsOf = (t: Target, seed = 1): string[] => resolveTarget(t, snap, seededRng(seed)).legs.map(l => l.leg)
    const drawn = new Set<string>()
    for (let seed = 0; seed < 200; seed++) for (const l of legsOf({ kind: 'random' }, seed)) drawn.add(l)
    expect([...drawn].every(l => existing.has(l))).to.equal(true)
    expect(drawn.size).to.be.above(s.legs.length / 2)
    const peersOfA = peersFromLegs(s.nodes.map(n => n.name), s.legs).get('A') ?? []
    expect(legsOf({ kind: 'all-legs-of', node: 'A' })).to.deep.equal(peersOfA.flatMap(p => [`A>${p}`, `${p}>A`]))
    expect(legsOf({ kind: 'role', role: 'outbound', of: 'A' })).to.deep.equal(peersOfA.map(p => `A>${p}`))
    expect(legsOf({ kind: 'role-of-random', role: 'inbound', count: 3 }).every(l => existing.has(l))).to.equal(true)
    const stranger = s.nodes.map(n => n.name).find(n => n !== 'A' && !peersOfA.includes(n)) as string
    for (const t of [{ kind: 'role', role: 'outbound', of: 'A', pair: ['A', stranger] }, { kind: 'random', pair: ['A', stranger] }] as Target[]) {
      const r = resolveTarget(t, snap, seededRng(1))
      expect(r.legs).to.deep.equal([])
      expect(r.unresolved[0]?.reason).to.equal(`A and ${stranger} do not peer in this run's topology (peers: { degree }): the pair has no legs`)
    }
  })

  it('--seed draws another peering, and a fault\'s pair that no longer peers is reported before the run (exit 2)', () => {
    const s = parse('seed: 1\nnodes: { count: 10 }\npeers: { degree: 3 }\nexpectations: [coverage]\n')
    const again = applyOverrides(s, { seed: 1 })
    expect(again.legs).to.deep.equal(s.legs)
    const other = applyOverrides(s, { seed: 2 })
    expect(other.legs.map(l => l.name).sort()).to.deep.equal(peeringPairs(names(10), { degree: 3 }, 2).flatMap(([a, b]) => [`${a}>${b}`, `${b}>${a}`]).sort())
    expect(applyOverrides(s, { seed: 2, transport: 'tcp' }).legs.every(l => l.transport === 'tcp')).to.equal(true)
    // a fault on a pair that peers under seed 1 but not under some other seed
    const [a, b] = peeringPairs(names(10), { degree: 3 }, 1)[0] as [string, string]
    const withFault = parse(`seed: 1\nnodes: { count: 10 }\npeers: { degree: 3 }\nfaults:\n  - { slot: 1, action: down, duration: { slots: 1 }, target: { pair: [${a}, ${b}], outbound-of: ${a} } }\nexpectations: [coverage]\n`)
    const seed = [2, 3, 4, 5, 6, 7, 8, 9].find(x => !peeringPairs(names(10), { degree: 3 }, x).some(p => p[0] === a && p[1] === b)) as number
    const found = recheckScenario(applyOverrides(withFault, { seed }), { runtime: 'process', because: `--seed ${seed}` })
    expect(found.map(p => `${p.path}: ${p.message}`)).to.deep.equal([`faults[0].target.pair: ${a} and ${b} do not peer in this topology (peers: { degree }): the pair has no legs (seed ${seed}) (after --seed ${seed})`])
    expect(recheckScenario(withFault, { runtime: 'process', because: '' })).to.deep.equal([])
  })
})
