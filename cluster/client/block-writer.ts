/**
 * Writing one block through a DataNode pipeline (Hadoop's DataStreamer for one block, stage
 * PIPELINE_SETUP_CREATE, or PIPELINE_SETUP_APPEND to continue a file's partial last block): WRITE_BLOCK to the first DataNode with the block token, the downstream
 * targets and the requested checksum (writeBlockRequest); its BlockOpResponse (a refused token is
 * InvalidBlockTokenError, a failed downstream node names itself in firstBadLink); then the packets
 * the OutputPacketizer cut, at most `maxPacketsInFlight` unacknowledged (the data queue of
 * DFSOutputStream), each acknowledged in order by a PipelineAck whose every reply must be SUCCESS.
 * As DataStreamer.run does, the empty last packet goes out only once every data packet is
 * acknowledged (waitForAllAcks), and while the pipeline streams but has nothing to send for half of
 * dfs.client-socket-timeout, a heartbeat packet (seqno -1) keeps the DataNodes from timing out.
 * Acks are awaited for dfs.client.socket-timeout plus 5 s per pipeline node, and the DataNode
 * may take dfs.datanode.socket.write.timeout plus 5 s per node to read what is sent
 * (DFSClient.getDatanodeReadTimeout / getDatanodeWriteTimeout).
 */
import { ProtocolError } from '../../lib/errors/index.ts';
import type { OutboundPacket } from '../protocol/datatransfer/output-packetizer.ts';
import { ackStatuses, decodeBlockOpResponse, decodePipelineAck, encodeOpWriteBlock, type ChecksumSpec } from '../protocol/datatransfer/messages.ts';
import { tryReadDelimited } from '../protocol/datatransfer/op-frame.ts';
import { encodeHeartbeatPacket } from '../protocol/datatransfer/packet.ts';
import { HEART_BEAT_SEQNO } from '../protocol/datatransfer/constants.ts';
import type { LocatedBlock } from '../protocol/hdfs-types.ts';
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
  /** Set to continue an existing block (stage PIPELINE_SETUP_APPEND). */
  readonly append?: AppendStage;
}

/** What an append's WRITE_BLOCK carries besides the block (DataStreamer.createBlockOutputStream). */
export interface AppendStage {
  /** the block's length (bytes acknowledged so far) */
  readonly minBytesRcvd: number;
  /** bytes sent so far: the same length when the append begins */
  readonly maxBytesRcvd: number;
  /** the generation stamp updateBlockForPipeline gave */
  readonly latestGenerationStamp: number;
}

/** HdfsConstants.READ_TIMEOUT_EXTENSION: the ack wait grows by this much per pipeline node. */
export const READ_TIMEOUT_EXTENSION_MS = 5000;

/**
 * The WRITE_BLOCK op of a new block as DataStreamer.createBlockOutputStream sends it through
 * Sender.writeBlock: the block with numBytes = the file's block size (the DataNode reserves that
 * much), minBytesRcvd / maxBytesRcvd / latestGenerationStamp 0 (newGS is 0 for a new block), the
 * downstream nodes with their storage types and ids, an empty CachingStrategy, and targetPinnings
 * a single `false` (PBHelperClient.convert(null pinnings) without favored nodes).
 */
export function writeBlockRequest(located: LocatedBlock, o: Pick<BlockWriterOptions, 'clientName' | 'checksum' | 'blockSize' | 'append'>): OpWriteBlock {
  const locs = located.locs ?? [];
  return {
    header: { baseHeader: { block: { ...located.b, numBytes: o.blockSize }, token: located.blockToken }, clientName: o.clientName },
    targets: locs.slice(1),
    stage: o.append ? 'PIPELINE_SETUP_APPEND' : 'PIPELINE_SETUP_CREATE',
    pipelineSize: locs.length,
    minBytesRcvd: o.append?.minBytesRcvd ?? 0,
    maxBytesRcvd: o.append?.maxBytesRcvd ?? 0,
    latestGenerationStamp: o.append?.latestGenerationStamp ?? 0,
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

export class BlockWriter {
  readonly #conn: DataNodeConnection;
  readonly #located: LocatedBlock;
  readonly #timeoutMs: number;
  /** Seqnos sent and not yet acknowledged, in order. */
  readonly #unacked: number[] = [];
  #acks: Promise<void> | undefined;
  #ackWaiters: Array<() => void> = [];
  #failure: Error | undefined;
  /** The block's last (empty) packet was sent: the ack reader ends after its ack. */
  #lastSent = false;
  readonly #max: number;
  /** Half of dfs.client.socket-timeout: the idle time after which a heartbeat packet goes out. */
  readonly #heartbeatMs: number;
  #heartbeat: NodeJS.Timeout | undefined;
  /** A packet is being handed to the socket (a heartbeat must not go out in between). */
  #sending = false;
  /** The last packet waits for its turn: no more heartbeats (the streamer is in waitForAllAcks). */
  #closing = false;

  private constructor(conn: DataNodeConnection, located: LocatedBlock, timeoutMs: number, heartbeatMs: number, max: number) {
    this.#conn = conn;
    this.#located = located;
    this.#timeoutMs = timeoutMs;
    this.#heartbeatMs = heartbeatMs;
    this.#max = max;
  }

  /** Connects to the first DataNode of `located`'s pipeline and sets the pipeline up. */
  static async open(channels: DataNodeChannels, located: LocatedBlock, o: BlockWriterOptions): Promise<BlockWriter> {
    const first = located.locs?.[0];
    if (!first) throw new ProtocolError('PROTOCOL_MALFORMED', `The NameNode gave block ${located.b.blockId} no DataNode to write to`, { blockId: located.b.blockId });
    const nodes = (located.locs ?? []).length;
    const conn = await channels.open(first, located.blockToken, nodes);
    const w = new BlockWriter(conn, located, channels.timeoutMs + READ_TIMEOUT_EXTENSION_MS * nodes, channels.timeoutMs / 2, o.maxPacketsInFlight);
    try {
      await conn.output.write(encodeOpWriteBlock(writeBlockRequest(located, o)));
      const response = decodeBlockOpResponse(await conn.input.next((q) => tryReadDelimited(q, 1 << 20, 'BlockOpResponse'), 'the WRITE_BLOCK response', w.#timeoutMs));
      checkOpResponse({ ...response, ...(response.firstBadLink ? { message: `${response.message ?? ''} first bad link ${response.firstBadLink}`.trim() } : {}) }, 'WRITE_BLOCK', conn.peer, located.b.blockId);
    } catch (e) {
      w.abort();
      throw e;
    }
    w.#acks = w.#readAcks();
    w.#acks.catch(() => undefined);
    w.#armHeartbeat();
    return w;
  }

  /** `ip:port` of the first DataNode. */
  get peer(): string {
    return this.#conn.peer;
  }

  /**
   * Sends one packet, after waiting while `maxPacketsInFlight` are unacknowledged; the last packet
   * of the block only once every packet before it is acknowledged (DataStreamer.waitForAllAcks).
   */
  async send(packet: OutboundPacket): Promise<void> {
    const last = packet.header.lastPacketInBlock;
    if (last) {
      this.#closing = true;
      this.#stopHeartbeat();
    }
    const limit = last ? 1 : this.#max;
    while (this.#unacked.length >= limit && !this.#failure) await new Promise<void>((r) => this.#ackWaiters.push(r));
    if (this.#failure) throw this.#failure;
    if (last) this.#lastSent = true;
    this.#unacked.push(packet.header.seqno);
    this.#sending = true;
    try {
      await this.#conn.output.write(packet.bytes);
    } finally {
      this.#sending = false;
      if (!last) this.#armHeartbeat();
    }
  }

  /**
   * DataStreamer.run in stage DATA_STREAMING: when nothing was sent for half the socket timeout, a
   * heartbeat packet (seqno -1, offset 0, no data). It takes no place among the unacked packets;
   * its ack is skipped by the ack reader.
   */
  #armHeartbeat(): void {
    this.#stopHeartbeat();
    if (this.#closing || this.#failure || !(this.#heartbeatMs > 0)) return;
    this.#heartbeat = setTimeout(() => {
      this.#heartbeat = undefined;
      if (this.#closing || this.#failure) return;
      if (this.#sending) return this.#armHeartbeat();
      this.#conn.output.write(encodeHeartbeatPacket()).then(() => this.#armHeartbeat(), () => undefined);
    }, this.#heartbeatMs);
    this.#heartbeat.unref();
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearTimeout(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  /** DFSOutputStream.waitForAckedSeqno: resolves once every packet sent so far is acknowledged (hflush). */
  async waitForAcks(): Promise<void> {
    while (this.#unacked.length > 0 && !this.#failure) await new Promise<void>((r) => this.#ackWaiters.push(r));
    if (this.#failure) throw this.#failure;
  }

  /** Waits for every ack (the last packet's included) and closes the connection. */
  async finish(): Promise<void> {
    try {
      await this.#acks;
    } finally {
      this.abort();
    }
  }

  /** Closes the connection without waiting. */
  abort(): void {
    this.#stopHeartbeat();
    this.#conn.close();
  }

  /** ResponseProcessor: acks arrive in seqno order; every reply must be SUCCESS; ends after the last packet's ack. */
  async #readAcks(): Promise<void> {
    try {
      for (;;) {
        const ack = decodePipelineAck(await this.#conn.input.next((q) => tryReadDelimited(q, 1 << 20, 'PipelineAck'), 'a pipeline ack', this.#timeoutMs));
        // ResponseProcessor: every reply must be SUCCESS, a heartbeat's included; then a heartbeat's ack is done
        const bad = ackStatuses(ack).findIndex((s) => s !== 'SUCCESS');
        if (bad >= 0) {
          const node = this.#located.locs?.[bad];
          throw new ProtocolError('PROTOCOL_MALFORMED', `Bad response ${ackStatuses(ack)[bad]} for block ${this.#located.b.blockId} from DataNode ${node ? `${node.id.ipAddr}:${node.id.xferPort}` : bad} in the pipeline`, {
            remoteAddress: this.#conn.peer,
          });
        }
        if (ack.seqno === HEART_BEAT_SEQNO) continue;
        const expected = this.#unacked[0];
        if (expected === undefined || ack.seqno !== expected) {
          throw new ProtocolError('PROTOCOL_MALFORMED', `DataNode ${this.#conn.peer} acknowledged packet ${ack.seqno}, expected ${expected ?? 'none'} (block ${this.#located.b.blockId})`, { remoteAddress: this.#conn.peer });
        }
        this.#unacked.shift();
        this.#ackWaiters.splice(0).forEach((w) => w());
        if (this.#lastSent && this.#unacked.length === 0) return;
      }
    } catch (e) {
      this.#failure = e as Error;
      this.#stopHeartbeat();
      this.#ackWaiters.splice(0).forEach((w) => w());
      throw e;
    }
  }
}
