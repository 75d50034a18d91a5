/**
 * Writing one new block through a DataNode pipeline (Hadoop's DataStreamer for one block, stage
 * PIPELINE_SETUP_CREATE): WRITE_BLOCK to the first DataNode with the block token, the downstream
 * targets and the requested checksum; its BlockOpResponse (a refused token is
 * InvalidBlockTokenError, a failed downstream node names itself in firstBadLink); then the packets
 * the OutputPacketizer cut, at most `maxPacketsInFlight` unacknowledged (the data queue of
 * DFSOutputStream), each acknowledged in order by a PipelineAck whose every reply must be SUCCESS;
 * the block ends with the empty last packet, whose ack closes it.
 */
import { ProtocolError } from '../../lib/errors/index.ts';
import type { OutboundPacket } from '../protocol/datatransfer/output-packetizer.ts';
import { ackStatuses, decodeBlockOpResponse, decodePipelineAck, encodeOpWriteBlock, type ChecksumSpec } from '../protocol/datatransfer/messages.ts';
import { tryReadDelimited } from '../protocol/datatransfer/op-frame.ts';
import type { LocatedBlock } from '../protocol/hdfs-types.ts';
import { checkOpResponse } from './block-reader.ts';
import type { DataNodeChannels, DataNodeConnection } from './datanode-channel.ts';

export interface BlockWriterOptions {
  readonly clientName: string;
  readonly checksum: ChecksumSpec;
  /** dfs.client.write.max-packets-in-flight (default 80). */
  readonly maxPacketsInFlight: number;
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

  private constructor(conn: DataNodeConnection, located: LocatedBlock, timeoutMs: number, max: number) {
    this.#conn = conn;
    this.#located = located;
    this.#timeoutMs = timeoutMs;
    this.#max = max;
  }

  /** Connects to the first DataNode of `located`'s pipeline and sets the pipeline up. */
  static async open(channels: DataNodeChannels, located: LocatedBlock, o: BlockWriterOptions): Promise<BlockWriter> {
    const [first, ...rest] = located.locs ?? [];
    if (!first) throw new ProtocolError('PROTOCOL_MALFORMED', `The NameNode gave block ${located.b.blockId} no DataNode to write to`, { blockId: located.b.blockId });
    const conn = await channels.open(first, located.blockToken);
    const w = new BlockWriter(conn, located, channels.timeoutMs, o.maxPacketsInFlight);
    try {
      await conn.output.write(
        encodeOpWriteBlock({
          header: { baseHeader: { block: located.b, token: located.blockToken }, clientName: o.clientName },
          targets: rest,
          stage: 'PIPELINE_SETUP_CREATE',
          pipelineSize: (located.locs ?? []).length,
          minBytesRcvd: 0,
          maxBytesRcvd: 0,
          latestGenerationStamp: located.b.generationStamp,
          requestedChecksum: o.checksum,
          cachingStrategy: {},
          storageType: located.storageTypes?.[0] ?? 'DISK',
          targetStorageTypes: located.storageTypes?.slice(1) ?? rest.map(() => 'DISK' as const),
          allowLazyPersist: false,
          pinning: false,
          targetPinnings: rest.length > 0 ? rest.map(() => false) : [false],
          ...(located.storageIDs?.[0] ? { storageId: located.storageIDs[0] } : {}),
          targetStorageIds: located.storageIDs?.slice(1) ?? [],
        }),
      );
      const response = decodeBlockOpResponse(await conn.input.next((q) => tryReadDelimited(q, 1 << 20, 'BlockOpResponse'), 'the WRITE_BLOCK response', channels.timeoutMs));
      checkOpResponse({ ...response, ...(response.firstBadLink ? { message: `${response.message ?? ''} first bad link ${response.firstBadLink}`.trim() } : {}) }, 'WRITE_BLOCK', conn.peer, located.b.blockId);
    } catch (e) {
      w.abort();
      throw e;
    }
    w.#acks = w.#readAcks();
    w.#acks.catch(() => undefined);
    return w;
  }

  /** `ip:port` of the first DataNode. */
  get peer(): string {
    return this.#conn.peer;
  }

  /** Sends one packet, after waiting while `maxPacketsInFlight` are unacknowledged. */
  async send(packet: OutboundPacket): Promise<void> {
    while (this.#unacked.length >= this.#max && !this.#failure) await new Promise<void>((r) => this.#ackWaiters.push(r));
    if (this.#failure) throw this.#failure;
    if (packet.header.lastPacketInBlock) this.#lastSent = true;
    this.#unacked.push(packet.header.seqno);
    await this.#conn.output.write(packet.bytes);
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
    this.#conn.close();
  }

  /** ResponseProcessor: acks arrive in seqno order; every reply must be SUCCESS; ends after the last packet's ack. */
  async #readAcks(): Promise<void> {
    try {
      for (;;) {
        const ack = decodePipelineAck(await this.#conn.input.next((q) => tryReadDelimited(q, 1 << 20, 'PipelineAck'), 'a pipeline ack', this.#timeoutMs));
        if (ack.seqno === -1) continue; // heartbeat
        const expected = this.#unacked[0];
        if (expected === undefined || ack.seqno !== expected) {
          throw new ProtocolError('PROTOCOL_MALFORMED', `DataNode ${this.#conn.peer} acknowledged packet ${ack.seqno}, expected ${expected ?? 'none'} (block ${this.#located.b.blockId})`, { remoteAddress: this.#conn.peer });
        }
        const bad = ackStatuses(ack).findIndex((s) => s !== 'SUCCESS');
        if (bad >= 0) {
          const node = this.#located.locs?.[bad];
          throw new ProtocolError('PROTOCOL_MALFORMED', `Bad response ${ackStatuses(ack)[bad]} for block ${this.#located.b.blockId} from DataNode ${node ? `${node.id.ipAddr}:${node.id.xferPort}` : bad} in the pipeline`, {
            remoteAddress: this.#conn.peer,
          });
        }
        this.#unacked.shift();
        this.#ackWaiters.splice(0).forEach((w) => w());
        if (this.#lastSent && this.#unacked.length === 0) return;
      }
    } catch (e) {
      this.#failure = e as Error;
      this.#ackWaiters.splice(0).forEach((w) => w());
      throw e;
    }
  }
}
