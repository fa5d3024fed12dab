/** Leg action `burst-loss`: QUIC legs only: every datagram in `direction` dropped for burstMs, every everyMs. */
import type { LegAction } from './action.ts'
import { DEFAULTS } from '../../scenario/defaults.ts'
import type { LegDirection } from '../../scenario/types.ts'

export type BurstLossSpec = { kind: 'burst-loss', burstMs: number, everyMs: number, direction: LegDirection }

export const burstLoss: LegAction<BurstLossSpec> = {
  kind: 'burst-loss',
  on: 'leg',
  transports: ['quic'],
  otherwise: 'TCP retransmits every byte; use blackhole with a duration, or latency',
  takesDuration: true,
  params: [
    { field: 'burstMs', fileKey: 'burstMs', unit: 'ms', integer: true, min: 1 },
    { field: 'everyMs', fileKey: 'everyMs', unit: 'ms', integer: true, min: 2 }
  ],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'QUIC legs only: every datagram in `direction` is dropped for burstMs, every everyMs, the first burst when the fault starts. With `duration`, healed after it.',
    examples: [
      {
        burstMs: 200,
        everyMs: 1000
      },
      {
        burstMs: 50,
        everyMs: 300,
        direction: 'downstream'
      }
    ],
    properties: {
      burstMs: {
        type: 'integer',
        minimum: 1,
        default: 200,
        description: 'how long each burst drops everything (ms), shorter than everyMs'
      },
      everyMs: {
        type: 'integer',
        minimum: 2,
        default: 1000,
        description: 'ms between the starts of two bursts'
      },
      direction: {
        $ref: '#/definitions/direction'
      }
    }
  },
  fromFile: (p, path, issues) => {
    const burstMs = (p?.burstMs as number | undefined) ?? DEFAULTS.burstLoss.burstMs
    const everyMs = (p?.everyMs as number | undefined) ?? DEFAULTS.burstLoss.everyMs
    if (burstMs >= everyMs) {
      issues.push({ path: [...path, 'burst-loss', 'burstMs'], message: `burstMs ${burstMs} is not shorter than everyMs ${everyMs}: nothing would ever pass`, expected: `burstMs < everyMs (${everyMs})` })
      return undefined
    }
    return { kind: 'burst-loss', burstMs, everyMs, direction: (p?.direction as LegDirection | undefined) ?? DEFAULTS.direction }
  },
  async apply (a, { leg, tag, healAfter }) {
    await leg.burstLoss(a.burstMs, a.everyMs, { ...tag, direction: a.direction })
    await healAfter(async () => { await leg.heal(tag) })
  }
}
