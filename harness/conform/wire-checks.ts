/**
 * Wire profile checks (containers/CONTRACT.md section 5, "Wire profiles"): a node's published
 * ids are its devnet's profile's. Its payload carries its publish time, the one value the harness
 * does not know, so the id is recomputed for each ms before the event until one matches.
 */
import type { Devnet } from '../devnet/devnet.ts'
import type { WireProfile } from '../contract/node-config.ts'
import { messageIdFn } from '../contract/wire-profile.ts'
import { encodeAttestation } from '../../containers/ts-node/attestation.ts'
import { check, expectThat } from './check-result.ts'
import type { CheckResult } from './check-result.ts'
import { nodeEvents } from './devnet-checks.ts'

/** the devnet's attestation padding (harness/devnet/devnet.ts) */
const PADDING_BYTES = 64
const SEARCH_MS = 3000

/** The publish time that gives this msg_published event's id under the profile, if any. */
export function publishedAtFor (wire: WireProfile, e: { ts: number, topic: string, slot: number, validator: number, msgId: string }): number | undefined {
  const id = messageIdFn(wire)
  for (let t = e.ts; t > e.ts - SEARCH_MS; t--) {
    const data = encodeAttestation({ slot: e.slot, validator: e.validator, publishedAtMs: t }, PADDING_BYTES)
    if (Buffer.from(id(e.topic, data)).toString('hex') === e.msgId) return t
  }
  return undefined
}

export async function wireChecks (devnet: Devnet, nodes: string[]): Promise<CheckResult> {
  const wire = devnet.scenario.wire
  return await check(`wire.${wire}`, `message ids follow the ${wire} wire profile (containers/wire-vectors.json)`, () =>
    nodes.map(n => {
      const published = nodeEvents(devnet, n, 'msg_published').filter(e => e.slot < 999).slice(0, 3)
      expectThat(published.length > 0, `${n}: published nothing`)
      for (const p of published) {
        const at = publishedAtFor(wire, p)
        expectThat(at != null, `${n}: msgId ${p.msgId} of slot ${p.slot} validator ${p.validator} is no ${wire} id of that attestation published in the ${SEARCH_MS} ms before its event`)
      }
      return `${n}: ${published.length} ids recomputed`
    }).join(', '))
}
