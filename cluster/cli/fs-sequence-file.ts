/**
 * A reader of Hadoop SequenceFiles for `hsec fs -text`, after org.apache.hadoop.io.SequenceFile.Reader
 * (versions 4 to 6): the header (`SEQ`, version byte, key and value class names as Text strings,
 * compressed and block-compressed flags, the codec class name, the metadata as an int count of Text
 * pairs, the 16-byte sync), then records: uncompressed or record-compressed (int record length, -1
 * before a sync marker; int key length; key bytes; value bytes, the value alone compressed) or
 * block-compressed (sync, vint record count, then four buffers each a vint length and a compressed
 * stream: key lengths, keys, value lengths, values). Values and keys print as the Writable's
 * toString does (Display.TextRecordInputStream): `key\tvalue\n`. Writables: Text, IntWritable,
 * LongWritable, VIntWritable, VLongWritable, ShortWritable, ByteWritable, BooleanWritable,
 * BytesWritable, NullWritable, MD5Hash; codecs: DefaultCodec / DeflateCodec (zlib) and GzipCodec.
 * Anything else is a typed error naming the class.
 */
import { gunzipSync, inflateSync } from 'node:zlib';
import { HsecError } from '../../lib/errors/index.ts';

/** Bytes pulled from a stream on demand. */
export class ByteReader {
  #it: AsyncIterator<Uint8Array>;
  #buf: Buffer = Buffer.alloc(0);
  #done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#it = source[Symbol.asyncIterator]();
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    await this.#fill(1);
    return this.#buf.length === 0;
  }

  async bytes(n: number): Promise<Buffer> {
    await this.#fill(n);
    if (this.#buf.length < n) throw corrupt('unexpected end of file');
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  async #fill(n: number): Promise<void> {
    const parts = [this.#buf];
    let have = this.#buf.length;
    while (have < n && !this.#done) {
      const next = await this.#it.next();
      if (next.done) this.#done = true;
      else {
        parts.push(Buffer.from(next.value));
        have += next.value.length;
      }
    }
    if (parts.length > 1) this.#buf = Buffer.concat(parts);
  }
}

/** DataInput over a buffer: Java's big-endian reads and WritableUtils' vints. */
class BufferInput {
  #pos = 0;
  constructor(readonly buf: Buffer) {}

  bytes(n: number): Buffer {
    if (n < 0 || this.#pos + n > this.buf.length) throw corrupt('a record is shorter than its lengths say');
    const out = this.buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }
  int(): number {
    return this.bytes(4).readInt32BE(0);
  }
  vlong(): bigint {
    return readVLong((n) => this.bytes(n));
  }
}

const CORRUPT_HINT = 'the file is not a SequenceFile hsec can read, or it is damaged';

function corrupt(what: string): HsecError {
  return new HsecError('FILE_IO', `SequenceFile: ${what}; ${CORRUPT_HINT}`, { messageOnly: true });
}

function unsupported(what: string): HsecError {
  return new HsecError('FS_UNSUPPORTED', `${what}: hsec fs -text cannot print it (only ${WRITABLES.join(', ')} with no, DefaultCodec or GzipCodec compression)`, { messageOnly: true });
}

/** WritableUtils.readVLong: one byte for -112..127, else a length-and-sign byte then big-endian bytes. */
function readVLong(take: (n: number) => Buffer): bigint {
  const first = take(1).readInt8(0);
  if (first >= -112) return BigInt(first);
  const negative = first < -120;
  const len = negative ? -119 - first : -111 - first;
  let i = 0n;
  for (const b of take(len - 1)) i = (i << 8n) | BigInt(b);
  return negative ? ~i : i;
}

async function readVLongFrom(r: ByteReader): Promise<bigint> {
  const first = await r.bytes(1);
  const f = first.readInt8(0);
  const len = f >= -112 ? 1 : f < -120 ? -119 - f : -111 - f;
  return new BufferInput(len === 1 ? first : Buffer.concat([first, await r.bytes(len - 1)])).vlong();
}

/** Text.readString / Text.readFields: a vint length and UTF-8. */
async function readText(r: ByteReader): Promise<string> {
  const n = Number(await readVLongFrom(r));
  if (n < 0) throw corrupt('negative string length');
  return (await r.bytes(n)).toString('utf8');
}

type Printer = (input: BufferInput) => string;

/** The Writables whose readFields and toString hsec reproduces, by class name. */
const PRINTERS: Readonly<Record<string, Printer>> = {
  'org.apache.hadoop.io.Text': (i) => i.bytes(Number(i.vlong())).toString('utf8'),
  'org.apache.hadoop.io.IntWritable': (i) => String(i.int()),
  'org.apache.hadoop.io.LongWritable': (i) => i.bytes(8).readBigInt64BE(0).toString(),
  'org.apache.hadoop.io.VIntWritable': (i) => String(BigInt.asIntN(32, i.vlong())),
  'org.apache.hadoop.io.VLongWritable': (i) => i.vlong().toString(),
  'org.apache.hadoop.io.ShortWritable': (i) => String(i.bytes(2).readInt16BE(0)),
  'org.apache.hadoop.io.ByteWritable': (i) => String(i.bytes(1).readInt8(0)),
  'org.apache.hadoop.io.BooleanWritable': (i) => String(i.bytes(1)[0] !== 0),
  // BytesWritable.toString: two lowercase hex digits per byte, a space between
  'org.apache.hadoop.io.BytesWritable': (i) => [...i.bytes(i.int())].map((b) => b.toString(16).padStart(2, '0')).join(' '),
  'org.apache.hadoop.io.NullWritable': () => '(null)',
  'org.apache.hadoop.io.MD5Hash': (i) => i.bytes(16).toString('hex'),
};
const WRITABLES = Object.keys(PRINTERS).map((c) => c.slice(c.lastIndexOf('.') + 1));

/** The codecs of SequenceFile compression hsec can undo: each compressed piece is one complete stream. */
const CODECS: Readonly<Record<string, (b: Buffer) => Buffer>> = {
  'org.apache.hadoop.io.compress.DefaultCodec': (b) => inflateSync(b),
  'org.apache.hadoop.io.compress.DeflateCodec': (b) => inflateSync(b),
  'org.apache.hadoop.io.compress.GzipCodec': (b) => gunzipSync(b),
};

function printer(className: string, what: string): Printer {
  const p = PRINTERS[className];
  if (!p) throw unsupported(`SequenceFile ${what} class ${className}`);
  return p;
}

/** `key\tvalue\n` for every record of the SequenceFile `r` reads (its first bytes, `SEQ`, included). */
export async function* sequenceFileText(r: ByteReader): AsyncGenerator<Buffer> {
  const magic = await r.bytes(4);
  if (magic.subarray(0, 3).toString('latin1') !== 'SEQ') throw corrupt('no SEQ magic');
  const version = magic[3]!;
  if (version > 6) throw corrupt(`version ${version} is newer than 6`);
  if (version < 4) throw unsupported(`SequenceFile version ${version}`);
  const keyClass = await readText(r);
  const valueClass = await readText(r);
  const compressed = (await r.bytes(1))[0] !== 0;
  const blockCompressed = (await r.bytes(1))[0] !== 0;
  let decompress = (b: Buffer): Buffer => b;
  if (compressed) {
    const codecClass = version >= 5 ? await readText(r) : 'org.apache.hadoop.io.compress.DefaultCodec';
    const codec = CODECS[codecClass];
    if (!codec) throw unsupported(`SequenceFile compression codec ${codecClass}`);
    decompress = (b) => {
      try {
        return codec(b);
      } catch (e) {
        throw corrupt(`${codecClass.slice(codecClass.lastIndexOf('.') + 1)} data does not decompress (${(e as Error).message})`);
      }
    };
  }
  if (version >= 6) {
    const pairs = (await r.bytes(4)).readInt32BE(0);
    if (pairs < 0) throw corrupt('negative metadata count');
    for (let i = 0; i < pairs * 2; i++) await readText(r);
  }
  const sync = await r.bytes(16);
  const key = printer(keyClass, 'key');
  const value = printer(valueClass, 'value');
  const line = (k: string, v: string) => Buffer.from(`${k}\t${v}\n`, 'utf8');
  const checkSync = async () => {
    if (!(await r.bytes(16)).equals(sync)) throw corrupt('File is corrupt! (a sync marker does not match the header)');
  };

  if (!blockCompressed) {
    // Reader.readRecordLength / next(DataOutputBuffer): the file's end ends the records
    while (!(await r.atEnd())) {
      let length = (await r.bytes(4)).readInt32BE(0);
      if (length === -1) {
        await checkSync();
        if (await r.atEnd()) return;
        length = (await r.bytes(4)).readInt32BE(0);
      }
      const keyLength = (await r.bytes(4)).readInt32BE(0);
      if (length < 0 || keyLength < 0 || keyLength > length) throw corrupt('a record length is out of range');
      const record = await r.bytes(length);
      const k = key(new BufferInput(record.subarray(0, keyLength)));
      const v = value(new BufferInput(compressed ? decompress(record.subarray(keyLength)) : record.subarray(keyLength)));
      yield line(k, v);
    }
    return;
  }
  // Reader.readBlock: a block a time until the file ends
  while (!(await r.atEnd())) {
    await r.bytes(4); // the sync escape
    await checkSync();
    const records = Number(await readVLongFrom(r));
    const buffer = async () => {
      const n = Number(await readVLongFrom(r));
      if (n < 0) throw corrupt('negative block buffer length');
      return new BufferInput(decompress(await r.bytes(n)));
    };
    const keyLengths = await buffer();
    const keys = await buffer();
    const valueLengths = await buffer();
    const values = await buffer();
    for (let i = 0; i < records; i++) {
      keyLengths.vlong();
      const k = key(keys);
      valueLengths.vlong();
      yield line(k, value(values));
    }
  }
}
