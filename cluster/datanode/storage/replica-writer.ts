/**
 * Writes a replica being received (Hadoop's ReplicaInPipeline output streams, as
 * BlockReceiver.receivePacket uses them): the block file and its meta file in rbw/, the meta
 * header first, then each packet's data at its offset and its chunk checksums at
 * header + (offset / bytesPerChecksum) x checksum size. A packet normally starts where the last
 * one ended, on a chunk boundary. Otherwise (an append to a replica ending inside a chunk, a chunk
 * sent again from its start after an hflush) partial-chunk.ts says which bytes are new and which
 * checksums to write, and the CRC of a partial chunk on disk is recomputed with the new bytes. A
 * replica reopened for append (`openForAppend`) keeps its files and length. `numBytes` advances
 * once a packet's bytes and checksums are written.
 */
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { ProtocolError } from '../../../lib/errors/index.ts';
import { fileError } from '../../../lib/fs/file-errors.ts';
import { checksumSize } from '../../protocol/datatransfer/checksum.ts';
import type { ChecksumSpec } from '../../protocol/datatransfer/messages.ts';
import { encodeMetadataHeader, METADATA_HEADER_SIZE } from './block-metadata-header.ts';
import { extendPartialChunkCrc, planPacket } from './partial-chunk.ts';

const HINT = 'check dfs.datanode.data.dir (free space, permissions)';

export class ReplicaWriter {
  readonly #name: string;
  readonly #blockFile: string;
  readonly #metaFile: string;
  readonly #checksum: ChecksumSpec;
  readonly #data: FileHandle;
  readonly #meta: FileHandle;
  #numBytes = 0;
  #closed = false;
  /** opened for append (an existing replica, kept whatever its length) */
  #reopened = false;

  private constructor(name: string, blockFile: string, metaFile: string, checksum: ChecksumSpec, data: FileHandle, meta: FileHandle) {
    this.#name = name;
    this.#blockFile = blockFile;
    this.#metaFile = metaFile;
    this.#checksum = checksum;
    this.#data = data;
    this.#meta = meta;
  }

  /** Creates both files (they must not exist) and writes the meta header. `name` is the block, for messages. */
  static async create(name: string, blockFile: string, metaFile: string, checksum: ChecksumSpec): Promise<ReplicaWriter> {
    let data: FileHandle | undefined;
    try {
      data = await open(blockFile, 'wx+', 0o644);
    } catch (e) {
      throw fileError('create block file', blockFile, e, HINT);
    }
    let meta: FileHandle;
    try {
      meta = await open(metaFile, 'wx+', 0o644);
      await meta.write(encodeMetadataHeader(checksum), 0, METADATA_HEADER_SIZE, 0);
    } catch (e) {
      await data.close().catch(() => undefined);
      await unlink(blockFile).catch(() => undefined);
      throw fileError('create meta file', metaFile, e, HINT);
    }
    return new ReplicaWriter(name, blockFile, metaFile, checksum, data, meta);
  }

  /** Opens the files of a replica moved to rbw/ for append (FsVolumeImpl.append); writing continues at `numBytes`. */
  static async openForAppend(name: string, blockFile: string, metaFile: string, checksum: ChecksumSpec, numBytes: number): Promise<ReplicaWriter> {
    let data: FileHandle;
    try {
      data = await open(blockFile, 'r+');
    } catch (e) {
      throw fileError('open block file for append', blockFile, e, HINT);
    }
    let meta: FileHandle;
    try {
      meta = await open(metaFile, 'r+');
    } catch (e) {
      await data.close().catch(() => undefined);
      throw fileError('open meta file for append', metaFile, e, HINT);
    }
    const w = new ReplicaWriter(name, blockFile, metaFile, checksum, data, meta);
    w.#numBytes = numBytes;
    w.#reopened = true;
    return w;
  }

  /** True for a replica reopened for append (FsVolumeImpl.append), false for a new one. */
  get reopened(): boolean {
    return this.#reopened;
  }

  /** Bytes written so far (the replica's length). */
  get numBytes(): number {
    return this.#numBytes;
  }

  /**
   * Writes one packet's data at `offset` with its checksums (one per chunk of `data`, already
   * verified or computed by the caller). Returns the replica length after the packet.
   */
  write(offset: number, data: Uint8Array, checksums: Uint8Array): Promise<number> {
    return this.writeRun([{ offset, data, checksums }]);
  }

  /**
   * Writes packets that follow each other (each starts where the previous one ended, on a chunk
   * boundary) with one vectored write per file: the first is placed as `write` places a packet;
   * empty packets (a heartbeat, the last packet) only must not point past the data. Returns the
   * replica length after the last one.
   */
  async writeRun(all: readonly { offset: number; data: Uint8Array; checksums: Uint8Array }[]): Promise<number> {
    let packets = all.filter((p) => p.data.length > 0);
    const bpc = this.#checksum.bytesPerChecksum;
    const first = packets[0];
    if (first && (first.offset !== this.#numBytes || first.offset % bpc !== 0)) {
      await this.#writeOverlapping(first);
      packets = packets.slice(1);
    }
    let end = this.#numBytes;
    for (const p of packets) {
      if (p.offset !== end || end % bpc !== 0) {
        throw new ProtocolError('PROTOCOL_MALFORMED', `Received an out-of-sequence packet for ${this.#name} at offset ${p.offset}. Expecting packet starting at ${end}`, { offset: p.offset, expected: end });
      }
      end += p.data.length;
    }
    for (const p of all) {
      if (p.data.length === 0 && p.offset > end) {
        throw new ProtocolError('PROTOCOL_MALFORMED', `Received an out-of-sequence packet for ${this.#name} at offset ${p.offset}. Expecting packet starting at ${end}`, { offset: p.offset, expected: end });
      }
    }
    const start = packets[0];
    if (!start) return this.#numBytes;
    const sums = packets.map((p) => p.checksums).filter((c) => c.length > 0);
    // data and checksums go to their files at the same time (two threads of the pool)
    const writes = [writeFully(this.#data, packets.map((p) => p.data), start.offset, 'write block file', this.#blockFile)];
    if (sums.length > 0) writes.push(writeFully(this.#meta, sums, this.#checksumPosition(start.offset / bpc), 'write meta file', this.#metaFile));
    await settleAll(writes);
    this.#numBytes = Math.max(this.#numBytes, end);
    return this.#numBytes;
  }

  /**
   * A packet that does not start at the end of the replica on a chunk boundary (see
   * partial-chunk.ts): only its new bytes are written; a partial chunk on disk gets the CRC of the
   * whole chunk, computed from its bytes on disk and the new ones.
   */
  async #writeOverlapping(p: { offset: number; data: Uint8Array; checksums: Uint8Array }): Promise<void> {
    const have = this.#numBytes;
    const plan = planPacket(have, p.offset, p.data.length, this.#checksum.bytesPerChecksum, this.#name);
    if (!plan) return;
    const fresh = p.data.subarray(plan.skipData);
    const size = checksumSize(this.#checksum.type);
    const sums: Uint8Array[] = [];
    if (size > 0 && plan.recalc) {
      const { chunkStart, partialLength, newBytes } = plan.recalc;
      const onDisk = await readFully(this.#data, chunkStart, partialLength, 'read the partial chunk of', this.#blockFile);
      const stored = await readFully(this.#meta, this.#checksumPosition(plan.firstChunk), size, 'read the last checksum of', this.#metaFile);
      sums.push(extendPartialChunkCrc(this.#checksum, onDisk, stored, fresh.subarray(0, newBytes), this.#name));
    }
    if (size > 0 && p.checksums.length > plan.skipChecksums * size) sums.push(p.checksums.subarray(plan.skipChecksums * size));
    const writes = [writeFully(this.#data, [fresh], have, 'write block file', this.#blockFile)];
    if (sums.length > 0) writes.push(writeFully(this.#meta, sums, this.#checksumPosition(plan.firstChunk), 'write meta file', this.#metaFile));
    await settleAll(writes);
    this.#numBytes = p.offset + p.data.length;
  }

  #checksumPosition(chunk: number): number {
    return METADATA_HEADER_SIZE + chunk * checksumSize(this.#checksum.type);
  }

  /** hsync (a packet with syncBlock): both files reach the disk before the packet is acked. */
  async sync(): Promise<void> {
    try {
      await Promise.all([this.#data.datasync(), this.#meta.datasync()]);
    } catch (e) {
      throw fileError('sync', this.#blockFile, e, HINT);
    }
  }

  /** Closes both files (the replica stays where it is; the dataset moves it). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const results = await Promise.allSettled([this.#data.close(), this.#meta.close()]);
    const failed = results.findIndex((r) => r.status === 'rejected');
    if (failed >= 0) throw fileError('close', failed === 0 ? this.#blockFile : this.#metaFile, (results[failed] as PromiseRejectedResult).reason, HINT);
  }

  /** Closes and deletes both files (a write that failed). */
  async abort(): Promise<void> {
    await this.close().catch(() => undefined);
    await Promise.allSettled([unlink(this.#blockFile), unlink(this.#metaFile)]);
  }
}

async function settleAll(writes: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

async function readFully(handle: FileHandle, position: number, length: number, action: string, path: string): Promise<Uint8Array> {
  const out = Buffer.alloc(length);
  let bytesRead: number;
  try {
    ({ bytesRead } = await handle.read(out, 0, length, position));
  } catch (e) {
    throw fileError(action, path, e, HINT);
  }
  if (bytesRead !== length) throw fileError(action, path, Object.assign(new Error(`read ${bytesRead} of ${length} bytes at ${position}`), { code: 'EIO' }), HINT);
  return out;
}

/** One vectored write, all of it: a short write (a full disk) is a FileError, not lost bytes. */
async function writeFully(handle: FileHandle, buffers: Uint8Array[], position: number, action: string, path: string): Promise<void> {
  const total = buffers.reduce((n, b) => n + b.length, 0);
  let written: number;
  try {
    written = (await handle.writev(buffers, position)).bytesWritten;
  } catch (e) {
    throw fileError(action, path, e, HINT);
  }
  if (written !== total) {
    throw fileError(action, path, Object.assign(new Error(`wrote ${written} of ${total} bytes`), { code: 'ENOSPC' }), HINT);
  }
}
