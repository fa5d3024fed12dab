/** Leg action `latency`: Every packet in `direction` held ms +- jitter. */
import type { LegAction } from './action.ts'
import { BOTH } from './action.ts'
import { DEFAULTS } from '../../scenario/defaults.ts'
import type { LegDirection } from '../../scenario/types.ts'

export type LatencySpec = { kind: 'latency', ms: number, jitterMs: number, direction: LegDirection }

export const latency: LegAction<LatencySpec> = {
  kind: 'latency',
  on: 'leg',
  transports: BOTH,
  takesDuration: true,
  params: [
    { field: 'ms', fileKey: 'ms', unit: 'ms', integer: true, min: 0 },
    { field: 'jitterMs', fileKey: 'jitter', unit: 'ms', integer: true, min: 0 }
  ],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'Every packet in `direction` is held `ms` (+- `jitter`) ms. With `duration`, removed after it.',
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
      direction: {
        $ref: '#/definitions/direction'
      }
    }
  },
  fromFile: (p, path, issues) => {
    if (p === undefined) { issues.push({ path, message: 'latency needs parameters', expected: '{ latency: { ms: 100, jitter: 10 } }' }); return undefined }
    return { kind: 'latency', ms: p.ms as number, jitterMs: (p.jitter as number | undefined) ?? DEFAULTS.latencyJitterMs, direction: (p.direction as LegDirection | undefined) ?? DEFAULTS.direction }
  },
  async apply (a, { leg, tag, healAfter }) {
    await leg.latency(a.ms, a.jitterMs, { ...tag, direction: a.direction })
    await healAfter(async () => { await leg.heal(tag) })
  }
}
