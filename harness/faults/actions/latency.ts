/** Leg action `latency`: every packet in `direction` held ms +- jitter, in order unless `reorder` (QUIC). */
import type { LegAction } from './action.ts'
import { BOTH } from './action.ts'
import { DEFAULTS } from '../../scenario/defaults.ts'
import type { LegDirection } from '../../scenario/types.ts'

/** Why `latency` with `reorder` needs a QUIC leg (the scenario check's and the Leg's message). */
export const REORDER_NEEDS_QUIC = 'TCP delivers its bytes in order whatever the delay; reorder is a fault of datagrams (QUIC legs)'

export type LatencySpec = { kind: 'latency', ms: number, jitterMs: number, direction: LegDirection, reorder?: boolean }

export const latency: LegAction<LatencySpec> = {
  kind: 'latency',
  on: 'leg',
  transports: BOTH,
  takesDuration: true,
  transportsFor: a => a.reorder === true ? { transports: ['quic'], why: REORDER_NEEDS_QUIC } : undefined,
  params: [
    { field: 'ms', fileKey: 'ms', unit: 'ms', integer: true, min: 0 },
    { field: 'jitterMs', fileKey: 'jitter', unit: 'ms', integer: true, min: 0 }
  ],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'Every packet in `direction` is held `ms` (+- `jitter`) ms, in arrival order. With `duration`, removed after it.',
    required: [
      'ms'
    ],
    properties: {
      ms: {
        type: 'integer',
        minimum: 0
      },
      jitter: {
        type: 'integer',
        minimum: 0,
        default: 0,
        description: 'uniform +- jitter in ms'
      },
      reorder: {
        type: 'boolean',
        default: false,
        description: 'QUIC legs only: each datagram leaves at its own drawn time, so with jitter a later one may overtake an earlier one (QUIC reads that as loss)'
      },
      direction: {
        $ref: '#/definitions/direction'
      }
    }
  },
  fromFile: (p, path, issues) => {
    if (p === undefined) { issues.push({ path, message: 'latency needs parameters', expected: '{ latency: { ms: 100, jitter: 10 } }' }); return undefined }
    return { kind: 'latency', ms: p.ms as number, jitterMs: (p.jitter as number | undefined) ?? DEFAULTS.latencyJitterMs, direction: (p.direction as LegDirection | undefined) ?? DEFAULTS.direction, ...(p.reorder === true ? { reorder: true } : {}) }
  },
  async apply (a, { leg, tag, healAfter }) {
    await leg.latency(a.ms, a.jitterMs, { ...tag, direction: a.direction, reorder: a.reorder === true })
    await healAfter(async () => { await leg.heal(tag) })
  }
}
