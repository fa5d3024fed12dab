/** Leg action `loss`: Each datagram in `direction` dropped with `probability` (QUIC legs only). */
import type { LegAction } from './action.ts'
import { DEFAULTS } from '../../scenario/defaults.ts'
import type { LegDirection } from '../../scenario/types.ts'

export type LossSpec = { kind: 'loss', probability: number, direction: LegDirection }

export const loss: LegAction<LossSpec> = {
  kind: 'loss',
  on: 'leg',
  transports: ['quic'],
  otherwise: 'TCP retransmits lost segments; use latency, bandwidth or blackhole',
  takesDuration: true,
  params: [{ field: 'probability', fileKey: 'probability', unit: 'probability', integer: false, min: 0, max: 1 }],
  schema: {
    type: 'object',
    additionalProperties: false,
    required: [
      'probability'
    ],
    description: 'QUIC legs only.',
    properties: {
      probability: {
        type: 'number',
        minimum: 0,
        maximum: 1
      },
      direction: {
        $ref: '#/definitions/direction'
      }
    }
  },
  fromFile: (p, path, issues) => {
    if (p === undefined) { issues.push({ path, message: 'loss needs parameters', expected: '{ loss: { probability: 0.2 } }' }); return undefined }
    return { kind: 'loss', probability: p.probability as number, direction: (p.direction as LegDirection | undefined) ?? DEFAULTS.direction }
  },
  async apply (a, { leg, tag, healAfter }) {
    await leg.loss(a.probability, { ...tag, direction: a.direction })
    await healAfter(async () => { await leg.heal(tag) })
  }
}
