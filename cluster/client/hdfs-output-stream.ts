/**
 * A file being written, as a Node Writable (Hadoop's DFSOutputStream + DataStreamer): bytes are cut
 * into packets as a stock client cuts them (OutputPacketizer), each block is asked of the NameNode
 * (addBlock, with the previous block's final length) and written through its DataNode pipeline
 * (BlockWriter); `end()` sends the last packet, waits for its ack and completes the file
 * (complete, retried while the NameNode waits for the DataNodes' reports). Back-pressure is real: a
 * write resolves only when the pipeline has room for its packets.
 *
 * Failures during pipeline set-up are handled as Hadoop's DataStreamer.nextBlockOutputStream does:
 * the block is abandoned and a new one asked for, excluding a DataNode that could not be reached,
 * up to dfs.client.block.write.retries times. A refused block token (the token expired while a
 * long-running writer waited) gets one more block with a fresh token instead of marking the
 * DataNode dead; a refused data encryption key is fetched again and the same block tried once more
 * (DataStreamer.createBlockOutputStream's refetchEncryptionKey).
 *
 * Append (DFSClient.callAppend, DFSOutputStream.newStreamForAppend): the NameNode's append
 * reopens the file; when it returns the partial last block, the stream continues that block
 * (OutputPacketizer's appendAt) through its existing replicas as DataStreamer does for stage
 * PIPELINE_SETUP_APPEND: updateBlockForPipeline (a new generation stamp and a WRITE token), the
 * WRITE_BLOCK with PIPELINE_SETUP_APPEND to the same DataNodes, then updatePipeline; otherwise (a
 * full last block, an empty file, NEW_BLOCK) the next bytes go to a block from addBlock. An append
 * pipeline that fails is not recovered (no pipeline recovery in hsec): the write fails.
 *
 * `hflush()` (Syncable.hflush) sends the bytes buffered so far, waits until the pipeline has
 * acknowledged them, and tells the NameNode of a block allocated since the last flush (fsync).
 */
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { HsecError, ProtocolError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { InvalidBlockTokenError, InvalidEncryptionKeyError } from '../../security/datatransfer/errors.ts';
import type { ClientProtocolClient } from '../protocol/client-protocol-client.ts';
import { CreateFlag } from '../protocol/client-protocol.ts';
import type { ChecksumSpec } from '../protocol/datatransfer/messages.ts';
import { OutputPacketizer, type OutboundPacket } from '../protocol/datatransfer/output-packetizer.ts';
import type { DatanodeInfo, ExtendedBlock, LocatedBlock } from '../protocol/hdfs-types.ts';
import { BlockWriter, type AppendStage } from './block-writer.ts';
import type { DataNodeChannels } from './datanode-channel.ts';
import type { LeaseRenewer } from './lease-renewer.ts';

/** The NameNode's answer to addBlock while the previous block lacks its minimal replicas. */
const NOT_REPLICATED_YET = 'org.apache.hadoop.hdfs.server.namenode.NotReplicatedYetException';

const log = getLogger('hdfs.write');

export interface OutputStreamContext {
  readonly nn: ClientProtocolClient;
  readonly channels: DataNodeChannels;
  readonly leases: LeaseRenewer;
  readonly clientName: string;
  readonly checksum: ChecksumSpec;
  readonly writePacketSize: number;
  readonly maxPacketsInFlight: number;
  /** dfs.client.block.write.retries (default 3). */
  readonly blockWriteRetries: number;
  /** dfs.client.block.write.locateFollowingBlock.retries (default 5): addBlock and complete retries. */
  readonly locateFollowingRetries: number;
  /** dfs.client.block.write.locateFollowingBlock.initial.delay.ms (default 400): the first wait before asking again; it doubles. */
  readonly locateFollowingInitialDelayMs: number;
  /** dfs.client.block.write.locateFollowingBlock.max.delay.ms (default 60000): the longest wait. */
  readonly locateFollowingMaxDelayMs: number;
}

export interface CreateOptions {
  /** Replace an existing file (CREATE|OVERWRITE); default false: an existing file is an error. */
  overwrite?: boolean;
  /** Replication factor (default dfs.replication). */
  replication?: number;
  /** Block size, bytes (default dfs.blocksize); a multiple of the checksum chunk (512). */
  blockSize?: number;
  /** Mode before the umask (default 0o666). */
  permission?: number;
  /** Create missing parent directories (default true, as FileSystem.create). */
  createParent?: boolean;
  /**
   * Append to the existing file instead of creating it (FileSystem.append; FileNotFoundException
   * when it does not exist). `overwrite`, `replication`, `blockSize`, `permission` and
   * `createParent` do not apply.
   */
  append?: boolean;
  /** With `append`: start a new block rather than fill the partial last one (CreateFlag.NEW_BLOCK). */
  newBlock?: boolean;
  /**
   * CreateFlag.LAZY_PERSIST: the DataNodes may keep the blocks in memory (RAM_DISK) and write
   * them to disk later; a NameNode with the LAZY_PERSIST storage policy sets it on the file.
   */
  lazyPersist?: boolean;
}

/** What create() sends besides the path, resolved from the options and the configuration. */
export interface CreateRequestParts {
  readonly createFlag: number;
  readonly replication: number;
  readonly blockSize: number;
  readonly masked: number;
  readonly unmasked: number;
  readonly createParent: boolean;
  /** Open with ClientProtocol.append instead of create; `newBlock` adds CreateFlag.NEW_BLOCK. */
  readonly append?: { readonly newBlock: boolean };
}

export class HdfsOutputStream extends Writable {
  /** The file's full path. */
  readonly path: string;
  readonly #ctx: OutputStreamContext;
  readonly #create: CreateRequestParts;
  #fileId = 0;
  /** The create status's block size (DFSOutputStream's blockSize). */
  #blockSize = 0;
  #packetizer: OutputPacketizer | undefined;
  #writer: BlockWriter | undefined;
  #located: LocatedBlock | undefined;
  #previous: ExtendedBlock | undefined;
  /** The partial last block append() returned: the first packets go to it (stage PIPELINE_SETUP_APPEND). */
  #appendBlock: LocatedBlock | undefined;
  #written = 0;
  /** the latest _write's work, for hflush to wait behind */
  #lastWrite: Promise<void> = Promise.resolve();
  /** a block was allocated since the last hflush: the NameNode hears of it (fsync) at the next one */
  #persistBlocks = false;

  constructor(ctx: OutputStreamContext, path: string, create: CreateRequestParts) {
    super({ highWaterMark: ctx.writePacketSize });
    this.#ctx = ctx;
    this.path = path;
    this.#create = create;
  }

  /** DistributedFileSystem.create / append: the NameNode creates or reopens the file (under construction, leased to this client). */
  override _construct(callback: (error?: Error | null) => void): void {
    const opened = this.#create.append ? this.#openForAppend(this.#create.append.newBlock) : this.#openNew();
    opened.then(() => {
      this.#ctx.leases.opened(this.path);
      callback();
    }, (e: Error) => callback(e));
  }

  async #openNew(): Promise<void> {
    const c = this.#create;
    const status = await this.#ctx.nn.create({
      src: this.path,
      masked: { perm: c.masked },
      clientName: this.#ctx.clientName,
      createFlag: c.createFlag,
      createParent: c.createParent,
      replication: c.replication,
      blockSize: c.blockSize,
      cryptoProtocolVersion: ['ENCRYPTION_ZONES'],
      unmasked: { perm: c.unmasked },
    });
    this.#fileId = status?.fileId ?? 0;
    this.#start(status?.blocksize || c.blockSize, 0);
  }

  /** DFSClient.callAppend + DFSOutputStream's append constructor. */
  async #openForAppend(newBlock: boolean): Promise<void> {
    const flag = CreateFlag.APPEND | (newBlock ? CreateFlag.NEW_BLOCK : 0);
    const { block, stat } = await this.#ctx.nn.append(this.path, this.#ctx.clientName, flag);
    if (!stat) throw new ProtocolError('PROTOCOL_MALFORMED', `The NameNode's append response for ${this.path} has no file status`, { path: this.path });
    this.#fileId = stat.fileId ?? 0;
    const blockSize = stat.blocksize || this.#create.blockSize;
    if (block && !newBlock) {
      if ((block.locs ?? []).length === 0) throw new ProtocolError('PROTOCOL_MALFORMED', `Unable to retrieve blocks locations for last block ${block.b.blockId} of file ${this.path}`, { path: this.path });
      this.#appendBlock = block;
      this.#start(blockSize, block.b.numBytes ?? 0);
    } else {
      // NEW_BLOCK: the last block is the previous one of the first addBlock
      if (block) this.#previous = block.b;
      this.#start(blockSize, 0);
    }
    log.info({ path: this.path, length: stat.length, lastBlock: this.#appendBlock?.b.blockId, newBlock }, 'appending');
  }

  #start(blockSize: number, appendAt: number): void {
    this.#blockSize = blockSize;
    this.#packetizer = new OutputPacketizer({
      blockSize, bytesPerChecksum: this.#ctx.checksum.bytesPerChecksum, checksumType: this.#ctx.checksum.type, writePacketSize: this.#ctx.writePacketSize, appendAt,
    });
  }

  /** Bytes accepted so far. */
  get bytesWritten(): number {
    return this.#written;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#written += chunk.length;
    this.#lastWrite = this.#sendAll(this.#packetizer!.write(chunk)).then(() => callback(), (e: Error) => callback(e));
  }

  /**
   * Syncable.hflush (DFSOutputStream.flushOrSync without sync): every byte written so far goes to
   * the DataNodes and is acknowledged by the whole pipeline, so a reader (or block recovery, if
   * this writer dies) sees it; after a new block, the NameNode is told of it (fsync).
   */
  async hflush(): Promise<void> {
    while (this.writableLength > 0 && !this.destroyed) {
      await this.#lastWrite;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (this.destroyed) throw new HsecError('FILE_IO', `hflush of ${this.path}: the stream is closed`, { path: this.path });
    await this.#sendAll(this.#packetizer!.flush());
    await this.#writer?.waitForAcks();
    if (this.#persistBlocks) {
      this.#persistBlocks = false;
      await this.#ctx.nn.fsync(this.path, this.#ctx.clientName, -1, this.#fileId);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#finish().then(() => callback(), (e: Error) => callback(e));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#writer?.abort();
    this.#ctx.leases.closed(this.path);
    callback(error);
  }

  /**
   * A pipeline that was being set up when the stream was destroyed (an aborted copy, a failed
   * source): _destroy found no writer to close, so it is closed here, or its DataNode connection
   * would stay open, heartbeating, after the stream is gone.
   */
  #unlessDestroyed(writer: BlockWriter): BlockWriter {
    if (!this.destroyed) return writer;
    writer.abort();
    throw new HsecError('FILE_IO', `The output stream of ${this.path} was closed while its block pipeline was being set up`, { path: this.path });
  }

  async #sendAll(packets: readonly OutboundPacket[]): Promise<void> {
    for (const p of packets) {
      this.#writer ??= this.#unlessDestroyed(this.#appendBlock ? await this.#openAppendPipeline(this.#appendBlock) : await this.#nextBlock());
      await this.#writer.send(p);
      if (p.header.lastPacketInBlock) {
        await this.#writer.finish();
        this.#previous = { ...this.#located!.b, numBytes: p.header.offsetInBlock };
        this.#writer = undefined;
      }
    }
  }

  /** DataStreamer.nextBlockOutputStream: addBlock, then the pipeline; retries with the failed node excluded. */
  async #nextBlock(): Promise<BlockWriter> {
    const exclude: DatanodeInfo[] = [];
    let tokenRetried = false;
    for (let attempt = 0; ; attempt++) {
      const located = await this.#addBlock(exclude);
      try {
        const writer = await this.#openPipeline(located);
        this.#located = located;
        this.#persistBlocks = true;
        return writer;
      } catch (e) {
        await this.#ctx.nn.abandonBlock(located.b, this.path, this.#ctx.clientName, this.#fileId).catch(() => undefined);
        if (e instanceof InvalidBlockTokenError && !tokenRetried) {
          tokenRetried = true;
          log.info({ path: this.path, blockId: located.b.blockId }, 'block token refused at pipeline set-up: asking for the block again with a fresh token');
          continue;
        }
        const first = located.locs?.[0];
        if (!(e instanceof HsecError) || attempt >= this.#ctx.blockWriteRetries || !first) throw e;
        log.warn({ path: this.path, datanode: `${first.id.ipAddr}:${first.id.xferPort}`, err: e }, 'pipeline set-up failed: excluding the DataNode and asking for another block');
        exclude.push(first);
      }
    }
  }

  /**
   * DataStreamer.setupPipelineForAppendOrRecovery for PIPELINE_SETUP_APPEND: a new generation stamp
   * and token (updateBlockForPipeline), WRITE_BLOCK to the block's DataNodes with the old stamp,
   * the block's length as minBytesRcvd / maxBytesRcvd and the new stamp, then updatePipeline.
   */
  async #openAppendPipeline(block: LocatedBlock): Promise<BlockWriter> {
    const { nn, clientName } = this.#ctx;
    const fresh = await nn.updateBlockForPipeline(block.b, clientName);
    const newGS = fresh.b.generationStamp;
    const length = block.b.numBytes ?? 0;
    const writer = await this.#openPipeline({ ...block, blockToken: fresh.blockToken }, { minBytesRcvd: length, maxBytesRcvd: length, latestGenerationStamp: newGS });
    const newBlock = { ...block.b, generationStamp: newGS, numBytes: length };
    try {
      await nn.updatePipeline({ clientName, oldBlock: block.b, newBlock, newNodes: (block.locs ?? []).map((l) => l.id), storageIDs: block.storageIDs ?? [] });
    } catch (e) {
      writer.abort();
      throw e;
    }
    this.#appendBlock = undefined;
    this.#located = { ...block, b: newBlock, blockToken: fresh.blockToken };
    return writer;
  }

  /**
   * DataStreamer.createBlockOutputStream: a DataNode that refuses the data encryption key
   * (InvalidEncryptionKeyException) gets the same block again, once, with a key fetched anew.
   */
  async #openPipeline(located: LocatedBlock, append?: AppendStage): Promise<BlockWriter> {
    const options = { clientName: this.#ctx.clientName, checksum: this.#ctx.checksum, maxPacketsInFlight: this.#ctx.maxPacketsInFlight, blockSize: this.#blockSize, ...(append ? { append } : {}) };
    try {
      return await BlockWriter.open(this.#ctx.channels, located, options);
    } catch (e) {
      if (!(e instanceof InvalidEncryptionKeyError)) throw e;
      log.info({ path: this.path, blockId: located.b.blockId, err: e }, 'data encryption key refused at pipeline set-up: fetching a new key and connecting again');
      this.#ctx.channels.forgetEncryptionKey();
      return BlockWriter.open(this.#ctx.channels, located, options);
    }
  }

  /**
   * DFSOutputStream.addBlock: a NameNode still waiting for the previous block's replicas answers
   * NotReplicatedYetException; ask again after the initial delay (400 ms), doubling up to the
   * maximum, at most dfs.client.block.write.locateFollowingBlock.retries times.
   */
  async #addBlock(exclude: DatanodeInfo[]): Promise<LocatedBlock> {
    let delay = this.#ctx.locateFollowingInitialDelayMs;
    for (let retries = this.#ctx.locateFollowingRetries; ; retries--) {
      try {
        return await this.#ctx.nn.addBlock({ src: this.path, clientName: this.#ctx.clientName, ...(this.#previous ? { previous: this.#previous } : {}), excludeNodes: exclude, fileId: this.#fileId });
      } catch (e) {
        if (!(e instanceof HsecError) || e.details['exceptionClassName'] !== NOT_REPLICATED_YET || retries <= 0) throw e;
        log.info({ path: this.path, delayMs: delay }, 'NameNode: previous block not replicated yet; asking for the next block again');
        await sleep(delay);
        delay = Math.min(delay * 2, this.#ctx.locateFollowingMaxDelayMs);
      }
    }
  }

  /** closeImpl: the rest of the data, the last packet, then complete() until the NameNode agrees. */
  async #finish(): Promise<void> {
    try {
      await this.#sendAll(this.#packetizer!.close());
      let delay = this.#ctx.locateFollowingInitialDelayMs;
      for (let i = 0; ; i++) {
        if (await this.#ctx.nn.complete(this.path, this.#ctx.clientName, this.#previous, this.#fileId)) return;
        if (i >= this.#ctx.locateFollowingRetries) {
          throw new ProtocolError('PROTOCOL_MALFORMED', `Unable to close file ${this.path} because the last block does not have enough number of replicas (the NameNode did not confirm it after ${i + 1} tries)`, { path: this.path });
        }
        log.info({ path: this.path, delayMs: delay }, 'NameNode: the last block is not reported by a DataNode yet; completing the file again');
        await sleep(delay);
        delay = Math.min(delay * 2, this.#ctx.locateFollowingMaxDelayMs);
      }
    } finally {
      this.#ctx.leases.closed(this.path);
    }
  }
}
