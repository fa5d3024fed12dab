/**
 * Attestation duty wire format (contract section "Duties").
 *
 * Topic:   /leanconsensus/<forkDigest>/attestation_<validator % subnets>/ssz_snappy
 * Payload: 8-byte LE slot | 8-byte LE validator | 8-byte LE publish time (unix ms) | zero padding
 *          (raw bytes: the topic keeps the lean name, the payload is not snappy-framed)
 * Msg id:  the devnet's wire profile (harness/contract/wire-profile.ts), content-addressed, so the same
 *          attestation has the same id on every implementation.
 */

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
  const buf = new Uint8Array(ATTESTATION_HEADER_BYTES + paddingBytes)
  const view = new DataView(buf.buffer)
  view.setBigUint64(0, BigInt(a.slot), true)
  view.setBigUint64(8, BigInt(a.validator), true)
  view.setBigUint64(16, BigInt(a.publishedAtMs), true)
  return buf
}

export function decodeAttestation (data: Uint8Array): Attestation | undefined {
  if (data.byteLength < ATTESTATION_HEADER_BYTES) return undefined
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  return {
    slot: Number(view.getBigUint64(0, true)),
    validator: Number(view.getBigUint64(8, true)),
    publishedAtMs: Number(view.getBigUint64(16, true))
  }
}

export function toHex (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}
