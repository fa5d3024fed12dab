/**
 * The payload layout attestations and blocks share (containers/CONTRACT.md section 5):
 * unsigned 64-bit little-endian header fields, then zero bytes up to the payload's size.
 */

/** `values` as u64le from byte 0 of a zeroed buffer of `totalBytes` (at least the header's size). */
export function encodeU64Header (values: readonly number[], totalBytes: number): Uint8Array {
  const buf = new Uint8Array(Math.max(values.length * 8, totalBytes))
  const view = new DataView(buf.buffer)
  values.forEach((v, i) => { view.setBigUint64(i * 8, BigInt(v), true) })
  return buf
}

/** The first `count` u64le fields of `data`, or undefined when it is shorter than that. */
export function decodeU64Header (data: Uint8Array, count: number): number[] | undefined {
  if (data.byteLength < count * 8) return undefined
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  return Array.from({ length: count }, (_, i) => Number(view.getBigUint64(i * 8, true)))
}
