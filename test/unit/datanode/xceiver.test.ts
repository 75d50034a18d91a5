// The data-port op handlers (Xceiver: WRITE_BLOCK, READ_BLOCK, checkAccess) over in-memory streams,
// with a real dataset on a temp dir and real block keys: the bytes a stock client sees are the
// ones a Hadoop 3.4.1 DataNode writes (test/vectors/hdfs-data-transfer.json), refusals carry
// Hadoop's status and firstBadLink, and bad packets end the op with a typed error.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { BlockPoolTokens } from '../../../cluster/datanode/block-access.ts';
import { FsDataset } from '../../../cluster/datanode/storage/fs-dataset.ts';
import type { Replica } from '../../../cluster/datanode/storage/replica.ts';
import { FrameInput } from '../../../cluster/protocol/datatransfer/frame-input.ts';
import { FrameOutput } from '../../../cluster/protocol/datatransfer/frame-output.ts';
import { Xceiver, type XceiverServices } from '../../../cluster/datanode/transfer/xceiver.ts';
import { ByteQueue } from '../../../cluster/protocol/datatransfer/byte-queue.ts';
import { computeChecksums } from '../../../cluster/protocol/datatransfer/checksum.ts';
import {
  decodeBlockOpResponse, decodePipelineAck, encodeClientReadStatus, encodeOpBlockChecksum, encodeOpReadBlock, encodeOpTransferBlock, encodeOpWriteBlock,
  type BlockChecksumOptions, type OpReadBlock, type OpWriteBlock,
} from '../../../cluster/protocol/datatransfer/messages.ts';
import { encodeDelimited, encodeOpRequest, tryReadDelimited } from '../../../cluster/protocol/datatransfer/op-frame.ts';
import { encodeDataPacket, encodeHeartbeatPacket, encodeLastPacket, encodePacket, tryReadPacket } from '../../../cluster/protocol/datatransfer/packet.ts';
import type { TokenProtoObject } from '../../../cluster/protocol/hdfs-types.ts';
import { UnreachableError } from '../../../lib/errors/index.ts';
import { ReplicaError } from '../../../cluster/datanode/storage/replica.ts';
import { BlockTokenIdentifier, type AccessMode } from '../../../security/token/block-token-identifier.ts';
import { DelegationKey } from '../../../security/token/keys/delegation-key.ts';
import { createPassword } from '../../../security/token/keys/hmac.ts';
import { md5, referenceChunkCrcs, referenceCrc } from '../../support/checksum-reference.ts';
import { rejectsCode } from '../../support/errors.ts';
import { until } from '../../support/until.ts';

const vectors = JSON.parse(readFileSync(fileURLToPath(new URL('../../vectors/hdfs-data-transfer.json', import.meta.url)), 'utf8'));
const vhex = (s: string): string => s.replace(/\s+/g, '');
const BP = 'BP-1-127.0.0.1-1';
const KEY = new DelegationKey(5, Date.now() + 3_600_000, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
const CRC = { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 } as const;

function token(blockId: number, modes: AccessMode[], key = KEY): TokenProtoObject {
  const id = BlockTokenIdentifier.create({ expiryDate: Date.now() + 600_000, keyId: key.keyId, userId: 'alice', blockPoolId: BP, blockId, modes, storageTypes: ['DISK'], storageIds: [], handshakeMsg: new Uint8Array(0) });
  return { identifier: id.bytes, password: createPassword(id.bytes, key.key!), kind: 'HDFS_BLOCK_TOKEN', service: '' };
}

function writeOp(blockId: number, tok: TokenProtoObject, extra: Partial<OpWriteBlock> = {}): Uint8Array {
  return encodeOpWriteBlock({
    header: { baseHeader: { block: { poolId: BP, blockId, generationStamp: 1001, numBytes: 134217728 }, token: tok }, clientName: 'DFSClient_NONMAPREDUCE_1_1' },
    stage: 'PIPELINE_SETUP_CREATE', pipelineSize: 1, minBytesRcvd: 0, maxBytesRcvd: 0, latestGenerationStamp: 0,
    requestedChecksum: CRC, cachingStrategy: {}, storageType: 'DISK', allowLazyPersist: false, pinning: false, targetPinnings: [false], ...extra,
  });
}

function readOp(blockId: number, tok: TokenProtoObject, offset: number, len: number, extra: Partial<OpReadBlock> = {}): Uint8Array {
  return encodeOpReadBlock({
    header: { baseHeader: { block: { poolId: BP, blockId, generationStamp: 1001, numBytes: len }, token: tok }, clientName: 'DFSClient_NONMAPREDUCE_1_1' },
    offset, len, sendChecksums: true, cachingStrategy: {}, ...extra,
  });
}

/** One connection: what the client sends in, what the DataNode answers out. */
function connection(services: XceiverServices) {
  const toDn = new PassThrough();
  const fromDn = new PassThrough();
  const q = new ByteQueue();
  fromDn.on('data', (c: Buffer) => q.push(c));
  const x = new Xceiver('127.0.0.1:50000', new FrameInput(toDn, '127.0.0.1:50000'), new FrameOutput(fromDn, '127.0.0.1:50000', 5000), services);
  const done = x.run();
  done.catch(() => undefined);
  const take = async <T>(read: (q: ByteQueue) => T | undefined): Promise<T> => {
    for (let i = 0; i < 400; i++) {
      const f = read(q);
      if (f !== undefined) return f;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('no frame from the DataNode');
  };
  return {
    send: (b: Uint8Array) => toDn.write(b),
    end: () => toDn.end(),
    raw: async (n: number) => take((qq) => (qq.length >= n ? qq.take(n) : undefined)),
    response: async () => decodeBlockOpResponse(await take((qq) => tryReadDelimited(qq))),
    ackBytes: async () => take((qq) => tryReadDelimited(qq)),
    packet: async () => take((qq) => tryReadPacket(qq)),
    get buffered() {
      return q.length;
    },
    done,
  };
}

describe('datanode/xceiver: WRITE_BLOCK, READ_BLOCK and BLOCK_CHECKSUM handlers', () => {
  let dir: string;
  let dataset: FsDataset;
  let services: XceiverServices;
  const events: string[] = [];
  const access = new BlockPoolTokens();
  access.setKeys(BP, { isBlockTokenEnabled: true, keyUpdateInterval: 600_000, tokenLifetime: 600_000, currentKey: KEY, allKeys: [KEY] });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dn-xceiver-'));
    dataset = await FsDataset.open(dir);
    await dataset.attachBlockPool({ blockPoolID: BP, namespaceID: 1, clusterID: 'CID-1', cTime: 0 });
    services = {
      settings: { socketTimeoutMs: 2000, socketWriteTimeoutMs: 2000, keepaliveMs: 500, xceiverStopTimeoutMs: 2000 },
      dataset,
      access,
      blockPool: async () => ({
        xferAddr: '127.0.0.1:9866',
        notifyReceiving: (r: Replica) => events.push(`RECEIVING ${r.blockId}`),
        notifyReceived: async (r: Replica) => void events.push(`RECEIVED ${r.blockId} ${r.numBytes} ${r.state}`),
      }),
      mirrors: { connect: async (t) => { throw new UnreachableError('UNREACHABLE', `Cannot connect to DataNode ${t.id.ipAddr}:${t.id.xferPort}: refused`, {}); } },
      transferReplica: async () => undefined,
    };
  });
  after(async () => {
    await dataset.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('write: connect ack and per-packet acks byte for byte as a 3.4.1 DataNode, RECEIVING then RECEIVED before the last ack, then the connection ends', async () => {
    const c = connection(services);
    c.send(writeOp(1001, token(1001, ['WRITE'])));
    expect(Buffer.from(await c.raw(5)).toString('hex')).to.equal(vectors.write_block_response_success.delimited_hex);
    const data = Buffer.alloc(70_000, 9);
    c.send(encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, CRC, data.subarray(0, 64_512)));
    c.send(encodeHeartbeatPacket());
    c.send(encodeDataPacket({ offsetInBlock: 64_512, seqno: 1, lastPacketInBlock: false }, CRC, data.subarray(64_512)));
    expect(Buffer.from(await c.raw(10)).toString('hex')).to.equal(vectors.pipeline_ack_one_node_seqno0.delimited_hex);
    expect(decodePipelineAck(await c.ackBytes())).to.deep.include({ seqno: -1, reply: ['SUCCESS'] });
    expect(decodePipelineAck(await c.ackBytes())).to.deep.include({ seqno: 1, reply: ['SUCCESS'], flag: [0] });
    expect(events).to.deep.equal(['RECEIVING 1001']);
    c.send(encodeLastPacket(70_000, 2));
    expect(decodePipelineAck(await c.ackBytes()).seqno).to.equal(2);
    expect(events).to.deep.equal(['RECEIVING 1001', 'RECEIVED 1001 70000 FINALIZED']);
    await c.done;
    expect(dataset.getReplica(BP, 1001)!.state).to.equal('FINALIZED');
  });

  it("write: the last packet's ack waits until the NameNode has the RECEIVED report (notifyReceived resolves)", async () => {
    let reported!: () => void;
    const held: XceiverServices = {
      ...services,
      blockPool: async () => ({
        xferAddr: '127.0.0.1:9866',
        notifyReceiving: () => undefined,
        notifyReceived: () => new Promise<void>((resolve) => (reported = resolve)),
      }),
    };
    const c = connection(held);
    c.send(writeOp(1011, token(1011, ['WRITE'])));
    await c.response();
    c.send(encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, CRC, Buffer.alloc(1000, 3)));
    expect(decodePipelineAck(await c.ackBytes()).seqno).to.equal(0);
    c.send(encodeLastPacket(1000, 1));
    expect(await until(() => reported !== undefined, 5000), 'notifyReceived called').to.equal(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(c.buffered, 'bytes sent before the report reached the NameNode').to.equal(0);
    reported();
    expect(decodePipelineAck(await c.ackBytes()).seqno).to.equal(1);
    await c.done;
  });

  it('read: response, chunk-aligned packets with the stored checksums, the empty last packet; after CHECKSUM_OK the connection takes another op', async () => {
    const c = connection(services);
    c.send(readOp(1001, token(1001, ['READ']), 0, 70_000));
    expect(Buffer.from(await c.raw(14)).toString('hex')).to.equal(vhex(vectors.read_block_response_success.delimited_hex));
    const p0 = await c.packet();
    expect(p0.header).to.deep.include({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false, dataLen: 65_536 });
    expect(Buffer.from(p0.checksums)).to.deep.equal(Buffer.from(computeChecksums(CRC, p0.data)));
    const p1 = await c.packet();
    expect(p1.header).to.deep.include({ offsetInBlock: 65_536, seqno: 1, dataLen: 70_000 - 65_536 });
    expect((await c.packet()).header).to.deep.include({ offsetInBlock: 70_000, seqno: 2, lastPacketInBlock: true, dataLen: 0 });
    c.send(encodeDelimited(encodeClientReadStatus('CHECKSUM_OK')));
    // a second op on the same connection: offset inside a chunk, end rounded up to a chunk boundary
    c.send(readOp(1001, token(1001, ['READ']), 1000, 100));
    const r = await c.response();
    expect(r.readOpChecksumInfo).to.deep.equal({ checksum: CRC, chunkOffset: 512 });
    expect((await c.packet()).header).to.deep.include({ offsetInBlock: 512, dataLen: 1024 - 512 + 512 });
    expect((await c.packet()).header).to.deep.include({ offsetInBlock: 1536, lastPacketInBlock: true });
    c.end(); // no read status: the DataNode closes
    await c.done;
  });

  it('hsync: a packet with syncBlock is written, synced and acked; a partial chunk flushed that way may be sent again from its start', async () => {
    const c = connection(services);
    c.send(writeOp(1010, token(1010, ['WRITE'])));
    await c.response();
    const data = Buffer.alloc(1500, 4);
    c.send(encodePacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false, syncBlock: true }, computeChecksums(CRC, data.subarray(0, 700)), data.subarray(0, 700)));
    expect(decodePipelineAck(await c.ackBytes())).to.deep.include({ seqno: 0, reply: ['SUCCESS'] });
    expect(dataset.getReplica(BP, 1010)!.numBytes).to.equal(700);
    c.send(encodeDataPacket({ offsetInBlock: 512, seqno: 1, lastPacketInBlock: false }, CRC, data.subarray(512)));
    c.send(encodeLastPacket(1500, 2));
    expect(decodePipelineAck(await c.ackBytes()).seqno).to.equal(1);
    expect(decodePipelineAck(await c.ackBytes()).seqno).to.equal(2);
    await c.done;
    expect(dataset.getReplica(BP, 1010)).to.deep.include({ numBytes: 1500, state: 'FINALIZED' });
  });

  it('read without checksums (sendChecksums false): NULL/512 and no checksum bytes', async () => {
    const c = connection(services);
    c.send(readOp(1001, token(1001, ['READ']), 0, 600, { sendChecksums: false }));
    expect((await c.response()).readOpChecksumInfo).to.deep.equal({ checksum: { type: 'CHECKSUM_NULL', bytesPerChecksum: 512 }, chunkOffset: 0 });
    const p = await c.packet();
    expect([p.checksums.length, p.data.length]).to.deep.equal([0, 1024]);
    c.end();
    await c.done;
  });

  it('refusals: a READ token for a write is ERROR_ACCESS_TOKEN with this DataNode as firstBadLink; a read with a WRITE token is ERROR_ACCESS_TOKEN', async () => {
    const w = connection(services);
    w.send(writeOp(1002, token(1002, ['READ'])));
    const r = await w.response();
    expect(r).to.deep.include({ status: 'ERROR_ACCESS_TOKEN', firstBadLink: '127.0.0.1:9866' });
    expect(r.message).to.match(/doesn't have WRITE permission$/);
    await rejectsCode(w.done, 'TOKEN_INVALID');
    expect(dataset.getReplica(BP, 1002)).to.equal(undefined);
    const rd = connection(services);
    rd.send(readOp(1001, token(1001, ['WRITE']), 0, 10));
    const rr = await rd.response();
    expect(rr.status).to.equal('ERROR_ACCESS_TOKEN');
    expect(rr.firstBadLink).to.equal(undefined);
    await rejectsCode(rd.done, 'TOKEN_INVALID');
  });

  it('a bad checksum is acked ERROR_CHECKSUM and ends the write, the empty replica left RBW (BlockReceiver); a wrong checksum length is PROTOCOL_MALFORMED', async () => {
    const c = connection(services);
    c.send(writeOp(1003, token(1003, ['WRITE'])));
    await c.response();
    const packet = Buffer.from(encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, CRC, Buffer.alloc(1024, 1)));
    packet[packet.length - 1]! ^= 0xff;
    c.send(packet);
    expect(decodePipelineAck(await c.ackBytes())).to.deep.include({ seqno: 0, reply: ['ERROR_CHECKSUM'], flag: [2] });
    await rejectsCode(c.done, 'PROTOCOL_CHECKSUM');
    expect(dataset.getReplica(BP, 1003)).to.deep.include({ state: 'RBW', numBytes: 0, bytesAcked: 0 });
    const d = connection(services);
    d.send(writeOp(1004, token(1004, ['WRITE'])));
    await d.response();
    const good = encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, CRC, Buffer.alloc(1024, 1));
    // a packet claiming 1024 data bytes with one checksum (8 expected)
    const h = Buffer.from(good.subarray(0, 6 + 25));
    h.writeInt32BE(4 + 4 + 1024, 0);
    d.send(Buffer.concat([h, Buffer.alloc(4), Buffer.alloc(1024, 1)]));
    await rejectsCode(d.done, 'PROTOCOL_MALFORMED');
  });

  it('append (PIPELINE_SETUP_APPEND): the finalized replica reopens under the new stamp, a first packet completing the partial chunk gets the CRC of the whole chunk; refusals leave the replica', async () => {
    const data = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7) & 0xff));
    const w = connection(services);
    w.send(writeOp(1020, token(1020, ['WRITE'])));
    expect((await w.response()).status).to.equal('SUCCESS');
    w.send(encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, CRC, data.subarray(0, 700)));
    w.send(encodeLastPacket(700, 1));
    await w.ackBytes();
    await w.ackBytes();
    await w.done;
    const before = dataset.getReplica(BP, 1020)!;
    // refusals first: another length, another stamp, an older new stamp (the replica stays finalized)
    for (const [extra, code] of [
      [{ minBytesRcvd: 600, latestGenerationStamp: 1002 }, 'REPLICA_CORRUPT'],
      [{ minBytesRcvd: 700, latestGenerationStamp: 1000 }, 'REPLICA_GENERATION_STAMP'],
    ] as const) {
      const r = connection(services);
      r.send(writeOp(1020, token(1020, ['WRITE']), { stage: 'PIPELINE_SETUP_APPEND', maxBytesRcvd: 700, ...extra }));
      expect((await r.response()).status).to.equal('ERROR');
      await rejectsCode(r.done, code);
    }
    expect(dataset.getReplica(BP, 1020)).to.equal(before);
    const r = connection(services);
    r.send(writeOp(1020, token(1020, ['READ']), { stage: 'PIPELINE_SETUP_APPEND', minBytesRcvd: 700, maxBytesRcvd: 700, latestGenerationStamp: 1002 }));
    expect((await r.response()).status).to.equal('ERROR_ACCESS_TOKEN');
    await rejectsCode(r.done, 'TOKEN_INVALID');

    events.length = 0;
    const a = connection(services);
    a.send(writeOp(1020, token(1020, ['WRITE']), { stage: 'PIPELINE_SETUP_APPEND', minBytesRcvd: 700, maxBytesRcvd: 700, latestGenerationStamp: 1002 }));
    expect((await a.response()).status).to.equal('SUCCESS');
    expect(dataset.getReplica(BP, 1020)).to.deep.include({ state: 'RBW', genStamp: 1002, numBytes: 700 });
    // DFSOutputStream.adjustPacketChunkSize: one chunk of 324 bytes whose checksum covers only them
    a.send(encodeDataPacket({ offsetInBlock: 700, seqno: 0, lastPacketInBlock: false }, CRC, data.subarray(700, 1024)));
    a.send(encodeDataPacket({ offsetInBlock: 1024, seqno: 1, lastPacketInBlock: false }, CRC, data.subarray(1024, 2000)));
    a.send(encodeLastPacket(2000, 2));
    for (const seqno of [0, 1, 2]) expect(decodePipelineAck(await a.ackBytes())).to.deep.include({ seqno, reply: ['SUCCESS'] });
    await a.done;
    const after = dataset.getReplica(BP, 1020)!;
    expect(after).to.deep.include({ state: 'FINALIZED', genStamp: 1002, numBytes: 2000 });
    expect(after.metaFile).to.match(/blk_1020_1002\.meta$/);
    expect(readFileSync(after.blockFile)).to.deep.equal(data);
    expect(readFileSync(after.metaFile).subarray(7)).to.deep.equal(Buffer.from(computeChecksums(CRC, data)));
    expect(events).to.deep.equal(['RECEIVING 1020', 'RECEIVED 1020 2000 FINALIZED']);
  });

  it('append with another CRC type (BlockReceiver checksum translation): CRC32 packets are verified as sent and stored as the replica\'s CRC32C; another chunk size is refused', async () => {
    const data = randomBytes(1800);
    const w = connection(services);
    w.send(writeOp(1022, token(1022, ['WRITE'])));
    expect((await w.response()).status).to.equal('SUCCESS');
    w.send(encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, CRC, data.subarray(0, 700)));
    w.send(encodeLastPacket(700, 1));
    await w.ackBytes();
    await w.ackBytes();
    await w.done;
    const appendOp = (gs: number, requestedChecksum: OpWriteBlock['requestedChecksum']) =>
      writeOp(1022, token(1022, ['WRITE']), { stage: 'PIPELINE_SETUP_APPEND', minBytesRcvd: 700, maxBytesRcvd: 700, latestGenerationStamp: gs, requestedChecksum });
    // LocalReplicaInPipeline.createStreams: another chunk size is an error, the replica stays
    const r = connection(services);
    r.send(appendOp(1002, { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 1024 }));
    const refused = await r.response();
    expect(refused.status).to.equal('ERROR');
    expect(refused.message).to.match(/^Client requested checksum CHECKSUM_CRC32C\/1024 when appending to an existing block \S*blk_1022_1001 with different chunk size: CHECKSUM_CRC32C\/512/);
    await rejectsCode(r.done, 'DATA_TRANSFER_UNSUPPORTED');
    expect(dataset.getReplica(BP, 1022)).to.deep.include({ state: 'FINALIZED', genStamp: 1001, numBytes: 700 });

    const CRC32 = { type: 'CHECKSUM_CRC32', bytesPerChecksum: 512 } as const;
    const a = connection(services);
    a.send(appendOp(1003, CRC32));
    expect((await a.response()).status).to.equal('SUCCESS');
    a.send(encodeDataPacket({ offsetInBlock: 700, seqno: 0, lastPacketInBlock: false }, CRC32, data.subarray(700, 1024)));
    a.send(encodeDataPacket({ offsetInBlock: 1024, seqno: 1, lastPacketInBlock: false }, CRC32, data.subarray(1024, 1800)));
    a.send(encodeLastPacket(1800, 2));
    for (const seqno of [0, 1, 2]) expect(decodePipelineAck(await a.ackBytes())).to.deep.include({ seqno, reply: ['SUCCESS'] });
    await a.done;
    const after = dataset.getReplica(BP, 1022)!;
    expect(after).to.deep.include({ state: 'FINALIZED', genStamp: 1003, numBytes: 1800 });
    expect(readFileSync(after.blockFile)).to.deep.equal(data);
    expect(readFileSync(after.metaFile).subarray(7)).to.deep.equal(Buffer.from(computeChecksums(CRC, data)));

    // the sender's checksums are still verified: a CRC32C packet sent as CRC32 is ERROR_CHECKSUM
    const more = randomBytes(512);
    const b = connection(services);
    const tok = token(1022, ['WRITE']);
    b.send(writeOp(1022, tok, {
      header: { baseHeader: { block: { poolId: BP, blockId: 1022, generationStamp: 1003, numBytes: 134217728 }, token: tok }, clientName: 'DFSClient_NONMAPREDUCE_1_1' },
      stage: 'PIPELINE_SETUP_APPEND', minBytesRcvd: 1800, maxBytesRcvd: 1800, latestGenerationStamp: 1004, requestedChecksum: CRC32,
    }));
    expect((await b.response()).status).to.equal('SUCCESS');
    b.send(encodeDataPacket({ offsetInBlock: 1800, seqno: 0, lastPacketInBlock: false }, CRC, more.subarray(0, 248)));
    expect(decodePipelineAck(await b.ackBytes())).to.deep.include({ seqno: 0, reply: ['ERROR_CHECKSUM'] });
    await rejectsCode(b.done, 'PROTOCOL_CHECKSUM');
    // the bad packet wrote nothing; the replica stays RBW under the append's stamp for block recovery
    expect(dataset.getReplica(BP, 1022)).to.deep.include({ state: 'RBW', genStamp: 1004, numBytes: 1800 });
  });

  it('an append cut off mid-way leaves the replica RBW under the new stamp with every byte received and its checksums, for block recovery (BlockReceiver)', async () => {
    const data = randomBytes(700);
    const w = connection(services);
    w.send(writeOp(1021, token(1021, ['WRITE'])));
    expect((await w.response()).status).to.equal('SUCCESS');
    w.send(encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, CRC, data));
    w.send(encodeLastPacket(700, 1));
    await w.ackBytes();
    await w.ackBytes();
    await w.done;
    events.length = 0;
    const a = connection(services);
    a.send(writeOp(1021, token(1021, ['WRITE']), { stage: 'PIPELINE_SETUP_APPEND', minBytesRcvd: 700, maxBytesRcvd: 700, latestGenerationStamp: 1005 }));
    expect((await a.response()).status).to.equal('SUCCESS');
    const more = randomBytes(1000);
    a.send(encodeDataPacket({ offsetInBlock: 700, seqno: 0, lastPacketInBlock: false }, CRC, more.subarray(0, 324)));
    a.send(encodeDataPacket({ offsetInBlock: 1024, seqno: 1, lastPacketInBlock: false }, CRC, more.subarray(324)));
    await a.ackBytes();
    await a.ackBytes();
    a.end(); // the client is gone before its last packet
    await rejectsCode(a.done, 'PROTOCOL_TRUNCATED');
    const r = dataset.getReplica(BP, 1021)!;
    const all = Buffer.concat([data, more]);
    expect(r).to.deep.include({ state: 'RBW', genStamp: 1005, numBytes: 1700 });
    expect(r.blockFile).to.match(/\/rbw\/blk_1021$/);
    expect(r.metaFile).to.match(/\/rbw\/blk_1021_1005\.meta$/);
    expect(readFileSync(r.blockFile)).to.deep.equal(all);
    expect(readFileSync(r.metaFile).subarray(7)).to.deep.equal(Buffer.from(computeChecksums(CRC, all)));
    expect(events).to.deep.equal(['RECEIVING 1021']);
  });

  it('a downstream node that cannot be reached is {ERROR, firstBadLink = its address}; an unsupported stage or op is refused', async () => {
    const c = connection(services);
    const target = { id: { ipAddr: '10.0.0.9', hostName: 'dn9', datanodeUuid: 'u9', xferPort: 9866, infoPort: 0, ipcPort: 0 } };
    c.send(writeOp(1005, token(1005, ['WRITE']), { targets: [target], pipelineSize: 2 }));
    expect(await c.response()).to.deep.include({ status: 'ERROR', firstBadLink: '10.0.0.9:9866' });
    await rejectsCode(c.done, 'UNREACHABLE');
    expect(dataset.getReplica(BP, 1005)).to.equal(undefined);
    const s = connection(services);
    s.send(writeOp(1006, token(1006, ['WRITE']), { stage: 'DATA_STREAMING' }));
    expect(await s.response()).to.deep.include({ status: 'ERROR', message: `Unsupported stage DATA_STREAMING while receiving block ${BP}:blk_1006_1001 from 127.0.0.1:50000` });
    await rejectsCode(s.done, 'DATA_TRANSFER_UNSUPPORTED');
    const o = connection(services);
    o.send(encodeOpRequest('COPY_BLOCK', Uint8Array.of(0x0a, 0x00)));
    expect((await o.response()).status).to.equal('ERROR_UNSUPPORTED');
    await o.done;
  });

  it('a transfer destination (TRANSFER_FINALIZED / TRANSFER_RBW): no connect-ack, no packet acks, then the close-ack {SUCCESS}; finalized or kept RBW, not reported; a downstream target refused', async () => {
    events.length = 0;
    const data = randomBytes(1000);
    for (const [blockId, stage] of [[1030, 'TRANSFER_FINALIZED'], [1031, 'TRANSFER_RBW']] as const) {
      const c = connection(services);
      c.send(writeOp(blockId, token(blockId, ['WRITE']), { stage }));
      c.send(encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, CRC, data));
      c.send(encodeLastPacket(1000, 1));
      // the first and only frame: DataXceiver's "TRANSFER: send close-ack"
      expect(Buffer.from(await c.raw(3)).toString('hex')).to.equal('020800');
      await c.done;
      expect(c.buffered).to.equal(0);
    }
    expect(dataset.getReplica(BP, 1030)).to.deep.include({ state: 'FINALIZED', numBytes: 1000, genStamp: 1001 });
    expect(dataset.getReplica(BP, 1031)).to.deep.include({ state: 'RBW', numBytes: 1000, bytesAcked: 1000, genStamp: 1001 });
    expect(readFileSync(dataset.getReplica(BP, 1031)!.blockFile)).to.deep.equal(data);
    expect(events).to.deep.equal([]);
    const target = { id: { ipAddr: '10.0.0.9', hostName: 'dn9', datanodeUuid: 'u9', xferPort: 9866, infoPort: 0, ipcPort: 0 } };
    const m = connection(services);
    m.send(writeOp(1032, token(1032, ['WRITE']), { stage: 'TRANSFER_RBW', targets: [target] }));
    expect(await m.response()).to.deep.include({ status: 'ERROR', message: 'TRANSFER_RBW does not support multiple targets [10.0.0.9:9866]' });
    await rejectsCode(m.done, 'DATA_TRANSFER_UNSUPPORTED');
    expect(dataset.getReplica(BP, 1032)).to.equal(undefined);
  });

  it('TRANSFER_BLOCK: a COPY token, then transferReplicaForPipelineRecovery and {SUCCESS}; a WRITE token is ERROR_ACCESS_TOKEN, a refused replica {ERROR, message}; the connection ends', async () => {
    const asked: string[] = [];
    const target = { id: { ipAddr: '10.0.0.9', hostName: 'dn9', datanodeUuid: 'u9', xferPort: 9866, infoPort: 0, ipcPort: 0 } };
    const transfer = (tok: TokenProtoObject, generationStamp = 1001) => encodeOpTransferBlock({
      header: { baseHeader: { block: { poolId: BP, blockId: 1040, generationStamp, numBytes: 0 }, token: tok }, clientName: 'DFSClient_NONMAPREDUCE_7_1' },
      targets: [target], targetStorageTypes: ['DISK'], targetStorageIds: ['DS-9'],
    });
    const svc: XceiverServices = {
      ...services,
      transferReplica: async (b, targets, types, ids, client) => {
        asked.push(`${b.blockId}_${b.generationStamp} -> ${targets.map((t) => t.id.xferPort).join()} ${types.join()} ${ids.join()} ${client}`);
        if (b.generationStamp > 1001) throw new ReplicaError('REPLICA_GENERATION_STAMP', `1001 = storedGS < b.getGenerationStamp(), b=${BP}:blk_1040_${b.generationStamp}`);
      },
    };
    const ok = connection(svc);
    ok.send(transfer(token(1040, ['COPY'])));
    expect(await ok.response()).to.deep.equal({ status: 'SUCCESS' });
    await ok.done;
    expect(asked).to.deep.equal(['1040_1001 -> 9866 DISK DS-9 DFSClient_NONMAPREDUCE_7_1']);
    const denied = connection(svc);
    denied.send(transfer(token(1040, ['WRITE'])));
    const d = await denied.response();
    expect([d.status, d.firstBadLink]).to.deep.equal(['ERROR_ACCESS_TOKEN', undefined]);
    await rejectsCode(denied.done, 'TOKEN_INVALID');
    const refused = connection(svc);
    refused.send(transfer(token(1040, ['COPY']), 1002));
    expect(await refused.response()).to.deep.include({ status: 'ERROR', message: `1001 = storedGS < b.getGenerationStamp(), b=${BP}:blk_1040_1002` });
    await rejectsCode(refused.done, 'REPLICA_GENERATION_STAMP');
    expect(asked.length).to.equal(2);
  });

  it('BLOCK_CHECKSUM: MD5 of the stored CRCs (a partial last chunk recomputed), COMPOSITE_CRC, the options echoed; the connection ends', async () => {
    const data = Buffer.alloc(70_000, 9);
    const op = (numBytes: number, tok: TokenProtoObject, extra: { generationStamp?: number; blockId?: number; options?: BlockChecksumOptions } = {}) => encodeOpBlockChecksum({
      header: { block: { poolId: BP, blockId: extra.blockId ?? 1001, generationStamp: extra.generationStamp ?? 1001, numBytes }, token: tok },
      ...(extra.options ? { blockChecksumOptions: extra.options } : {}),
    });
    const c = connection(services);
    c.send(op(70_000, token(1001, ['READ'])));
    const whole = await c.response();
    expect(whole.status).to.equal('SUCCESS');
    expect(whole.checksumResponse).to.deep.include({ bytesPerCrc: 512, crcPerBlock: 137, crcType: 'CHECKSUM_CRC32C', blockChecksumOptions: { blockChecksumType: 'MD5CRC', stripeLength: 0 } });
    expect(Buffer.from(whole.checksumResponse!.blockChecksum).toString('hex')).to.equal(md5(referenceChunkCrcs(data)).toString('hex'));
    await c.done;
    const p = connection(services);
    p.send(op(1000, token(1001, ['READ'])));
    const partial = (await p.response()).checksumResponse!;
    expect(partial.crcPerBlock).to.equal(137);
    expect(Buffer.from(partial.blockChecksum).toString('hex')).to.equal(md5(referenceChunkCrcs(data.subarray(0, 1000))).toString('hex'));
    const k = connection(services);
    k.send(op(70_000, token(1001, ['READ']), { options: { blockChecksumType: 'COMPOSITE_CRC' } }));
    const composite = (await k.response()).checksumResponse!;
    expect(composite.blockChecksumOptions).to.deep.equal({ blockChecksumType: 'COMPOSITE_CRC', stripeLength: 0 });
    expect(Buffer.from(composite.blockChecksum).readUInt32BE(0)).to.equal(referenceCrc(data));
  });

  it('BLOCK_CHECKSUM refusals: a WRITE-only token is ERROR_ACCESS_TOKEN; a newer generation stamp or an unknown block is ERROR naming the exception', async () => {
    const op = (blockId: number, generationStamp: number, tok: TokenProtoObject) => encodeOpBlockChecksum({ header: { block: { poolId: BP, blockId, generationStamp, numBytes: 10 }, token: tok } });
    const w = connection(services);
    w.send(op(1001, 1001, token(1001, ['WRITE'])));
    expect((await w.response()).status).to.equal('ERROR_ACCESS_TOKEN');
    await rejectsCode(w.done, 'TOKEN_INVALID');
    const g = connection(services);
    g.send(op(1001, 1002, token(1001, ['READ'])));
    const stale = await g.response();
    expect(stale.status).to.equal('ERROR');
    expect(stale.message).to.match(new RegExp(`^blockChecksum ${BP}:blk_1001_1002 received exception replica.getGenerationStamp\\(\\) < block.getGenerationStamp\\(\\)`));
    await rejectsCode(g.done, 'REPLICA_NOT_FOUND');
    const m = connection(services);
    m.send(op(4242, 1001, token(4242, ['READ'])));
    expect((await m.response()).message).to.contain('Replica not found for');
    await rejectsCode(m.done, 'REPLICA_NOT_FOUND');
  });

  it('a read past the replica is ERROR "opReadBlock ... don\'t match block"; a block it does not have is REPLICA_NOT_FOUND', async () => {
    const c = connection(services);
    c.send(readOp(1001, token(1001, ['READ']), 69_000, 2000));
    const r = await c.response();
    expect(r.status).to.equal('ERROR');
    expect(r.message).to.equal(`opReadBlock ${BP}:blk_1001_1001 received exception  Offset 69000 and length 2000 don't match block ${BP}:blk_1001_1001 ( blockLen 70000 )`);
    await rejectsCode(c.done, 'PROTOCOL_MALFORMED');
    const m = connection(services);
    m.send(readOp(4242, token(4242, ['READ']), 0, 1));
    expect((await m.response()).message).to.contain('Replica not found for');
    await rejectsCode(m.done, 'REPLICA_NOT_FOUND');
  });

  it('framing errors are typed: another protocol version, an unknown op code, an oversized op length', async () => {
    const v = connection(services);
    v.send(Buffer.from('deadbeef00000000', 'hex'));
    await rejectsCode(v.done, 'PROTOCOL_VERSION');
    const u = connection(services);
    u.send(Buffer.from('001c4000', 'hex'));
    await rejectsCode(u.done, 'PROTOCOL_MALFORMED');
    const big = connection(services);
    big.send(Buffer.from('001c50ffffffff0f', 'hex'));
    await rejectsCode(big.done, 'PROTOCOL_TOO_LARGE');
  });
});
