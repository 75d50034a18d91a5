/**
 * Writing one block through a DataNode pipeline (Hadoop's DataStreamer for one block, stage
 * PIPELINE_SETUP_CREATE, PIPELINE_SETUP_APPEND to continue a file's partial last block, or a
 * recovery stage after a DataNode failed: PIPELINE_SETUP_STREAMING_RECOVERY,
 * PIPELINE_CLOSE_RECOVERY, PIPELINE_SETUP_APPEND_RECOVERY): WRITE_BLOCK to the first DataNode with
 * the block token, the downstream targets and the requested checksum (writeBlockRequest); its
 * BlockOpResponse (a refused token is InvalidBlockTokenError, a failed downstream node names itself
 * in firstBadLink); then the packets the OutputPacketizer cut, at most `maxPacketsInFlight`
 * unacknowledged (the ack queue of DataStreamer), each acknowledged in order by a PipelineAck whose
 * every reply must be SUCCESS. As DataStreamer.run does, the empty last packet goes out only once
 * every data packet is acknowledged (waitForAllAcks), and while the pipeline streams but has nothing
 * to send for half of dfs.client-socket-timeout, a heartbeat packet (seqno -1) keeps the DataNodes
 * from timing out. Acks are awaited for dfs.client.socket-timeout plus 5 s per pipeline node, and
 * the DataNode may take dfs.datanode.socket.write.timeout plus 5 s per node to read what is sent
 * (DFSClient.getDatanodeReadTimeout / getDatanodeWriteTimeout).
 *
 * A failure is not thrown at the sender: the writer records a PipelineFault as DataStreamer's
 * ErrorState would (the DataNode an ack reports bad, the one firstBadLink names, one announcing a
 * restart with OOB_RESTART, else the first node) and keeps the unacknowledged packets, which the
 * output stream takes back (takeUnacked) to send again through the recovered pipeline.
 */
import { HsecError, ProtocolError, WritePipelineError } from '../../lib/errors/index.ts';
import type { OutboundPacket } from '../protocol/datatransfer/output-packetizer.ts';
import { ackStatuses, decodeBlockOpResponse, decodePipelineAck, encodeOpWriteBlock, type BlockConstructionStage, type ChecksumSpec } from '../protocol/datatransfer/messages.ts';
import { tryReadDelimited } from '../protocol/datatransfer/op-frame.ts';
import { encodeHeartbeatPacket } from '../protocol/datatransfer/packet.ts';
import { HEART_BEAT_SEQNO } from '../protocol/datatransfer/constants.ts';
import type { DatanodeInfo, LocatedBlock } from '../protocol/hdfs-types.ts';
import type { OpWriteBlock } from '../protocol/datatransfer/messages.ts';
import { checkOpResponse } from './block-reader.ts';
import type { DataNodeChannels, DataNodeConnection } from './datanode-channel.ts';

export interface BlockWriterOptions {
  readonly clientName: string;
  readonly checksum: ChecksumSpec;
  /** dfs.client.write.max-packets-in-flight (default 80). */
  readonly maxPacketsInFlight: number;
  /** The file's block size (the create status's `blocksize`): DataStreamer sends it as the block's numBytes. */
  readonly blockSize: number;
  /** The stage and byte counts of the WRITE_BLOCK; default a new block (PIPELINE_SETUP_CREATE, 0, 0, 0). */
  readonly setup?: StageSetup;
  /** Told of each acknowledged data packet, in order (ResponseProcessor: bytesAcked, lastAckedSeqno). */
  readonly onAck?: (packet: OutboundPacket) => void;
}

/** What a WRITE_BLOCK carries besides the block (DataStreamer.createBlockOutputStream). */
export interface StageSetup {
  readonly stage: BlockConstructionStage;
  /** the block's acknowledged length (DataStreamer's block.getNumBytes()) */
  readonly minBytesRcvd: number;
  /** bytes sent so far (bytesSent) */
  readonly maxBytesRcvd: number;
  /** the generation stamp updateBlockForPipeline gave (newGS); 0 for a new block */
  readonly latestGenerationStamp: number;
}

/** What DataStreamer's ErrorState learns from a failed pipeline. */
export interface PipelineFault {
  readonly error: Error;
  /** The DataNode to drop (ErrorState.badNodeIndex), -1 when none is named (then the first is suspected). */
  readonly badNodeIndex: number;
  /** A DataNode that announced a restart (OOB_RESTART), -1 for none. */
  readonly restartingNodeIndex: number;
}

/** HdfsConstants.READ_TIMEOUT_EXTENSION: the ack wait grows by this much per pipeline node. */
export const READ_TIMEOUT_EXTENSION_MS = 5000;

/** `ip:xferPort` (DatanodeID.getXferAddr), as firstBadLink names a DataNode. */
export function xferAddr(dn: DatanodeInfo): string {
  return `${dn.id.ipAddr}:${dn.id.xferPort}`;
}

/**
 * The WRITE_BLOCK op as DataStreamer.createBlockOutputStream sends it through Sender.writeBlock:
 * the block with numBytes = the file's block size (the DataNode reserves that much), the stage
 * with minBytesRcvd / maxBytesRcvd / latestGenerationStamp (0 for a new block), the downstream
 * nodes with their storage types and ids, an empty CachingStrategy, and targetPinnings a single
 * `false` (PBHelperClient.convert(null pinnings) without favored nodes).
 */
export function writeBlockRequest(located: LocatedBlock, o: Pick<BlockWriterOptions, 'clientName' | 'checksum' | 'blockSize' | 'setup'>): OpWriteBlock {
  const locs = located.locs ?? [];
  return {
    header: { baseHeader: { block: { ...located.b, numBytes: o.blockSize }, token: located.blockToken }, clientName: o.clientName },
    targets: locs.slice(1),
    stage: o.setup?.stage ?? 'PIPELINE_SETUP_CREATE',
    pipelineSize: locs.length,
    minBytesRcvd: o.setup?.minBytesRcvd ?? 0,
    maxBytesRcvd: o.setup?.maxBytesRcvd ?? 0,
    latestGenerationStamp: o.setup?.latestGenerationStamp ?? 0,
    requestedChecksum: o.checksum,
    cachingStrategy: {},
    storageType: located.storageTypes?.[0] ?? 'DISK',
    targetStorageTypes: located.storageTypes?.slice(1) ?? locs.slice(1).map(() => 'DISK' as const),
    allowLazyPersist: false,
    pinning: false,
    targetPinnings: [false],
    ...(located.storageIDs?.[0] ? { storageId: located.storageIDs[0] } : {}),
    targetStorageIds: located.storageIDs?.slice(1) ?? [],
  };
}

/** The outcome of setting a pipeline up: the writer, or the fault (createBlockOutputStream's false + ErrorState). */
export type ConnectResult = { readonly writer: BlockWriter; readonly fault?: undefined } | { readonly writer?: undefined; readonly fault: PipelineFault };

export class BlockWriter {
  readonly #conn: DataNodeConnection;
  readonly #located: LocatedBlock;
  readonly #timeoutMs: number;
  readonly #onAck: ((packet: OutboundPacket) => void) | undefined;
  /** Packets sent and not yet acknowledged, in order (DataStreamer's ackQueue). */
  #ackQueue: OutboundPacket[] = [];
  #acks: Promise<void> | undefined;
  #ackWaiters: Array<() => void> = [];
  #fault: PipelineFault | undefined;
  #done = false;
  readonly #max: number;
  /** Half of dfs.client.socket-timeout: the idle time after which a heartbeat packet goes out. */
  readonly #heartbeatMs: number;
  #heartbeat: NodeJS.Timeout | undefined;
  /** A packet is being handed to the socket (a heartbeat must not go out in between). */
  #sending = false;
  /** The last packet waits for its turn: no more heartbeats (the streamer is in waitForAllAcks). */
  #closing = false;

  private constructor(conn: DataNodeConnection, located: LocatedBlock, timeoutMs: number, heartbeatMs: number, o: BlockWriterOptions) {
    this.#conn = conn;
    this.#located = located;
    this.#timeoutMs = timeoutMs;
    this.#heartbeatMs = heartbeatMs;
    this.#max = o.maxPacketsInFlight;
    this.#onAck = o.onAck;
  }

  /** Connects to the first DataNode of `located`'s pipeline and sets the pipeline up; throws what failed. */
  static async open(channels: DataNodeChannels, located: LocatedBlock, o: BlockWriterOptions): Promise<BlockWriter> {
    const r = await BlockWriter.connect(channels, located, o);
    if (r.fault) throw r.fault.error;
    return r.writer;
  }

  /**
   * DataStreamer.createBlockOutputStream: connect, handshake, WRITE_BLOCK, the connect ack. A
   * failure names the DataNode to drop: the one the ack's firstBadLink names, else the first; an
   * OOB_RESTART answer names the first as restarting.
   */
  static async connect(channels: DataNodeChannels, located: LocatedBlock, o: BlockWriterOptions): Promise<ConnectResult> {
    const locs = located.locs ?? [];
    const first = locs[0];
    if (!first) throw new ProtocolError('PROTOCOL_MALFORMED', `The NameNode gave block ${located.b.blockId} no DataNode to write to`, { blockId: located.b.blockId });
    let firstBadLink = '';
    let restarting = false;
    let conn: DataNodeConnection | undefined;
    try {
      conn = await channels.open(first, located.blockToken, locs.length);
      const w = new BlockWriter(conn, located, channels.timeoutMs + READ_TIMEOUT_EXTENSION_MS * locs.length, channels.timeoutMs / 2, o);
      await conn.output.write(encodeOpWriteBlock(writeBlockRequest(located, o)));
      const response = decodeBlockOpResponse(await conn.input.next((q) => tryReadDelimited(q, 1 << 20, 'BlockOpResponse'), 'the WRITE_BLOCK response', w.#timeoutMs));
      firstBadLink = response.firstBadLink ?? '';
      if (response.status === 'OOB_RESTART') {
        restarting = true;
        throw new WritePipelineError('PIPELINE_DATANODE_ERROR', `A datanode is restarting: ${conn.peer} answered WRITE_BLOCK of block ${located.b.blockId} with OOB_RESTART`, { remoteAddress: conn.peer, blockId: located.b.blockId });
      }
      checkOpResponse({ ...response, ...(firstBadLink ? { message: `${response.message ?? ''} ack with firstBadLink as ${firstBadLink}`.trim() } : {}) }, 'WRITE_BLOCK', conn.peer, located.b.blockId);
      w.#acks = w.#readAcks();
      w.#armHeartbeat();
      return { writer: w };
    } catch (e) {
      conn?.close();
      const named = firstBadLink ? locs.findIndex((l) => xferAddr(l) === firstBadLink) : -1;
      return { fault: { error: e as Error, badNodeIndex: restarting ? -1 : Math.max(named, 0), restartingNodeIndex: restarting ? 0 : -1 } };
    }
  }

  /** `ip:port` of the first DataNode. */
  get peer(): string {
    return this.#conn.peer;
  }

  /** The pipeline's failure, once there is one (the writer then sends nothing more). */
  get fault(): PipelineFault | undefined {
    return this.#fault;
  }

  /**
   * Sends one packet, after waiting while `maxPacketsInFlight` are unacknowledged; the last packet
   * of the block only once every packet before it is acknowledged (DataStreamer.waitForAllAcks).
   * Returns false when the pipeline failed before the packet could be queued; once queued (true)
   * the packet is in the ack queue even if sending it failed (see `fault`).
   */
  async send(packet: OutboundPacket): Promise<boolean> {
    const last = packet.header.lastPacketInBlock;
    if (last) {
      this.#closing = true;
      this.#stopHeartbeat();
    }
    const limit = last ? 1 : this.#max;
    while (this.#ackQueue.length >= limit && !this.#fault && !this.#done) await new Promise<void>((r) => this.#ackWaiters.push(r));
    if (this.#fault) return false;
    if (this.#done) throw this.#closed(packet.header.seqno);
    this.#ackQueue.push(packet);
    this.#sending = true;
    try {
      await this.#conn.output.write(packet.bytes);
    } catch (e) {
      // DataStreamer.run: an IOException while sending marks the first node unless one is marked
      this.#fail({ error: e as Error, badNodeIndex: 0, restartingNodeIndex: -1 });
    } finally {
      this.#sending = false;
      if (!last) this.#armHeartbeat();
    }
    return true;
  }

  /**
   * DataStreamer.run in stage DATA_STREAMING: when nothing was sent for half the socket timeout, a
   * heartbeat packet (seqno -1, offset 0, no data). It takes no place among the unacked packets;
   * its ack is skipped by the ack reader.
   */
  #armHeartbeat(): void {
    this.#stopHeartbeat();
    if (this.#closing || this.#fault || !(this.#heartbeatMs > 0)) return;
    this.#heartbeat = setTimeout(() => {
      this.#heartbeat = undefined;
      if (this.#closing || this.#fault) return;
      if (this.#sending) return this.#armHeartbeat();
      this.#conn.output.write(encodeHeartbeatPacket()).then(() => this.#armHeartbeat(), () => undefined);
    }, this.#heartbeatMs);
    this.#heartbeat.unref();
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearTimeout(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  /**
   * Resolves once every packet sent so far is acknowledged (DFSOutputStream.waitForAckedSeqno) or
   * the pipeline failed: true when all are acknowledged.
   */
  async drained(): Promise<boolean> {
    while (this.#ackQueue.length > 0 && !this.#fault && !this.#done) await new Promise<void>((r) => this.#ackWaiters.push(r));
    if (!this.#fault && this.#ackQueue.length > 0) throw this.#closed(this.#ackQueue[0]!.header.seqno);
    return !this.#fault;
  }

  /**
   * A writer closed (the stream destroyed) while a packet waited for its ack or for room: the wait
   * ends with an error rather than never (DataStreamer.waitForAckedSeqno / waitAndQueuePacket:
   * checkClosed throws ClosedChannelException); abort() leaves no fault, so no recovery follows.
   */
  #closed(seqno: number): HsecError {
    const blockId = this.#located.b.blockId;
    return new HsecError('FILE_IO', `The pipeline of block ${blockId} was closed while packet ${seqno} waited for its acknowledgement`, { blockId, seqno });
  }

  /** As `drained`, throwing the pipeline's failure (for a caller that does not recover). */
  async waitForAcks(): Promise<void> {
    if (!(await this.drained())) throw this.#fault!.error;
  }

  /** Waits for every ack (the last packet's included) and closes the connection; throws the pipeline's failure. */
  async finish(): Promise<void> {
    try {
      await this.waitForAcks();
      await this.#acks;
    } finally {
      this.abort();
    }
  }

  /**
   * DataStreamer.processDatanodeOrExternalError: the connection is closed and the unacknowledged
   * packets handed back, in order, to go to the front of the data queue.
   */
  takeUnacked(): OutboundPacket[] {
    this.abort();
    const packets = this.#ackQueue;
    this.#ackQueue = [];
    return packets;
  }

  /** Closes the connection without waiting. */
  abort(): void {
    this.#done = true;
    this.#stopHeartbeat();
    this.#conn.close();
    this.#ackWaiters.splice(0).forEach((w) => w());
  }

  #fail(fault: PipelineFault): void {
    if (this.#fault) return;
    this.#fault = fault;
    this.#stopHeartbeat();
    this.#ackWaiters.splice(0).forEach((w) => w());
  }

  /**
   * ResponseProcessor: acks arrive in seqno order; the replies are checked from the last node to the
   * first, an OOB_RESTART names a restarting node and any other non-SUCCESS the bad node; ends after
   * the last packet's ack. A failure of the connection itself suspects the first node.
   */
  async #readAcks(): Promise<void> {
    const locs = this.#located.locs ?? [];
    try {
      for (;;) {
        const ack = decodePipelineAck(await this.#conn.input.next((q) => tryReadDelimited(q, 1 << 20, 'PipelineAck'), 'a pipeline ack', this.#timeoutMs));
        const replies = ackStatuses(ack);
        // a reply for a node past the pipeline has no node to blame: the ack is malformed, the first
        // node suspected (DataStreamer would fail with ArrayIndexOutOfBoundsException in handleBadDatanode)
        if (replies.length > locs.length) {
          throw new ProtocolError('PROTOCOL_MALFORMED', `Pipeline ack for block ${this.#located.b.blockId} from ${this.#conn.peer} has ${replies.length} replies for a pipeline of ${locs.length} DataNodes`, { remoteAddress: this.#conn.peer, replies: replies.length, pipeline: locs.length });
        }
        for (let i = replies.length - 1; i >= 0; i--) {
          const node = locs[i] ? xferAddr(locs[i]!) : String(i);
          if (replies[i] === 'OOB_RESTART') {
            const error = new WritePipelineError('PIPELINE_DATANODE_ERROR', `Datanode ${i} is restarting: ${node}`, { remoteAddress: node, blockId: this.#located.b.blockId, badNodeIndex: i });
            return this.#fail({ error, badNodeIndex: -1, restartingNodeIndex: i });
          }
          if (replies[i] !== 'SUCCESS') {
            const error = new WritePipelineError('PIPELINE_DATANODE_ERROR', `Bad response ${replies[i]} for block ${this.#located.b.blockId} from datanode ${node}`, { remoteAddress: node, blockId: this.#located.b.blockId, badNodeIndex: i });
            return this.#fail({ error, badNodeIndex: i, restartingNodeIndex: -1 });
          }
        }
        if (ack.seqno === HEART_BEAT_SEQNO) continue;
        const one = this.#ackQueue[0];
        if (one === undefined || ack.seqno !== one.header.seqno) {
          throw new ProtocolError('PROTOCOL_MALFORMED', `ResponseProcessor: Expecting seqno ${one?.header.seqno ?? 'none'} for block ${this.#located.b.blockId} but received ${ack.seqno} (DataNode ${this.#conn.peer})`, { remoteAddress: this.#conn.peer });
        }
        this.#ackQueue.shift();
        this.#onAck?.(one);
        this.#ackWaiters.splice(0).forEach((w) => w());
        if (one.header.lastPacketInBlock) return;
      }
    } catch (e) {
      if (!this.#done) this.#fail({ error: e as Error, badNodeIndex: 0, restartingNodeIndex: -1 });
    }
  }
}
