/**
 * The product client's side of a write pipeline and of the data-transfer handshake, held to what
 * Hadoop 3.4.1's DataStreamer and SaslDataTransferClient send: the WRITE_BLOCK op's fields, the
 * last packet only after every data packet is acknowledged (waitForAllAcks), heartbeat packets
 * while the writer is idle, the ack wait of dfs.client.socket-timeout + 5 s per pipeline node and
 * the send wait of dfs.datanode.socket.write.timeout + 5 s per node, the block token's handshake
 * secret in the encrypted handshake too, and a refused data encryption key answered by a new key
 * for the same block or replica (writes and reads).
 *
 * The DataNode here is a scripted peer on loopback, built from the product codecs: these are the
 * client's timings and bytes, which neither a stock DataNode (it cannot run here) nor the hsec
 * DataNode (it acknowledges at once and does not report what it received) can show. The NameNode
 * is a stand-in too, for the same reason: it answers the client's calls (server defaults, data
 * encryption keys, create / addBlock / complete, getBlockLocations) and records their order.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { BlockWriter, writeBlockRequest } from '../../../cluster/client/block-writer.ts';
import { DataNodeChannels } from '../../../cluster/client/datanode-channel.ts';
import { HdfsInputStream } from '../../../cluster/client/hdfs-input-stream.ts';
import { HdfsOutputStream } from '../../../cluster/client/hdfs-output-stream.ts';
import { LeaseRenewer } from '../../../cluster/client/lease-renewer.ts';
import { DEFAULT_SERVER_DEFAULTS, type FsServerDefaults } from '../../../cluster/protocol/client-protocol.ts';
import type { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import { decodeOpWriteBlock, encodeBlockOpResponse, type OpWriteBlock } from '../../../cluster/protocol/datatransfer/messages.ts';
import { ScriptedPeer } from '../../support/scripted-peer.ts';
import { encodeDelimited, tryReadDelimited, tryReadOpRequest } from '../../../cluster/protocol/datatransfer/op-frame.ts';
import { OutputPacketizer } from '../../../cluster/protocol/datatransfer/output-packetizer.ts';
import { encodeDataPacket, encodePacket, tryReadPacket, type Packet } from '../../../cluster/protocol/datatransfer/packet.ts';
import { EMPTY_TOKEN, type DataEncryptionKey, type DatanodeInfo, type LocatedBlock, type TokenProtoObject } from '../../../cluster/protocol/hdfs-types.ts';
import { DataTransferEncryptorStatus, encodeMessage, HandshakeDecoder, type HandshakeFrame } from '../../../security/datatransfer/messages.ts';
import { dataTransferServerHandshake } from '../../../security/datatransfer/handshake-socket.ts';
import { BlockTokenIdentifier } from '../../../security/token/block-token-identifier.ts';

const CHECKSUM = { type: 'CHECKSUM_CRC32C' as const, bytesPerChecksum: 512 };
const BLOCK_SIZE = 128 * 1024 * 1024;

describe('hdfs client: the write pipeline and handshake as DataStreamer and SaslDataTransferClient drive them (scripted DataNode)', function () {
  this.timeout(30_000);
  let server: Server;
  /** The client's connections, in order, untouched (nothing read yet). */
  let sockets: Promise<Socket>[];
  let accept: ((s: Socket) => void)[];

  beforeEach(async () => {
    sockets = [];
    accept = [];
    const nextSocket = () => {
      sockets.push(new Promise((resolve) => accept.push(resolve)));
    };
    nextSocket();
    server = createServer((socket) => {
      accept.shift()!(socket);
      nextSocket();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterEach(() => {
    server.close();
  });

  /** The client's `i`th connection as a scripted peer without a handshake. */
  const plainPeer = async (i: number) => new ScriptedPeer(await sockets[i]!);
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

  /** A DataNode that does not know the client's data encryption key: reads the first handshake message (magic + SASL), answers ERROR_UNKNOWN_KEY. */
  async function refuseUnknownKey(socket: Socket, message: string): Promise<void> {
    const decoder = new HandshakeDecoder({ expectMagic: true });
    for (let n = 0; n < 2; ) {
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      decoder.push(chunk);
      while (decoder.next()) n++;
    }
    socket.end(encodeMessage({ status: DataTransferEncryptorStatus.ERROR_UNKNOWN_KEY, message }));
  }

  function packets(data: Uint8Array) {
    const p = new OutputPacketizer({ blockSize: BLOCK_SIZE, bytesPerChecksum: CHECKSUM.bytesPerChecksum, checksumType: CHECKSUM.type });
    return [...p.write(data), ...p.close()];
  }

  it('WRITE_BLOCK carries the file block size as numBytes, latestGenerationStamp 0 and one targetPinnings false, as Sender.writeBlock from DataStreamer', async () => {
    const lb = located([datanode(port()), datanode(50010, 'dn-2'), datanode(50011, 'dn-3')]);
    const pending = BlockWriter.open(channels(), lb, { clientName: 'DFSClient_NONMAPREDUCE_1_1', checksum: CHECKSUM, maxPacketsInFlight: 80, blockSize: BLOCK_SIZE });
    const op = await acceptWrite(await plainPeer(0));
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
    const peer = await plainPeer(0);
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
    const peer = await plainPeer(0);
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
    // one every 300 ms from the data packet on: 4 to 6 fit in the 1.5 s window (fewer if timers run
    // late on a busy machine); none, or one per event-loop turn, is the failure this catches
    expect(heartbeats.length).to.be.within(2, 6);
    for (const h of heartbeats) expect(h.header).to.deep.equal({ offsetInBlock: 0, seqno: -1, lastPacketInBlock: false, dataLen: 0 });
    const done = writer.send(last!).then(() => writer.finish());
    // a heartbeat due as the window closed may still precede the last packet on the wire
    let end = await peer.expect((q) => tryReadPacket(q), 'last packet');
    while (end.header.seqno === -1) {
      peer.ack(-1);
      end = await peer.expect((q) => tryReadPacket(q), 'last packet');
    }
    expect(end.header).to.include({ seqno: 1, lastPacketInBlock: true });
    peer.ack(1);
    await done;
  });

  it('waits for acks dfs.client.socket-timeout + 5 s per pipeline node (DFSClient.getDatanodeReadTimeout)', async () => {
    const lb = located([datanode(port())]);
    const pending = BlockWriter.open(channels({ 'dfs.client.socket-timeout': '500' }), lb, { clientName: 'c', checksum: CHECKSUM, maxPacketsInFlight: 80, blockSize: BLOCK_SIZE });
    const peer = await plainPeer(0);
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
    const peer = await plainPeer(0);
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
    const peer = await plainPeer(0);
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
  it('a DataNode that refuses the data encryption key gets the same block again with a new key: no abandonBlock, no second addBlock (DataStreamer.createBlockOutputStream)', async () => {
    const pool = 'BP-1-127.0.0.1-1';
    const keys: DataEncryptionKey[] = [1, 2].map((keyId) => ({
      keyId, blockPoolId: pool, nonce: new Uint8Array(8).fill(keyId), encryptionKey: new Uint8Array(20).fill(10 + keyId), expiryDate: Date.now() + 3_600_000,
    }));
    const calls: string[] = [];
    const lb = located([datanode(port())]);
    const nn = {
      getServerDefaults: async () => (calls.push('getServerDefaults'), { ...DEFAULT_SERVER_DEFAULTS, encryptDataTransfer: true }),
      getDataEncryptionKey: async () => (calls.push('getDataEncryptionKey'), keys[calls.filter((c) => c === 'getDataEncryptionKey').length - 1]),
      create: async () => (calls.push('create'), { fileType: 'IS_FILE', fileId: 16386, blocksize: BLOCK_SIZE }),
      addBlock: async () => (calls.push('addBlock'), lb),
      abandonBlock: async () => void calls.push('abandonBlock'),
      complete: async () => (calls.push('complete'), true),
    } as unknown as ClientProtocolClient;
    const out = new HdfsOutputStream({
      nn, channels: channels({}, nn), leases: new LeaseRenewer(async () => undefined), clientName: 'DFSClient_NONMAPREDUCE_1_1',
      checksum: CHECKSUM, writePacketSize: 65536, maxPacketsInFlight: 80, blockWriteRetries: 3, locateFollowingRetries: 5, locateFollowingInitialDelayMs: 400, locateFollowingMaxDelayMs: 60_000,
    }, '/f', { createFlag: 1, replication: 1, blockSize: BLOCK_SIZE, masked: 0o644, unmasked: 0o666, createParent: true });
    const written = pipeline(Readable.from([Buffer.alloc(3000, 6)]), out);

    // first connection: the DataNode does not know key 1 (a stale key): ERROR_UNKNOWN_KEY after the first message
    const first = await sockets[0]!;
    await refuseUnknownKey(first, 'Can\'t re-compute encryption key for nonce, since the required block key (keyID=1) doesn\'t exist.');

    // second connection: key 2 works; then the block as usual
    const second = await sockets[1]!;
    const streams = await dataTransferServerHandshake(second, {
      handshake: 'encrypted',
      dataEncryptionKey: (name) => {
        const key = keys.find((k) => k.keyId === name.keyId);
        if (!key || name.keyId !== 2) throw new Error(`unknown key ${name.keyId}`);
        return key.encryptionKey;
      },
    });
    const peer = new ScriptedPeer(second, streams);
    await acceptWrite(peer);
    const data = await peer.expect((q) => tryReadPacket(q), 'data packet');
    peer.ack(data.header.seqno);
    const last = await peer.expect((q) => tryReadPacket(q), 'last packet');
    expect(last.header.lastPacketInBlock).to.equal(true);
    peer.ack(last.header.seqno);
    await written;
    expect(calls).to.deep.equal(['create', 'addBlock', 'getServerDefaults', 'getDataEncryptionKey', 'getDataEncryptionKey', 'complete']);
  });
  it('a read refused for its data encryption key fetches a new key and tries the same DataNode again, without new block locations (DFSInputStream.blockSeekTo)', async () => {
    const pool = 'BP-1-127.0.0.1-1';
    const keys: DataEncryptionKey[] = [1, 2].map((keyId) => ({
      keyId, blockPoolId: pool, nonce: new Uint8Array(8).fill(keyId), encryptionKey: new Uint8Array(20).fill(10 + keyId), expiryDate: Date.now() + 3_600_000,
    }));
    const content = Buffer.alloc(1500, 8);
    const lb = { ...located([datanode(port())]), b: { poolId: pool, blockId: 1073741825, generationStamp: 1001, numBytes: content.length } };
    const calls: string[] = [];
    const nn = {
      getServerDefaults: async () => (calls.push('getServerDefaults'), { ...DEFAULT_SERVER_DEFAULTS, encryptDataTransfer: true }),
      getDataEncryptionKey: async () => (calls.push('getDataEncryptionKey'), keys[calls.filter((c) => c === 'getDataEncryptionKey').length - 1]),
      getBlockLocations: async () => (calls.push('getBlockLocations'), { fileLength: content.length, blocks: [lb], underConstruction: false, isLastBlockComplete: true, lastBlock: lb }),
    } as unknown as ClientProtocolClient;
    const chunks: Buffer[] = [];
    const read = (async () => {
      for await (const c of new HdfsInputStream({ nn, channels: channels({}, nn), clientName: 'c', prefetchSize: BLOCK_SIZE, readBlockLength: () => Promise.reject(new Error('the file is complete')) }, '/f')) chunks.push(c as Buffer);
    })();

    const first = await sockets[0]!;
    await refuseUnknownKey(first, 'unknown key 1');

    const second = await sockets[1]!;
    const streams = await dataTransferServerHandshake(second, {
      handshake: 'encrypted',
      dataEncryptionKey: (name) => {
        if (name.keyId !== 2) throw new Error(`unknown key ${name.keyId}`);
        return keys[1]!.encryptionKey;
      },
    });
    const peer = new ScriptedPeer(second, streams);
    const req = await peer.expect((q) => tryReadOpRequest(q), 'READ_BLOCK op');
    expect(req.op).to.equal('READ_BLOCK');
    peer.send(encodeDelimited(encodeBlockOpResponse({ status: 'SUCCESS', readOpChecksumInfo: { checksum: CHECKSUM, chunkOffset: 0 } })));
    peer.send(encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, CHECKSUM, content));
    peer.send(encodePacket({ offsetInBlock: content.length, seqno: 1, lastPacketInBlock: true }, new Uint8Array(0), new Uint8Array(0)));
    await peer.expect((q) => tryReadDelimited(q), 'read status');
    await read;
    expect(Buffer.compare(Buffer.concat(chunks), content)).to.equal(0);
    expect(calls).to.deep.equal(['getBlockLocations', 'getServerDefaults', 'getDataEncryptionKey', 'getDataEncryptionKey']);
  });
});
