/**
 * File checksums as Hadoop 3.4.1 returns them from FileSystem.getFileChecksum, and how the block
 * checksums combine into them (hadoop-hdfs-client FileChecksumHelper.FileChecksumComputer):
 *
 *   - MD5MD5CRC32FileChecksum (MD5MD5CRC32GzipFileChecksum for CRC32 chunks,
 *     MD5MD5CRC32CastagnoliFileChecksum for CRC32C): algorithm `MD5-of-<crcPerBlock>MD5-of-
 *     <bytesPerCRC><CRC32|CRC32C>`, bytes as its Writable writes them (int32 bytesPerCRC, int64
 *     crcPerBlock, the 16-byte MD5, all big-endian: 28 bytes). The MD5 is taken over the block
 *     MD5s as FileChecksumHelper collects them, in a DataOutputBuffer, and digests its whole backing
 *     array (`getData()`, not `getLength()` bytes): the block MD5s followed by zeros up to the
 *     buffer's capacity, which starts at 32 bytes and doubles (java.io.ByteArrayOutputStream) as
 *     16-byte MD5s are appended. An empty file is MD5MD5CRC32Gzip(0, 0, MD5 of 32 zero bytes).
 *   - CompositeCrcFileChecksum: algorithm `COMPOSITE-<CRC32|CRC32C>`, bytes the CRC of the whole
 *     file, 4 bytes big-endian (the block CRCs composed, ../protocol/datatransfer/crc-composer.ts).
 *
 * Pure: block results in, the file checksum out.
 */
import { createHash } from 'node:crypto';
import { ProtocolError } from '../../lib/errors/index.ts';
import { CrcComposer } from '../protocol/datatransfer/crc-composer.ts';

/** DataChecksum.Type names as the algorithm names spell them. */
export type CrcTypeName = 'CRC32' | 'CRC32C';

/** Options.ChecksumCombineMode (dfs.checksum.combine.mode). */
export type ChecksumCombineMode = 'MD5MD5CRC' | 'COMPOSITE_CRC';

/** MD5MD5CRC32FileChecksum: the MD5 of the blocks' MD5s of their chunk CRCs. */
export interface Md5Md5Crc32FileChecksum {
  readonly kind: 'MD5MD5CRC32';
  /** FileChecksum.getAlgorithmName(), e.g. `MD5-of-262144MD5-of-512CRC32C` */
  readonly algorithmName: string;
  /** FileChecksum.getBytes(): the 28-byte Writable form */
  readonly bytes: Uint8Array;
  readonly crcType: CrcTypeName;
  readonly bytesPerCrc: number;
  /** CRCs per block of the first block; 0 for a file of one block (FileChecksumHelper sets it only for several) */
  readonly crcPerBlock: number;
  readonly md5: Uint8Array;
}

/** CompositeCrcFileChecksum: the CRC of the whole file. */
export interface CompositeCrcFileChecksum {
  readonly kind: 'COMPOSITE_CRC';
  /** `COMPOSITE-CRC32C` or `COMPOSITE-CRC32` */
  readonly algorithmName: string;
  /** the CRC, 4 bytes big-endian */
  readonly bytes: Uint8Array;
  readonly crcType: CrcTypeName;
  readonly bytesPerCrc: number;
  /** unsigned 32-bit */
  readonly crc: number;
}

/** What HdfsClient.getFileChecksum returns (Hadoop's FileChecksum subclasses). */
export type FileChecksum = Md5Md5Crc32FileChecksum | CompositeCrcFileChecksum;

/** MD5MD5CRC32FileChecksum with its algorithm name and Writable bytes. */
export function md5Md5Crc32Checksum(crcType: CrcTypeName, bytesPerCrc: number, crcPerBlock: number, md5: Uint8Array): Md5Md5Crc32FileChecksum {
  const bytes = new Uint8Array(28);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, bytesPerCrc);
  view.setBigInt64(4, BigInt(crcPerBlock));
  bytes.set(md5, 12);
  return { kind: 'MD5MD5CRC32', algorithmName: `MD5-of-${crcPerBlock}MD5-of-${bytesPerCrc}${crcType}`, bytes, crcType, bytesPerCrc, crcPerBlock, md5 };
}

/** CompositeCrcFileChecksum with its algorithm name and bytes. */
export function compositeCrcChecksum(crcType: CrcTypeName, bytesPerCrc: number, crc: number): CompositeCrcFileChecksum {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, crc >>> 0);
  return { kind: 'COMPOSITE_CRC', algorithmName: `COMPOSITE-${crcType}`, bytes, crcType, bytesPerCrc, crc: crc >>> 0 };
}

/** FileChecksumComputer.compute for no blocks: the magic MD5MD5CRC32Gzip(0, 0, MD5 of 32 zero bytes), in either mode. */
export function emptyFileChecksum(): Md5Md5Crc32FileChecksum {
  return md5Md5Crc32Checksum('CRC32', 0, 0, createHash('md5').update(new Uint8Array(32)).digest());
}

/**
 * The bytes DataOutputBuffer.getData() returns after `written` bytes were appended in writes of
 * at most 16 bytes: the data, then zeros up to the capacity (32, doubled while too small).
 */
export function dataOutputBufferContents(written: Uint8Array): Uint8Array {
  let capacity = 32;
  while (capacity < written.length) capacity *= 2;
  const out = new Uint8Array(capacity);
  out.set(written);
  return out;
}

/**
 * makeMd5CrcResult: the MD5 of the block MD5s (DataOutputBuffer contents); undefined for NULL or
 * mixed chunk checksums, where Hadoop returns null.
 */
export function md5CrcFileChecksum(blockMd5s: readonly Uint8Array[], crcType: CrcTypeName | 'MIXED' | 'NULL', bytesPerCrc: number, crcPerBlock: number): Md5Md5Crc32FileChecksum | undefined {
  if (crcType !== 'CRC32' && crcType !== 'CRC32C') return undefined;
  const md5 = createHash('md5').update(dataOutputBufferContents(Buffer.concat(blockMd5s))).digest();
  return md5Md5Crc32Checksum(crcType, bytesPerCrc, crcPerBlock, md5);
}

/**
 * makeCompositeCrcResult: the blocks' answers are appended to one buffer and block i's CRC is read
 * at byte 4i (zeros past what was written, as in the DataOutputBuffer), composed with block i's
 * size (LocatedBlock.getBlockSize() after the client trimmed it to the requested length); the last
 * one with the reported last block's size unless the requested `length` ends before it.
 */
export function compositeCrcFileChecksum(answers: readonly Uint8Array[], blockSizes: readonly number[], crcType: CrcTypeName, bytesPerCrc: number, length: number, reportedLastBlockSize: number): CompositeCrcFileChecksum {
  const n = blockSizes.length;
  const written = Buffer.concat(answers);
  const all = new Uint8Array(Math.max(written.length, 4 * n));
  all.set(written);
  const view = new DataView(all.buffer);
  const composer = CrcComposer.single(crcType === 'CRC32C' ? 'CHECKSUM_CRC32C' : 'CHECKSUM_CRC32', blockSizes[0] ?? 0);
  let sum = 0;
  for (let i = 0; i < n - 1; i++) {
    sum += blockSizes[i]!;
    composer.update(view.getUint32(4 * i), blockSizes[i]!);
  }
  composer.update(view.getUint32(4 * (n - 1)), Math.min(reportedLastBlockSize, length - sum));
  const digest = composer.digest();
  if (digest.length < 4) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `The blocks cover no bytes of the ${length} requested: no composite CRC`, { length });
  }
  return compositeCrcChecksum(crcType, bytesPerCrc, new DataView(digest.buffer).getUint32(0));
}
