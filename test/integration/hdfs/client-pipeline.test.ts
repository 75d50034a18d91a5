/**
 * The product client's side of a write pipeline and of the data-transfer handshake, held to what
 * Hadoop 3.4.1's DataStreamer and SaslDataTransferClient send: the WRITE_BLOCK op's fields, the
 * last packet only after every data packet is acknowledged (waitForAllAcks), heartbeat packets
 * while the writer is idle, the ack wait of dfs.client.socket-timeout + 5 s per pipeline node and
 * the send wait of dfs.datanode.socket.write.timeout + 5 s per node, and the block token's
 * handshake secret in the encrypted handshake too.
 *
 * The DataNode here is a scripted peer on loopback, built from the product codecs: these are the
 * client's timings and bytes, which neither a stock DataNode (it cannot run here) nor the hsec
 * DataNode (it acknowledges at once and does not report what it received) can show. The NameNode
 * is a stand-in too, for the same reason: only its server defaults and data encryption key are
 * read, as getServerDefaults / getDataEncryptionKey return them.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { BlockWriter, writeBlockRequest } from '../../../cluster/client/block-writer.ts';
import { DataNodeChannels } from '../../../cluster/client/datanode-channel.ts';
import { DEFAULT_SERVER_DEFAULTS, type FsServerDefaults } from '../../../cluster/protocol/client-protocol.ts';
import type { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import { ByteQueue } from '../../../cluster/protocol/datatransfer/byte-queue.ts';
import { decodeOpWriteBlock, encodeBlockOpResponse, encodePipelineAck, type OpWriteBlock } from '../../../cluster/protocol/datatransfer/messages.ts';
import { encodeDelimited, tryReadOpRequest } from '../../../cluster/protocol/datatransfer/op-frame.ts';
import { OutputPacketizer } from '../../../cluster/protocol/datatransfer/output-packetizer.ts';
import { tryReadPacket, type Packet } from '../../../cluster/protocol/datatransfer/packet.ts';
import { EMPTY_TOKEN, type DataEncryptionKey, type DatanodeInfo, type LocatedBlock, type TokenProtoObject } from '../../../cluster/protocol/hdfs-types.ts';
import { HandshakeDecoder, type HandshakeFrame } from '../../../security/datatransfer/messages.ts';
import { BlockTokenIdentifier } from '../../../security/token/block-token-identifier.ts';

const CHECKSUM = { type: 'CHECKSUM_CRC32C' as const, bytesPerChecksum: 512 };
const BLOCK_SIZE = 128 * 1024 * 1024;

/** A loopback peer that buffers what the client sends and lets the test read it frame by frame. */
class ScriptedPeer {
  readonly queue = new ByteQueue();
  readonly socket: Socket;
  #wake: (() => void) | undefined;
  #ended = false;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.queue.push(d);
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#wake?.();
    });
    socket.on('error', () => undefined);
  }

  /** The next frame `read` finds, or undefined when none is complete within `ms`. */
  async next<T>(read: (q: ByteQueue) => T | undefined, ms: number): Promise<T | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const frame = read(this.queue);
      if (frame !== undefined) return frame;
      const left = deadline - Date.now();
      if (left <= 0 || this.#ended) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  async expect<T>(read: (q: ByteQueue) => T | undefined, what: string, ms = 5000): Promise<T> {
    const frame = await this.next(read, ms);
    if (frame === undefined) throw new Error(`the client sent no ${what} within ${ms} ms`);
    return frame;
  }

  send(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  ack(seqno: number): void {
    this.send(encodeDelimited(encodePipelineAck({ seqno, reply: ['SUCCESS'], downstreamAckTimeNanos: 0, flag: [0] })));
  }
}

describe('hdfs client: the write pipeline and handshake as DataStreamer and SaslDataTransferClient drive them (scripted DataNode)', function () {
  this.timeout(30_000);
  let server: Server;
  let peers: Promise<ScriptedPeer>[];
  let accept: ((p: ScriptedPeer) => void)[];

  beforeEach(async () => {
    peers = [];
    accept = [];
    const nextPeer = () => {
      peers.push(new Promise((resolve) => accept.push(resolve)));
    };
    nextPeer();
    server = createServer((socket) => {
      accept.shift()!(new ScriptedPeer(socket));
      nextPeer();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterEach(() => {
    server.close();
  });

  const port = () => (server.address() as AddressInfo).port;
  const datanode = (xferPort: number, uuid = 'dn-1'): DatanodeInfo => ({
    id: { ipAddr: '127.0.0.1', hostName: 'localhost', datanodeUuid: uuid, xferPort, infoPort: 0, ipcPort: 0 },
  });
  const located = (locs: DatanodeInfo[], blockToken: TokenProtoObject = EMPTY_TOKEN): LocatedBlock => ({
    b: { poolId: 'BP-1-127.0.0.1-1', blockId: 1073741825, generationStamp: 1001, numBytes: 0 },
    offset: 0, locs, corrupt: false, blockToken,
    storageTypes: locs.map(() => 'DISK' as const), storageIDs: locs.map((_, i) => `DS-${i + 1}`),
  });
  /** The NameNode stand-in: server defaults, and a data encryption key when they ask for encryption. */
  const nameNode = (defaults: Partial<FsServerDefaults> = {}, key?: DataEncryptionKey) => ({
    getServerDefaults: async () => ({ ...DEFAULT_SERVER_DEFAULTS, ...defaults }),
    getDataEncryptionKey: async () => key,
  }) as unknown as ClientProtocolClient;
  const channels = (overrides: Record<string, string> = {}, nn = nameNode()) =>
    new DataNodeChannels(loadConfiguration({ env: {}, overrides: { 'hadoop.security.authentication': 'simple', ...overrides } }), nn);

  /** The peer's side of the set-up: the op, then SUCCESS with an empty firstBadLink. */
  async function acceptWrite(peer: ScriptedPeer): Promise<OpWriteBlock> {
    const req = await peer.expect((q) => tryReadOpRequest(q), 'WRITE_BLOCK op');
    expect(req.op).to.equal('WRITE_BLOCK');
    peer.send(encodeDelimited(encodeBlockOpResponse({ status: 'SUCCESS', firstBadLink: '' })));
    return decodeOpWriteBlock(req.body);
  }

  function packets(data: Uint8Array) {
    const p = new OutputPacketizer({ blockSize: BLOCK_SIZE, bytesPerChecksum: CHECKSUM.bytesPerChecksum, checksumType: CHECKSUM.type });
    return [...p.write(data), ...p.close()];
  }

  it('WRITE_BLOCK carries the file block size as numBytes, latestGenerationStamp 0 and one targetPinnings false, as Sender.writeBlock from DataStreamer', async () => {
    const lb = located([datanode(port()), datanode(50010, 'dn-2'), datanode(50011, 'dn-3')]);
    const pending = BlockWriter.open(channels(), lb, { clientName: 'DFSClient_NONMAPREDUCE_1_1', checksum: CHECKSUM, maxPacketsInFlight: 80, blockSize: BLOCK_SIZE });
    const op = await acceptWrite(await peers[0]!);
    const writer = await pending;
    writer.abort();
    expect(op.header.baseHeader.block).to.deep.equal({ ...lb.b, numBytes: BLOCK_SIZE });
    expect(op.latestGenerationStamp).to.equal(0);
    expect(op.minBytesRcvd).to.equal(0);
    expect(op.maxBytesRcvd).to.equal(0);
    expect(op.targetPinnings).to.deep.equal([false]);
    expect(op.pipelineSize).to.equal(3);
    expect(op.targets!.map((t) => t.id.datanodeUuid)).to.deep.equal(['dn-2', 'dn-3']);
    expect(op.targetStorageTypes).to.deep.equal(['DISK', 'DISK']);
    expect(op.storageId).to.equal('DS-1');
    expect(op.targetStorageIds).to.deep.equal(['DS-2', 'DS-3']);
    // the pure builder the writer sends from
    expect(writeBlockRequest(lb, { clientName: 'c', checksum: CHECKSUM, blockSize: 1048576 }).header.baseHeader.block.numBytes).to.equal(1048576);
  });

  it('sends the empty last packet only once every data packet is acknowledged (DataStreamer.waitForAllAcks)', async () => {
    const lb = located([datanode(port())]);
    const pending = BlockWriter.open(channels(), lb, { clientName: 'c', checksum: CHECKSUM, maxPacketsInFlight: 80, blockSize: BLOCK_SIZE });
    const peer = await peers[0]!;
    await acceptWrite(peer);
    const writer = await pending;
    const [data, last] = packets(new Uint8Array(1000).fill(7));
    const sent = (async () => {
      await writer.send(data!);
      await writer.send(last!);
      await writer.finish();
    })();
    const first = await peer.expect((q) => tryReadPacket(q), 'data packet');
    expect(first.header).to.include({ seqno: 0, dataLen: 1000, lastPacketInBlock: false });
    const early = await peer.next((q) => tryReadPacket(q), 400);
    expect(early, 'the last packet went out before packet 0 was acknowledged').to.equal(undefined);
    peer.ack(0);
    const end = await peer.expect((q) => tryReadPacket(q), 'last packet');
    expect(end.header).to.include({ seqno: 1, dataLen: 0, lastPacketInBlock: true, offsetInBlock: 1000 });
    peer.ack(1);
    await sent;
  });

  it('keeps an idle pipeline alive with heartbeat packets every half dfs.client.socket-timeout and skips their acks', async () => {
    const lb = located([datanode(port())]);
    const pending = BlockWriter.open(channels({ 'dfs.client.socket-timeout': '600' }), lb, { clientName: 'c', checksum: CHECKSUM, maxPacketsInFlight: 80, blockSize: BLOCK_SIZE });
    const peer = await peers[0]!;
    await acceptWrite(peer);
    const writer = await pending;
    const [data, last] = packets(new Uint8Array(700).fill(1));
    await writer.send(data!);
    expect((await peer.expect((q) => tryReadPacket(q), 'data packet')).header.seqno).to.equal(0);
    peer.ack(0);
    // the writer has nothing to send for 1.5 s, longer than the DataNode's read timeout (600 ms)
    const heartbeats: Packet[] = [];
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      const p = await peer.next((q) => tryReadPacket(q), until - Date.now());
      if (!p) break;
      heartbeats.push(p);
      peer.ack(-1);
    }
    expect(heartbeats.length).to.be.within(2, 4);
    for (const h of heartbeats) expect(h.header).to.deep.equal({ offsetInBlock: 0, seqno: -1, lastPacketInBlock: false, dataLen: 0 });
    const done = writer.send(last!).then(() => writer.finish());
    expect((await peer.expect((q) => tryReadPacket(q), 'last packet')).header).to.include({ seqno: 1, lastPacketInBlock: true });
    peer.ack(1);
    await done;
  });

  it('waits for acks dfs.client.socket-timeout + 5 s per pipeline node (DFSClient.getDatanodeReadTimeout)', async () => {
    const lb = located([datanode(port())]);
    const pending = BlockWriter.open(channels({ 'dfs.client.socket-timeout': '500' }), lb, { clientName: 'c', checksum: CHECKSUM, maxPacketsInFlight: 80, blockSize: BLOCK_SIZE });
    const peer = await peers[0]!;
    await acceptWrite(peer);
    const writer = await pending;
    const [data, last] = packets(new Uint8Array(10).fill(2));
    const sent = (async () => {
      await writer.send(data!);
      await writer.send(last!);
      await writer.finish();
    })();
    await peer.expect((q) => tryReadPacket(q), 'data packet');
    // a DataNode slower than the bare socket timeout, within the 5.5 s a stock client waits for one node
    await new Promise((r) => setTimeout(r, 1500));
    for (let p = await peer.next((q) => tryReadPacket(q), 0); p; p = await peer.next((q) => tryReadPacket(q), 0)) {
      expect(p.header.seqno, 'only heartbeats while the ack is pending').to.equal(-1);
    }
    peer.ack(0);
    for (;;) {
      const p = await peer.expect((q) => tryReadPacket(q), 'last packet');
      if (p.header.seqno === -1) continue; // heartbeats before the ack of 0 came back: acked after it, in order
      expect(p.header).to.include({ seqno: 1, lastPacketInBlock: true });
      break;
    }
    peer.ack(1);
    await sent;
  });

  it('gives a DataNode that stops reading dfs.datanode.socket.write.timeout + 5 s per pipeline node (DFSClient.getDatanodeWriteTimeout)', async () => {
    const lb = located([datanode(port())]);
    const pending = BlockWriter.open(channels({ 'dfs.datanode.socket.write.timeout': '300' }), lb, { clientName: 'c', checksum: CHECKSUM, maxPacketsInFlight: 80, blockSize: BLOCK_SIZE });
    const peer = await peers[0]!;
    await acceptWrite(peer);
    const writer = await pending;
    const all = packets(new Uint8Array(4 * 1024 * 1024).fill(5)); // 66 packets: more than the socket buffers hold
    peer.socket.pause(); // a DataNode busy for 1.5 s: longer than the bare write timeout, within 5.3 s
    const sent = (async () => {
      for (const p of all) await writer.send(p);
      await writer.finish();
    })();
    await new Promise((r) => setTimeout(r, 1500));
    peer.socket.resume();
    let acked = 0;
    while (acked < all.length) {
      const p = await peer.expect((q) => tryReadPacket(q), `packet ${acked}`);
      if (p.header.seqno === -1) continue;
      expect(p.header.seqno).to.equal(acked);
      peer.ack(acked++);
    }
    await sent;
  });

  it('the encrypted handshake starts with the block token\'s handshake secret and pool, as the general one does (SaslDataTransferClient.doSaslHandshake)', async () => {
    const key: DataEncryptionKey = { keyId: 7, blockPoolId: 'BP-1-127.0.0.1-1', nonce: new Uint8Array(8).fill(3), encryptionKey: new Uint8Array(16).fill(4), expiryDate: Date.now() + 3_600_000 };
    const id = BlockTokenIdentifier.create({
      expiryDate: Date.now() + 600_000, keyId: 7, userId: 'alice', blockPoolId: 'BP-1-127.0.0.1-1', blockId: 1073741825,
      modes: ['WRITE'], storageTypes: ['DISK'], storageIds: ['DS-1'], handshakeMsg: Buffer.from('auth-conf'),
    });
    const token: TokenProtoObject = { identifier: id.bytes, password: new Uint8Array(20).fill(9), kind: 'HDFS_BLOCK_TOKEN', service: '' };
    const ch = channels({}, nameNode({ encryptDataTransfer: true }, key));
    const opened = ch.open(datanode(port()), token).then(() => 'open', (e: Error) => e);
    const peer = await peers[0]!;
    const decoder = new HandshakeDecoder({ expectMagic: true });
    const frames: HandshakeFrame[] = [];
    while (frames.length < 2) {
      const chunk = await peer.next((q) => (q.length > 0 ? q.takeAll() : undefined), 5000);
      if (!chunk) throw new Error('the client sent no first handshake message');
      decoder.push(chunk);
      for (let f = decoder.next(); f; f = decoder.next()) frames.push(f);
    }
    peer.socket.destroy();
    await opened;
    expect(frames[0]).to.deep.equal({ kind: 'magic', value: 0xdeadbeef });
    const first = frames[1]!;
    if (first.kind !== 'message') throw new Error('expected a message');
    expect(Buffer.from(first.message.handshakeSecret!.secret).toString()).to.equal('auth-conf');
    expect(first.message.handshakeSecret!.bpid).to.equal('BP-1-127.0.0.1-1');
  });
});
