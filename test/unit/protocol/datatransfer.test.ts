import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { ProtocolError } from '../../../lib/errors/index.ts';
import { ByteQueue } from '../../../cluster/protocol/datatransfer/byte-queue.ts';
import { computeChecksums, verifyChecksums } from '../../../cluster/protocol/datatransfer/checksum.ts';
import { crc32, crc32c, crcRanges } from '../../../cluster/protocol/datatransfer/crc32c.ts';
import {
  ackFlag, ackStatuses, decodeBlockOpResponse, decodeClientReadStatus, decodeOpReadBlock, decodeOpWriteBlock, decodePipelineAck,
  encodeBlockOpResponse, encodeClientReadStatus, encodeOpReadBlock, encodeOpWriteBlock, encodePipelineAck, parseAckFlag,
} from '../../../cluster/protocol/datatransfer/messages.ts';
import type { OpWriteBlock } from '../../../cluster/protocol/datatransfer/messages.ts';
import { encodeDelimited, tryReadDelimited, tryReadOpRequest } from '../../../cluster/protocol/datatransfer/op-frame.ts';
import {
  PacketDecoder, decodePacketHeader, encodeDataPacket, encodeHeartbeatPacket, encodeLastPacket, encodePacketHeader, tryReadPacket,
} from '../../../cluster/protocol/datatransfer/packet.ts';
import { OutputPacketizer } from '../../../cluster/protocol/datatransfer/output-packetizer.ts';
import { EMPTY_TOKEN } from '../../../cluster/protocol/hdfs-types.ts';
import { decodeProto, encodeProto } from '../../../cluster/protocol/hdfs-proto.ts';
import { expectCode, hex, unhex } from './support.ts';

// Bytes a stock Hadoop 3.4.1 client sent and accepted (test/vectors/hdfs-data-transfer.json).
const V = JSON.parse(readFileSync(new URL('../../vectors/hdfs-data-transfer.json', import.meta.url), 'utf8'));
const CRC32C_512 = { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 } as const;
const queueOf = (...chunks: Uint8Array[]): ByteQueue => {
  const q = new ByteQueue();
  for (const c of chunks) q.push(c);
  return q;
};

describe('datatransfer/crc32c: CRC-32C and CRC-32', () => {
  it('RFC 3720 B.4 test values and the "123456789" check values', () => {
    expect(crc32c(new Uint8Array(32))).to.equal(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).to.equal(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).to.equal(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).to.equal(0x113fdb5c);
    expect(crc32c(new TextEncoder().encode('123456789'))).to.equal(0xe3069283);
    expect(crc32(new TextEncoder().encode('123456789'))).to.equal(0xcbf43926);
  });

  it('continues over split input and agrees with zlib for CRC-32 at every tail length', async () => {
    const { crc32: zlibCrc32 } = await import('node:zlib');
    const data = Uint8Array.from({ length: 1037 }, (_, i) => (i * 7919) & 0xff);
    for (const n of [0, 1, 7, 8, 9, 63, 1036, 1037]) {
      expect(crc32c(data.subarray(n), crc32c(data.subarray(0, n)))).to.equal(crc32c(data));
      expect(crc32(data.subarray(0, n))).to.equal(zlibCrc32(data.subarray(0, n)));
    }
  });

  it('a range [start, end) gives the CRC of that subarray, continued or not', () => {
    const data = Uint8Array.from({ length: 1037 }, (_, i) => (i * 7919) & 0xff);
    for (const [start, end] of [[0, 0], [0, 512], [3, 515], [512, 1037], [1030, 1037], [5, 6]] as const) {
      expect(crc32c(data, 0, start, end), `crc32c [${start}, ${end})`).to.equal(crc32c(data.subarray(start, end)));
      expect(crc32(data, 0, start, end), `crc32 [${start}, ${end})`).to.equal(crc32(data.subarray(start, end)));
      expect(crc32c(data, crc32c(data.subarray(0, start)), start, end)).to.equal(crc32c(data.subarray(0, end)));
    }
  });

  it('crcRanges (the WebAssembly kernel from 1 KiB on) agrees with the JavaScript loop and zlib, at every tail length, past its first memory page', async () => {
    const { crc32: zlibCrc32 } = await import('node:zlib');
    expect(crcRanges('crc32c', new TextEncoder().encode('123456789'.repeat(200)))(0, 9)).to.equal(0xe3069283);
    expect(crcRanges('crc32', new TextEncoder().encode('123456789'.repeat(200)))(0, 9)).to.equal(0xcbf43926);
    for (const length of [1023, 1024, 4099, 64_512, 200_003]) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 7919 + (i >> 9)) & 0xff);
      const c = crcRanges('crc32c', data);
      for (const [start, end] of [[0, length], [0, 512], [1, 16], [3, 40], [length - 17, length], [7, length - 5]] as const) {
        expect(c(start, end), `crc32c ${length} [${start}, ${end})`).to.equal(crc32c(data, 0, start, end));
      }
      expect(crcRanges('crc32', data)(5, length)).to.equal(zlibCrc32(data.subarray(5)));
    }
  });
});

describe('datatransfer/checksum: chunk checksums', () => {
  const data = Uint8Array.from({ length: 1300 }, (_, i) => i & 0xff);

  it('one big-endian CRC per 512-byte chunk, the last chunk short; CHECKSUM_NULL has none', () => {
    const sums = computeChecksums(CRC32C_512, data);
    expect(sums.length).to.equal(12);
    expect(new DataView(sums.buffer).getUint32(8)).to.equal(crc32c(data.subarray(1024)));
    expect(computeChecksums({ type: 'CHECKSUM_NULL', bytesPerChecksum: 512 }, data).length).to.equal(0);
    verifyChecksums(CRC32C_512, data, sums);
  });

  it('a corrupted chunk is PROTOCOL_CHECKSUM naming its block position; a wrong checksum length is PROTOCOL_MALFORMED', () => {
    const sums = computeChecksums(CRC32C_512, data);
    const bad = Uint8Array.from(data);
    bad[600] = bad[600]! ^ 1;
    const e = expectCode(() => verifyChecksums(CRC32C_512, bad, sums, 4096), 'PROTOCOL_CHECKSUM', ProtocolError);
    expect(e.details.position).to.equal(4096 + 512);
    expectCode(() => verifyChecksums(CRC32C_512, data, sums.subarray(4)), 'PROTOCOL_MALFORMED', ProtocolError);
  });
});

const block = { poolId: 'BP-1', blockId: 1073741825, generationStamp: 1001, numBytes: 134217728 };
const header = { baseHeader: { block, token: EMPTY_TOKEN }, clientName: 'DFSClient_NONMAPREDUCE_-1617159169_1' };
const writeOp: OpWriteBlock = {
  header, stage: 'PIPELINE_SETUP_CREATE', pipelineSize: 1, minBytesRcvd: 0, maxBytesRcvd: 0, latestGenerationStamp: 0,
  requestedChecksum: CRC32C_512, cachingStrategy: {}, storageType: 'DISK', allowLazyPersist: false, pinning: false,
  targetPinnings: [false], storageId: 'DS-1',
};

describe('datatransfer/op-frame and messages', () => {
  it('WRITE_BLOCK / READ_BLOCK requests start with version 28 and the op code, then the delimited op proto', () => {
    const w = encodeOpWriteBlock(writeOp);
    expect(hex(w.subarray(0, 3))).to.equal(V.op_prefix.write_block);
    const r = encodeOpReadBlock({ header, offset: 0, len: 200000, sendChecksums: true, cachingStrategy: {} });
    expect(hex(r.subarray(0, 3))).to.equal(V.op_prefix.read_block);
    // the empty block token inside the header is the observed all-empty TokenProto
    expect(hex(w)).to.contain(V.empty_token_proto_hex);
    const q = queueOf(w, r);
    const first = tryReadOpRequest(q)!;
    expect(first.op).to.equal('WRITE_BLOCK');
    expect(decodeOpWriteBlock(first.body)).to.deep.equal(writeOp);
    const second = tryReadOpRequest(q)!;
    expect(second.op).to.equal('READ_BLOCK');
    expect(decodeOpReadBlock(second.body).len).to.equal(200000);
    expect(q.length).to.equal(0);
  });

  it('reads an op fed one byte at a time, consuming nothing until it is whole', () => {
    const w = encodeOpWriteBlock(writeOp);
    const q = new ByteQueue();
    for (let i = 0; i < w.length - 1; i++) {
      q.push(w.subarray(i, i + 1));
      expect(tryReadOpRequest(q)).to.equal(undefined);
      expect(q.length).to.equal(i + 1);
    }
    q.push(w.subarray(w.length - 1));
    expect(decodeOpWriteBlock(tryReadOpRequest(q)!.body).storageId).to.equal('DS-1');
  });

  it('a wrong version is PROTOCOL_VERSION, an unknown op or a missing required field is PROTOCOL_MALFORMED, a huge length PROTOCOL_TOO_LARGE', () => {
    expectCode(() => tryReadOpRequest(queueOf(unhex('deadbeef04'))), 'PROTOCOL_VERSION', ProtocolError);
    expectCode(() => tryReadOpRequest(queueOf(unhex('001b5000'))), 'PROTOCOL_VERSION', ProtocolError);
    expectCode(() => tryReadOpRequest(queueOf(unhex('001c4f00'))), 'PROTOCOL_MALFORMED', ProtocolError);
    expectCode(() => tryReadOpRequest(queueOf(unhex('001c50ffffffff0f'))), 'PROTOCOL_TOO_LARGE', ProtocolError);
    const noStage = encodeProto('hadoop.hdfs.OpReadBlockProto', { header, offset: 0, len: 1 });
    expectCode(() => decodeOpWriteBlock(noStage), 'PROTOCOL_MALFORMED', ProtocolError);
    expectCode(() => encodeOpWriteBlock({ ...writeOp, requestedChecksum: undefined as never }), 'PROTOCOL_MALFORMED', ProtocolError);
  });

  it('BlockOpResponseProto: the write and read successes a stock client accepted', () => {
    const write = encodeDelimited(encodeBlockOpResponse({ status: 'SUCCESS', firstBadLink: '' }));
    expect(hex(write)).to.equal(V.write_block_response_success.delimited_hex);
    const read = encodeDelimited(encodeBlockOpResponse({ status: 'SUCCESS', readOpChecksumInfo: { checksum: CRC32C_512, chunkOffset: 0 } }));
    expect(hex(read)).to.equal(V.read_block_response_success.delimited_hex.replace(/\s+/g, ''));
    const q = queueOf(read.subarray(0, 4), read.subarray(4));
    expect(decodeBlockOpResponse(tryReadDelimited(q)!).readOpChecksumInfo).to.deep.equal({ checksum: CRC32C_512, chunkOffset: 0 });
    expect(decodeBlockOpResponse(unhex('0805')).status).to.equal('ERROR_ACCESS_TOKEN');
  });

  it('PipelineAckProto: the one-node ack a DataNode writes, the minimal one, the heartbeat seqno', () => {
    const full = encodeDelimited(encodePipelineAck({ seqno: 0, reply: ['SUCCESS'], downstreamAckTimeNanos: 0, flag: [ackFlag('SUCCESS')] }));
    expect(hex(full)).to.equal(V.pipeline_ack_one_node_seqno0.delimited_hex);
    expect(hex(encodeDelimited(encodePipelineAck({ seqno: 0, reply: ['SUCCESS'] })))).to.equal(V.pipeline_ack_minimal_seqno0.delimited_hex);
    expect(hex(encodePipelineAck({ seqno: -1, reply: [] }))).to.equal(V.heartbeat_ack_seqno.zigzag_field_hex);
    expect(decodePipelineAck(unhex('08011000')).seqno).to.equal(-1);
  });

  it('ack flag word: status bits 0-3, ECN 5-6, SLOW 7-8; the client reads statuses from flags when present', () => {
    expect(ackFlag('ERROR_CHECKSUM', 'CONGESTED', 'SLOW')).to.equal(2 | (3 << 5) | (2 << 7));
    expect(parseAckFlag(ackFlag('ERROR', 'SUPPORTED', 'NORMAL'))).to.deep.equal({ status: 'ERROR', ecn: 'SUPPORTED', slow: 'NORMAL' });
    expect(ackStatuses({ seqno: 3, reply: ['SUCCESS', 'SUCCESS'], flag: [ackFlag('SUCCESS'), ackFlag('ERROR')] })).to.deep.equal(['SUCCESS', 'ERROR']);
    expect(ackStatuses({ seqno: 3, reply: ['SUCCESS', 'ERROR_CHECKSUM'] })).to.deep.equal(['SUCCESS', 'ERROR_CHECKSUM']);
    // flag is packed on the wire, reply is not
    expect(hex(encodePipelineAck({ seqno: 1, reply: ['SUCCESS', 'SUCCESS'], flag: [0, 0] }))).to.equal('0802' + '1000' + '1000' + '22020000');
  });

  it('ClientReadStatusProto: CHECKSUM_OK / SUCCESS as the client sends them', () => {
    expect(hex(encodeDelimited(encodeClientReadStatus('CHECKSUM_OK')))).to.equal(V.client_read_status.checksum_ok_delimited_hex);
    expect(hex(encodeDelimited(encodeClientReadStatus('SUCCESS')))).to.equal(V.client_read_status.success_delimited_hex);
    expect(decodeClientReadStatus(unhex('0806'))).to.equal('CHECKSUM_OK');
  });
});

describe('datatransfer/packet', () => {
  it('the first write packet of a 200000-byte file: PLEN 65020, HLEN 25, then 504 checksum and 64512 data bytes', () => {
    const data = Uint8Array.from({ length: 64512 }, (_, i) => (i * 31) & 0xff);
    const p = encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, CRC32C_512, data);
    const v = V.first_write_packet_of_200000_byte_file;
    expect(hex(p.subarray(0, 31))).to.equal(v.prefix_hex.replace(/\s+/g, ''));
    expect(p.length).to.equal(6 + 25 + v.checksum_bytes + v.data_bytes);
    const got = tryReadPacket(queueOf(p))!;
    expect(got.header).to.deep.equal({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false, dataLen: 64512 });
    verifyChecksums(CRC32C_512, got.data, got.checksums);
    expect(hex(got.data)).to.equal(hex(data));
  });

  it('the trailing packet, the heartbeat and syncBlock headers', () => {
    expect(hex(encodeLastPacket(200000, 4))).to.equal('00000004' + '0019' + '09400d030000000000' + '110400000000000000' + '1801' + '2500000000');
    const hb = tryReadPacket(queueOf(encodeHeartbeatPacket()))!;
    expect(hb.header).to.deep.equal({ offsetInBlock: 0, seqno: -1, lastPacketInBlock: false, dataLen: 0 });
    const sync = encodePacketHeader({ offsetInBlock: 5, seqno: 6, lastPacketInBlock: false, dataLen: 7, syncBlock: true });
    expect(sync.length).to.equal(27);
    expect(decodePacketHeader(sync)).to.deep.equal({ offsetInBlock: 5, seqno: 6, lastPacketInBlock: false, dataLen: 7, syncBlock: true });
    // protobufjs writes the same bytes for the same header (field order 1..4, syncBlock only when true)
    expect(hex(encodeProto('hadoop.hdfs.PacketHeaderProto', { offsetInBlock: 1, seqno: 2, lastPacketInBlock: true, dataLen: 3 })))
      .to.equal(hex(encodePacketHeader({ offsetInBlock: 1, seqno: 2, lastPacketInBlock: true, dataLen: 3 })));
  });

  it('headers in the layout PacketHeader writes decode as the generic protobuf decoder decodes them; other encodings take its path', () => {
    const generic = (b: Uint8Array): unknown => decodeProto('hadoop.hdfs.PacketHeaderProto', b);
    const headers = [
      { offsetInBlock: 0, seqno: 0, lastPacketInBlock: false, dataLen: 64512 },
      { offsetInBlock: 134217728, seqno: 2081, lastPacketInBlock: true, dataLen: 0 },
      { offsetInBlock: 0, seqno: -1, lastPacketInBlock: false, dataLen: 0 },
      { offsetInBlock: 2 ** 53 - 1, seqno: -(2 ** 53 - 1), lastPacketInBlock: false, dataLen: -5 },
      { offsetInBlock: 4294967296 + 7, seqno: -4294967297, lastPacketInBlock: true, dataLen: 2147483647, syncBlock: true },
    ];
    for (const h of headers) {
      const bytes = encodePacketHeader(h);
      expect(decodePacketHeader(bytes)).to.deep.equal(h).and.to.deep.equal(generic(bytes));
    }
    const bytesOf = (h: string): Uint8Array => unhex(h);
    const others = [
      '09050000000000000011060000000000000018002507000000' + '2800', // syncBlock present and false
      '110600000000000000' + '090500000000000000' + '1800' + '2507000000', // fields out of order
      '090500000000000000' + '110600000000000000' + '1802' + '2507000000', // a bool written as 2
      '090500000000000000' + '110600000000000000' + '1801' + '2507000000' + '2801' + '1800', // a field repeated: the last wins
    ];
    for (const h of others) expect(decodePacketHeader(bytesOf(h)), h).to.deep.equal(generic(bytesOf(h)));
    // offsets past 2^53 are refused, as the generic decoder refuses them
    const big = encodePacketHeader({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false, dataLen: 0 });
    new DataView(big.buffer).setUint32(5, 0x200000, true); // offsetInBlock = 2^53
    expectCode(() => decodePacketHeader(big), 'PROTOCOL_MALFORMED', ProtocolError);
    new DataView(big.buffer).setUint32(5, 0xffe00000, true); // offsetInBlock = -2^53
    expectCode(() => decodePacketHeader(big), 'PROTOCOL_MALFORMED', ProtocolError);
  });

  it('PacketDecoder: the same packets fed whole, byte by byte and in random splits', () => {
    const stream = new OutputPacketizer({ blockSize: 1048576 });
    const file = Uint8Array.from({ length: 150000 }, (_, i) => (i * 13) & 0xff);
    const packets = [...stream.write(file), ...stream.close()];
    const bytes = Buffer.concat(packets.map((p) => p.bytes));
    const feed = (sizes: () => number): Uint8Array => {
      const d = new PacketDecoder();
      const out: Uint8Array[] = [];
      for (let at = 0; at < bytes.length;) {
        const n = Math.min(sizes(), bytes.length - at);
        for (const p of d.push(bytes.subarray(at, at + n))) {
          verifyChecksums(CRC32C_512, p.data, p.checksums, p.header.offsetInBlock);
          out.push(p.data);
        }
        at += n;
      }
      d.end();
      return Buffer.concat(out);
    };
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 5000 + 1;
    expect(hex(feed(() => bytes.length))).to.equal(hex(file));
    expect(feed(() => 1).length).to.equal(file.length);
    expect(hex(feed(random))).to.equal(hex(file));
  });

  it('refuses what PacketReceiver refuses and reports a truncated stream', () => {
    expectCode(() => tryReadPacket(queueOf(unhex('00000003 0019'))), 'PROTOCOL_MALFORMED', ProtocolError);
    expectCode(() => tryReadPacket(queueOf(unhex('00000004 ffff'))), 'PROTOCOL_MALFORMED', ProtocolError);
    expectCode(() => tryReadPacket(queueOf(unhex('01000001 0019'))), 'PROTOCOL_TOO_LARGE', ProtocolError);
    expect(tryReadPacket(queueOf(unhex('00001000 0019')), 1 << 24)).to.equal(undefined); // waits for the body
    // dataLen 8 but only 4 payload bytes after PLEN
    const lying = Buffer.concat([unhex('00000008 0019'), encodePacketHeader({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false, dataLen: 8 }), unhex('01020304')]);
    expectCode(() => tryReadPacket(queueOf(lying)), 'PROTOCOL_MALFORMED', ProtocolError);
    // a header missing required fields
    expectCode(() => tryReadPacket(queueOf(unhex('00000004 0002 1801'))), 'PROTOCOL_MALFORMED', ProtocolError);
    const d = new PacketDecoder();
    d.push(encodeLastPacket(0, 0).subarray(0, 10));
    expectCode(() => d.end(), 'PROTOCOL_TRUNCATED', ProtocolError);
  });
});

describe('datatransfer/OutputPacketizer (DFSOutputStream packet sizes)', () => {
  const describePackets = (ps: { header: { seqno: number; offsetInBlock: number; dataLen: number; lastPacketInBlock: boolean } }[]) =>
    ps.map((p) => `${p.header.seqno}:${p.header.offsetInBlock}+${p.header.dataLen}${p.header.lastPacketInBlock ? 'L' : ''}`);

  it('a 200000-byte file in a 128 MiB block: three full packets, the rest, then the empty last packet', () => {
    const p = new OutputPacketizer({ blockSize: 134217728 });
    const ps = [...p.write(new Uint8Array(200000)), ...p.close()];
    expect(describePackets(ps)).to.deep.equal(['0:0+64512', '1:64512+64512', '2:129024+64512', '3:193536+6464', '4:200000+0L']);
    expect(ps[0]!.bytes.length).to.equal(6 + 25 + V.first_write_packet_of_200000_byte_file.payloadLen - 4);
  });

  it('2500000 bytes in 1 MiB blocks: packets shrink at the block end (15872, 512), seqnos run on, the next block starts with 512', () => {
    const v = V.write_packet_data_sizes;
    const p = new OutputPacketizer({ blockSize: v.blockSize });
    const file = new Uint8Array(v.file_bytes);
    const ps = [...p.write(file.subarray(0, 1000001)), ...p.write(file.subarray(1000001)), ...p.close()];
    const ends = ps.flatMap((x, i) => (x.header.lastPacketInBlock ? [i] : []));
    expect(ends).to.have.length(3);
    const block1 = ps.slice(0, ends[0]! + 1);
    expect(block1.map((x) => x.header.seqno)).to.deep.equal(Array.from({ length: 19 }, (_, i) => i)); // 0..18
    expect(block1.slice(-4).map((x) => x.header.dataLen)).to.deep.equal(v.block1_tail_sizes);
    expect(block1.at(-1)!.header.offsetInBlock).to.equal(v.block1_last_packet_offset);
    expect(ps[ends[0]! + 1]!.header).to.include({ seqno: v.block2_first_seqno, offsetInBlock: 0, dataLen: v.block2_first_packet_size });
    expect(ps.at(-1)!.header.offsetInBlock).to.equal(v.complete_last_numBytes);
    expect(ps.reduce((n, x) => n + x.header.dataLen, 0)).to.equal(v.file_bytes);
  });

  it('append (DFSOutputStream.adjustPacketChunkSize): a partial chunk is completed by a one-chunk packet whose checksum covers only its bytes, then packets are cut as usual', () => {
    const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => i & 0xff));
    const p = new OutputPacketizer({ blockSize: 4096, writePacketSize: 1024 + 33 + 8, appendAt: 700 });
    const ps = [...p.write(data.subarray(0, 100)), ...p.write(data.subarray(100)), ...p.close()];
    expect(describePackets(ps)).to.deep.equal(['0:700+324', '1:1024+1024', '2:2048+1024', '3:3072+512', '4:3584+116', '5:3700+0L']);
    // the first packet: PLEN, HLEN, header, then one CRC of its 324 bytes
    const q0 = new ByteQueue();
    q0.push(Buffer.from(ps[0]!.bytes));
    const first = tryReadPacket(q0, 1 << 20)!;
    expect(Buffer.from(first.checksums)).to.deep.equal(Buffer.from(computeChecksums(CRC32C_512, data.subarray(0, 324))));
    // on a chunk boundary the first packet is sized to the room left in the block; a block filled by the append ends it
    const q = new OutputPacketizer({ blockSize: 2048, appendAt: 1024 });
    expect(describePackets([...q.write(new Uint8Array(1500)), ...q.close()])).to.deep.equal(['0:1024+512', '1:1536+512', '2:2048+0L', '3:0+476', '4:476+0L']);
    // no data: just the last packet at the block's length (the pipeline is still set up and the stamp bumped)
    expect(describePackets(new OutputPacketizer({ blockSize: 2048, appendAt: 700 }).close())).to.deep.equal(['0:700+0L']);
    expectCode(() => new OutputPacketizer({ blockSize: 2048, appendAt: 2048 }), 'PROTOCOL_MALFORMED', ProtocolError);
  });

  it('hflush (flushBuffer(keep = true)): the buffered bytes go now; a partial chunk goes again from its start with the next packet', () => {
    const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 3) & 0xff));
    const p = new OutputPacketizer({ blockSize: 4096, writePacketSize: 1024 + 33 + 8 });
    const ps = [...p.write(data.subarray(0, 1300)), ...p.flush(), ...p.flush(), ...p.write(data.subarray(1300, 1400)), ...p.flush(), ...p.write(data.subarray(1400)), ...p.close()];
    expect(describePackets(ps)).to.deep.equal(['0:0+1024', '1:1024+276', '2:1024+376', '3:1024+1024', '4:2048+952', '5:3000+0L']);
    // the resent chunk's checksum covers it from its start; every packet's CRCs match its bytes
    for (const x of ps.filter((y) => y.header.dataLen > 0)) {
      const q = new ByteQueue();
      q.push(Buffer.from(x.bytes));
      const decoded = tryReadPacket(q, 1 << 20)!;
      const { offsetInBlock: at, dataLen } = x.header;
      expect(Buffer.from(decoded.data)).to.deep.equal(data.subarray(at, at + dataLen));
      expect(Buffer.from(decoded.checksums)).to.deep.equal(Buffer.from(computeChecksums(CRC32C_512, data.subarray(at, at + dataLen))));
    }
    // one write across a block's end, while the first packet still has room for 126 chunks: the block
    // ends at its size; the next block starts with one chunk; close() sends the kept partial chunk again
    const big = new OutputPacketizer({ blockSize: 4096 });
    expect(describePackets([...big.write(new Uint8Array(5596)), ...big.flush(), ...big.close()])).to.deep.equal(['0:0+4096', '1:4096+0L', '2:0+512', '3:512+988', '4:1024+476', '5:1500+0L']);
    // a flush on a chunk boundary keeps nothing back; nothing buffered sends nothing
    const q = new OutputPacketizer({ blockSize: 4096 });
    expect(describePackets([...q.write(new Uint8Array(1024)), ...q.flush(), ...q.flush(), ...q.write(new Uint8Array(10)), ...q.close()])).to.deep.equal(['0:0+1024', '1:1024+10', '2:1034+0L']);
  });

  it('a file ending exactly on a block boundary sends no second last packet; an empty file sends nothing', () => {
    const p = new OutputPacketizer({ blockSize: 1024, writePacketSize: 1024 + 33 + 8 });
    expect(describePackets([...p.write(new Uint8Array(1024)), ...p.close()])).to.deep.equal(['0:0+1024', '1:1024+0L']);
    expect(new OutputPacketizer({ blockSize: 1024 }).close()).to.deep.equal([]);
    expectCode(() => new OutputPacketizer({ blockSize: 1000 }), 'PROTOCOL_MALFORMED', ProtocolError);
  });
});
