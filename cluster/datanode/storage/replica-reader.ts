/**
 * Reads a replica for BLOCK_SENDER (Hadoop's BlockSender over the replica's input streams): the
 * data of whole chunks and the stored checksums that cover them, straight from the block and meta
 * files, so a read serves checksums without recomputing them. Both files are opened once per read
 * op; a replica deleted or finalized meanwhile stays readable through the open handles.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { ProtocolError } from '../../../lib/errors/index.ts';
import { fileError } from '../../../lib/fs/file-errors.ts';
import { checksumSize } from '../../protocol/datatransfer/checksum.ts';
import { METADATA_HEADER_SIZE } from './block-metadata-header.ts';
import { atReplicaPath, type Replica } from './replica.ts';

const HINT = 'the replica files under dfs.datanode.data.dir could not be read';

export class ReplicaReader {
  readonly #replica: Replica;
  readonly #data: FileHandle;
  readonly #meta: FileHandle;

  private constructor(replica: Replica, data: FileHandle, meta: FileHandle) {
    this.#replica = replica;
    this.#data = data;
    this.#meta = meta;
  }

  static async open(replica: Replica): Promise<ReplicaReader> {
    let data: FileHandle;
    try {
      data = await atReplicaPath(replica, 'blockFile', (path) => open(path, 'r'));
    } catch (e) {
      throw fileError('open block file', replica.blockFile, e, HINT);
    }
    try {
      return new ReplicaReader(replica, data, await atReplicaPath(replica, 'metaFile', (path) => open(path, 'r')));
    } catch (e) {
      await data.close().catch(() => undefined);
      throw fileError('open meta file', replica.metaFile, e, HINT);
    }
  }

  /**
   * Data bytes [from, to) and the checksums of the chunks they span; `from` is a chunk boundary.
   * `withChecksums` false reads no checksum bytes.
   */
  async read(from: number, to: number, withChecksums: boolean): Promise<{ data: Buffer; checksums: Buffer }> {
    const { bytesPerChecksum: bpc, type } = this.#replica.checksum;
    const data = Buffer.allocUnsafe(to - from);
    await this.#readFully(this.#data, data, from, this.#replica.blockFile);
    const size = withChecksums ? checksumSize(type) : 0;
    const checksums = Buffer.allocUnsafe(Math.ceil((to - from) / bpc) * size);
    if (checksums.length > 0) await this.#readFully(this.#meta, checksums, METADATA_HEADER_SIZE + (from / bpc) * size, this.#replica.metaFile);
    return { data, checksums };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#data.close(), this.#meta.close()]);
  }

  async #readFully(handle: FileHandle, into: Buffer, position: number, path: string): Promise<void> {
    let at = 0;
    while (at < into.length) {
      let n: number;
      try {
        n = (await handle.read(into, at, into.length - at, position + at)).bytesRead;
      } catch (e) {
        throw fileError('read', path, e, HINT);
      }
      if (n === 0) {
        throw new ProtocolError('PROTOCOL_TRUNCATED', `${path} ends at ${position + at}, before the ${into.length} bytes at ${position} the replica's length promises: the replica is damaged`, { path, position });
      }
      at += n;
    }
  }
}
