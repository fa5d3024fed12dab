/** Leg action `blackhole`: Nothing passes in `direction`, but connections are kept (QUIC: until the idle timeout). */
import type { LegAction } from './action.ts'
import { BOTH } from './action.ts'
import { DEFAULTS } from '../../scenario/defaults.ts'
import type { LegDirection } from '../../scenario/types.ts'

export type BlackholeSpec = { kind: 'blackhole', direction: LegDirection }

export const blackhole: LegAction<BlackholeSpec> = {
  kind: 'blackhole',
  on: 'leg',
  transports: BOTH,
  takesDuration: true,
  params: [],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'Nothing passes but the connections are kept (QUIC: until the idle timeout).',
    properties: {
      direction: {
        $ref: '#/definitions/direction'
      }
    }
  },
  fromFile: p => ({ kind: 'blackhole', direction: (p?.direction as LegDirection | undefined) ?? DEFAULTS.direction }),
  async apply (a, { leg, tag, healAfter }) {
    await leg.blackhole(a.direction, tag)
    await healAfter(async () => { await leg.heal(tag) })
  }
}
