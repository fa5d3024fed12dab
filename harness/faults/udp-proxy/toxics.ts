/**
 * The UDP proxy's toxics: their names, attributes and validation. The JSON
 * shape is toxiproxy's (`{name, type, stream, toxicity, attributes}`); the
 * types are toxiproxy's where the meaning carries over to datagrams and
 * meshflap's own where it does not (see harness/faults/README.md):
 *
 *   type       attributes                       effect on each datagram of its stream
 *   latency    latency (ms), jitter (ms),       held latency +- jitter ms, then sent in arrival order
 *              reorder (0|1)                   (reorder 1: each at its own time, a later one may overtake)
 *   loss       probability (0..1)               dropped with that probability
 *   blackhole  -                                dropped
 *   rebind     -                                (none) adding or updating it moves every
 *                                               flow to a new upstream source port, once
 *   size_limit bytes                            dropped when larger than `bytes` (0 = no limit):
 *                                               a stall, QUIC ACK/PING-only packets still pass
 *   burst_loss period (ms), duration (ms),      dropped while (epoch ms - offset) mod period < duration:
 *              offset (ms)                      every datagram, for `duration` ms every `period` ms
 *
 * `stream` is "upstream" (client -> upstream) or "downstream" (the replies),
 * default downstream as in toxiproxy. `toxicity` is drawn per flow (a client
 * source address), as toxiproxy draws it per TCP connection.
 */
import { badRequestBody, invalidStream, invalidToxicType } from './api-error.ts'

export type ToxicType = 'latency' | 'loss' | 'blackhole' | 'rebind' | 'size_limit' | 'burst_loss'
export type Stream = 'upstream' | 'downstream'

/** One toxic, exactly as the API shows it. */
export interface Toxic {
  name: string
  type: ToxicType
  stream: Stream
  toxicity: number
  attributes: Record<string, number>
}

interface AttributeRule {
  min: number
  max: number
  integer: boolean
  /** meshflap's own attribute: no default, listed only when set */
  extension?: true
}

const MAX_MS = 3_600_000

/** Attributes per type, with their defaults (Go zero values, as toxiproxy decodes a missing field). */
const RULES: Record<ToxicType, Record<string, AttributeRule>> = {
  latency: {
    latency: { min: 0, max: MAX_MS, integer: true },
    jitter: { min: 0, max: MAX_MS, integer: true },
    // 1: each datagram leaves at its own drawn time, so a later one may overtake (delay-line.ts).
    // Ours, not toxiproxy's: listed only when given, so a toxic reads as toxiproxy lists it
    reorder: { min: 0, max: 1, integer: true, extension: true }
  },
  loss: { probability: { min: 0, max: 1, integer: false } },
  blackhole: {},
  rebind: {},
  size_limit: { bytes: { min: 0, max: 65_535, integer: true } },
  burst_loss: {
    period: { min: 0, max: MAX_MS, integer: true },
    duration: { min: 0, max: MAX_MS, integer: true },
    offset: { min: 0, max: MAX_MS, integer: true }
  }
}

function isToxicType (value: unknown): value is ToxicType {
  return typeof value === 'string' && Object.hasOwn(RULES, value)
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseToxicity (value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw badRequestBody(`toxicity must be a number in [0, 1], got ${JSON.stringify(value)}`)
  }
  return value
}

/**
 * Merges `input` into `base` for a toxic of `type`. Unlike toxiproxy, an
 * unknown attribute is refused: a misspelt `probabilty` silently meaning 0
 * would make a loss test pass for the wrong reason.
 */
function mergeAttributes (type: ToxicType, base: Record<string, number>, input: unknown): Record<string, number> {
  const rules = RULES[type]
  const out: Record<string, number> = { ...base }
  if (input === undefined || input === null) return out
  if (!isRecord(input)) throw badRequestBody('attributes must be an object')
  for (const [key, value] of Object.entries(input)) {
    const rule = rules[key]
    if (rule === undefined) throw badRequestBody(`unknown attribute ${JSON.stringify(key)} for toxic type ${type}`)
    if (typeof value !== 'number' || !Number.isFinite(value) || (rule.integer && !Number.isInteger(value)) ||
        value < rule.min || value > rule.max) {
      throw badRequestBody(`attribute ${key} of ${type} must be ${rule.integer ? 'an integer' : 'a number'} in [${rule.min}, ${rule.max}], got ${JSON.stringify(value)}`)
    }
    out[key] = value
  }
  return out
}

function defaults (type: ToxicType): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [key, rule] of Object.entries(RULES[type])) if (rule.extension !== true) out[key] = 0
  return out
}

/** POST /proxies/{p}/toxics body -> a toxic, with toxiproxy's defaults and checks, in its order. */
export function parseNewToxic (body: unknown): Toxic {
  if (!isRecord(body)) throw badRequestBody('expected a JSON object')
  const stream = body.stream ?? 'downstream'
  if (stream !== 'upstream' && stream !== 'downstream') throw invalidStream()
  if (body.name !== undefined && typeof body.name !== 'string') throw badRequestBody('name must be a string')
  if (!isToxicType(body.type)) throw invalidToxicType()
  const type = body.type
  const name = body.name === undefined || body.name === '' ? `${type}_${stream}` : body.name
  return {
    name,
    type,
    stream,
    toxicity: parseToxicity(body.toxicity, 1),
    attributes: mergeAttributes(type, defaults(type), body.attributes)
  }
}

/** POST /proxies/{p}/toxics/{t} body: only attributes and toxicity change, as in toxiproxy. */
export function parseToxicUpdate (existing: Toxic, body: unknown): Toxic {
  if (!isRecord(body)) throw badRequestBody('expected a JSON object')
  return {
    ...existing,
    toxicity: parseToxicity(body.toxicity, existing.toxicity),
    attributes: mergeAttributes(existing.type, existing.attributes, body.attributes)
  }
}
