/**
 * The primitives of the namespace's records (edit-log.ts): big-endian int32 and int64 (a safe
 * integer as two 32-bit halves, sign in the high half), a byte for booleans and small codes, and
 * strings as uint32 length + UTF-8 (byte strings likewise). A writer fills one growable scratch buffer and frames its
 * bytes; a reader checks every length against what is left and names the field it was reading.
 * Plain Buffer reads and writes: the namespace writes and replays millions of these.
 */
import { frame } from '../../../lib/journal/frame.ts';

const TWO_32 = 4294967296;

export class RecordWriter {
  #b = Buffer.allocUnsafe(512);
  #n = 0;

  #room(k: number): number {
    if (this.#n + k > this.#b.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.#b.length * 2, this.#n + k));
      this.#b.copy(bigger, 0, 0, this.#n);
      this.#b = bigger;
    }
    const at = this.#n;
    this.#n += k;
    return at;
  }

  // #room may replace #b: take the offset first, then name the buffer (`this.#b[this.#room(1)]`
  // would write into the buffer it replaced, leaving a garbage byte at that offset)
  writeByte(v: number): this {
    const at = this.#room(1);
    this.#b[at] = v & 0xff;
    return this;
  }

  writeBoolean(v: boolean): this {
    return this.writeByte(v ? 1 : 0);
  }

  writeInt32(v: number): this {
    const at = this.#room(4);
    this.#b.writeInt32BE(v | 0, at);
    return this;
  }

  /** A safe integer (ids, lengths, times; -1 for "unchanged"). */
  writeLong(v: number): this {
    const at = this.#room(8);
    this.#b.writeInt32BE(Math.floor(v / TWO_32), at);
    this.#b.writeUInt32BE(v >>> 0, at + 4);
    return this;
  }

  /** A Java long as a bigint (quotas: -1 or up to Long.MAX_VALUE). */
  writeBigLong(v: bigint): this {
    const at = this.#room(8);
    this.#b.writeBigInt64BE(v, at);
    return this;
  }

  writeString(s: string): this {
    const len = Buffer.byteLength(s, 'utf8');
    const at = this.#room(4 + len);
    this.#b.writeUInt32BE(len, at);
    this.#b.write(s, at + 4, len, 'utf8');
    return this;
  }

  /** Bytes as uint32 length + the bytes. */
  writeBytes(v: Uint8Array): this {
    const at = this.#room(4 + v.length);
    this.#b.writeUInt32BE(v.length, at);
    this.#b.set(v, at + 4);
    return this;
  }

  /** The framed record (lib/journal/frame.ts) of everything written since the last call. */
  frame(): Buffer {
    const n = this.#n;
    this.#n = 0;
    return frame(n, (out, at) => this.#b.copy(out, at, 0, n));
  }
}

export class RecordReader {
  readonly #b: Buffer;
  #at: number;
  readonly #end: number;

  constructor(b: Buffer, start: number, end: number) {
    this.#b = b;
    this.#at = start;
    this.#end = end;
  }

  #take(k: number, what: string): number {
    if (this.#end - this.#at < k) throw new Error(`record ends inside ${what}`);
    const at = this.#at;
    this.#at += k;
    return at;
  }

  readUnsignedByte(what = 'a byte'): number {
    return this.#b[this.#take(1, what)]!;
  }

  readBoolean(what = 'a boolean'): boolean {
    const v = this.readUnsignedByte(what);
    if (v > 1) throw new Error(`${what} is ${v}, not 0 or 1`);
    return v === 1;
  }

  readInt32(what = 'an int'): number {
    return this.#b.readInt32BE(this.#take(4, what));
  }

  readInt32InRange(lo: number, hi: number, what: string): number {
    const v = this.readInt32(what);
    if (v < lo || v > hi) throw new Error(`${what} ${v} is outside [${lo}, ${hi}]`);
    return v;
  }

  readLong(what = 'a long'): number {
    const at = this.#take(8, what);
    const v = this.#b.readInt32BE(at) * TWO_32 + this.#b.readUInt32BE(at + 4);
    if (!Number.isSafeInteger(v)) throw new Error(`${what} does not fit in 53 bits`);
    return v;
  }

  /** A Java long as a bigint. */
  readBigLong(what = 'a long'): bigint {
    return this.#b.readBigInt64BE(this.#take(8, what));
  }

  readString(max: number, what: string): string {
    const len = this.#b.readUInt32BE(this.#take(4, what));
    if (len > max) throw new Error(`${what} of ${len} bytes is longer than ${max}`);
    const at = this.#take(len, what);
    return this.#b.toString('utf8', at, at + len);
  }

  readBytes(max: number, what: string): Uint8Array {
    const len = this.#b.readUInt32BE(this.#take(4, what));
    if (len > max) throw new Error(`${what} of ${len} bytes is longer than ${max}`);
    const at = this.#take(len, what);
    return Uint8Array.prototype.slice.call(this.#b, at, at + len);
  }

  expectEnd(what: string): void {
    if (this.#at !== this.#end) throw new Error(`${this.#end - this.#at} bytes left over after ${what}`);
  }
}
