/**
 * Deterministic node identity (containers/CONTRACT.md section 3). Part of the
 * contract, so it lives with the harness; the TS node derives its key from here.
 *
 *   key = sha256(utf8("meshflap-identity:" + seed + ":" + index))
 *   while key is 0 or >= secp256k1 order n: key = sha256(key)
 *
 * The 32 bytes are a secp256k1 private key; the peer id follows from it as in
 * any libp2p stack (ids start with `16Uiu2`). Every implementation derives the
 * same key, so the harness can compute peer ids before any node starts.
 */
import { createHash } from 'node:crypto'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'

const SECP256K1_ORDER = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141')

export function identitySecret (seed: number | string, index: number): Uint8Array {
  let key = createHash('sha256').update(`meshflap-identity:${seed}:${index}`, 'utf8').digest()
  for (;;) {
    const scalar = BigInt('0x' + key.toString('hex'))
    if (scalar > 0n && scalar < SECP256K1_ORDER) return new Uint8Array(key)
    key = createHash('sha256').update(key).digest()
  }
}

export function identityKey (seed: number | string, index: number): PrivateKey {
  return privateKeyFromRaw(identitySecret(seed, index))
}

export function peerIdFor (seed: number | string, index: number): string {
  return peerIdFromPrivateKey(identityKey(seed, index)).toString()
}
