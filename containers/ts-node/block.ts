/**
 * Block wire format (contract section 5, "Blocks"): one large message per
 * proposed slot on the block topic, competing with the attestations.
 *
 * Topic:   /leanconsensus/<forkDigest>/block/ssz_snappy
 * Payload: 8-byte LE slot | 8-byte LE proposer (config index) | 8-byte LE publish time (unix ms) | zeros up to `bytes`
 * Msg id:  the devnet's wire profile, as attestations, content-addressed.
 */
import type { BlockDuty } from '../../harness/contract/node-config.ts'
import { decodeU64Header, encodeU64Header } from './u64-header.ts'

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
  return encodeU64Header([b.slot, b.proposer, b.publishedAtMs], Math.max(BLOCK_HEADER_BYTES, bytes))
}

export function decodeBlock (data: Uint8Array): Block | undefined {
  const h = decodeU64Header(data, 3)
  return h === undefined ? undefined : { slot: h[0]!, proposer: h[1]!, publishedAtMs: h[2]! }
}
