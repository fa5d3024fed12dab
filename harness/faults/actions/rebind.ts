/** Leg action `rebind`: QUIC legs only: the flows move to a new source port (NAT rebinding); over at once. */
import type { LegAction } from './action.ts'
import { bare } from './action.ts'

export type RebindSpec = { kind: 'rebind' }

export const rebind: LegAction<RebindSpec> = {
  kind: 'rebind',
  on: 'leg',
  transports: ['quic'],
  otherwise: 'a TCP connection cannot change its source port',
  takesDuration: false,
  params: [],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'QUIC legs only: the flows move to a new source port (NAT rebinding).'
  },
  fromFile: bare('rebind'),
  async apply (_a, { leg, tag }) {
    await leg.rebind(tag)
  }
}
