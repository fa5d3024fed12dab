/** Leg action `flap`: times x (down for downMs, then up for upMs): the leg's proxy drops everything while down. Brings its own timing, so no `duration`. */
import type { LegAction } from './action.ts'
import { BOTH } from './action.ts'
import { DEFAULTS } from '../../scenario/defaults.ts'

export type FlapSpec = { kind: 'flap', times: number, downMs: number, upMs: number }

export const flap: LegAction<FlapSpec> = {
  kind: 'flap',
  on: 'leg',
  transports: BOTH,
  takesDuration: false,
  params: [
    { field: 'times', fileKey: 'times', unit: 'cycles', integer: true, min: 1 },
    { field: 'downMs', fileKey: 'downMs', unit: 'ms', integer: true, min: 1 },
    { field: 'upMs', fileKey: 'upMs', unit: 'ms', integer: true, min: 0 }
  ],
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'times x (down for downMs, then up for upMs).',
    properties: {
      times: {
        type: 'integer',
        minimum: 1,
        default: 1
      },
      downMs: {
        type: 'integer',
        minimum: 1,
        default: 500
      },
      upMs: {
        type: 'integer',
        minimum: 0,
        default: 500
      }
    }
  },
  fromFile: p => ({
    kind: 'flap',
    times: (p?.times as number | undefined) ?? DEFAULTS.flap.times,
    downMs: (p?.downMs as number | undefined) ?? DEFAULTS.flap.downMs,
    upMs: (p?.upMs as number | undefined) ?? DEFAULTS.flap.upMs
  }),
  async apply (a, { leg, tag, signal }) {
    await leg.flap({ times: a.times, downMs: a.downMs, upMs: a.upMs }, { ...tag, signal })
  }
}
