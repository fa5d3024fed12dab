/** Leg action `reset`: TCP legs only: connections are reset (RST) until healed. */
import type { LegAction } from './action.ts'
import { bare } from './action.ts'

export type ResetSpec = { kind: 'reset' }

export const reset: LegAction<ResetSpec> = {
  kind: 'reset',
  on: 'leg',
  transports: ['tcp'],
  otherwise: 'QUIC has no RST; use down or close',
  takesDuration: true,
  params: [],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'TCP legs only: connections are reset (RST) until healed.'
  },
  fromFile: bare('reset'),
  async apply (_a, { leg, tag, healAfter }) {
    await leg.reset(tag)
    await healAfter(async () => { await leg.heal(tag) })
  }
}
