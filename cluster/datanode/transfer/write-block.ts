/**
 * WRITE_BLOCK (docs/datanode.md, docs/data-transfer.md; Hadoop 3.4.1 DataXceiver.writeBlock,
 * BlockReceiver and its PacketResponder), every stage a 3.4.1 client or DataNode sends:
 *
 *   1. the block token must grant WRITE on the block and the storages (checkAccess); a transfer
 *      stage (TRANSFER_RBW / TRANSFER_FINALIZED) takes no downstream target;
 *   2. the replica, by stage (write-stage.ts): createRbw (PIPELINE_SETUP_CREATE), append
 *      (PIPELINE_SETUP_APPEND), recoverRbw (PIPELINE_SETUP_STREAMING_RECOVERY: the RBW replica cut
 *      back to its acknowledged bytes under latestGenerationStamp), recoverAppend
 *      (PIPELINE_SETUP_APPEND_RECOVERY), createTemporary (a transfer destination, or a DataNode
 *      sender's copy); RECEIVING is reported for create, append and append recovery;
 *      PIPELINE_CLOSE_RECOVERY has no receiver: recoverClose finalizes the replica under the new
 *      stamp, the op goes downstream, the connect-ack goes back and RECEIVED is reported;
 *   3. with downstream targets, the op goes on to targets[0] with the same stage over a mirror
 *      connection and its connect-ack status and firstBadLink come back; a mirror that cannot be
 *      reached is {ERROR, firstBadLink = its address};
 *   4. the connect-ack {status, firstBadLink} (empty on success) goes to a client (not to a
 *      transfer's source, which gets a close-ack {SUCCESS} once the replica is complete);
 *   5. packets: each is forwarded to the mirror first, then (on the last node) its chunk
 *      checksums are verified, then it is written; the last node acks a packet once written, an
 *      upstream node when the mirror's ack for that seqno arrives, putting its own SUCCESS first;
 *      a successful ack raises the replica's bytesAcked (what a later recoverRbw keeps); a
 *      checksum mismatch is acked ERROR_CHECKSUM and ends the write; a mirror that fails (a write
 *      to it or a read of its acks) is reported at once by an ack {seqno -2, [SUCCESS, ERROR]}
 *      while the packets are still written here (BlockReceiver.handleMirrorOutError, mirrorError),
 *      so that the client's recovery keeps this node and drops the mirror;
 *   6. on the last (empty) packet a client's replica is finalized and RECEIVED reported before its
 *      ack; a DataNode sender's copy is finalized and reported; a TRANSFER_FINALIZED copy is
 *      finalized unreported; a TRANSFER_RBW copy stays RBW (convertTemporaryToRbw).
 *
 * A packet with syncBlock (hsync) is synced to disk before its ack. A refused op is answered
 * {ERROR, message} with Hadoop's exception message (Hadoop closes the connection without an answer;
 * a 3.4.1 client takes either as the first node failing).
 *
 * A continued replica's first packet may start inside the last chunk or before the replica's end
 * (a client resending unacknowledged packets after a recovery): replica-writer.ts skips the bytes
 * already there and stores the CRC of the whole chunk (partial-chunk.ts). A continued replica keeps
 * its checksum: a client asking for another chunk size is refused, another CRC type at the same
 * chunk size is verified as sent and stored as the replica's type (BlockReceiver's checksum
 * translation).
 *
 * A DataNode sender (empty client name: a replication the NameNode asked for, DataNode.DataTransfer)
 * gets no connect-ack and no acks, and neither does a transfer's source; their replica is deleted
 * when the copy ends early (Hadoop keeps such a copy in tmp/ and drops it: createTemporary,
 * unfinalizeBlock; hsec writes it in rbw/). The write ends the connection. A client's replica
 * whose write fails stays in rbw/ with the bytes it received, even none, for pipeline or block
 * recovery (a new one whose pipeline never came up is deleted: the client abandons the block).
 * Block recovery and pipeline recovery may stop a write in progress (FsDataset.stopWriter).
 */
import { HsecError, ProtocolError, UnreachableError } from '../../../lib/errors/index.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import { checksumLength, computeChecksums, verifyChecksums } from '../../protocol/datatransfer/checksum.ts';
import { DEFAULT_MAX_PACKET_SIZE } from '../../protocol/datatransfer/constants.ts';
import {
  ackFlag, decodeBlockOpResponse, decodePipelineAck, encodeOpWriteBlock, encodePipelineAck,
  type ChecksumSpec, type OpWriteBlock, type PipelineAck, type Status,
} from '../../protocol/datatransfer/messages.ts';
import { encodeDelimited, tryReadDelimited } from '../../protocol/datatransfer/op-frame.ts';
import { encodePacket, tryReadPacket, type Packet } from '../../protocol/datatransfer/packet.ts';
import type { ByteQueue } from '../../protocol/datatransfer/byte-queue.ts';
import { blockName } from '../block-access.ts';
import { convertTemporaryToRbw, recoverClose, type RecoveredBlock } from '../storage/pipeline-recovery.ts';
import type { Replica } from '../storage/replica.ts';
import type { ReplicaWriter } from '../storage/replica-writer.ts';
import { xferAddr, type Mirror } from './mirror.ts';
import { isTransferStage, openReceiverReplica, recoveredBlock, recoveryContext, type ReceiverReplica, type WriteEnd } from './write-stage.ts';
import type { BlockPoolService, Xceiver } from './xceiver.ts';

const log = getLogger('datanode.write');

/** PipelineAck.UNKOWN_SEQNO: the seqno of an ack that reports a downstream failure. */
const UNKNOWN_SEQNO = -2;

/** Most data gathered into one disk write from packets already received (bytes). */
const WRITE_RUN_BYTES = 1024 * 1024;

export async function writeBlock(x: Xceiver, op: OpWriteBlock): Promise<void> {
  const { block, token } = op.header.baseHeader;
  const name = blockName(block);
  const isClient = op.header.clientName.length > 0;
  const isTransfer = isTransferStage(op.stage);
  const targets = op.targets ?? [];
  const storageTypes = [op.storageType ?? 'DISK', ...(op.targetStorageTypes ?? [])];
  const targetIds = op.targetStorageIds ?? [];
  const storageIds = targetIds.length > 0 ? [op.storageId ?? '', ...targetIds] : [];
  const pool = await x.checkAccess('WRITE_BLOCK', block, token, 'WRITE', isClient, storageTypes, storageIds);
  const refuse = async (err: HsecError, firstBadLink = ''): Promise<never> => {
    if (isClient) await x.reply({ status: 'ERROR', firstBadLink, message: err.message }).catch(() => undefined);
    throw err;
  };
  if (isTransfer && targets.length > 0) {
    await refuse(new HsecError('DATA_TRANSFER_UNSUPPORTED', `${op.stage} does not support multiple targets [${targets.map(xferAddr).join(', ')}]`, { stage: op.stage }));
  }
  const { bytesPerChecksum: bpc } = op.requestedChecksum;
  if (!Number.isInteger(bpc) || bpc <= 0 || bpc > DEFAULT_MAX_PACKET_SIZE) {
    await refuse(new ProtocolError('PROTOCOL_MALFORMED', `Invalid requested checksum for ${name}: bytesPerChecksum ${bpc}`, { bytesPerChecksum: bpc }));
  }
  log.info({ block: name, remoteAddress: x.remoteAddress, targets: targets.length, stage: op.stage }, 'Receiving block');
  if (isClient && op.stage === 'PIPELINE_CLOSE_RECOVERY') return closeRecovery(x, op, pool, refuse);
  let opened: ReceiverReplica;
  try {
    opened = await openReceiverReplica(x, op, isClient);
  } catch (e) {
    return refuse(e instanceof HsecError ? e : new HsecError('FILE_IO', String(e)));
  }
  const { replica, writer } = opened;
  // block recovery or a pipeline recovery may stop this write (stopWriter): the connection's input
  // ends; a recovery stage is registered already (it claimed the replica before changing it)
  const writeOver = opened.release ?? x.services.dataset.beginWrite(block.poolId, block.blockId, () => x.input.close());
  if (opened.reportReceiving) pool.notifyReceiving(replica);
  let mirror: Mirror | undefined;
  let completed = false;
  let pipelineUp = false;
  try {
    let status: Status = 'SUCCESS';
    let firstBadLink = '';
    if (targets.length > 0) {
      const setup = await connectMirror(x, op, isClient);
      mirror = setup.mirror;
      status = setup.status;
      firstBadLink = setup.firstBadLink;
    }
    // a transfer destination sends no connect-ack, only the close-ack at the end
    if (isClient && !isTransfer) await x.reply({ status, firstBadLink });
    pipelineUp = status === 'SUCCESS';
    if (status !== 'SUCCESS') throw new UnreachableError('UNREACHABLE', `Downstream DataNode ${firstBadLink || mirror?.addr} failed the pipeline of ${name} (${status})`, { status, firstBadLink });
    const receiver = new BlockReceiver(x, pool, recoveredBlock(op), opened, isClient && !isTransfer, mirror, op.requestedChecksum);
    await receiver.receive();
    completed = true;
    if (isTransfer) await x.reply({ status: 'SUCCESS' }); // DataXceiver: "TRANSFER: send close-ack" (DNTransferAckProto)
    log.info({ block: name, remoteAddress: x.remoteAddress, bytes: replica.numBytes, stage: op.stage }, 'Received block');
  } finally {
    mirror?.close();
    // a client's write that ended before its last packet stays RBW for recovery (BlockReceiver), even
    // empty (a pipeline recovery continues it); an unfinished copy or transfer is deleted (cleanupBlock ->
    // unfinalizeBlock); so is a new replica whose pipeline never came up (the client abandons the block)
    const keep = opened.keepUnfinished && (pipelineUp || writer.reopened || writer.numBytes > 0);
    if (!completed && keep) await x.services.dataset.keepRbw(block.poolId, replica, writer).catch((e: unknown) => log.error({ block: name, err: e }, 'could not close an unfinished replica'));
    if (!completed && !keep) await x.services.dataset.abort(block.poolId, replica, writer).catch((e: unknown) => log.error({ block: name, err: e }, 'could not delete an unfinished copy'));
    writeOver();
  }
}

/**
 * PIPELINE_CLOSE_RECOVERY (DataXceiver.writeBlock without a BlockReceiver): recoverClose finalizes
 * the replica under the new stamp, the op goes on to the downstream nodes, the connect-ack goes
 * back, and the replica is reported RECEIVED with the new stamp and minBytesRcvd bytes
 * (DataNode.closeBlock), whatever the downstream answered.
 */
async function closeRecovery(x: Xceiver, op: OpWriteBlock, pool: BlockPoolService, refuse: (err: HsecError) => Promise<never>): Promise<void> {
  let replica: Replica;
  try {
    replica = await recoverClose(recoveryContext(x), recoveredBlock(op), op.latestGenerationStamp, op.minBytesRcvd);
  } catch (e) {
    return refuse(e instanceof HsecError ? e : new HsecError('FILE_IO', String(e)));
  }
  let mirror: Mirror | undefined;
  try {
    let status: Status = 'SUCCESS';
    let firstBadLink = '';
    if ((op.targets ?? []).length > 0) ({ mirror, status, firstBadLink } = await connectMirror(x, op, true));
    await x.reply({ status, firstBadLink });
  } finally {
    mirror?.close();
  }
  await pool.notifyReceived(replica);
  log.info({ block: blockName({ ...op.header.baseHeader.block, generationStamp: replica.genStamp }), remoteAddress: x.remoteAddress, bytes: replica.numBytes }, 'Received block (close recovery)');
}

/** Steps 3 and 4 with a downstream node: forward the op, read its connect-ack (clients only). */
async function connectMirror(x: Xceiver, op: OpWriteBlock, isClient: boolean): Promise<{ mirror: Mirror; status: Status; firstBadLink: string }> {
  const targets = op.targets!;
  const target = targets[0]!;
  let mirror: Mirror | undefined;
  try {
    mirror = await x.services.mirrors.connect(target, op.header.baseHeader.block.poolId, op.header.baseHeader.token, targets.length);
    const pinnings = op.targetPinnings ?? [];
    await mirror.output.write(encodeOpWriteBlock({
      ...op,
      targets: targets.slice(1),
      storageType: op.targetStorageTypes?.[0] ?? 'DISK',
      targetStorageTypes: (op.targetStorageTypes ?? []).slice(1),
      storageId: op.targetStorageIds?.[0],
      targetStorageIds: (op.targetStorageIds ?? []).slice(1),
      pinning: pinnings[0] ?? false,
      targetPinnings: pinnings.slice(1),
    }));
    if (!isClient) return { mirror, status: 'SUCCESS', firstBadLink: '' };
    const ack = decodeBlockOpResponse(await mirror.input.next((q) => tryReadDelimited(q, 1024 * 1024, 'connect ack'), 'the connect ack of the downstream DataNode', x.settings.socketTimeoutMs));
    return { mirror, status: ack.status, firstBadLink: ack.firstBadLink ?? '' };
  } catch (e) {
    mirror?.close();
    const addr = xferAddr(target);
    log.warn({ block: blockName(op.header.baseHeader.block), mirror: addr, err: e }, 'Exception transfering block to mirror');
    if (isClient) await x.reply({ status: 'ERROR', firstBadLink: addr, message: (e as Error).message }).catch(() => undefined);
    throw e;
  }
}

/** An entry of the PacketResponder queue: a packet written locally, waiting for its downstream ack. */
interface Written {
  seqno: number;
  last: boolean;
  /** offsetInBlock + dataLen: the replica's acknowledged length once this packet is acked */
  end: number;
  sentAt: bigint;
}

/** Steps 5 and 6: the packets of one block, their acks, finalization. */
class BlockReceiver {
  readonly #x: Xceiver;
  readonly #pool: BlockPoolService;
  readonly #block: RecoveredBlock;
  readonly #replica: Replica;
  readonly #writer: ReplicaWriter;
  readonly #end: WriteEnd;
  readonly #name: string;
  /** a client's pipeline (not a DataNode's copy or transfer): packets are acked upstream */
  readonly #acks: boolean;
  readonly #mirror: Mirror | undefined;
  /** The checksum the sender's packets carry: the replica's, or (an append) another CRC type at the same chunk size */
  readonly #clientChecksum: ChecksumSpec;
  readonly #written: Written[] = [];
  #wakeResponder: (() => void) | undefined;
  /** Set when the packet loop failed: the responder stops. */
  #failed = false;
  /** BlockReceiver.mirrorError: writing to the mirror failed, packets are no longer forwarded */
  #mirrorError = false;

  constructor(x: Xceiver, pool: BlockPoolService, block: RecoveredBlock, opened: ReceiverReplica, acks: boolean, mirror: Mirror | undefined, clientChecksum: ChecksumSpec) {
    this.#x = x;
    this.#pool = pool;
    this.#block = block;
    this.#replica = opened.replica;
    this.#writer = opened.writer;
    this.#end = opened.end;
    this.#name = block.name;
    this.#acks = acks;
    this.#mirror = mirror;
    this.#clientChecksum = clientChecksum;
  }

  async receive(): Promise<void> {
    const responder = this.#mirror && this.#acks ? this.#respond(this.#mirror) : undefined;
    // a responder failure must not go unhandled while the packet loop still runs
    const responderDone = responder?.then(() => undefined, (e: unknown) => e);
    try {
      await this.#receivePackets();
    } catch (e) {
      this.#failed = true;
      this.#mirror?.close();
      this.#wakeResponder?.();
      await responderDone;
      throw e;
    }
    const err = await responderDone;
    if (err) throw err;
  }

  async #receivePackets(): Promise<void> {
    const readPacket = (q: ByteQueue): Packet | undefined => tryReadPacket(q, DEFAULT_MAX_PACKET_SIZE);
    for (;;) {
      // the packets already here go to disk together (one vectored write per file), then are acked in order
      const run = [await this.#x.input.next(readPacket, `a packet of ${this.#name}`, this.#x.settings.socketTimeoutMs)];
      for (let bytes = run[0]!.data.length; bytes < WRITE_RUN_BYTES && this.#extends(run[run.length - 1]!); ) {
        const more = this.#x.input.poll(readPacket);
        if (!more) break;
        run.push(more);
        bytes += more.data.length;
      }
      const prepared: { offset: number; data: Uint8Array; checksums: Uint8Array }[] = [];
      let failure: unknown;
      for (const p of run) {
        if (this.#mirror && !this.#mirrorError) await this.#toMirror(p);
        try {
          prepared.push({ offset: p.header.offsetInBlock, data: p.data, checksums: this.#checkedSums(p) });
        } catch (e) {
          failure = e;
          break;
        }
      }
      const sentAt = process.hrtime.bigint();
      if (prepared.length > 0) this.#replica.numBytes = await this.#writer.writeRun(prepared);
      const last = run[prepared.length - 1]?.header;
      if (last?.syncBlock) await this.#writer.sync(); // hsync: BlockReceiver.flushOrSync(true) before the ack
      if (last?.lastPacketInBlock) await this.#complete();
      for (const p of run.slice(0, prepared.length)) {
        if (!this.#acks) continue;
        const end = p.header.offsetInBlock + p.data.length;
        if (this.#mirror) this.#queueForResponder({ seqno: p.header.seqno, last: p.header.lastPacketInBlock, end, sentAt });
        else await this.#ack(p.header.seqno, 'SUCCESS', end);
      }
      if (failure !== undefined) {
        const bad = run[prepared.length]!.header;
        if (failure instanceof ProtocolError && failure.code === 'PROTOCOL_CHECKSUM') {
          if (this.#acks) await this.#ack(bad.seqno, 'ERROR_CHECKSUM').catch(() => undefined);
          throw new ProtocolError('PROTOCOL_CHECKSUM', `Terminating due to a checksum error in packet ${bad.seqno} of ${this.#name} from ${this.#x.remoteAddress}: ${failure.message}`, { seqno: bad.seqno, remoteAddress: this.#x.remoteAddress }, { cause: failure });
        }
        throw failure;
      }
      if (last?.lastPacketInBlock) return;
    }
  }

  /**
   * The last packet is written: a client's replica is finalized and reported RECEIVED before its ack
   * (PacketResponder.finalizeBlock), so the NameNode has it before the writer can complete(); a
   * DataNode's copy too (DataXceiver: closeBlock); a TRANSFER_FINALIZED destination is finalized
   * unreported, a TRANSFER_RBW one stays RBW (BlockReceiver.receiveBlock: convertTemporaryToRbw).
   */
  async #complete(): Promise<void> {
    const ds = this.#x.services.dataset;
    if (this.#end === 'keep-rbw') {
      await this.#writer.close();
      this.#replica.numBytes = this.#writer.numBytes;
      convertTemporaryToRbw(recoveryContext(this.#x), this.#block, this.#replica, this.#replica.numBytes);
      return;
    }
    await ds.finalize(this.#block.poolId, this.#replica, this.#writer);
    if (this.#end === 'finalize-and-report') await this.#pool.notifyReceived(this.#replica);
  }

  /**
   * Forwards a packet downstream. A mirror that cannot take it is no reason to stop: the packet is
   * still written here, and the responder tells the client the mirror failed (handleMirrorOutError).
   */
  async #toMirror(p: Packet): Promise<void> {
    try {
      await this.#mirror!.output.write(encodePacket(p.header, p.checksums, p.data));
    } catch (e) {
      log.info({ block: this.#name, mirror: this.#mirror!.addr, err: e }, `Exception writing ${this.#name} to mirror ${this.#mirror!.addr}`);
      this.#mirrorError = true;
      this.#mirror!.close(); // the responder's read of the mirror's acks fails now, not at its timeout
    }
  }

  /** A packet after which more may join the same disk write: full chunks, not the last, no hsync. */
  #extends(p: Packet): boolean {
    const h = p.header;
    return !h.lastPacketInBlock && !h.syncBlock && h.dataLen > 0 && h.dataLen % this.#replica.checksum.bytesPerChecksum === 0;
  }

  /**
   * The packet's checksums as they go to disk (BlockReceiver.receivePacket): checked for length
   * against the replica's checksum, verified with the sender's checksum on the last node of the
   * pipeline or when the types differ (shouldVerifyChecksum), then recomputed with the replica's
   * type when they differ (translateChunks: an append whose client uses another CRC type), or
   * computed when the sender sent none.
   */
  #checkedSums(p: Packet): Uint8Array {
    const h = p.header;
    if (h.dataLen === 0) return p.checksums;
    const spec = this.#replica.checksum;
    const expected = checksumLength(spec, h.dataLen);
    if (p.checksums.length > 0 && p.checksums.length !== expected) {
      throw new ProtocolError('PROTOCOL_MALFORMED', `Invalid checksum length: received length is ${p.checksums.length} but expected length is ${expected} (packet ${h.seqno} of ${this.#name})`, { seqno: h.seqno });
    }
    if (p.checksums.length === 0) return computeChecksums(spec, p.data);
    const translate = this.#clientChecksum.type !== spec.type;
    if (this.#mirror === undefined || translate) verifyChecksums(this.#clientChecksum, p.data, p.checksums, h.offsetInBlock);
    return translate ? computeChecksums(spec, p.data) : p.checksums;
  }

  /**
   * PacketResponder of an upstream node: merges each downstream ack with this node's SUCCESS. When
   * the mirror fails, the packet's ack says SUCCESS for this node and ERROR for the mirror (the
   * client then takes the mirror out of the pipeline) and the write ends.
   */
  async #respond(mirror: Mirror): Promise<void> {
    for (;;) {
      let down: PipelineAck;
      try {
        down = decodePipelineAck(await mirror.input.next((q) => tryReadDelimited(q, 1024 * 1024, 'pipeline ack'), `an ack from ${mirror.addr}`, this.#x.settings.socketTimeoutMs + 5000));
      } catch (e) {
        if (this.#failed) return;
        // mirrorError: the ack goes up at once with the unknown seqno, this node SUCCESS and the mirror
        // ERROR, so that the client takes the mirror (not this node) out of its pipeline
        log.warn({ block: this.#name, mirror: mirror.addr, err: e }, 'lost the downstream DataNode of the pipeline');
        await this.#x.output.write(encodeDelimited(encodePipelineAck({
          seqno: UNKNOWN_SEQNO, reply: ['SUCCESS', 'ERROR'], downstreamAckTimeNanos: 0, flag: [ackFlag('SUCCESS'), ackFlag('ERROR')],
        }))).catch(() => undefined);
        throw e;
      }
      const replies = down.reply ?? [];
      const flags = down.flag && down.flag.length > 0 ? down.flag : replies.map((r) => ackFlag(r));
      if (down.seqno === UNKNOWN_SEQNO) {
        // PacketResponder: an ack with the unknown seqno (a node further down lost its mirror, or an
        // out-of-band restart notice) is passed up at once with this node's SUCCESS in front; it
        // answers no packet, so none is taken off the queue
        await this.#x.output.write(encodeDelimited(encodePipelineAck({
          seqno: UNKNOWN_SEQNO, reply: ['SUCCESS', ...replies], downstreamAckTimeNanos: 0, flag: [ackFlag('SUCCESS'), ...flags],
        })));
        if (replies.every((r) => r === 'SUCCESS' || r.startsWith('OOB_'))) continue;
        throw new UnreachableError('UNREACHABLE', `A DataNode downstream of ${mirror.addr} failed during ${this.#name} (${replies.join(', ')})`, { seqno: down.seqno });
      }
      const mine = await this.#nextWritten();
      if (down.seqno !== mine.seqno) {
        throw new ProtocolError('PROTOCOL_MALFORMED', `PacketResponder for ${this.#name}: ack seqno from ${mirror.addr} is ${down.seqno}, expected ${mine.seqno}`, { expected: mine.seqno, received: down.seqno });
      }
      if (replies.every((r) => r === 'SUCCESS')) this.#acked(mine.end);
      await this.#x.output.write(encodeDelimited(encodePipelineAck({
        seqno: down.seqno,
        reply: ['SUCCESS', ...replies],
        downstreamAckTimeNanos: Number(process.hrtime.bigint() - mine.sentAt),
        flag: [ackFlag('SUCCESS'), ...flags],
      })));
      if (replies.some((r) => r !== 'SUCCESS')) {
        throw new UnreachableError('UNREACHABLE', `Downstream DataNode ${mirror.addr} failed packet ${down.seqno} of ${this.#name} (${replies.join(', ')})`, { seqno: down.seqno });
      }
      if (mine.last) return;
    }
  }

  /** PacketResponder.sendAckUpstreamUnprotected: a successful ack raises the replica's bytesAcked. */
  #acked(end: number): void {
    if (this.#replica.state === 'RBW' && end > (this.#replica.bytesAcked ?? 0)) this.#replica.bytesAcked = end;
  }

  /** A single-node ack, as a real 3.4.1 DataNode writes it: reply, flag, downstreamAckTimeNanos 0. */
  #ack(seqno: number, status: Status, end?: number): Promise<void> {
    if (status === 'SUCCESS' && end !== undefined) this.#acked(end);
    return this.#x.output.write(encodeDelimited(encodePipelineAck({ seqno, reply: [status], downstreamAckTimeNanos: 0, flag: [ackFlag(status)] })));
  }

  #queueForResponder(w: Written): void {
    this.#written.push(w);
    this.#wakeResponder?.();
  }

  async #nextWritten(): Promise<Written> {
    while (this.#written.length === 0) {
      if (this.#failed) throw new ProtocolError('PROTOCOL_TRUNCATED', `The write of ${this.#name} ended`, {});
      await new Promise<void>((resolve) => (this.#wakeResponder = resolve));
    }
    this.#wakeResponder = undefined;
    return this.#written.shift()!;
  }
}
