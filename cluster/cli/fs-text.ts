/**
 * `hsec fs -text <src> ...`, after Hadoop's Display.Text: like -cat, but a file is decoded by what
 * its first bytes say, as Text.getInputStream decides: `1f 8b` is gzip (RFC 1952, every member, as
 * GZIPInputStream reads them); `SEQ` is a SequenceFile, printed a record a line (./fs-sequence-file.ts);
 * `Obj` is an Avro data file (not supported: a clear error); anything else goes by the file name's
 * extension as CompressionCodecFactory.getCodec picks a codec (case matters: `.gz` GzipCodec,
 * `.deflate` DefaultCodec, zlib format (RFC 1950), streams one after another each decoded as
 * DecompressorStream does; `.bz2`, `.lz4`, `.snappy`, `.zst` are refused
 * naming the codec, node:zlib having no decoder for them), and a file with none, or shorter than
 * two bytes, prints as it is. A directory is "`p': Is a directory" (Cat.processPath).
 */
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflate } from 'node:zlib';
import { HsecError } from '../../lib/errors/index.ts';
import type { HdfsClient } from '../client/hdfs-client.ts';
import { existingStatus, pathError, pathNotFound, type Operand } from './fs-operands.ts';
import { ByteReader, sequenceFileText } from './fs-sequence-file.ts';
import { copyInto } from './stream-copy.ts';

export const TEXT_USAGE = 'hsec fs -text [-ignoreCrc] <src> ...';

/** CompressionCodecFactory's default codecs (their getDefaultExtension), and what hsec decodes them with. */
const CODECS: ReadonlyArray<{ readonly extension: string; readonly name: string; readonly decoder?: () => NodeJS.ReadWriteStream; readonly concatenated?: boolean }> = [
  { extension: '.bz2', name: 'BZip2Codec' },
  { extension: '.deflate', name: 'DefaultCodec', decoder: () => createInflate(), concatenated: true },
  { extension: '.gz', name: 'GzipCodec', decoder: () => createGunzip() },
  { extension: '.lz4', name: 'Lz4Codec' },
  { extension: '.snappy', name: 'SnappyCodec' },
  { extension: '.zst', name: 'ZStandardCodec' },
];

/**
 * CompressionCodecFactory.getCodec(path): the reversed extensions sorted; the greatest one below the
 * reversed file name is the codec when the name ends with it (so `.gz` alone is no match, nor `A.GZ`).
 */
export function codecFor(path: string): (typeof CODECS)[number] | undefined {
  const reverse = (s: string) => [...s].reverse().join('');
  const name = reverse(path.slice(path.lastIndexOf('/') + 1));
  const below = CODECS.map((c) => ({ key: reverse(c.extension), codec: c }))
    .filter((c) => c.key < name)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const last = below[below.length - 1];
  return last && name.startsWith(last.key) ? last.codec : undefined;
}

/** A file as -text reads it: its path (the codec goes by its name), its length, and its bytes from `start` to `end` (inclusive). */
export interface TextSource {
  readonly path: string;
  readonly length: number;
  open(range?: { start?: number; end?: number }): NodeJS.ReadableStream & AsyncIterable<Uint8Array>;
}

/** One operand of -text, written to `data`. */
export async function text(fs: HdfsClient, item: Operand, data: NodeJS.WritableStream, verifyChecksum = true): Promise<void> {
  const status = await existingStatus(fs, item);
  if (!status) throw pathNotFound(item.shown);
  if (status.type === 'directory') throw pathError(item.shown, 'Is a directory');
  return printText({ path: status.path, length: status.length, open: (range) => fs.createReadStream(status.path, range, { verifyChecksum }) }, item.shown, data);
}

/** Text.getInputStream and the copy to `data`: decoded by the first bytes, else by the name's extension; errors name the operand as `shown`. */
export async function printText(file: TextSource, shown: string, data: NodeJS.WritableStream): Promise<void> {
  const open = () => file.open();
  const raw = () => copyInto(open(), data);
  if (file.length < 2) return raw(); // Text: a 0- or 1-byte file is printed as it is
  const head = await readAll(file.open({ start: 0, end: Math.min(file.length, 3) - 1 }));
  if (head.length < 2) throw pathError(shown, `the file ended after ${head.length} of its ${file.length} bytes`);
  const third = head.length > 2 ? String.fromCharCode(head[2]!) : undefined;
  const lead = head.readUInt16BE(0);
  if (lead === 0x1f8b) return decode(open, 'gzip', createGunzip(), data);
  if (lead === 0x4f62) {
    // 'O' 'b': an Avro container when 'j' follows; else the file as it is (no codec lookup)
    if (third === 'j') throw pathError(shown, 'Avro data file: hsec fs -text does not print Avro (Display.AvroFileInputStream); read it with avro-tools tojson');
    return raw();
  }
  if (lead === 0x5345 && third === 'Q') return copyInto(sequenceFileText(new ByteReader(open())), data);
  const codec = codecFor(file.path);
  if (!codec) return raw();
  if (!codec.decoder) {
    throw pathError(shown, `${codec.name} (${codec.extension}) data: hsec fs -text decompresses gzip (GzipCodec, .gz) and zlib (DefaultCodec, .deflate) only; use -cat and a local decompressor`);
  }
  if (!codec.concatenated) return decode(open, codec.name, codec.decoder(), data);
  // DecompressorStream: when one zlib stream ends before the file does, the next one is decoded
  for (let offset = 0; offset < file.length; ) {
    const inflater = codec.decoder() as NodeJS.ReadWriteStream & { bytesWritten: number };
    await decode(() => file.open({ start: offset }), codec.name, inflater, data);
    if (inflater.bytesWritten === 0) break;
    offset += inflater.bytesWritten; // the compressed bytes this stream took
  }
}

/** The file through a decompressor; a zlib failure is the decompressor's message, as Java's Inflater reports it. */
async function decode(open: () => NodeJS.ReadableStream, what: string, decoder: NodeJS.ReadWriteStream, data: NodeJS.WritableStream): Promise<void> {
  try {
    await pipeline(open(), decoder, (decoded: AsyncIterable<Uint8Array | string>) => copyInto(decoded, data));
  } catch (e) {
    if (e instanceof HsecError) throw e;
    throw new HsecError('FILE_IO', (e as Error).message, { what, messageOnly: true }, { cause: e });
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}
