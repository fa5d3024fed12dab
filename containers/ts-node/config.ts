/**
 * Reads and checks the node config (schema: containers/node-config.schema.json).
 * A bad config is a `ConfigError` naming the file and the field; main turns it into exit code 2.
 */
import { readFile } from 'node:fs/promises'
import { Ajv } from 'ajv'
import schema from '../node-config.schema.json' with { type: 'json' }

export type GossipPolicy = 'leg-aware' | 'stock'

export interface PeerEntry { name?: string, peerId: string, addr: string }

export interface NodeConfig {
  name: string
  index: number
  seed: number | string
  impl?: string
  control: { host: string, port: number }
  listen: string[]
  peers: PeerEntry[]
  gossipPolicy: GossipPolicy
  redial: { enabled: boolean, minMs: number, maxMs: number }
  quic: { maxIdleTimeoutMs: number, keepAliveIntervalMs: number, handshakeTimeoutMs: number }
  gossip: { D: number, Dlo: number, Dhi: number, Dlazy: number, heartbeatMs: number }
  duties: {
    genesisMs: number
    slotMs: number
    slots?: number
    validators: number[]
    subnets: number
    forkDigest: string
    paddingBytes: number
  }
  exitOnStdinClose: boolean
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const validate = new Ajv({ useDefaults: true, allErrors: true, strict: false }).compile(schema)

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
  return raw as unknown as NodeConfig
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
