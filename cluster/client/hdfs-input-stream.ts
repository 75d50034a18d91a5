/**
 * A file being read, as a Node Readable (Hadoop's DFSInputStream): the block locations of the range
 * come from the NameNode (getBlockLocations), each block's part of the range is read from its
 * replicas in the order the NameNode gave (BlockReader), the next replica tried when one fails, and
 * data is pushed only as fast as the consumer reads. A file still being written is read up to what
 * its writer hflushed: its last block's length comes from its DataNodes (block-length.ts). `start` / `end` are byte offsets, `end`
 * inclusive, as node:fs createReadStream takes them. A refused block token (expired during a long
 * read) refreshes the locations, and so the tokens, once per block, and a refused data encryption
 * key is fetched again once, as DFSInputStream does. A replica whose data fails its checksum is
 * remembered, and once the block's read is over the bad replicas are reported to the NameNode
 * (ClientProtocol.reportBadBlocks, as DFSInputStream.reportCheckSumFailure): not when every one of
 * several replicas failed (the data, not the replicas, may be bad), and a failed report is only
 * logged, never the read's failure.
 */
import { Readable } from 'node:stream';
import { FileError, HsecError, ProtocolError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { InvalidBlockTokenError, InvalidEncryptionKeyError } from '../../security/datatransfer/errors.ts';
import type { ClientProtocolClient } from '../protocol/client-protocol-client.ts';
import { EMPTY_TOKEN, type DatanodeInfo, type LocatedBlock } from '../protocol/hdfs-types.ts';
import { readBlockRange } from './block-reader.ts';
import type { DataNodeChannels } from './datanode-channel.ts';

const log = getLogger('hdfs.read');

export interface InputStreamContext {
  readonly nn: ClientProtocolClient;
  readonly channels: DataNodeChannels;
  readonly clientName: string;
  /** dfs.client.read.prefetch.size: how much of the file one getBlockLocations covers. */
  readonly prefetchSize: number;
  /** Check each chunk's CRC (default true; false: FileSystem.setVerifyChecksum(false)). */
  readonly verifyChecksum?: boolean;
  /** DFSInputStream.readBlockLength: the visible length of a file's last block while it is written (block-length.ts). */
  readonly readBlockLength: (block: LocatedBlock) => Promise<number>;
}

export interface ReadRange {
  /** First byte (default 0). */
  start?: number;
  /** Last byte, inclusive (default: the end of the file). */
  end?: number;
}

export class HdfsInputStream extends Readable {
  readonly path: string;
  readonly #chunks: AsyncGenerator<Uint8Array>;

  constructor(ctx: InputStreamContext, path: string, range: ReadRange = {}) {
    super();
    this.path = path;
    this.#chunks = readFile(ctx, path, range.start ?? 0, range.end);
  }

  override _read(): void {
    this.#chunks.next().then(
      (r) => this.push(r.done ? null : r.value),
      (e: Error) => this.destroy(e),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#chunks.return(undefined).then(() => callback(error), () => callback(error));
  }
}

async function* readFile(ctx: InputStreamContext, path: string, start: number, end: number | undefined): AsyncGenerator<Uint8Array> {
  let pos = start;
  let fileLength: number | undefined;
  /** the last block of a file being written, with the length its DataNodes let a reader see */
  let being: { blockId: number; length: number } | undefined;
  for (;;) {
    const want = ctx.prefetchSize;
    const located = await ctx.nn.getBlockLocations(path, pos, want);
    if (!located) throw new FileError('FILE_NOT_FOUND', `File does not exist: ${path}`, { path, fs: 'hdfs' });
    if (fileLength === undefined) {
      fileLength = located.fileLength;
      if (!located.isLastBlockComplete && located.lastBlock) {
        being = { blockId: located.lastBlock.b.blockId, length: await lastBlockLength(ctx, located.lastBlock) };
        fileLength += being.length;
      }
    }
    const last = Math.min(end ?? fileLength - 1, fileLength - 1);
    if (pos > last) return;
    const seen = being;
    const blocks = (located.blocks ?? [])
      .map((b) => (seen && b.b.blockId === seen.blockId ? { ...b, b: { ...b.b, numBytes: seen.length } } : b))
      .filter((b) => b.offset + (b.b.numBytes ?? 0) > pos);
    if (blocks.length === 0) throw new ProtocolError('PROTOCOL_MALFORMED', `The NameNode gave no block for ${path} at offset ${pos} of ${fileLength}`, { path });
    for (const block of blocks) {
      if (pos > last) return;
      const inBlock = pos - block.offset;
      const length = Math.min((block.b.numBytes ?? 0) - inBlock, last - pos + 1);
      for await (const data of readBlock(ctx, path, block, inBlock, length)) {
        pos += data.length;
        yield data;
      }
    }
    if (pos > last) return;
  }
}

/**
 * DFSInputStream.fetchLocatedBlocksAndGetLastBlockLength for a file being written: its last block
 * counts with the visible length its DataNodes report (what the writer hflushed); with no location
 * it is empty when the NameNode knows no byte of it, else unreadable for now.
 */
async function lastBlockLength(ctx: InputStreamContext, last: LocatedBlock): Promise<number> {
  if ((last.locs ?? []).length === 0) {
    if ((last.b.numBytes ?? 0) === 0) return 0;
    throw new HsecError('FILE_IO', 'Could not obtain the last block locations.', { blockId: last.b.blockId });
  }
  return ctx.readBlockLength(last);
}

/**
 * One block's range from its replicas: the next one after a failure; as DFSInputStream.blockSeekTo,
 * a refused data encryption key is fetched anew and the same replica tried again, once, and a
 * refused block token makes new locations (and tokens) be fetched, once.
 */
async function* readBlock(ctx: InputStreamContext, path: string, initial: LocatedBlock, offset: number, length: number): AsyncGenerator<Uint8Array> {
  let block = initial;
  let refreshed = false;
  let keyRefetched = false;
  const failures: string[] = [];
  /** DFSInputStream's corruptedBlocks: the replicas of this block that failed their checksum */
  const corrupted: DatanodeInfo[] = [];
  try {
    yield* readReplicas();
  } finally {
    await reportCheckSumFailure(ctx, path, block, corrupted);
  }

  async function* readReplicas(): AsyncGenerator<Uint8Array> {
    for (let i = 0; ; ) {
      const dn = block.locs?.[i];
      if (!dn) {
        throw new ProtocolError('PROTOCOL_MALFORMED', `Could not obtain block ${block.b.poolId}:blk_${block.b.blockId}_${block.b.generationStamp} of ${path}: ${failures.length ? `every replica failed (${failures.join('; ')})` : 'the NameNode knows no replica'}`, {
          path,
          blockId: block.b.blockId,
        });
      }
      let delivered = 0;
      try {
        for await (const data of readBlockRange(ctx.channels, dn, block, offset + delivered, length - delivered, ctx.clientName, ctx.verifyChecksum ?? true)) {
          delivered += data.length;
          yield data;
        }
        return;
      } catch (e) {
        if (!(e instanceof HsecError)) throw e;
        offset += delivered;
        length -= delivered;
        if (e instanceof InvalidEncryptionKeyError && !keyRefetched) {
          keyRefetched = true;
          ctx.channels.forgetEncryptionKey();
          log.info({ path, blockId: block.b.blockId, datanode: `${dn.id.ipAddr}:${dn.id.xferPort}` }, 'data encryption key refused: fetching a new key and connecting again');
          continue;
        }
        if (e instanceof InvalidBlockTokenError && !refreshed) {
          refreshed = true;
          log.info({ path, blockId: block.b.blockId }, 'block token refused: fetching the block locations again');
          const again = await ctx.nn.getBlockLocations(path, block.offset, 1);
          const fresh = again?.blocks?.find((b) => b.b.blockId === block.b.blockId);
          if (fresh) block = fresh;
          continue;
        }
        failures.push(`${dn.id.ipAddr}:${dn.id.xferPort}: ${e.message}`);
        if (e.code === 'PROTOCOL_CHECKSUM') {
          // DFSInputStream.readBuffer: a ChecksumException marks the replica corrupt
          log.warn({ path, datanode: `${dn.id.ipAddr}:${dn.id.xferPort}`, err: e }, `Found Checksum error for ${blockName(block)} from ${dn.id.ipAddr}:${dn.id.xferPort} at ${offset}`);
          if (!corrupted.some((c) => c.id.datanodeUuid === dn.id.datanodeUuid)) corrupted.push(dn);
        }
        log.warn({ path, datanode: `${dn.id.ipAddr}:${dn.id.xferPort}`, err: e }, 'reading a replica failed: trying the next one');
        i++;
      }
    }
  }
}

const blockName = (b: LocatedBlock) => `${b.b.poolId}:blk_${b.b.blockId}_${b.b.generationStamp}`;

/**
 * DFSInputStream.reportCheckSumFailure + DFSClient.reportChecksumFailure: the corrupt replicas are
 * reported when some but not all of the block's replicas failed, or its only replica did; the
 * report carries the block and the bad locations only. A failed report is logged.
 */
async function reportCheckSumFailure(ctx: InputStreamContext, path: string, block: LocatedBlock, corrupted: readonly DatanodeInfo[]): Promise<void> {
  const dataNodeCount = block.locs?.length ?? 0;
  const n = corrupted.length;
  if (!((n < dataNodeCount && n > 0) || (dataNodeCount === 1 && n === dataNodeCount))) return;
  const where = corrupted.map((d) => `${d.id.ipAddr}:${d.id.xferPort}`);
  try {
    await ctx.nn.reportBadBlocks([{ b: block.b, offset: block.offset, locs: [...corrupted], corrupt: false, blockToken: EMPTY_TOKEN }]);
    log.info({ path, blockId: block.b.blockId, datanodes: where }, `Reported corrupt replicas of ${blockName(block)} on ${where.join(', ')} to the NameNode`);
  } catch (e) {
    log.info({ path, blockId: block.b.blockId, datanodes: where, err: e }, `Found corruption while reading ${path}. Error repairing corrupt blocks. Bad blocks remain.`);
  }
}
