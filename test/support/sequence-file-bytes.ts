/**
 * SequenceFile bytes as Hadoop's SequenceFile.Writer (version 6) and WritableUtils lay them out, for
 * tests and fuzz seeds of `hsec fs -text`: one writer for both, independent of the reader under test.
 */

/** WritableUtils.writeVLong. */
export function vlong(value: number | bigint): Buffer {
  let i = BigInt(value);
  if (i >= -112n && i <= 127n) return Buffer.from([Number(BigInt.asUintN(8, i))]);
  let len = -112;
  if (i < 0n) {
    i = ~i;
    len = -120;
  }
  for (let t = i; t !== 0n; t >>= 8n) len--;
  const bytes = [len & 0xff];
  const n = len < -120 ? -(len + 120) : -(len + 112);
  for (let idx = n; idx !== 0; idx--) bytes.push(Number((i >> BigInt((idx - 1) * 8)) & 0xffn));
  return Buffer.from(bytes);
}

/** Text.writeString: a vlong length and the UTF-8 bytes. */
export const text = (s: string): Buffer => Buffer.concat([vlong(Buffer.byteLength(s)), Buffer.from(s)]);

/** DataOutput.writeInt. */
export const int = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

/** DataOutput.writeLong. */
export const long = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
};

/** The 16-byte sync marker the files below use. */
export const SYNC = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');

/** SequenceFile.Writer's header, version 6: key and value classes, compression, block compression, codec, one metadata entry, the sync marker. */
export const header = (key: string, value: string, codec?: string, block = false): Buffer =>
  Buffer.concat([
    Buffer.from('SEQ\x06', 'latin1'), text(`org.apache.hadoop.io.${key}`), text(`org.apache.hadoop.io.${value}`), Buffer.from([codec ? 1 : 0, block ? 1 : 0]),
    codec ? text(`org.apache.hadoop.io.compress.${codec}`) : Buffer.alloc(0), int(1), text('made-by'), text('test'), SYNC,
  ]);

/** Writer.append: record length, key length, key, value (RecordCompressWriter: the value as one zlib stream). */
export const record = (k: Buffer, v: Buffer): Buffer => Buffer.concat([int(k.length + v.length), int(k.length), k, v]);

/** The escape before a sync marker in the record stream. */
export const SYNC_ESCAPE = Buffer.concat([int(-1), SYNC]);
