/**
 * The TS node validates its config with the schema compiled ahead of time
 * (containers/ts-node/node-config-validate.gen.ts, from ci/node-config-validator.ts).
 * The committed file must be what the schema generates today, and must judge configs
 * exactly as Ajv compiling the schema at run time does (errors and filled-in defaults).
 */
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import { generateValidator, SCHEMA_FILE, VALIDATOR_FILE } from '../../ci/node-config-validator.ts'
import { ConfigError, parseConfig } from '../../containers/ts-node/config.ts'

const schemaText = readFileSync(SCHEMA_FILE, 'utf8')
const good = (): Record<string, unknown> => ({
  name: 'A', index: 0, seed: 1, listen: ['/ip4/127.0.0.1/tcp/0'], duties: { genesisMs: 1, slotMs: 1000 }
})

describe('TS node config validator (compiled ahead of time)', function () {
  it('is what the schema generates today (else: node ci/node-config-validator.ts)', function () {
    expect(readFileSync(VALIDATOR_FILE, 'utf8')).to.equal(generateValidator(schemaText))
  })

  it('negative control: a changed schema generates a different validator', function () {
    const schema = JSON.parse(schemaText) as { required: string[] }
    schema.required = [...schema.required, 'peers']
    expect(generateValidator(JSON.stringify(schema))).to.not.equal(readFileSync(VALIDATOR_FILE, 'utf8'))
  })

  const cases: Array<[string, () => Record<string, unknown>]> = [
    ['a minimal good config (defaults filled in)', good],
    ['missing field', () => { const c = good(); delete c.listen; return c }],
    ['wrong types and an unknown field together', () => ({ ...good(), index: 'zero', colour: 'blue' })],
    ['unknown policy', () => ({ ...good(), gossipPolicy: 'yolo' })],
    ['nested wrong type', () => ({ ...good(), duties: { genesisMs: 1, slotMs: 'fast' } })],
    ['bad peer entry', () => ({ ...good(), peers: [{ peerId: '', addr: 7 }] })]
  ]
  const runtime = new Ajv({ useDefaults: true, allErrors: true, strict: false }).compile(JSON.parse(schemaText) as object)
  for (const [name, make] of cases) {
    it(`judges like Ajv at run time: ${name}`, function () {
      const forRuntime = make()
      const ok = runtime(forRuntime)
      const forNode = make()
      let error: unknown
      try { parseConfig(forNode, 'cfg.json') } catch (err) { error = err }
      if (ok) {
        expect(error).to.equal(undefined)
        expect(forNode).to.deep.equal(forRuntime)
      } else {
        expect(error).to.be.instanceOf(ConfigError)
        for (const e of runtime.errors ?? []) expect((error as Error).message).to.include(`field ${e.instancePath === '' ? '(top level)' : e.instancePath}`)
        expect((error as Error).message.split('\n')).to.have.length(runtime.errors?.length ?? 0)
      }
    })
  }
})
