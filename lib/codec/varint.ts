/**
 * Protobuf varint32 (unsigned LEB128, at most 5 bytes) as used by `writeDelimitedTo` /
 * `parseDelimitedFrom` (protobuf encoding spec, "Base 128 Varints"). This is
 * the length prefix of delimited messages in IPC and HDTS version 1 — not Hadoop's vint.
 */
import { malformed, truncated } from './errors.ts';

/** Encodes an unsigned 32-bit length as a protobuf varint. */
export function encodeVarint32(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw malformed('varint32', `value ${value} is not an unsigned 32-bit integer`);
  }
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/**
 * Decodes a varint32 at `offset`. Returns the value and the number of bytes consumed, or
 * `undefined` when the input ends before the varint does (callers buffering frames wait for more).
 */
export function tryDecodeVarint32(bytes: Uint8Array, offset = 0): { value: number; length: number } | undefined {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (offset + i >= bytes.length) return undefined;
    const b = bytes[offset + i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) {
      if (value > 0xffffffff) throw malformed('varint32', 'value exceeds 32 bits');
      return { value, length: i + 1 };
    }
  }
  throw malformed('varint32', 'more than 5 bytes');
}

/** Like tryDecodeVarint32 but a truncated varint is a PROTOCOL_TRUNCATED error. */
export function decodeVarint32(bytes: Uint8Array, offset = 0): { value: number; length: number } {
  const r = tryDecodeVarint32(bytes, offset);
  if (!r) throw truncated('varint32', 1, Math.max(0, bytes.length - offset));
  return r;
}

/** Prefixes a serialized message with its varint32 length (protobuf `writeDelimitedTo`). */
export function delimit(message: Uint8Array): Uint8Array {
  const prefix = encodeVarint32(message.length);
  const out = new Uint8Array(prefix.length + message.length);
  out.set(prefix, 0);
  out.set(message, prefix.length);
  return out;
}
