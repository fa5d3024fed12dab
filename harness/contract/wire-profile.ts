/**
 * Wire profiles: the gossip message-id function a devnet uses (containers/CONTRACT.md, "Wire
 * profiles"; vectors every implementation checks: containers/wire-vectors.json).
 *
 *   lean        sha256(u64le(len(topic)) | topic | data)[0:20]
 *   zig-libp2p  sha256(domain | u32be(len(topic)) | topic | data)[0:20]
 *               domain 01000000 when data decompresses as one snappy block, else 00000000
 *               (the consensus spec's MESSAGE_DOMAIN_VALID_SNAPPY / _INVALID_SNAPPY); the hash
 *               covers the data as sent, not its decompressed form, as zig-libp2p computes it.
 *
 * The snappy check uses the `snappy` package (bindings to the Rust `snap` crate, the one the
 * Rust peer uses): a strict decoder, so a block whose declared length disagrees with its
 * contents is invalid in every implementation alike.
 */
import { createHash } from 'node:crypto'
import { uncompressSync } from 'snappy'
import type { WireProfile } from './node-config.ts'

export const DOMAIN_VALID_SNAPPY = Uint8Array.of(1, 0, 0, 0)
export const DOMAIN_INVALID_SNAPPY = Uint8Array.of(0, 0, 0, 0)

export type MessageIdFn = (topic: string, data: Uint8Array) => Uint8Array

export function decompressesAsSnappy (data: Uint8Array): boolean {
  try {
    uncompressSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
    return true
  } catch {
    return false
  }
}

function leanId (topic: string, data: Uint8Array): Uint8Array {
  const topicBytes = Buffer.from(topic, 'utf8')
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(BigInt(topicBytes.byteLength))
  return first20(createHash('sha256').update(len).update(topicBytes).update(data).digest())
}

function zigId (topic: string, data: Uint8Array): Uint8Array {
  const topicBytes = Buffer.from(topic, 'utf8')
  const len = Buffer.alloc(4)
  len.writeUInt32BE(topicBytes.byteLength)
  const domain = decompressesAsSnappy(data) ? DOMAIN_VALID_SNAPPY : DOMAIN_INVALID_SNAPPY
  return first20(createHash('sha256').update(domain).update(len).update(topicBytes).update(data).digest())
}

function first20 (digest: Buffer): Uint8Array {
  return new Uint8Array(digest.subarray(0, 20))
}

const PROFILES: Record<WireProfile, MessageIdFn> = { lean: leanId, 'zig-libp2p': zigId }

export function messageIdFn (profile: WireProfile | undefined): MessageIdFn {
  return PROFILES[profile ?? 'lean']
}
