/** Leg action `up`: Ends an earlier `down` of the leg. */
import type { LegAction } from './action.ts'
import { bare, BOTH } from './action.ts'

export type UpSpec = { kind: 'up' }

export const up: LegAction<UpSpec> = {
  kind: 'up',
  on: 'leg',
  transports: BOTH,
  takesDuration: false,
  params: [],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'Ends an earlier `down`.'
  },
  fromFile: bare('up'),
  async apply (_a, { leg, tag }) {
    // ends every down of the leg, not one fault's own
    await leg.up({ ...tag, ownOnly: false })
  }
}
