/** Leg action `close`: A node closes the leg's connection through its control API; over at once. */
import type { LegAction } from './action.ts'
import { BOTH } from './action.ts'
import { DEFAULTS } from '../../scenario/defaults.ts'

export type CloseSpec = { kind: 'close', abort: boolean }

export const close: LegAction<CloseSpec> = {
  kind: 'close',
  on: 'leg',
  transports: BOTH,
  takesDuration: false,
  needsConnection: true,
  params: [],
  schema: {
    type: "object",
    additionalProperties: false,
    description: "A node closes the leg's connection through its control API.",
    properties: {
      abort: {
        type: "boolean",
        default: false
      }
    }
  },
  fromFile: p => ({ kind: 'close', abort: (p?.abort as boolean | undefined) ?? DEFAULTS.closeAbort }),
  async apply (_a, { leg, tag }) {
    await leg.close(tag)
  }
}
