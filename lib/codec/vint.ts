/**
 * Hadoop's variable-length integers (`WritableUtils.writeVLong` / `readVLong` / `decodeVIntSize` /
 * `isNegativeVInt` in hadoop-common io/WritableUtils.java). Not protobuf
 * varints: a first byte in [-112, 127] is the value itself; otherwise it encodes the sign and the
 * count (1..8) of big-endian magnitude bytes that follow, the magnitude being one's-complemented
 * for negative values. Encoders emit the minimal form. Values are bigint internally so the full
 * int64 range round-trips; the DataOutput/DataInput wrappers offer number forms.
 */
import { malformed } from './errors.ts';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Encodes a signed 64-bit value in Hadoop vlong form (minimal length). */
export function encodeVLong(value: bigint | number): Uint8Array {
  let v = BigInt(value);
  if (v < INT64_MIN || v > INT64_MAX) throw malformed('vlong', `value ${v} is outside the int64 range`);
  if (v >= -112n && v <= 127n) return Uint8Array.of(Number(v) & 0xff);
  const negative = v < 0n;
  if (negative) v = ~v;
  const magnitude: number[] = [];
  for (let t = v; t > 0n; t >>= 8n) magnitude.unshift(Number(t & 0xffn));
  const n = magnitude.length;
  const first = negative ? -120 - n : -112 - n;
  return Uint8Array.of(first & 0xff, ...magnitude);
}

/** Total encoded length (1..9) implied by the signed first byte of a vlong. */
export function decodeVIntSize(firstByte: number): number {
  const b = (firstByte << 24) >> 24;
  if (b >= -112) return 1;
  if (b < -120) return -119 - b;
  return -111 - b;
}

/** Whether a vlong starting with this signed first byte is negative. */
export function isNegativeVInt(firstByte: number): boolean {
  const b = (firstByte << 24) >> 24;
  return b < -120 || (b >= -112 && b < 0);
}

/** Decodes a complete vlong (first byte plus its payload bytes). */
export function decodeVLongFrom(firstByte: number, payload: Uint8Array): bigint {
  const b = (firstByte << 24) >> 24;
  const size = decodeVIntSize(b);
  if (size === 1) return BigInt(b);
  let v = 0n;
  for (let i = 0; i < size - 1; i++) v = (v << 8n) | BigInt(payload[i]!);
  return isNegativeVInt(b) ? ~v : v;
}

/** Encoded size of a value in vlong form (`WritableUtils.getVIntSize`). */
export function getVIntSize(value: bigint | number): number {
  return encodeVLong(value).length;
}
