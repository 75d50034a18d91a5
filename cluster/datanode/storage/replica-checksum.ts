/**
 * A replica's block checksum for BLOCK_CHECKSUM (Hadoop 3.4.1 BlockChecksumHelper
 * .ReplicatedBlockChecksumComputer), computed from the CRCs stored in its meta file, never from
 * the data except for one partial chunk:
 *
 *   - crcPerBlock = stored checksum bytes / checksum size (of the meta file, not of the request);
 *   - MD5CRC: when the request covers less than the visible length (and there are CRCs), MD5 over
 *     the stored CRCs of the whole chunks in the request, then, if the request ends inside a chunk,
 *     the CRC of that chunk's data up to the request's end, recomputed (4 bytes big-endian);
 *     otherwise MD5 over every stored CRC. A request longer than the replica is the whole replica,
 *     as in Hadoop (no error);
 *   - COMPOSITE_CRC: the CRCs of min(visible, request) bytes composed (./crc-composer.ts) into one
 *     CRC per stripeLength bytes (stripeLength 0 or beyond the data: one CRC), the last partial
 *     chunk's CRC recomputed from the data when the request ends inside the replica, else read from
 *     the meta file.
 *
 * `planPartialChunk` says which data bytes the caller must read; `computeBlockChecksum` is pure.
 * `readReplicaChecksumInput` does the file reads.
 */
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { ProtocolError } from '../../../lib/errors/index.ts';
import { fileError } from '../../../lib/fs/file-errors.ts';
import { checksumSize } from '../../protocol/datatransfer/checksum.ts';
import { CrcComposer } from '../../protocol/datatransfer/crc-composer.ts';
import { crc32, crc32c } from '../../protocol/datatransfer/crc32c.ts';
import type { BlockChecksumOptions, ChecksumSpec } from '../../protocol/datatransfer/messages.ts';
import type { ChecksumType } from '../../protocol/hdfs-types.ts';
import { decodeMetadataHeader, METADATA_HEADER_SIZE } from './block-metadata-header.ts';
import { atReplicaPath, type Replica } from './replica.ts';

/** What the computation reads: the meta file's checksum and CRCs, the lengths, the partial chunk's data. */
export interface ReplicaChecksumInput {
  checksum: ChecksumSpec;
  /** the meta file after its header */
  storedCrcs: Uint8Array;
  /** block.getNumBytes() of the request */
  requestLength: number;
  /** the replica's visible length (getReplicaVisibleLength) */
  visibleLength: number;
  /** the data of planPartialChunk's range, when it names one */
  partialChunk?: Uint8Array;
}

export interface BlockChecksumResult {
  bytesPerCrc: number;
  crcPerBlock: number;
  crcType: ChecksumType;
  blockChecksum: Uint8Array;
}

/**
 * BlockChecksumComputer.crcPartialBlock's range: [requestLength - requestLength % bpc,
 * requestLength) when the request ends inside a chunk of a longer replica (isPartialBlk).
 */
export function planPartialChunk(checksum: ChecksumSpec, requestLength: number, visibleLength: number): { offset: number; length: number } | undefined {
  const length = requestLength % checksum.bytesPerChecksum;
  if (requestLength >= visibleLength || length === 0 || checksumSize(checksum.type) === 0) return undefined;
  return { offset: requestLength - length, length };
}

/** ReplicatedBlockChecksumComputer.compute for the requested type. */
export function computeBlockChecksum(input: ReplicaChecksumInput, options: BlockChecksumOptions = {}): BlockChecksumResult {
  const size = checksumSize(input.checksum.type);
  const result = {
    bytesPerCrc: input.checksum.bytesPerChecksum,
    crcPerBlock: size === 0 ? 0 : Math.floor(input.storedCrcs.length / size),
    crcType: input.checksum.type,
  };
  const type = options.blockChecksumType ?? 'MD5CRC';
  const blockChecksum = type === 'COMPOSITE_CRC' ? compositeCrc(input, options.stripeLength ?? 0) : md5Crc(input, result.crcPerBlock);
  return { ...result, blockChecksum };
}

/** computeMd5Crc: checksumPartialBlock or checksumWholeBlock. */
function md5Crc(input: ReplicaChecksumInput, crcPerBlock: number): Uint8Array {
  const md5 = createHash('md5');
  const partialBlk = input.requestLength < input.visibleLength;
  if (!partialBlk || crcPerBlock === 0) return md5.update(input.storedCrcs).digest();
  const { bytesPerChecksum: bpc, type } = input.checksum;
  const wholeChunks = Math.floor(input.requestLength / bpc) * checksumSize(type);
  md5.update(input.storedCrcs.subarray(0, wholeChunks));
  const partial = partialChunkCrc(input);
  if (partial !== undefined) md5.update(crcBytes(partial));
  return md5.digest();
}

/** computeCompositeCrc. */
function compositeCrc(input: ReplicaChecksumInput, requestedStripe: number): Uint8Array {
  const { bytesPerChecksum: bpc, type } = input.checksum;
  const dataLength = Math.min(input.visibleLength, input.requestLength);
  const stripeLength = requestedStripe <= 0 || requestedStripe > dataLength ? dataLength : requestedStripe;
  const composer = CrcComposer.striped(type, bpc, stripeLength);
  const fullChunks = Math.floor(dataLength / bpc);
  const stored = new DataView(input.storedCrcs.buffer, input.storedCrcs.byteOffset, input.storedCrcs.byteLength);
  const readCrc = (i: number): number => {
    if ((i + 1) * 4 > stored.byteLength) {
      throw new ProtocolError('PROTOCOL_TRUNCATED', `The meta file holds ${Math.floor(stored.byteLength / 4)} CRCs, fewer than the ${i + 1} the ${dataLength} bytes need: the replica is damaged`, { crcs: Math.floor(stored.byteLength / 4) });
    }
    return stored.getUint32(i * 4);
  };
  for (let i = 0; i < fullChunks; i++) composer.update(readCrc(i), bpc);
  const partialSize = dataLength % bpc;
  if (partialSize > 0) composer.update(input.requestLength < input.visibleLength ? partialChunkCrc(input)! : readCrc(fullChunks), partialSize);
  return composer.digest();
}

/** crcPartialBlock: the CRC of the data from the last chunk boundary to the request's end. */
function partialChunkCrc(input: ReplicaChecksumInput): number | undefined {
  const range = planPartialChunk(input.checksum, input.requestLength, input.visibleLength);
  if (!range) return undefined;
  const data = input.partialChunk;
  if (!data || data.length !== range.length) {
    throw new ProtocolError('PROTOCOL_TRUNCATED', `The block file ends before ${range.offset + range.length}, inside the last chunk of the request: the replica is damaged`, { offset: range.offset, length: range.length });
  }
  return input.checksum.type === 'CHECKSUM_CRC32C' ? crc32c(data) : crc32(data);
}

/** DataChecksum.writeValue: the CRC as 4 bytes big-endian. */
function crcBytes(crc: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, crc);
  return out;
}

const HINT = 'the replica files under dfs.datanode.data.dir could not be read';

/** Reads the meta file (header and CRCs) and, when the request ends inside a chunk, that chunk's data. */
export async function readReplicaChecksumInput(replica: Replica, requestLength: number): Promise<ReplicaChecksumInput> {
  let meta: Buffer;
  try {
    meta = await atReplicaPath(replica, 'metaFile', (path) => readFile(path));
  } catch (e) {
    throw fileError('read meta file', replica.metaFile, e, HINT);
  }
  const checksum = decodeMetadataHeader(meta, replica.metaFile);
  const input: ReplicaChecksumInput = { checksum, storedCrcs: meta.subarray(METADATA_HEADER_SIZE), requestLength, visibleLength: replica.numBytes };
  const range = planPartialChunk(checksum, requestLength, replica.numBytes);
  if (range) input.partialChunk = await atReplicaPath(replica, 'blockFile', (path) => readRange(path, range.offset, range.length));
  return input;
}

async function readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buf = Buffer.alloc(length);
    let at = 0;
    while (at < length) {
      const { bytesRead } = await handle.read(buf, at, length - at, offset + at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return buf.subarray(0, at);
  } catch (e) {
    throw fileError('read block file', path, e, HINT);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
