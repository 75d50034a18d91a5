/**
 * A file being written, as a Node Writable (Hadoop's DFSOutputStream + DataStreamer): bytes are cut
 * into packets as a stock client cuts them (OutputPacketizer), each block is asked of the NameNode
 * (addBlock, with the previous block's final length) and written through its DataNode pipeline
 * (BlockWriter); `end()` sends the last packet, waits for its ack and completes the file
 * (complete, retried while the NameNode waits for the DataNodes' reports). Back-pressure is real: a
 * write resolves only when the pipeline has room for its packets.
 *
 * Failures during pipeline set-up are handled as Hadoop's DataStreamer.setupPipelineForCreate does:
 * the block is abandoned and a new one asked for, excluding the DataNode that failed (the one the
 * connect ack's firstBadLink names, else the first), up to dfs.client.block.write.retries times
 * (with dfs.client.block.write.replace-datanode-on-failure.min-replication above 0, the remaining
 * nodes are tried first, as a recovery). A refused block token (the token expired while a
 * long-running writer waited) gets one more block with a fresh token instead of marking the
 * DataNode dead; a refused data encryption key is fetched again and the same block tried once more
 * (DataStreamer.createBlockOutputStream's refetchEncryptionKey).
 *
 * Pipeline recovery (DataStreamer.processDatanodeOrExternalError, ./pipeline-recovery.ts): when a
 * DataNode dies or reports an error while the block is being written (an ack naming a bad node, a
 * broken connection, an OOB_RESTART), the unacknowledged packets go back to the front of the data
 * queue, the bad node leaves the pipeline, a replacement may be added (ReplaceDatanodeOnFailure),
 * the block gets a new generation stamp, the remaining nodes continue it (stage
 * PIPELINE_SETUP_STREAMING_RECOVERY, or PIPELINE_CLOSE_RECOVERY once the last packet was sent), the
 * NameNode records the new pipeline (updatePipeline) and the packets are sent again. More than
 * dfs.client.pipeline.recovery.max-retries recoveries in a row without an ack fail the write, as
 * does losing the last DataNode ("All datanodes [...] are bad. Aborting...").
 *
 * Append (DFSClient.callAppend, DFSOutputStream.newStreamForAppend): the NameNode's append
 * reopens the file; when it returns the partial last block, the stream continues that block
 * (OutputPacketizer's appendAt) through its existing replicas as DataStreamer does for stage
 * PIPELINE_SETUP_APPEND: updateBlockForPipeline (a new generation stamp and a WRITE token), the
 * WRITE_BLOCK with PIPELINE_SETUP_APPEND to the same DataNodes, then updatePipeline; a node that
 * fails there is dropped and the rest tried with PIPELINE_SETUP_APPEND_RECOVERY. Otherwise (a full
 * last block, an empty file, NEW_BLOCK) the next bytes go to a block from addBlock.
 *
 * `hflush()` (Syncable.hflush) sends the bytes buffered so far, waits until the pipeline has
 * acknowledged them, and tells the NameNode of a block allocated since the last flush (fsync).
 */
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { HsecError, ProtocolError, WritePipelineError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { systemClock } from '../../lib/time/clock.ts';
import { InvalidBlockTokenError, InvalidEncryptionKeyError } from '../../security/datatransfer/errors.ts';
import type { ClientProtocolClient } from '../protocol/client-protocol-client.ts';
import { CreateFlag } from '../protocol/client-protocol.ts';
import type { ChecksumSpec } from '../protocol/datatransfer/messages.ts';
import { OutputPacketizer, type OutboundPacket } from '../protocol/datatransfer/output-packetizer.ts';
import type { DatanodeInfo, ExtendedBlock, LocatedBlock } from '../protocol/hdfs-types.ts';
import { BlockWriter, xferAddr, type ConnectResult, type StageSetup } from './block-writer.ts';
import type { DataNodeChannels } from './datanode-channel.ts';
import type { LeaseRenewer } from './lease-renewer.ts';
import { PipelineErrorState } from './pipeline-error-state.ts';
import { PipelineRecovery, type BlockPipeline } from './pipeline-recovery.ts';
import { ReplaceDatanodeOnFailure } from './replace-datanode-on-failure.ts';

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
  /** dfs.client.write.exclude.nodes.cache.expiry.interval.millis (default 10 minutes): how long a DataNode that failed a pipeline set-up stays excluded from this stream's blocks. */
  readonly excludedNodesExpiryMs?: number;
  /** dfs.client.block.write.locateFollowingBlock.retries (default 5): addBlock and complete retries. */
  readonly locateFollowingRetries: number;
  /** dfs.client.block.write.locateFollowingBlock.initial.delay.ms (default 400): the first wait before asking again; it doubles. */
  readonly locateFollowingInitialDelayMs: number;
  /** dfs.client.block.write.locateFollowingBlock.max.delay.ms (default 60000): the longest wait. */
  readonly locateFollowingMaxDelayMs: number;
  /** dfs.client.block.write.replace-datanode-on-failure.* (default: enabled, DEFAULT, not best-effort, min-replication 0). */
  readonly replaceDatanodeOnFailure?: ReplaceDatanodeOnFailure;
  /** dfs.client.pipeline.recovery.max-retries (default 5): recoveries in a row for the same packet. */
  readonly maxPipelineRecoveryRetries?: number;
  /** dfs.client.datanode-restart.timeout (default 30 s), in ms. */
  readonly datanodeRestartTimeoutMs?: number;
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
  /** The file's replication (the create or append status): ReplaceDatanodeOnFailure's condition. */
  #replication = 0;
  #packetizer: OutputPacketizer | undefined;
  #writer: BlockWriter | undefined;
  /**
   * DataStreamer.excludedNodes: DataNodes a pipeline set-up failed on, by transfer address and
   * UUID (DatanodeID.equals), each with the time it stops being excluded; every addBlock of this
   * stream excludes them until then, so a long-running writer does not try a dead DataNode again
   * on each new block while the NameNode still counts it live.
   */
  readonly #excluded = new Map<string, { node: DatanodeInfo; until: number }>();
  /** The current block and its pipeline (DataStreamer's block, nodes, stage, bytesSent). */
  #pipeline: BlockPipeline | undefined;
  #previous: ExtendedBlock | undefined;
  /** The partial last block append() returned: the first packets go to it (stage PIPELINE_SETUP_APPEND). */
  #appendBlock: LocatedBlock | undefined;
  /** The stream continues a partial last block (DataStreamer.isAppend). */
  #isAppend = false;
  #written = 0;
  /** Packets cut and not yet handed to a pipeline, unacknowledged ones put back first (DataStreamer's dataQueue). */
  #queue: OutboundPacket[] = [];
  /** The latest acknowledged seqno of the stream (-1: none yet). */
  #lastAckedSeqno = -1;
  /** Recoveries since the last ack (DataStreamer.pipelineRecoveryCount). */
  #pipelineRecoveryCount = 0;
  #isHflushed = false;
  #errors!: PipelineErrorState;
  #recovery!: PipelineRecovery;
  /** Pipeline work runs one piece at a time (DataStreamer is one thread). */
  #serial: Promise<unknown> = Promise.resolve();
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
      this.#initRecovery();
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
    this.#replication = status?.block_replication || c.replication;
    this.#start(status?.blocksize || c.blockSize, 0);
  }

  /** DFSClient.callAppend + DFSOutputStream's append constructor. */
  async #openForAppend(newBlock: boolean): Promise<void> {
    const flag = CreateFlag.APPEND | (newBlock ? CreateFlag.NEW_BLOCK : 0);
    const { block, stat } = await this.#ctx.nn.append(this.path, this.#ctx.clientName, flag);
    if (!stat) throw new ProtocolError('PROTOCOL_MALFORMED', `The NameNode's append response for ${this.path} has no file status`, { path: this.path });
    this.#fileId = stat.fileId ?? 0;
    this.#replication = stat.block_replication || this.#create.replication;
    const blockSize = stat.blocksize || this.#create.blockSize;
    if (block && !newBlock) {
      if ((block.locs ?? []).length === 0) throw new ProtocolError('PROTOCOL_MALFORMED', `Unable to retrieve blocks locations for last block ${block.b.blockId} of file ${this.path}`, { path: this.path });
      this.#appendBlock = block;
      this.#isAppend = true;
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

  #initRecovery(): void {
    const c = this.#ctx;
    this.#errors = new PipelineErrorState(c.datanodeRestartTimeoutMs ?? 30_000, systemClock);
    this.#recovery = new PipelineRecovery({
      nn: c.nn, channels: c.channels, clientName: c.clientName, path: this.path, fileId: this.#fileId, replication: this.#replication,
      isAppend: this.#isAppend, policy: c.replaceDatanodeOnFailure ?? new ReplaceDatanodeOnFailure('DEFAULT'), writePacketSize: c.writePacketSize,
      connect: (located, setup) => this.#connect(located, setup),
      lastAckedSeqno: () => this.#lastAckedSeqno,
      isHflushed: () => this.#isHflushed,
    }, this.#errors);
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
    this.#isHflushed = true;
    await this.#sendAll(this.#packetizer!.flush());
    await this.#exclusive(() => this.#waitForAcks());
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

  /** Runs `work` after the pipeline work queued before it. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#serial.then(work);
    this.#serial = run.catch(() => undefined);
    return run;
  }

  #sendAll(packets: readonly OutboundPacket[]): Promise<void> {
    return this.#exclusive(async () => {
      this.#queue.push(...packets);
      await this.#drain();
    });
  }

  /**
   * DataStreamer.run: packets leave the data queue in order through the current pipeline (a new
   * block's, or the appended block's, set up first); the last packet of a block waits for every
   * ack before it goes (waitForAllAcks, then stage PIPELINE_CLOSE) and the block ends when it is
   * acknowledged. A failure anywhere recovers the pipeline and goes on with the packets put back.
   */
  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const p = this.#queue[0]!;
      this.#writer ??= this.#unlessDestroyed(this.#appendBlock ? await this.#openAppendPipeline(this.#appendBlock) : await this.#nextBlock());
      const w = this.#writer;
      const pl = this.#pipeline!;
      const last = p.header.lastPacketInBlock;
      if (last && pl.stage === 'DATA_STREAMING') {
        if (!(await w.drained())) {
          await this.#processDatanodeError();
          continue;
        }
        pl.stage = 'PIPELINE_CLOSE';
      }
      if (await w.send(p)) {
        this.#queue.shift();
        pl.bytesSent = Math.max(pl.bytesSent, p.header.offsetInBlock + p.header.dataLen);
      }
      if (w.fault) {
        await this.#processDatanodeError();
        continue;
      }
      if (last) {
        if (!(await w.drained())) {
          await this.#processDatanodeError();
          continue;
        }
        this.#endBlock();
      }
    }
  }

  /** hflush: every packet sent is acknowledged, recovering the pipeline (and sending again) as often as it takes. */
  async #waitForAcks(): Promise<void> {
    for (;;) {
      const w = this.#writer;
      if (!w || (await w.drained())) return;
      await this.#processDatanodeError();
      await this.#drain();
    }
  }

  /** DataStreamer.endBlock: the block's pipeline is closed; the next packet asks for a new block. */
  #endBlock(): void {
    this.#writer?.abort();
    this.#previous = { ...this.#pipeline!.block };
    this.#writer = undefined;
    this.#pipeline = undefined;
  }

  /**
   * DataStreamer.processDatanodeOrExternalError: the failed pipeline's unacknowledged packets go
   * back to the front of the data queue; past dfs.client.pipeline.recovery.max-retries recoveries
   * without an ack the write fails; otherwise the pipeline is set up again
   * (setupPipelineForAppendOrRecovery). A failure after the last packet was sent (PIPELINE_CLOSE)
   * ends the block there: the DataNodes finalize it at the recovery's connect.
   */
  async #processDatanodeError(): Promise<void> {
    const w = this.#writer!;
    const pl = this.#pipeline!;
    const fault = w.fault!;
    this.#errors.record(fault, pl.nodes, false);
    this.#queue.unshift(...w.takeUnacked());
    this.#writer = undefined;
    const max = this.#ctx.maxPipelineRecoveryRetries ?? 5;
    if (!this.#errors.isRestartingNode && ++this.#pipelineRecoveryCount > max) {
      log.warn({ path: this.path, blockId: pl.block.blockId }, `Error recovering pipeline for writing ${pl.block.poolId}:blk_${pl.block.blockId}_${pl.block.generationStamp}. Already retried ${max} times for the same packet.`);
      throw new WritePipelineError('PIPELINE_RECOVERY_LIMIT', `Failing write. Tried pipeline recovery ${max} times without success.`, {
        path: this.path, blockId: pl.block.blockId, pipeline: pl.nodes.map(xferAddr), configKey: 'dfs.client.pipeline.recovery.max-retries',
      }, { cause: fault.error });
    }
    log.info({ path: this.path, blockId: pl.block.blockId, err: fault.error }, `Error Recovery for ${pl.block.poolId}:blk_${pl.block.blockId}_${pl.block.generationStamp}: ${fault.error.message}`);
    const writer = await this.#recovery.setup(pl, fault.error);
    this.#writer = this.#unlessDestroyed(writer!);
    if (pl.stage === 'PIPELINE_CLOSE') {
      // the DataNodes finalized the block at the connect ack: the end-of-block packet is not sent
      const end = this.#queue.shift()!;
      this.#lastAckedSeqno = end.header.seqno;
      this.#pipelineRecoveryCount = 0;
      this.#endBlock();
    } else {
      pl.stage = 'DATA_STREAMING';
    }
  }

  /**
   * DataStreamer.createBlockOutputStream for `located` with the streamer's ack bookkeeping: a
   * DataNode that refuses the data encryption key (InvalidEncryptionKeyException) gets the same
   * pipeline again, once, with a key fetched anew.
   */
  async #connect(located: LocatedBlock, setup: StageSetup): Promise<ConnectResult> {
    // the NameNode hears of the (new or recovered) pipeline at the next hflush
    this.#persistBlocks = true;
    const onAck = (packet: OutboundPacket) => {
      const pl = this.#pipeline;
      if (pl) pl.block = { ...pl.block, numBytes: packet.header.offsetInBlock + packet.header.dataLen };
      this.#lastAckedSeqno = packet.header.seqno;
      this.#pipelineRecoveryCount = 0;
    };
    const options = { clientName: this.#ctx.clientName, checksum: this.#ctx.checksum, maxPacketsInFlight: this.#ctx.maxPacketsInFlight, blockSize: this.#blockSize, setup, onAck };
    const r = await BlockWriter.connect(this.#ctx.channels, located, options);
    if (!(r.fault?.error instanceof InvalidEncryptionKeyError)) return r;
    log.info({ path: this.path, blockId: located.b.blockId, err: r.fault.error }, 'data encryption key refused at pipeline set-up: fetching a new key and connecting again');
    this.#ctx.channels.forgetEncryptionKey();
    return BlockWriter.connect(this.#ctx.channels, located, options);
  }

  /**
   * DataStreamer.setupPipelineForCreate: addBlock, then the pipeline (recovered with the remaining
   * nodes only when min-replication allows); on failure the block is abandoned and another one
   * asked for with the failed DataNode excluded.
   */
  async #nextBlock(): Promise<BlockWriter> {
    let tokenRetried = false;
    for (let attempt = 0; ; attempt++) {
      this.#errors.reset();
      const located = await this.#addBlock(this.#excludedNodes());
      const pl: BlockPipeline = {
        block: { ...located.b, numBytes: 0 }, token: located.blockToken, nodes: located.locs ?? [],
        storageTypes: located.storageTypes ?? (located.locs ?? []).map(() => 'DISK' as const), storageIDs: located.storageIDs ?? [],
        stage: 'PIPELINE_SETUP_CREATE', bytesSent: 0,
      };
      this.#pipeline = pl;
      let writer: BlockWriter | undefined;
      let error: unknown;
      const r = await this.#connect(located, { stage: 'PIPELINE_SETUP_CREATE', minBytesRcvd: 0, maxBytesRcvd: 0, latestGenerationStamp: 0 });
      if (r.writer) {
        writer = r.writer;
      } else {
        error = r.fault.error;
        if (error instanceof InvalidBlockTokenError && !tokenRetried) {
          tokenRetried = true;
          await this.#ctx.nn.abandonBlock(located.b, this.path, this.#ctx.clientName, this.#fileId).catch(() => undefined);
          log.info({ path: this.path, blockId: located.b.blockId }, 'block token refused at pipeline set-up: asking for the block again with a fresh token');
          continue;
        }
        log.warn({ path: this.path, blockId: located.b.blockId, err: error }, 'Exception in createBlockOutputStream');
        this.#errors.record(r.fault, pl.nodes, true);
        try {
          writer = await this.#recovery.setup(pl, r.fault.error);
        } catch (e) {
          log.warn({ path: this.path, blockId: located.b.blockId, err: e }, 'Exception in setupPipelineForCreate');
        }
      }
      if (writer) {
        pl.stage = 'DATA_STREAMING';
        return writer;
      }
      log.warn({ path: this.path, blockId: located.b.blockId }, `Abandoning ${pl.block.poolId}:blk_${pl.block.blockId}_${pl.block.generationStamp}`);
      await this.#ctx.nn.abandonBlock(pl.block, this.path, this.#ctx.clientName, this.#fileId).catch(() => undefined);
      this.#pipeline = undefined;
      const bad = this.#errors.badNodeIndex === -1 ? this.#recovery.failed.at(-1) : pl.nodes[this.#errors.badNodeIndex];
      if (!(error instanceof HsecError) || attempt >= this.#ctx.blockWriteRetries || !bad) throw error;
      log.warn({ path: this.path, datanode: xferAddr(bad), err: error }, `Excluding datanode ${xferAddr(bad)}`);
      this.#excluded.set(`${xferAddr(bad)}/${bad.id.datanodeUuid}`, { node: bad, until: systemClock.now() + (this.#ctx.excludedNodesExpiryMs ?? 600_000) });
    }
  }

  /** DataStreamer.getExcludedNodes: the excluded DataNodes not yet expired (expireAfterWrite). */
  #excludedNodes(): DatanodeInfo[] {
    const now = systemClock.now();
    for (const [key, e] of this.#excluded) if (e.until <= now) this.#excluded.delete(key);
    return [...this.#excluded.values()].map((e) => e.node);
  }

  /**
   * DataStreamer.setupPipelineForAppendOrRecovery for PIPELINE_SETUP_APPEND: a new generation stamp
   * and token (updateBlockForPipeline), WRITE_BLOCK to the block's DataNodes with the old stamp,
   * the block's length as minBytesRcvd / maxBytesRcvd and the new stamp, then updatePipeline; a
   * DataNode that fails is dropped and the rest tried with PIPELINE_SETUP_APPEND_RECOVERY.
   */
  async #openAppendPipeline(block: LocatedBlock): Promise<BlockWriter> {
    const length = block.b.numBytes ?? 0;
    const pl: BlockPipeline = {
      block: { ...block.b, numBytes: length }, token: block.blockToken, nodes: block.locs ?? [],
      storageTypes: block.storageTypes ?? (block.locs ?? []).map(() => 'DISK' as const), storageIDs: block.storageIDs ?? [],
      stage: 'PIPELINE_SETUP_APPEND', bytesSent: length,
    };
    this.#pipeline = pl;
    this.#errors.reset();
    const writer = (await this.#recovery.setup(pl))!;
    this.#appendBlock = undefined;
    pl.stage = 'DATA_STREAMING';
    return writer;
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
