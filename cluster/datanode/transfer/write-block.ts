/**
 * WRITE_BLOCK (docs/datanode.md; Hadoop's DataXceiver.writeBlock, BlockReceiver and its
 * PacketResponder), stages PIPELINE_SETUP_CREATE and PIPELINE_SETUP_APPEND:
 *
 *   1. the block token must grant WRITE on the block and the storages (checkAccess);
 *   2. a replica is created in rbw/ with the requested checksum, or for append the finalized
 *      replica (the block's stamp, length minBytesRcvd) is reopened in rbw/ under
 *      latestGenerationStamp (FsDatasetImpl.append); RECEIVING is reported;
 *   3. with downstream targets, the op goes on to targets[0] over a mirror connection and its
 *      connect-ack status and firstBadLink come back; a mirror that cannot be reached is
 *      {ERROR, firstBadLink = its address};
 *   4. the connect-ack {status, firstBadLink} (empty on success) goes to a client;
 *   5. packets: each is forwarded to the mirror first, then (on the last node) its chunk
 *      checksums are verified, then it is written; the last node acks a packet once written, an
 *      upstream node when the mirror's ack for that seqno arrives, putting its own SUCCESS first;
 *      a checksum mismatch is acked ERROR_CHECKSUM and ends the write;
 *   6. on the last (empty) packet the replica is finalized and RECEIVED reported before its ack.
 *
 * A packet with syncBlock (hsync) is synced to disk before its ack.
 *
 * An append's first packet may start inside the last chunk: replica-writer.ts stores the CRC of
 * the whole chunk (partial-chunk.ts). An append keeps the replica's checksum: a client asking for
 * another chunk size is refused, another CRC type at the same chunk size is verified as sent and
 * stored as the replica's type (BlockReceiver's checksum translation).
 *
 * A DataNode sender (empty client name: a replication the NameNode asked for, DataNode.DataTransfer)
 * gets no connect-ack and no acks; its replica is not reported RECEIVING, is finalized and reported
 * RECEIVED like any other, and is deleted when the copy ends early (Hadoop keeps such a copy in
 * tmp/ and drops it: createTemporary, unfinalizeBlock; hsec writes it in rbw/). Other stages
 * (pipeline recovery, transfers) are refused with ERROR. The write ends the connection. A new
 * replica whose write fails stays in rbw/ with the bytes it received, for block recovery (deleted if
 * it holds none); an appended one goes back to its length before the append, finalized under the new
 * stamp and reported (Hadoop leaves it in rbw/ for block recovery), so the file's earlier bytes stay
 * readable and recovery keeps them. Block recovery may stop a write in progress (FsDataset.stopWriter).
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
import type { Replica } from '../storage/replica.ts';
import type { ReplicaWriter } from '../storage/replica-writer.ts';
import { xferAddr, type Mirror } from './mirror.ts';
import type { BlockPoolService, Xceiver } from './xceiver.ts';

const log = getLogger('datanode.write');

/** Most data gathered into one disk write from packets already received (bytes). */
const WRITE_RUN_BYTES = 1024 * 1024;

export async function writeBlock(x: Xceiver, op: OpWriteBlock): Promise<void> {
  const { block, token } = op.header.baseHeader;
  const name = blockName(block);
  const isClient = op.header.clientName.length > 0;
  const targets = op.targets ?? [];
  const storageTypes = [op.storageType ?? 'DISK', ...(op.targetStorageTypes ?? [])];
  const targetIds = op.targetStorageIds ?? [];
  const storageIds = targetIds.length > 0 ? [op.storageId ?? '', ...targetIds] : [];
  const pool = await x.checkAccess('WRITE_BLOCK', block, token, 'WRITE', isClient, storageTypes, storageIds);
  const refuse = async (err: HsecError, firstBadLink = ''): Promise<never> => {
    if (isClient) await x.reply({ status: 'ERROR', firstBadLink, message: err.message }).catch(() => undefined);
    throw err;
  };
  const append = op.stage === 'PIPELINE_SETUP_APPEND';
  if (op.stage !== 'PIPELINE_SETUP_CREATE' && !append) {
    await refuse(new HsecError('DATA_TRANSFER_UNSUPPORTED', `Write stage ${op.stage} of ${name} is not supported by the hsec DataNode (only PIPELINE_SETUP_CREATE and PIPELINE_SETUP_APPEND: no pipeline recovery)`, { stage: op.stage }));
  }
  const { bytesPerChecksum: bpc } = op.requestedChecksum;
  if (!Number.isInteger(bpc) || bpc <= 0 || bpc > DEFAULT_MAX_PACKET_SIZE) {
    await refuse(new ProtocolError('PROTOCOL_MALFORMED', `Invalid requested checksum for ${name}: bytesPerChecksum ${bpc}`, { bytesPerChecksum: bpc }));
  }
  const disk = append ? x.services.dataset.getReplica(block.poolId, block.blockId)?.checksum : undefined;
  if (disk && disk.bytesPerChecksum !== op.requestedChecksum.bytesPerChecksum) {
    // LocalReplicaInPipeline.createStreams; another CRC type at the same chunk size is translated (BlockReceiver)
    await refuse(new HsecError('DATA_TRANSFER_UNSUPPORTED', `Client requested checksum ${op.requestedChecksum.type}/${op.requestedChecksum.bytesPerChecksum} when appending to an existing block ${name} with different chunk size: ${disk.type}/${disk.bytesPerChecksum}`, {
      stage: op.stage,
    }));
  }
  log.info({ block: name, remoteAddress: x.remoteAddress, targets: targets.length, stage: op.stage }, 'Receiving block');
  let created: { replica: Replica; writer: ReplicaWriter };
  try {
    created = append
      ? await x.services.dataset.append(block.poolId, block.blockId, block.generationStamp, op.latestGenerationStamp, op.minBytesRcvd, name)
      : await x.services.dataset.createRbw(block.poolId, block.blockId, block.generationStamp, op.requestedChecksum, name);
  } catch (e) {
    return refuse(e instanceof HsecError ? e : new HsecError('FILE_IO', String(e)));
  }
  const { replica, writer } = created;
  // BlockReceiver: a client's new or appended replica is reported RECEIVING; a DataNode's copy (createTemporary) is not
  if (isClient) pool.notifyReceiving(replica);
  // block recovery may stop this write (initReplicaRecovery stops the writer): the connection's input ends
  const writeOver = x.services.dataset.beginWrite(block.poolId, block.blockId, () => x.input.close());
  let mirror: Mirror | undefined;
  let finalized = false;
  try {
    let status: Status = 'SUCCESS';
    let firstBadLink = '';
    if (targets.length > 0) {
      const setup = await connectMirror(x, op, isClient);
      mirror = setup.mirror;
      status = setup.status;
      firstBadLink = setup.firstBadLink;
    }
    if (isClient) await x.reply({ status, firstBadLink });
    if (status !== 'SUCCESS') throw new UnreachableError('UNREACHABLE', `Downstream DataNode ${firstBadLink || mirror?.addr} failed the pipeline of ${name} (${status})`, { status, firstBadLink });
    const receiver = new BlockReceiver(x, pool, block.poolId, replica, writer, name, isClient, mirror, op.requestedChecksum);
    await receiver.receive();
    finalized = true;
    log.info({ block: name, remoteAddress: x.remoteAddress, bytes: replica.numBytes }, 'Received block');
  } finally {
    mirror?.close();
    // a new write or an append that ended before its last packet stays RBW for block recovery (BlockReceiver);
    // an unfinished copy from a DataNode is deleted (BlockReceiver.cleanupBlock -> unfinalizeBlock)
    if (!finalized && isClient) await x.services.dataset.keepRbw(block.poolId, replica, writer).catch((e: unknown) => log.error({ block: name, err: e }, 'could not close an unfinished replica'));
    if (!finalized && !isClient) await x.services.dataset.abort(block.poolId, replica, writer).catch((e: unknown) => log.error({ block: name, err: e }, 'could not delete an unfinished copy'));
    writeOver();
  }
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
  sentAt: bigint;
}

/** Steps 5 and 6: the packets of one block, their acks, finalization. */
class BlockReceiver {
  readonly #x: Xceiver;
  readonly #pool: BlockPoolService;
  readonly #poolId: string;
  readonly #replica: Replica;
  readonly #writer: ReplicaWriter;
  readonly #name: string;
  readonly #isClient: boolean;
  readonly #mirror: Mirror | undefined;
  /** The checksum the sender's packets carry: the replica's, or (an append) another CRC type at the same chunk size */
  readonly #clientChecksum: ChecksumSpec;
  readonly #written: Written[] = [];
  #wakeResponder: (() => void) | undefined;
  /** Set when the packet loop failed: the responder stops. */
  #failed = false;

  constructor(x: Xceiver, pool: BlockPoolService, poolId: string, replica: Replica, writer: ReplicaWriter, name: string, isClient: boolean, mirror: Mirror | undefined, clientChecksum: ChecksumSpec) {
    this.#x = x;
    this.#pool = pool;
    this.#poolId = poolId;
    this.#replica = replica;
    this.#writer = writer;
    this.#name = name;
    this.#isClient = isClient;
    this.#mirror = mirror;
    this.#clientChecksum = clientChecksum;
  }

  async receive(): Promise<void> {
    const responder = this.#mirror && this.#isClient ? this.#respond(this.#mirror) : undefined;
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
        if (this.#mirror) await this.#mirror.output.write(encodePacket(p.header, p.checksums, p.data));
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
      if (last?.lastPacketInBlock) {
        await this.#x.services.dataset.finalize(this.#poolId, this.#replica, this.#writer);
        await this.#pool.notifyReceived(this.#replica); // the NameNode has it before the writer can complete()
      }
      for (const p of run.slice(0, prepared.length)) {
        if (!this.#isClient) continue;
        if (this.#mirror) this.#queueForResponder({ seqno: p.header.seqno, last: p.header.lastPacketInBlock, sentAt });
        else await this.#ack(p.header.seqno, 'SUCCESS');
      }
      if (failure !== undefined) {
        const bad = run[prepared.length]!.header;
        if (failure instanceof ProtocolError && failure.code === 'PROTOCOL_CHECKSUM') {
          if (this.#isClient) await this.#ack(bad.seqno, 'ERROR_CHECKSUM').catch(() => undefined);
          throw new ProtocolError('PROTOCOL_CHECKSUM', `Terminating due to a checksum error in packet ${bad.seqno} of ${this.#name} from ${this.#x.remoteAddress}: ${failure.message}`, { seqno: bad.seqno, remoteAddress: this.#x.remoteAddress }, { cause: failure });
        }
        throw failure;
      }
      if (last?.lastPacketInBlock) return;
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
        const mine = await this.#nextWritten().catch(() => undefined);
        log.warn({ block: this.#name, mirror: mirror.addr, err: e }, 'lost the downstream DataNode of the pipeline');
        if (mine) {
          await this.#x.output.write(encodeDelimited(encodePipelineAck({
            seqno: mine.seqno, reply: ['SUCCESS', 'ERROR'], downstreamAckTimeNanos: 0, flag: [ackFlag('SUCCESS'), ackFlag('ERROR')],
          }))).catch(() => undefined);
        }
        throw e;
      }
      const mine = await this.#nextWritten();
      if (down.seqno !== mine.seqno) {
        throw new ProtocolError('PROTOCOL_MALFORMED', `PacketResponder for ${this.#name}: ack seqno from ${mirror.addr} is ${down.seqno}, expected ${mine.seqno}`, { expected: mine.seqno, received: down.seqno });
      }
      const replies = down.reply ?? [];
      const flags = down.flag && down.flag.length > 0 ? down.flag : replies.map((r) => ackFlag(r));
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

  /** A single-node ack, as a real 3.4.1 DataNode writes it: reply, flag, downstreamAckTimeNanos 0. */
  #ack(seqno: number, status: Status): Promise<void> {
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
