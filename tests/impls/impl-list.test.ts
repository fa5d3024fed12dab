/**
 * The implementation list (harness/impls/index.ts) is the one place an
 * implementation is named: the CLI's --impl choices, the scenario schema's
 * `impl` enum, the known-failures schema and the overrides all follow it.
 */
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Option } from 'commander'
import { buildProgram } from '../../harness/cli/main.ts'
import { IMPL_NAMES, IMPLEMENTATIONS, implementation } from '../../harness/impls/index.ts'
import { parseKnownFailures, KnownFailuresError } from '../../harness/matrix/known-failures.ts'
import { applyOverrides } from '../../harness/runner/overrides.ts'
import { IMAGE_NAMES } from '../../harness/runtime/docker-images.ts'
import { PROJECT_ROOT } from '../../harness/util/paths.ts'
import { pairScenario } from '../support/pair-scenario.ts'

function implOption (command: string): Option {
  const cmd = buildProgram().commands.find(c => c.name() === command)!
  return cmd.options.find(o => o.long === '--impl')!
}

describe('implementations: one list', () => {
  it('names each implementation once, with a default policy it has', () => {
    expect(new Set(IMPL_NAMES).size).to.equal(IMPL_NAMES.length)
    for (const impl of IMPLEMENTATIONS) {
      expect(impl.policies, impl.name).to.include(impl.defaultPolicy)
      expect(impl.perNode || impl.image !== undefined, `${impl.name}: an image recipe, or nodes name their own`).to.equal(true)
    }
  })

  it('the scenario schema enum is the list (the schema file is static: edit its `impl` enum with the list)', () => {
    const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'harness', 'scenario', 'scenario.schema.json'), 'utf8')) as { definitions: { impl: { enum: string[], description: string } } }
    expect(schema.definitions.impl.enum).to.deep.equal([...IMPL_NAMES])
    for (const name of IMPL_NAMES) expect(schema.definitions.impl.description, `schema description names ${name}`).to.include(`${name} = `)
  })

  for (const command of ['run', 'matrix']) {
    it(`meshflap ${command} --impl takes exactly the list`, () => {
      const parse = (value: string): unknown => implOption(command).parseArg!(value, undefined)
      expect(parse(IMPL_NAMES.join(','))).to.deep.equal([...IMPL_NAMES])
      expect(() => parse('ts,rusty')).to.throw(`--impl takes a comma-separated list of ${IMPL_NAMES.join(', ')}; got "ts,rusty"`)
    })
  }

  it('meshflap matrix without --impl runs the implementations marked for it (today ts and go)', () => {
    expect(implOption('matrix').defaultValue).to.deep.equal(IMPLEMENTATIONS.filter(i => i.inDefaultMatrix).map(i => i.name))
    expect(implOption('matrix').defaultValue).to.deep.equal(['ts', 'go'])
  })

  it('known-failures entries may name any listed implementation, and only those', () => {
    const entry = (impls: string): string => `- { scenario: s, impls: [${impls}], outcome: fail, reason: a reason of some length, upstream: https://x }\n`
    for (const name of IMPL_NAMES) expect(parseKnownFailures(entry(`ts, ${name}`), 'k.yaml')).to.have.length(1)
    expect(() => parseKnownFailures(entry('ts, rusty'), 'k.yaml')).to.throw(KnownFailuresError, `must be one of ${JSON.stringify(IMPL_NAMES)}`)
  })

  it('every built image of an implementation is one the docker runtime can build', () => {
    for (const impl of IMPLEMENTATIONS) if (impl.image !== undefined) expect(IMAGE_NAMES).to.include(impl.image.name)
  })

  it('--impl gives each node its implementation\'s policy: the one asked for when it has it, else its default', () => {
    const s = pairScenario('quic', { policy: 'leg-aware' })
    const policies = (o: Parameters<typeof applyOverrides>[1]): string[] => applyOverrides(s, o).nodes.map(n => `${n.impl}:${n.gossipPolicy}`)
    expect(policies({ impls: ['ts', 'go'] })).to.deep.equal(['ts:leg-aware', 'go:stock'])
    expect(policies({ impls: ['go', 'ts'], policy: 'leg-aware' })).to.deep.equal(['go:stock', 'ts:leg-aware'])
    expect(policies({ impls: ['ts'], policy: 'stock' })).to.deep.equal(['ts:stock', 'ts:stock'])
    expect(policies({ impls: ['external'], externalCommand: ['x'] }).map(p => p)).to.deep.equal(['external:leg-aware', 'external:leg-aware'])
    expect(applyOverrides(s, { impls: ['external'], externalCommand: ['x'] }).nodes.map(n => n.command)).to.deep.equal([['x'], ['x']])
    expect(applyOverrides(s, { impls: ['go'], externalCommand: ['x'] }).nodes.map(n => n.command)).to.deep.equal([undefined, undefined])
  })

  it('says how each implementation starts under the process runtime', () => {
    expect(implementation('go').processCommand('/c.json', { name: 'A' })).to.deep.equal([join(PROJECT_ROOT, '.tools', 'bin', 'meshflap-go-peer'), '/c.json'])
    expect(implementation('ts').processCommand('/c.json', { name: 'A' }).slice(1)).to.deep.equal([join(PROJECT_ROOT, 'containers', 'ts-node', 'main.ts'), '/c.json'])
    expect(implementation('external').processCommand('/c.json', { name: 'A', command: ['my-node', '--flag'] })).to.deep.equal(['my-node', '--flag', '/c.json'])
    expect(() => implementation('external').processCommand('/c.json', { name: 'A' })).to.throw('node A: impl "external" needs a command for the process runtime')
  })
})
