/**
 * Protobuf varint32 length prefixes (`writeDelimitedTo` / `parseDelimitedFrom`) as used inside every
 * Hadoop IPC frame (protobuf encoding spec, "Base 128 Varints"). Pure functions over byte arrays;
 * a bad or truncated prefix raises ProtocolError. Not Hadoop's WritableUtils vint, which is a different encoding.
 */
import { ProtocolError } from '../errors/index.ts';

/** Encodes `n` (0 <= n < 2^32) as an unsigned LEB128 varint. */
export function encodeVarint32(n: number): Uint8Array {
  const out: number[] = [];
  let v = n >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** Reads a varint32 at `offset`; returns the value and the offset after it. */
export function readVarint32(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let result = 0;
  for (let i = 0; i < 5; i++) {
    const at = offset + i;
    if (at >= bytes.length) {
      throw new ProtocolError('PROTOCOL_TRUNCATED', 'IPC frame ends inside a varint length prefix', { offset: at });
    }
    const b = bytes[at]!;
    result += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return { value: result, next: at + 1 };
  }
  throw new ProtocolError('PROTOCOL_MALFORMED', 'IPC frame has a varint length prefix longer than 5 bytes', { offset });
}

/** Prefixes each message with its varint32 length and concatenates them. */
export function delimit(...messages: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const m of messages) parts.push(encodeVarint32(m.length), m);
  return concatBytes(parts);
}

/** Reads one length-delimited message at `offset`; the length must fit in what remains. */
export function readDelimited(bytes: Uint8Array, offset: number): { message: Uint8Array; next: number } {
  const { value, next } = readVarint32(bytes, offset);
  if (next + value > bytes.length) {
    throw new ProtocolError(
      'PROTOCOL_TRUNCATED',
      `IPC frame declares a ${value}-byte message but only ${bytes.length - next} bytes remain`,
      { declared: value, remaining: bytes.length - next },
    );
  }
  return { message: bytes.subarray(next, next + value), next: next + value };
}

/** Concatenates into one unzeroed buffer (Buffer.allocUnsafe: every byte is overwritten). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
