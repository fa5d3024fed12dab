/**
 * Reads and checks the node config (schema: containers/node-config.schema.json, compiled
 * into node-config-validate.gen.ts;
 * its type is the contract's, harness/contract/node-config.ts).
 * A bad config is a `ConfigError` naming the file and the field; main turns it into exit code 2.
 */
import { readFile } from 'node:fs/promises'
import type { ErrorObject } from 'ajv'
// the schema compiled ahead of time by Ajv (ci/node-config-validator.ts): no Ajv import, no compile at start
import validateSchema from './node-config-validate.gen.ts'
import type { NodeConfig } from '../../harness/contract/node-config.ts'
import { MUTANT_NAMES } from './mutants/index.ts'

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Ajv's validate function: fills in defaults, keeps every error of the last call in `errors` */
interface Validate {
  (data: unknown): boolean
  errors?: ErrorObject[] | null
}
const validate = validateSchema as Validate

export function parseConfig (raw: unknown, file: string): NodeConfig {
  if (!validate(raw)) {
    const lines = (validate.errors ?? []).map(e => {
      const field = e.instancePath === '' ? '(top level)' : e.instancePath
      const detail = e.keyword === 'additionalProperties'
        ? `unknown field "${String(e.params.additionalProperty)}"`
        : e.keyword === 'enum' ? `must be one of ${JSON.stringify(e.params.allowedValues)}` : (e.message ?? 'is invalid')
      return `${file}: field ${field}: ${detail}`
    })
    throw new ConfigError(lines.join('\n'))
  }
  const config = raw as unknown as NodeConfig
  const mutants = config.mutants ?? []
  const unknown = mutants.filter(m => !MUTANT_NAMES.includes(m))
  if (unknown.length > 0) throw new ConfigError(`${file}: field /mutants: unknown mutant ${unknown.map(m => `"${m}"`).join(', ')}; this node has ${MUTANT_NAMES.join(', ')}`)
  if (mutants.length > 0 && config.gossipPolicy !== 'leg-aware') {
    throw new ConfigError(`${file}: field /mutants: mutants are defects of the leg-aware policy; gossipPolicy is "${config.gossipPolicy}"`)
  }
  // what the schema cannot say: a subnet beyond `subnets`, an offset no slot of `every` reaches
  const d = config.duties
  const problems: string[] = []
  for (const s of d.subscribeSubnets ?? []) if (s >= d.subnets) problems.push(`${file}: field /duties/subscribeSubnets: subnet ${s} is not below subnets (${d.subnets})`)
  if (d.blocks != null && (d.blocks.offset ?? 0) >= (d.blocks.every ?? Infinity)) problems.push(`${file}: field /duties/blocks/offset: must be below every (${d.blocks.every ?? ''})`)
  if (problems.length > 0) throw new ConfigError(problems.join('\n'))
  return config
}

export async function loadConfig (file: string): Promise<NodeConfig> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new ConfigError(`${file}: cannot read config: ${(err as Error).message}`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON: ${(err as Error).message}`)
  }
  return parseConfig(raw, file)
}
