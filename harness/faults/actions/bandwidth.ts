/** Leg action `bandwidth`: A rate limit in `direction` (TCP legs only; toxiproxy counts whole KB/s). */
import type { LegAction } from './action.ts'
import { DEFAULTS } from '../../scenario/defaults.ts'
import type { LegDirection } from '../../scenario/types.ts'
import { KBPS_PER_TOXIPROXY_RATE, toxiproxyRate } from '../toxiproxy-rate.ts'

export type BandwidthSpec = { kind: 'bandwidth', kbps: number, direction: LegDirection }

export const bandwidth: LegAction<BandwidthSpec> = {
  kind: 'bandwidth',
  on: 'leg',
  transports: ['tcp'],
  otherwise: 'the UDP proxy has no rate limit; use loss or latency',
  takesDuration: true,
  params: [{
    field: 'kbps',
    fileKey: 'kbps',
    unit: 'kbit/s',
    integer: true,
    min: KBPS_PER_TOXIPROXY_RATE,
    why: 'toxiproxy limits bandwidth in whole KB/s (8 kbit/s); a lower rate would round to 0, which is a blackhole'
  }],
  schema: {
    type: 'object',
    additionalProperties: false,
    required: [
      'kbps'
    ],
    description: 'TCP legs only.',
    properties: {
      kbps: {
        type: 'integer',
        minimum: 8,
        description: 'kilobits per second, at least 8: toxiproxy limits bandwidth in whole KB/s (8 kbit/s); a lower rate would round to 0, which is a blackhole'
      },
      direction: {
        $ref: '#/definitions/direction'
      }
    }
  },
  fromFile: (p, path, issues) => {
    if (p === undefined) { issues.push({ path, message: 'bandwidth needs parameters', expected: '{ bandwidth: { kbps: 64 } }' }); return undefined }
    return { kind: 'bandwidth', kbps: p.kbps as number, direction: (p.direction as LegDirection | undefined) ?? DEFAULTS.direction }
  },
  async apply (a, { leg, tag, healAfter }) {
    await leg.bandwidth(toxiproxyRate(a.kbps), { ...tag, direction: a.direction })
    await healAfter(async () => { await leg.heal(tag) })
  }
}
