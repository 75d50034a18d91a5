/**
 * A growable big-endian writer for Java `DataOutput` primitives (java.io.DataOutput: writeByte,
 * writeShort, writeInt, writeLong, writeBoolean) plus the Hadoop Writable helpers built on them:
 * vint/vlong (io/WritableUtils.java), `Text` (io/Text.java), `WritableUtils.writeString` and
 * protobuf varint32 prefixes (protobuf encoding spec, "Base 128 Varints").
 *
 * Longs: `writeLong` and `writeVLong` accept a `number` (must be a safe integer — every
 * millisecond timestamp is) or a `bigint` for the full int64 range.
 */
import { encodeVLong } from './vint.ts';
import { encodeVarint32 } from './varint.ts';
import { malformed, tooLarge } from './errors.ts';

/** `Text.DEFAULT_MAX_LEN`: 1 MiB, the cap on owner/renewer/realUser (io/Text.java). */
export const TEXT_DEFAULT_MAX_LEN = 1024 * 1024;

const encoder = new TextEncoder();

export class DataOutput {
  #buf: Uint8Array;
  #view: DataView;
  #len = 0;

  constructor(initialCapacity = 64) {
    this.#buf = new Uint8Array(Math.max(16, initialCapacity));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#len;
  }

  #reserve(n: number): number {
    const need = this.#len + n;
    if (need > this.#buf.length) {
      let cap = this.#buf.length * 2;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
    }
    const at = this.#len;
    this.#len = need;
    return at;
  }

  writeByte(v: number): this {
    const at = this.#reserve(1);
    this.#buf[at] = v & 0xff;
    return this;
  }

  writeBoolean(v: boolean): this {
    return this.writeByte(v ? 1 : 0);
  }

  writeShort(v: number): this {
    const at = this.#reserve(2);
    this.#view.setInt16(at, (v << 16) >> 16);
    return this;
  }

  writeInt(v: number): this {
    const at = this.#reserve(4);
    this.#view.setInt32(at, v | 0);
    return this;
  }

  writeLong(v: number | bigint): this {
    const value = toInt64(v);
    const at = this.#reserve(8);
    this.#view.setBigInt64(at, value);
    return this;
  }

  /** Raw bytes, no length prefix (`DataOutput.write(byte[])`). */
  write(bytes: Uint8Array): this {
    const at = this.#reserve(bytes.length);
    this.#buf.set(bytes, at);
    return this;
  }

  writeVLong(v: number | bigint): this {
    return this.write(encodeVLong(toInt64(v)));
  }

  /** `WritableUtils.writeVInt`: same bytes as writeVLong, but the value must fit in int32. */
  writeVInt(v: number): this {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw malformed('vint', `value ${v} is not an int32`);
    return this.writeVLong(v);
  }

  /** vint length + raw bytes (Token identifier/password, DelegationKey key bytes). */
  writeVBytes(bytes: Uint8Array): this {
    return this.writeVInt(bytes.length).write(bytes);
  }

  /** Hadoop `Text`: vint byte length + standard UTF-8 (not modified UTF-8). */
  writeText(s: string | Uint8Array, maxLength = Number.MAX_SAFE_INTEGER): this {
    const bytes = typeof s === 'string' ? encoder.encode(s) : s;
    if (bytes.length > maxLength) throw tooLarge('Text', bytes.length, maxLength);
    return this.writeVBytes(bytes);
  }

  /** `WritableUtils.writeString`: int32 byte length + UTF-8, or int32 -1 for null. */
  writeString(s: string | null): this {
    if (s === null) return this.writeInt(-1);
    const bytes = encoder.encode(s);
    return this.writeInt(bytes.length).write(bytes);
  }

  /** Protobuf varint32 (delimited-message length prefix). */
  writeVarint32(v: number): this {
    return this.write(encodeVarint32(v));
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

function toInt64(v: number | bigint): bigint {
  if (typeof v === 'number' && !Number.isSafeInteger(v)) throw malformed('long', `${v} is not a safe integer; pass a bigint`);
  const b = BigInt(v);
  if (b < -(1n << 63n) || b >= 1n << 63n) throw malformed('long', `value ${b} is outside the int64 range`);
  return b;
}
