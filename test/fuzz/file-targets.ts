/**
 * Fuzz targets for file contents `hsec fs -text` prints: the SequenceFile reader
 * (cluster/cli/fs-sequence-file.ts, fed in small chunks as a DataNode stream delivers them) and
 * -text's detection and decoding (cluster/cli/fs-text.ts printText: gzip by magic, SequenceFile,
 * Avro, codecs by the name's extension, concatenated zlib streams). The seeds are SequenceFiles
 * laid out as SequenceFile.Writer writes them (uncompressed with a sync marker, record-compressed
 * with DefaultCodec and GzipCodec, block-compressed), gzip members and zlib streams.
 */
import { Readable, Writable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import { ByteReader, sequenceFileText } from '../../cluster/cli/fs-sequence-file.ts';
import { printText } from '../../cluster/cli/fs-text.ts';
import type { FuzzTarget } from './targets.ts';
import { SYNC_ESCAPE, header, int, long, record, text, vlong } from '../support/sequence-file-bytes.ts';

function sequenceFiles(): Uint8Array[] {
  const keys = [text('k1'), text('k2')];
  const block = Buffer.concat([
    SYNC_ESCAPE,
    vlong(2),
    ...[Buffer.concat(keys.map((k) => vlong(k.length))), Buffer.concat(keys), Buffer.concat([vlong(1), vlong(1)]), Buffer.from([0, 1])].map((b) => {
      const z = deflateSync(b);
      return Buffer.concat([vlong(z.length), z]);
    }),
  ]);
  return [
    Buffer.concat([header('Text', 'IntWritable'), record(text('one'), int(1)), SYNC_ESCAPE, record(text('zwei'), int(-2))]),
    Buffer.concat([header('LongWritable', 'BytesWritable', 'DefaultCodec'), record(long(7n), deflateSync(Buffer.concat([int(3), Buffer.from([0, 0x0f, 0xff])])))]),
    Buffer.concat([header('VLongWritable', 'Text', 'GzipCodec'), record(vlong(-300), gzipSync(text('five')))]),
    Buffer.concat([header('Text', 'BooleanWritable', 'DefaultCodec', true), block]),
    Buffer.concat([header('MD5Hash', 'ShortWritable'), record(Buffer.alloc(16, 7), Buffer.from([0x80, 1]))]),
  ];
}

/** The file in chunks of 7 bytes, as a stream of packets would cut it. */
async function* chunks(b: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += 7) yield b.subarray(i, i + 7);
}

async function sequenceFile(b: Uint8Array): Promise<number> {
  let lines = 0;
  for await (const line of sequenceFileText(new ByteReader(chunks(b)))) lines += line.length > 0 ? 1 : 0;
  return lines;
}

/** The names -text is given, picked by the first input byte: the codec goes by the extension. */
const NAMES = ['/f', '/f.gz', '/f.deflate', '/f.bz2'];

/** -text on a file whose name the first byte picks and whose content is the rest. */
async function fsText(b: Uint8Array): Promise<void> {
  const content = Buffer.from(b.subarray(1));
  const path = NAMES[(b[0] ?? 0) % NAMES.length]!;
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  await printText({ path, length: content.length, open: (r = {}) => Readable.from([content.subarray(r.start ?? 0, r.end === undefined ? undefined : r.end + 1)]) }, path, sink);
}

export const FILE_TARGETS: readonly FuzzTarget[] = [
  { name: 'SequenceFile reader (fs -text)', seeds: sequenceFiles, run: sequenceFile, async: true },
  {
    name: 'fs -text detection and decompression',
    seeds: () => [
      Buffer.concat([Buffer.of(0), gzipSync('first member\n'), gzipSync('second\n')]),
      Buffer.concat([Buffer.of(2), deflateSync('zlib data\n'), deflateSync('second stream\n')]),
      Buffer.concat([Buffer.of(0), sequenceFiles()[0]!]),
      Buffer.from('\x00Ob but not Obj\n', 'latin1'),
      Buffer.from('\x04plain text\n', 'latin1'),
    ],
    run: fsText,
    async: true,
  },
];
