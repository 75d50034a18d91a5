/**
 * Cuts a replica's files to a shorter length (Hadoop's FsDatasetImpl.truncateBlock, used when block
 * recovery agrees on fewer bytes than a replica holds): the block file is cut to `newLength`, the
 * meta file to the header plus one checksum per chunk of what is left, and the last chunk's
 * checksum is computed again from its bytes (the chunk may now end early). `truncatePlan` is the
 * arithmetic; `truncateBlock` does the file I/O.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { fileError } from '../../../lib/fs/file-errors.ts';
import { checksumSize, computeChecksums } from '../../protocol/datatransfer/checksum.ts';
import type { ChecksumSpec } from '../../protocol/datatransfer/messages.ts';
import { METADATA_HEADER_SIZE } from './block-metadata-header.ts';
import { ReplicaError } from './replica.ts';

const HINT = 'check dfs.datanode.data.dir (free space, permissions)';

export interface TruncatePlan {
  /** the meta file's new length: header + one checksum per chunk */
  metaLength: number;
  /** [offset, offset + length) of the last chunk's data, whose checksum is written again */
  lastChunk: { offset: number; length: number } | undefined;
}

/** FsDatasetImpl.truncateBlock's arithmetic for `newLength` bytes (0 keeps no chunk). */
export function truncatePlan(checksum: ChecksumSpec, newLength: number): TruncatePlan {
  const size = checksumSize(checksum.type);
  const chunks = Math.ceil(newLength / checksum.bytesPerChecksum);
  if (chunks === 0 || size === 0) return { metaLength: METADATA_HEADER_SIZE + chunks * size, lastChunk: undefined };
  const offset = (chunks - 1) * checksum.bytesPerChecksum;
  return { metaLength: METADATA_HEADER_SIZE + chunks * size, lastChunk: { offset, length: newLength - offset } };
}

/** Cuts `blockFile` from `oldLength` to `newLength` bytes and `metaFile` to match. */
export async function truncateBlock(blockFile: string, metaFile: string, checksum: ChecksumSpec, oldLength: number, newLength: number): Promise<void> {
  if (newLength === oldLength) return;
  if (newLength > oldLength) {
    throw new ReplicaError('REPLICA_RECOVERY', `Cannot truncate block to from oldlen (=${oldLength}) to newlen (=${newLength})`, { oldLength, newLength });
  }
  const plan = truncatePlan(checksum, newLength);
  let last: Uint8Array | undefined;
  await withFile(blockFile, 'truncate block file', async (h) => {
    await h.truncate(newLength);
    if (plan.lastChunk) {
      const buf = Buffer.alloc(plan.lastChunk.length);
      const { bytesRead } = await h.read(buf, 0, buf.length, plan.lastChunk.offset);
      if (bytesRead !== buf.length) throw Object.assign(new Error(`read ${bytesRead} of ${buf.length} bytes`), { code: 'EIO' });
      last = computeChecksums(checksum, buf);
    }
  });
  await withFile(metaFile, 'truncate meta file', async (h) => {
    await h.truncate(plan.metaLength);
    if (last) await h.write(last, 0, last.length, plan.metaLength - last.length);
  });
}

async function withFile(path: string, action: string, fn: (h: FileHandle) => Promise<void>): Promise<void> {
  let h: FileHandle | undefined;
  try {
    h = await open(path, 'r+');
    await fn(h);
  } catch (e) {
    throw fileError(action, path, e, HINT);
  } finally {
    await h?.close().catch(() => undefined);
  }
}
