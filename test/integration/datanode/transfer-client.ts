/**
 * A DataTransferProtocol client for the DataNode suites, driven by the product codecs and the
 * security/datatransfer client handshake, following the stock client's sequences (docs/datanode.md;
 * Hadoop's DataStreamer and BlockReaderRemote): connect, handshake (or none), then WRITE_BLOCK (op,
 * connect ack, packets cut as DFSOutputStream cuts them, pipelined, every data packet acked before the empty
 * last packet, its ack) or READ_BLOCK (op, response, packets verified against their checksums,
 * CHECKSUM_OK). It also sends what a stock client never would (raw bytes, corrupted packets) for
 * the bad-input tests. Test code: not part of the product.
 */
import { connect, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { ByteQueue } from '../../../cluster/protocol/datatransfer/byte-queue.ts';
import { verifyChecksums } from '../../../cluster/protocol/datatransfer/checksum.ts';
import {
  ackStatuses, decodeBlockOpResponse, decodePipelineAck, encodeClientReadStatus, encodeOpReadBlock, encodeOpWriteBlock,
  type BlockOpResponse, type ChecksumSpec, type OpWriteBlock, type PipelineAck,
} from '../../../cluster/protocol/datatransfer/messages.ts';
import { encodeDelimited, tryReadDelimited } from '../../../cluster/protocol/datatransfer/op-frame.ts';
import { OutputPacketizer } from '../../../cluster/protocol/datatransfer/output-packetizer.ts';
import { encodeLastPacket, tryReadPacket, type Packet } from '../../../cluster/protocol/datatransfer/packet.ts';
import type { DatanodeInfo, ExtendedBlock, TokenProtoObject } from '../../../cluster/protocol/hdfs-types.ts';
import { dataTransferClientHandshake, unprotectedStreams, type DataTransferProtection } from '../../../security/datatransfer/index.ts';
import type { DataEncryptionKeyLike } from '../../../security/datatransfer/credentials.ts';
import type { Qop } from '../../../security/sasl/mechanism.ts';

export type ClientHandshake =
  | { kind: 'none' }
  | { kind: 'general'; token: TokenProtoObject; qop: Qop[]; cipherSuites?: string; handshakeSecret?: { secret: Uint8Array; bpid: string } }
  | { kind: 'encrypted'; key: DataEncryptionKeyLike; cipherSuites?: string };

export class TransferConnection {
  readonly socket: Socket;
  readonly input: Readable;
  readonly output: Writable;
  readonly protection: DataTransferProtection;
  readonly #queue = new ByteQueue();
  #eof = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;

  private constructor(socket: Socket, streams: { input: Readable; output: Writable; protection: DataTransferProtection }) {
    this.socket = socket;
    this.input = streams.input;
    this.output = streams.output;
    this.protection = streams.protection;
    this.input.on('data', (c: Buffer) => {
      this.#queue.push(c);
      this.#wake?.();
    });
    this.input.on('end', () => this.#end());
    this.input.on('close', () => this.#end());
    this.input.on('error', (e) => {
      this.#error = e;
      this.#wake?.();
    });
    this.output.on('error', () => undefined);
  }

  /** `localAddress`: the loopback address to connect from (per-client QOP tests). */
  static async open(port: number, handshake: ClientHandshake = { kind: 'none' }, options: { host?: string; localAddress?: string } = {}): Promise<TransferConnection> {
    const host = options.host ?? '127.0.0.1';
    const socket = connect({ host, port, allowHalfOpen: true, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => undefined);
    const remoteAddress = `${host}:${port}`;
    let streams;
    if (handshake.kind === 'none') streams = unprotectedStreams(socket, { remoteAddress });
    else if (handshake.kind === 'general') {
      streams = await dataTransferClientHandshake(socket, {
        credentials: { kind: 'block-token', token: { identifier: handshake.token.identifier, password: handshake.token.password } },
        qop: handshake.qop, cipherSuites: handshake.cipherSuites, handshakeSecret: handshake.handshakeSecret, remoteAddress, timeoutMs: 20_000,
      });
    } else {
      streams = await dataTransferClientHandshake(socket, { credentials: { kind: 'encryption-key', key: handshake.key }, cipherSuites: handshake.cipherSuites, remoteAddress, timeoutMs: 20_000 });
    }
    return new TransferConnection(socket, streams);
  }

  send(bytes: Uint8Array): void {
    this.output.write(bytes);
  }

  /** The next frame, or undefined when the DataNode closed the connection first. */
  async next<T>(read: (q: ByteQueue) => T | undefined, timeoutMs = 20_000): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = read(this.#queue);
      if (f !== undefined) return f;
      if (this.#error) throw this.#error;
      if (this.#eof) return undefined;
      if (Date.now() > deadline) throw new Error('test client: timed out waiting for the DataNode');
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.#wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  }

  async response(): Promise<BlockOpResponse | undefined> {
    const bytes = await this.next((q) => tryReadDelimited(q));
    return bytes && decodeBlockOpResponse(bytes);
  }

  async ack(): Promise<PipelineAck | undefined> {
    const bytes = await this.next((q) => tryReadDelimited(q));
    return bytes && decodePipelineAck(bytes);
  }

  async packet(): Promise<Packet | undefined> {
    return this.next((q) => tryReadPacket(q));
  }

  /** True once the DataNode ended or closed the connection (waits up to `ms`). */
  async closedByPeer(ms = 5000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.#eof && !this.#error && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.#eof || this.#error !== undefined;
  }

  close(): void {
    this.output.destroy();
    this.input.destroy();
    this.socket.destroy();
  }

  #end(): void {
    this.#eof = true;
    this.#wake?.();
  }
}

export interface WriteRequest {
  block: ExtendedBlock;
  token: TokenProtoObject;
  data: Uint8Array;
  clientName?: string;
  checksum?: ChecksumSpec;
  writePacketSize?: number;
  targets?: DatanodeInfo[];
  storageId?: string;
  /** Changes a packet before it is sent (bad-input tests); `index` counts data packets. */
  tamper?: (bytes: Uint8Array, index: number) => Uint8Array;
}

export interface WriteResult {
  connectAck: BlockOpResponse | undefined;
  acks: PipelineAck[];
}

/** WRITE_BLOCK as DataStreamer does it, over an open connection. */
export async function writeBlock(c: TransferConnection, w: WriteRequest): Promise<WriteResult> {
  const checksum = w.checksum ?? { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 };
  const op: OpWriteBlock = {
    header: { baseHeader: { block: { ...w.block, numBytes: 134217728 }, token: w.token }, clientName: w.clientName ?? 'DFSClient_NONMAPREDUCE_1_1' },
    targets: w.targets ?? [], stage: 'PIPELINE_SETUP_CREATE', pipelineSize: 1 + (w.targets?.length ?? 0),
    minBytesRcvd: 0, maxBytesRcvd: 0, latestGenerationStamp: 0, requestedChecksum: checksum, cachingStrategy: {},
    storageType: 'DISK', allowLazyPersist: false, pinning: false, targetPinnings: [false], ...(w.storageId ? { storageId: w.storageId } : {}),
  };
  c.send(encodeOpWriteBlock(op));
  const connectAck = await c.response();
  const acks: PipelineAck[] = [];
  if (connectAck?.status !== 'SUCCESS') return { connectAck, acks };
  const packetizer = new OutputPacketizer({ blockSize: 134217728, bytesPerChecksum: checksum.bytesPerChecksum, checksumType: checksum.type, writePacketSize: w.writePacketSize });
  const packets = [...packetizer.write(w.data), ...packetizer.close()];
  // An empty block (a stream closed right after its block was allocated): only the last packet, offset 0.
  if (packets.length === 0) packets.push({ header: { offsetInBlock: 0, seqno: 0, lastPacketInBlock: true, dataLen: 0 }, bytes: encodeLastPacket(0, 0) });
  const last = packets.length > 0 && packets[packets.length - 1]!.header.lastPacketInBlock ? packets.pop()! : undefined;
  packets.forEach((p, i) => c.send(w.tamper ? w.tamper(p.bytes, i) : p.bytes));
  for (let i = 0; i < packets.length; i++) {
    const ack = await c.ack();
    if (!ack) return { connectAck, acks };
    acks.push(ack);
    if (ackStatuses(ack).some((s) => s !== 'SUCCESS')) return { connectAck, acks };
  }
  if (last) {
    c.send(last.bytes);
    const ack = await c.ack();
    if (ack) acks.push(ack);
  }
  return { connectAck, acks };
}

export interface ReadResult {
  response: BlockOpResponse | undefined;
  data: Buffer;
  packets: Packet[];
}

/** READ_BLOCK as BlockReaderRemote does it: verify each packet, then send CHECKSUM_OK. */
export async function readBlock(c: TransferConnection, r: { block: ExtendedBlock; token: TokenProtoObject; offset: number; len: number; sendChecksums?: boolean; skipStatus?: boolean }): Promise<ReadResult> {
  c.send(encodeOpReadBlock({
    header: { baseHeader: { block: r.block, token: r.token }, clientName: 'DFSClient_NONMAPREDUCE_1_1' },
    offset: r.offset, len: r.len, sendChecksums: r.sendChecksums ?? true, cachingStrategy: {},
  }));
  const response = await c.response();
  if (response?.status !== 'SUCCESS') return { response, data: Buffer.alloc(0), packets: [] };
  const spec = response.readOpChecksumInfo!.checksum;
  const parts: Uint8Array[] = [];
  const packets: Packet[] = [];
  for (;;) {
    const p = await c.packet();
    if (!p) throw new Error('test client: the DataNode closed the connection in the middle of a read');
    packets.push(p);
    if (p.header.lastPacketInBlock) break;
    if (r.sendChecksums !== false) verifyChecksums(spec, p.data, p.checksums, p.header.offsetInBlock);
    parts.push(p.data);
  }
  if (!r.skipStatus) c.send(encodeDelimited(encodeClientReadStatus('CHECKSUM_OK')));
  const all = Buffer.concat(parts);
  const skip = r.offset - response.readOpChecksumInfo!.chunkOffset;
  return { response, data: all.subarray(skip, skip + r.len), packets };
}
