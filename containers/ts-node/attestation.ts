/**
 * Attestation duty wire format (contract section "Duties").
 *
 * Topic:   /leanconsensus/<forkDigest>/attestation_<validator % subnets>/ssz_snappy
 * Payload: 8-byte LE slot | 8-byte LE validator | 8-byte LE publish time (unix ms) | zero padding
 *          (raw bytes: the topic keeps the lean name, the payload is not snappy-framed)
 * Msg id:  the devnet's wire profile (harness/contract/wire-profile.ts), content-addressed, so the same
 *          attestation has the same id on every implementation.
 */
import { decodeU64Header, encodeU64Header } from './u64-header.ts'

export const ATTESTATION_HEADER_BYTES = 24

export interface Attestation {
  slot: number
  validator: number
  publishedAtMs: number
}

export function attestationTopic (forkDigest: string, subnet: number): string {
  return `/leanconsensus/${forkDigest}/attestation_${subnet}/ssz_snappy`
}

export function subnetOf (validator: number, subnets: number): number {
  return validator % subnets
}

export function encodeAttestation (a: Attestation, paddingBytes: number): Uint8Array {
  return encodeU64Header([a.slot, a.validator, a.publishedAtMs], ATTESTATION_HEADER_BYTES + paddingBytes)
}

export function decodeAttestation (data: Uint8Array): Attestation | undefined {
  const h = decodeU64Header(data, 3)
  return h === undefined ? undefined : { slot: h[0]!, validator: h[1]!, publishedAtMs: h[2]! }
}

export function toHex (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}
