/** Leg action `stall`: The leg stays up but data in `direction` makes no progress (a wedged stream; harness/faults/README.md says which packets pass). */
import type { LegAction } from './action.ts'
import { BOTH } from './action.ts'
import { DEFAULTS } from '../../scenario/defaults.ts'
import type { LegDirection } from '../../scenario/types.ts'

export type StallSpec = { kind: 'stall', direction: LegDirection, maxBytes: number }

export const stall: LegAction<StallSpec> = {
  kind: 'stall',
  on: 'leg',
  transports: BOTH,
  takesDuration: true,
  params: [{ field: 'maxBytes', fileKey: 'maxBytes', unit: 'bytes', integer: true, min: 1, max: 1500, why: 'QUIC datagrams above this size are dropped; ACK-only and PING packets must still pass' }],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'The leg stays up but data in `direction` makes no progress (a wedged stream). QUIC: datagrams larger than maxBytes are dropped, so ACK-only and PING packets pass and no idle timeout fires. TCP: the bytes are held (bandwidth 0) and flow on at heal; the TCP connections stay up. With `duration`, healed after it.',
    examples: [
      {
        direction: 'downstream'
      },
      {
        direction: 'upstream',
        maxBytes: 80
      }
    ],
    properties: {
      direction: {
        $ref: '#/definitions/direction'
      },
      maxBytes: {
        type: 'integer',
        minimum: 1,
        maximum: 1500,
        default: 100,
        description: 'QUIC only: the largest datagram that still passes (ACK-only and PING packets are about 30-60 bytes).'
      }
    }
  },
  fromFile: p => ({ kind: 'stall', direction: (p?.direction as LegDirection | undefined) ?? DEFAULTS.direction, maxBytes: (p?.maxBytes as number | undefined) ?? DEFAULTS.stallMaxBytes }),
  async apply (a, { leg, tag, healAfter }) {
    await leg.stall(a.direction, { ...tag, maxBytes: a.maxBytes })
    await healAfter(async () => { await leg.heal(tag) })
  }
}
