/** Leg action `down`: The leg's proxy drops everything (TCP: closes its links); with `duration`, up again after it. */
import type { LegAction } from './action.ts'
import { bare, BOTH } from './action.ts'

export type DownSpec = { kind: 'down' }

export const down: LegAction<DownSpec> = {
  kind: 'down',
  on: 'leg',
  transports: BOTH,
  takesDuration: true,
  params: [],
  schema: {
    type: "object",
    additionalProperties: false,
    description: "The leg's proxy drops everything (TCP: closes its links). With `duration`, up again after it."
  },
  fromFile: bare('down'),
  async apply (_a, { leg, tag, healAfter }) {
    await leg.down(tag)
    await healAfter(async () => { await leg.up(tag) })
  }
}
