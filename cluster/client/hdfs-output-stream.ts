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
 */
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { HsecError, ProtocolError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { InvalidBlockTokenError, InvalidEncryptionKeyError } from '../../security/datatransfer/errors.ts';
import type { ClientProtocolClient } from '../protocol/client-protocol-client.ts';
import type { ChecksumSpec } from '../protocol/datatransfer/messages.ts';
import { OutputPacketizer, type OutboundPacket } from '../protocol/datatransfer/output-packetizer.ts';
import type { DatanodeInfo, ExtendedBlock, LocatedBlock } from '../protocol/hdfs-types.ts';
import { BlockWriter } from './block-writer.ts';
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
}

/** What create() sends besides the path, resolved from the options and the configuration. */
export interface CreateRequestParts {
  readonly createFlag: number;
  readonly replication: number;
  readonly blockSize: number;
  readonly masked: number;
  readonly unmasked: number;
  readonly createParent: boolean;
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
  #written = 0;

  constructor(ctx: OutputStreamContext, path: string, create: CreateRequestParts) {
    super({ highWaterMark: ctx.writePacketSize });
    this.#ctx = ctx;
    this.path = path;
    this.#create = create;
  }

  /** DistributedFileSystem.create: the NameNode creates the file (under construction, leased to this client). */
  override _construct(callback: (error?: Error | null) => void): void {
    const c = this.#create;
    this.#ctx.nn
      .create({
        src: this.path,
        masked: { perm: c.masked },
        clientName: this.#ctx.clientName,
        createFlag: c.createFlag,
        createParent: c.createParent,
        replication: c.replication,
        blockSize: c.blockSize,
        cryptoProtocolVersion: ['ENCRYPTION_ZONES'],
        unmasked: { perm: c.unmasked },
      })
      .then((status) => {
        this.#fileId = status?.fileId ?? 0;
        const blockSize = status?.blocksize || c.blockSize;
        this.#blockSize = blockSize;
        this.#packetizer = new OutputPacketizer({ blockSize, bytesPerChecksum: this.#ctx.checksum.bytesPerChecksum, checksumType: this.#ctx.checksum.type, writePacketSize: this.#ctx.writePacketSize });
        this.#ctx.leases.opened(this.path);
        callback();
      }, (e: Error) => callback(e));
  }

  /** Bytes accepted so far. */
  get bytesWritten(): number {
    return this.#written;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#written += chunk.length;
    this.#sendAll(this.#packetizer!.write(chunk)).then(() => callback(), (e: Error) => callback(e));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#finish().then(() => callback(), (e: Error) => callback(e));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#writer?.abort();
    this.#ctx.leases.closed(this.path);
    callback(error);
  }

  async #sendAll(packets: readonly OutboundPacket[]): Promise<void> {
    for (const p of packets) {
      this.#writer ??= await this.#nextBlock();
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
   * DataStreamer.createBlockOutputStream: a DataNode that refuses the data encryption key
   * (InvalidEncryptionKeyException) gets the same block again, once, with a key fetched anew.
   */
  async #openPipeline(located: LocatedBlock): Promise<BlockWriter> {
    const options = { clientName: this.#ctx.clientName, checksum: this.#ctx.checksum, maxPacketsInFlight: this.#ctx.maxPacketsInFlight, blockSize: this.#blockSize };
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
