/**
 * getFileChecksum's walk over a file's blocks (Hadoop 3.4.1 DFSClient.getFileChecksumInternal and
 * FileChecksumHelper.ReplicatedFileChecksumComputer): the blocks of [0, length) from
 * getBlockLocations (none asked for when length is 0), refused while the file is under construction
 * (DFSClient.getBlockLocations, HDFS-8150); no blocks is the empty-file checksum; for
 * each block, its numBytes trimmed to what remains of `length`, BLOCK_CHECKSUM to its DataNodes in
 * turn until one answers. A refused block token fetches all locations (fresh tokens) again and a
 * refused data encryption key is fetched anew, each once per block index, as the stock client
 * does; any other failure moves on to the next DataNode, and a block no DataNode answered for is
 * "Fail to get block MD5 for ...". The first block's answer sets bytesPerCrc and the CRC type and,
 * when there are several blocks, crcPerBlock; later blocks must agree (MD5CRC: another
 * bytesPerCrc is an error of that DataNode, another CRC type makes the file MIXED, whose checksum
 * is undefined, Hadoop's null). The results combine in ./file-checksum.ts.
 */
import { FileError, FileSystemError, HsecError, ProtocolError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { InvalidBlockTokenError, InvalidEncryptionKeyError } from '../../security/datatransfer/errors.ts';
import type { ClientProtocolClient } from '../protocol/client-protocol-client.ts';
import { decodeBlockOpResponse, encodeOpBlockChecksum, type BlockChecksumResponse, type BlockChecksumType } from '../protocol/datatransfer/messages.ts';
import { tryReadDelimited } from '../protocol/datatransfer/op-frame.ts';
import type { DatanodeInfo, LocatedBlock, LocatedBlocks } from '../protocol/hdfs-types.ts';
import { checkOpResponse } from './block-reader.ts';
import type { DataNodeChannels } from './datanode-channel.ts';
import { compositeCrcFileChecksum, emptyFileChecksum, md5CrcFileChecksum, type ChecksumCombineMode, type CrcTypeName, type FileChecksum } from './file-checksum.ts';

const log = getLogger('hdfs.checksum');

export interface FileChecksumContext {
  readonly nn: ClientProtocolClient;
  readonly channels: DataNodeChannels;
}

/** FileChecksumHelper's per-DataNode wait: 3 s per replica on top of dfs.client.socket-timeout. */
const PER_REPLICA_TIMEOUT_MS = 3000;

/**
 * DFSClient.getFileChecksumInternal for a replicated file; `length` Number.MAX_SAFE_INTEGER stands
 * for Long.MAX_VALUE (the whole file). Resolves undefined where Hadoop returns null (NULL or mixed
 * chunk checksums under MD5MD5CRC).
 */
export async function computeFileChecksum(ctx: FileChecksumContext, src: string, length: number, mode: ChecksumCombineMode): Promise<FileChecksum | undefined> {
  const locate = async (): Promise<LocatedBlocks> => {
    const located = await ctx.nn.getBlockLocations(src, 0, length);
    if (!located) throw new FileError('FILE_NOT_FOUND', `File does not exist: ${src}`, { path: src, fs: 'hdfs' });
    // DFSClient.getBlockLocations (HDFS-8150): a file open for writing has no checksum yet
    if (located.underConstruction) throw new FileSystemError('FS_LEASE', `Fail to get checksum, since file ${src} is under construction.`, { path: src });
    if (located.ecPolicy || located.blocks?.some((b) => b.blockIndices !== undefined)) {
      throw new FileSystemError('FS_UNSUPPORTED', `${src} is erasure-coded: hsec computes checksums of replicated files only (BLOCK_GROUP_CHECKSUM is not implemented)`, { path: src });
    }
    return located;
  };
  let located = length > 0 ? await locate() : undefined;
  if (!located?.blocks?.length) return emptyFileChecksum();
  const walk = new BlockWalk(ctx, src, length, mode === 'COMPOSITE_CRC' ? 'COMPOSITE_CRC' : 'MD5CRC');
  // LocatedBlock.getBlock() is trimmed in place, so keep our own copies
  let blocks = copies(located);
  walk.remaining = src.includes('/.snapshot/') ? Math.min(length, located.fileLength) : length;
  for (let i = 0; i < blocks.length && walk.remaining >= 0; i++) {
    if (walk.refetch) {
      located = await locate();
      blocks = copies(located);
      walk.refetch = false;
    }
    i = await walk.checksumBlock(blocks, i);
  }
  if (mode === 'MD5MD5CRC') return md5CrcFileChecksum(walk.answers, walk.crcType, walk.bytesPerCrc, walk.crcPerBlock);
  if (walk.crcType !== 'CRC32' && walk.crcType !== 'CRC32C') {
    throw new ProtocolError('PROTOCOL_MALFORMED', `No CRC polynomial could be associated with type: ${walk.crcType} (the blocks of ${src} have no CRC chunk checksums)`, { path: src });
  }
  const last = located.lastBlock ?? blocks[blocks.length - 1]!;
  return compositeCrcFileChecksum(walk.answers, blocks.map((b) => b.b.numBytes ?? 0), walk.crcType, walk.bytesPerCrc, length, last.b.numBytes ?? 0);
}

function copies(located: LocatedBlocks): LocatedBlock[] {
  return (located.blocks ?? []).map((b) => ({ ...b, b: { ...b.b } }));
}

/** The state FileChecksumComputer keeps across blocks. */
class BlockWalk {
  readonly #ctx: FileChecksumContext;
  readonly #src: string;
  readonly #type: BlockChecksumType;
  remaining: number;
  refetch = false;
  #lastRetriedIndex = -1;
  bytesPerCrc = -1;
  crcPerBlock = 0;
  crcType: CrcTypeName | 'MIXED' | 'NULL' = 'CRC32';
  /** the blocks' checksum bytes, in order */
  readonly answers: Uint8Array[] = [];

  constructor(ctx: FileChecksumContext, src: string, length: number, type: BlockChecksumType) {
    this.#ctx = ctx;
    this.#src = src;
    this.#type = type;
    this.remaining = length;
  }

  /** ReplicatedFileChecksumComputer.checksumBlock; returns the index to continue from (i - 1 to repeat the block). */
  async checksumBlock(blocks: LocatedBlock[], i: number): Promise<number> {
    const located = blocks[i]!;
    const block = located.b;
    if (this.remaining < (block.numBytes ?? 0)) block.numBytes = this.remaining;
    this.remaining -= block.numBytes ?? 0;
    const datanodes = located.locs ?? [];
    const timeoutMs = PER_REPLICA_TIMEOUT_MS * datanodes.length + this.#ctx.channels.timeoutMs;
    const failures: string[] = [];
    for (const dn of datanodes) {
      try {
        const answer = await blockChecksumFrom(this.#ctx.channels, dn, located, this.#type, timeoutMs);
        this.#extractProperties(answer, blocks.length, i);
        this.#append(answer);
        return i;
      } catch (e) {
        if (!(e instanceof HsecError)) throw e;
        const retry = i > this.#lastRetriedIndex && (e instanceof InvalidBlockTokenError || e instanceof InvalidEncryptionKeyError);
        if (retry) {
          log.debug({ path: this.#src, blockId: block.blockId, datanode: xferAddr(dn), code: e.code }, 'BLOCK_CHECKSUM refused the token or key: retrying the block once');
          this.#lastRetriedIndex = i;
          if (e instanceof InvalidBlockTokenError) this.refetch = true;
          else this.#ctx.channels.forgetEncryptionKey();
          return i - 1;
        }
        failures.push(`${xferAddr(dn)}: ${e.message}`);
        log.warn({ path: this.#src, datanode: xferAddr(dn), err: e }, 'BLOCK_CHECKSUM failed: trying the next DataNode');
      }
    }
    throw new HsecError('FILE_IO', `Fail to get block MD5 for ${block.poolId}:blk_${block.blockId}_${block.generationStamp}: ${failures.length ? failures.join('; ') : 'the NameNode knows no replica'}`, {
      path: this.#src, blockId: block.blockId,
    });
  }

  /** FileChecksumComputer.extractChecksumProperties. */
  #extractProperties(answer: BlockChecksumResponse, blockCount: number, i: number): void {
    if (i === 0) this.bytesPerCrc = answer.bytesPerCrc;
    else if (answer.bytesPerCrc !== this.bytesPerCrc) {
      if (this.#type === 'COMPOSITE_CRC') log.warn({ path: this.#src, bytesPerCrc: this.bytesPerCrc, next: answer.bytesPerCrc }, 'bytesPerCRC differs between blocks; continuing with COMPOSITE_CRC');
      else throw new ProtocolError('PROTOCOL_MALFORMED', `Byte-per-checksum not matched: bpc=${answer.bytesPerCrc} but bytesPerCRC=${this.bytesPerCrc}`, { path: this.#src });
    }
    if (blockCount > 1 && i === 0) this.crcPerBlock = answer.crcPerBlock;
    if (!answer.crcType) {
      throw new ProtocolError('PROTOCOL_MALFORMED', 'The DataNode answered BLOCK_CHECKSUM without crcType (a DataNode older than Hadoop 2.1; hsec does not infer the type by reading)', { path: this.#src });
    }
    const type = answer.crcType.slice('CHECKSUM_'.length) as CrcTypeName | 'NULL';
    if (i === 0) this.crcType = type;
    else if (this.crcType !== 'MIXED' && this.crcType !== type) {
      if (this.#type === 'COMPOSITE_CRC') throw new ProtocolError('PROTOCOL_MALFORMED', 'DataChecksum.Type.MIXED is not supported for COMPOSITE_CRC', { path: this.#src });
      this.crcType = 'MIXED';
    }
  }

  /** FileChecksumComputer.populateBlockChecksumBuf. */
  #append(answer: BlockChecksumResponse): void {
    if (this.#type === 'MD5CRC') {
      if (answer.blockChecksum.length !== 16) throw new ProtocolError('PROTOCOL_MALFORMED', `Wrong length: ${answer.blockChecksum.length} (a block MD5 has 16 bytes)`, { path: this.#src });
    } else if ((answer.blockChecksumOptions?.blockChecksumType ?? 'MD5CRC') !== 'COMPOSITE_CRC') {
      throw new ProtocolError('PROTOCOL_MALFORMED', `Unexpected blockChecksumType '${answer.blockChecksumOptions?.blockChecksumType ?? 'MD5CRC'}', expecting COMPOSITE_CRC`, { path: this.#src });
    }
    this.answers.push(answer.blockChecksum);
  }
}

/** One BLOCK_CHECKSUM to `dn` (FileChecksumHelper.tryDatanode): the op with the trimmed block and its token, then the answer. */
export async function blockChecksumFrom(channels: DataNodeChannels, dn: DatanodeInfo, located: LocatedBlock, type: BlockChecksumType, timeoutMs: number): Promise<BlockChecksumResponse> {
  const conn = await channels.open(dn, located.blockToken);
  try {
    await conn.output.write(encodeOpBlockChecksum({ header: { block: located.b, token: located.blockToken }, blockChecksumOptions: { blockChecksumType: type, stripeLength: 0 } }));
    const response = decodeBlockOpResponse(await conn.input.next((q) => tryReadDelimited(q, 1 << 20, 'BlockOpResponse'), 'the BLOCK_CHECKSUM response', timeoutMs));
    checkOpResponse(response, 'BLOCK_CHECKSUM', conn.peer, located.b.blockId);
    if (!response.checksumResponse) throw new ProtocolError('PROTOCOL_MALFORMED', `DataNode ${conn.peer} answered BLOCK_CHECKSUM without the checksum`, { remoteAddress: conn.peer });
    return response.checksumResponse;
  } finally {
    conn.close();
  }
}

function xferAddr(dn: DatanodeInfo): string {
  return `${dn.id.ipAddr}:${dn.id.xferPort}`;
}
