/**
 * Block wire format (contract section 5, "Blocks"): one large message per
 * proposed slot on the block topic, competing with the attestations.
 *
 * Topic:   /leanconsensus/<forkDigest>/block/ssz_snappy
 * Payload: 8-byte LE slot | 8-byte LE proposer (config index) | 8-byte LE publish time (unix ms) | zeros up to `bytes`
 * Msg id:  as attestations (attestation.ts messageId), content-addressed.
 */
import type { BlockDuty } from '../../harness/contract/node-config.ts'

export const BLOCK_HEADER_BYTES = 24

export interface Block {
  slot: number
  proposer: number
  publishedAtMs: number
}

export function blockTopic (forkDigest: string): string {
  return `/leanconsensus/${forkDigest}/block/ssz_snappy`
}

/** Whether this node proposes in `slot` (one proposer per slot: the harness gives each its own offset). */
export function proposes (duty: BlockDuty | undefined, slot: number): boolean {
  return duty?.every != null && slot % duty.every === (duty.offset ?? 0)
}

export function encodeBlock (b: Block, bytes: number): Uint8Array {
  const buf = new Uint8Array(Math.max(BLOCK_HEADER_BYTES, bytes))
  const view = new DataView(buf.buffer)
  view.setBigUint64(0, BigInt(b.slot), true)
  view.setBigUint64(8, BigInt(b.proposer), true)
  view.setBigUint64(16, BigInt(b.publishedAtMs), true)
  return buf
}

export function decodeBlock (data: Uint8Array): Block | undefined {
  if (data.byteLength < BLOCK_HEADER_BYTES) return undefined
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  return { slot: Number(view.getBigUint64(0, true)), proposer: Number(view.getBigUint64(8, true)), publishedAtMs: Number(view.getBigUint64(16, true)) }
}
