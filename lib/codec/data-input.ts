/**
 * A bounds-checked big-endian reader over a byte array for Java `DataInput` primitives
 * (java.io.DataInput) and the Hadoop Writable helpers: vint/vlong (io/WritableUtils.java),
 * `Text` with a max length (io/Text.java `readFields(in, maxLength)`),
 * `WritableUtils.readString`, protobuf varint32. Reading past the end is a ProtocolError
 * PROTOCOL_TRUNCATED; a declared length above its cap (or above the bytes left) is
 * PROTOCOL_TOO_LARGE / PROTOCOL_TRUNCATED before anything is allocated.
 *
 * Longs: `readLong`/`readVLong` return a `number` and fail (PROTOCOL_MALFORMED) on a value outside
 * the safe-integer range (±2^53; timestamps and counters fit); `readLongBig`/`readVLongBig` return
 * the exact bigint.
 */
import { decodeVIntSize, decodeVLongFrom } from './vint.ts';
import { decodeVarint32 } from './varint.ts';
import { malformed, tooLarge, truncated } from './errors.ts';

const decoder = new TextDecoder('utf-8', { fatal: false });

export class DataInput {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #pos: number;
  readonly #end: number;

  constructor(bytes: Uint8Array, offset = 0, length = bytes.length - offset) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = offset;
    this.#end = offset + length;
  }

  /** Current read position. */
  get position(): number {
    return this.#pos;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  #take(n: number, what: string): number {
    if (n > this.remaining) throw truncated(what, n, this.remaining);
    const at = this.#pos;
    this.#pos += n;
    return at;
  }

  readByte(): number {
    return this.#view.getInt8(this.#take(1, 'byte'));
  }

  readUnsignedByte(): number {
    return this.#bytes[this.#take(1, 'byte')]!;
  }

  readBoolean(): boolean {
    return this.readUnsignedByte() !== 0;
  }

  readShort(): number {
    return this.#view.getInt16(this.#take(2, 'short'));
  }

  readInt(): number {
    return this.#view.getInt32(this.#take(4, 'int'));
  }

  readLongBig(): bigint {
    return this.#view.getBigInt64(this.#take(8, 'long'));
  }

  readLong(): number {
    return toSafe(this.readLongBig(), 'long');
  }

  /** `readFully`: exactly n bytes (a view into the input, not a copy). */
  readFully(n: number, what = 'bytes'): Uint8Array {
    if (n < 0) throw malformed(what, `negative length ${n}`);
    const at = this.#take(n, what);
    return this.#bytes.subarray(at, at + n);
  }

  readVLongBig(): bigint {
    const first = this.readByte();
    const size = decodeVIntSize(first);
    const payload = size > 1 ? this.readFully(size - 1, 'vlong') : new Uint8Array(0);
    return decodeVLongFrom(first, payload);
  }

  readVLong(): number {
    return toSafe(this.readVLongBig(), 'vlong');
  }

  /** `WritableUtils.readVInt`: a vlong that must fit in int32 ("value too long to fit in integer"). */
  readVInt(): number {
    const v = this.readVLongBig();
    if (v < -0x80000000n || v > 0x7fffffffn) throw malformed('vint', 'value too long to fit in integer');
    return Number(v);
  }

  /** `WritableUtils.readVIntInRange`. */
  readVIntInRange(lo: number, hi: number, what = 'vint'): number {
    const v = this.readVInt();
    if (v < lo || v > hi) {
      if (v > hi && hi >= 0) throw tooLarge(what, v, hi);
      throw malformed(what, `value ${v} is outside [${lo}, ${hi}]`);
    }
    return v;
  }

  /** vint length + raw bytes; the length is checked against `max` and the bytes left. */
  readVBytes(max: number, what = 'bytes'): Uint8Array {
    const n = this.readVInt();
    if (n < 0) throw malformed(what, `negative length ${n}`);
    if (n > max) throw tooLarge(what, n, max);
    return this.readFully(n, what);
  }

  /** Hadoop `Text` as raw UTF-8 bytes (kept unvalidated, as Text.readFields does). */
  readTextBytes(maxLength = Number.MAX_SAFE_INTEGER, what = 'Text'): Uint8Array {
    return this.readVBytes(maxLength, what);
  }

  /** Hadoop `Text` decoded to a string (invalid UTF-8 becomes U+FFFD, as Text.toString). */
  readText(maxLength = Number.MAX_SAFE_INTEGER, what = 'Text'): string {
    return decoder.decode(this.readTextBytes(maxLength, what));
  }

  /** `WritableUtils.readString`: int32 length (-1 = null) + UTF-8. */
  readString(maxLength = Number.MAX_SAFE_INTEGER, what = 'string'): string | null {
    const n = this.readInt();
    if (n === -1) return null;
    if (n < 0) throw malformed(what, `negative length ${n}`);
    if (n > maxLength) throw tooLarge(what, n, maxLength);
    return decoder.decode(this.readFully(n, what));
  }

  readVarint32(): number {
    const { value, length } = decodeVarint32(this.#bytes.subarray(0, this.#end), this.#pos);
    this.#pos += length;
    return value;
  }

  /** Fails with PROTOCOL_MALFORMED unless every byte was consumed. */
  expectEnd(what: string): void {
    if (this.remaining !== 0) throw malformed(what, `${this.remaining} trailing byte(s)`);
  }
}

function toSafe(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw malformed(what, `value ${v} exceeds the safe-integer range; use the bigint reader`);
  }
  return Number(v);
}
