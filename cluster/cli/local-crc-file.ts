/**
 * The `.NAME.crc` file Hadoop's local ChecksumFileSystem keeps beside a file it writes, which
 * `hdfs dfs -get -crc` produces (CommandWithDestination writes through the local file system with
 * setWriteChecksum(true)): `crc\0` (ChecksumFileSystem.CHECKSUM_VERSION), the bytes per checksum
 * as a big-endian int (file.bytes-per-checksum, default 512), then a big-endian CRC-32 of each
 * chunk of the file (ChecksumFSOutputSummer's DataChecksum.Type.CRC32), named
 * ChecksumFileSystem.getChecksumFile does: `.` + name + `.crc` in the same directory.
 */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileError } from '../../lib/fs/file-errors.ts';
import { computeChecksums } from '../protocol/datatransfer/checksum.ts';

/** ChecksumFileSystem.CHECKSUM_VERSION. */
const CHECKSUM_VERSION = Buffer.from('crc\0', 'latin1');
/** file.bytes-per-checksum's default (LocalFileSystem). */
export const LOCAL_BYTES_PER_CHECKSUM = 512;

/** ChecksumFileSystem.getChecksumFile. */
export function checksumFileOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.crc`);
}

/** The .crc file's bytes for `data` (pure). */
export function localCrcBytes(data: Uint8Array, bytesPerChecksum = LOCAL_BYTES_PER_CHECKSUM): Buffer {
  const header = Buffer.alloc(8);
  CHECKSUM_VERSION.copy(header, 0);
  header.writeInt32BE(bytesPerChecksum, 4);
  return Buffer.concat([header, computeChecksums({ type: 'CHECKSUM_CRC32', bytesPerChecksum }, data)]);
}

/** Writes `path`'s .crc file, reading the file in whole chunks so a large one is not held in memory. */
export async function writeLocalCrcFile(path: string, bytesPerChecksum = LOCAL_BYTES_PER_CHECKSUM): Promise<void> {
  const parts: Buffer[] = [];
  let pending = Buffer.alloc(0);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 128 * bytesPerChecksum })) {
      pending = Buffer.concat([pending, chunk as Buffer]);
      const whole = pending.length - (pending.length % bytesPerChecksum);
      parts.push(Buffer.from(computeChecksums({ type: 'CHECKSUM_CRC32', bytesPerChecksum }, pending.subarray(0, whole))));
      pending = pending.subarray(whole);
    }
    const header = localCrcBytes(new Uint8Array(0), bytesPerChecksum);
    await writeFile(checksumFileOf(path), Buffer.concat([header, ...parts, Buffer.from(computeChecksums({ type: 'CHECKSUM_CRC32', bytesPerChecksum }, pending))]), { mode: 0o644 });
  } catch (e) {
    throw fileError('write the checksum file of', path, e);
  }
}
