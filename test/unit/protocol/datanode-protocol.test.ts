import { expect } from 'chai';
import { ProtocolError } from '../../../lib/errors/index.ts';
import {
  BLOCKS_BUFFER_CHUNK, CAPABILITY_STORAGE_BLOCK_REPORT_BUFFERS, decodeBlockList, decodeBlockLongs, decodeBlocksBuffers,
  encodeBlockList, encodeBlockLongs, encodeBlocksBuffers,
} from '../../../cluster/protocol/block-list-as-longs.ts';
import type { ReportedReplica } from '../../../cluster/protocol/block-list-as-longs.ts';
import {
  DATANODE_LAYOUT_VERSION, DATANODE_PROTOCOL, DATANODE_PROTOCOL_CODEC, DATANODE_PROTOCOL_INFO, DatanodeErrorCode,
  NAMENODE_LAYOUT_VERSION, REGISTER_COMMAND, exportedBlockKeysToProto, keyUpdateCommand,
} from '../../../cluster/protocol/datanode-protocol.ts';
import type { DatanodeRegistration, NamespaceInfo } from '../../../cluster/protocol/datanode-protocol.ts';
import { DelegationKey } from '../../../security/token/keys/delegation-key.ts';
import { dummyExportedBlockKeys } from '../../../security/token/keys/exported-block-keys.ts';
import { encodeProto } from '../../../cluster/protocol/hdfs-proto.ts';
import { expectCode, hex } from './support.ts';

const D = DATANODE_PROTOCOL_CODEC;
const info: NamespaceInfo = {
  buildVersion: '4f9e6c8dc9c8d6e2', unused: 0, blockPoolID: 'BP-1234567890-127.0.0.1-1700000000000',
  storageInfo: { layoutVersion: NAMENODE_LAYOUT_VERSION, namespceID: -123456789, clusterID: 'CID-0f4e', cTime: 0 },
  softwareVersion: '3.4.1', capabilities: CAPABILITY_STORAGE_BLOCK_REPORT_BUFFERS, state: 'ACTIVE',
};
const registration: DatanodeRegistration = {
  datanodeID: { ipAddr: '127.0.0.1', hostName: 'localhost', datanodeUuid: 'dn-1', xferPort: 9866, infoPort: 9864, ipcPort: 9867, infoSecurePort: 0 },
  storageInfo: { layoutVersion: DATANODE_LAYOUT_VERSION, namespceID: -123456789, clusterID: 'CID-0f4e', cTime: 0 },
  keys: exportedBlockKeysToProto(dummyExportedBlockKeys()),
  softwareVersion: '3.4.1',
};
const replicas: ReportedReplica[] = [
  { blockId: 1073741825, numBytes: 134217728, generationStamp: 1001, state: 'FINALIZED' },
  { blockId: 1073741826, numBytes: 4096, generationStamp: 1002, state: 'RBW' },
  { blockId: -5, numBytes: 0, generationStamp: 1003, state: 'FINALIZED' }, // negative ids zigzag
];

describe('protocol/DatanodeProtocol (DatanodeProtocol.proto + HdfsServer.proto, Hadoop 3.4.1)', () => {
  it('identity: protocol name, RPC version 1, NameNode server and DataNode client principal keys, no token', () => {
    expect(DATANODE_PROTOCOL).to.equal('org.apache.hadoop.hdfs.server.protocol.DatanodeProtocol');
    expect(DATANODE_PROTOCOL_INFO).to.deep.equal({
      protocol: DATANODE_PROTOCOL, version: 1n,
      kerberos: { serverPrincipalKey: 'dfs.namenode.kerberos.principal', clientPrincipalKey: 'dfs.datanode.kerberos.principal' },
    });
  });

  it('versionRequest: NamespaceInfoProto with a negative layout version written as uint32 (bd ff ff ff 0f) and read back as -67', () => {
    const bytes = D.encodeResponse('versionRequest', { info });
    expect(hex(bytes)).to.contain('08bdffffff0f');
    expect(D.decodeResponse('versionRequest', bytes)).to.deep.equal({ info });
    expect(hex(D.encodeRequest('versionRequest', {}))).to.equal('');
  });

  it('registerDatanode: the DataNode sends DUMMY keys, the NameNode answers with its block keys', () => {
    const req = D.encodeRequest('registerDatanode', { registration });
    expect(D.decodeRequest('registerDatanode', req)).to.deep.equal({ registration });
    const keys = { isBlockTokenEnabled: true, keyUpdateInterval: 36_000_000, tokenLifetime: 36_000_000, currentKey: new DelegationKey(7, 1_800_000_000_000, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)), allKeys: [] as DelegationKey[] };
    keys.allKeys.push(keys.currentKey);
    const answer = { registration: { ...registration, keys: exportedBlockKeysToProto(keys) } };
    expect(D.decodeResponse('registerDatanode', D.encodeResponse('registerDatanode', answer))).to.deep.equal(answer);
  });

  it('sendHeartbeat: reports and lease request in; haStatus (required), KeyUpdateCommand, RegisterCommand and a lease id out', () => {
    const request = {
      registration, xmitsInProgress: 0, xceiverCount: 1, failedVolumes: 0, requestFullBlockReportLease: true,
      reports: [{ storageUuid: 'DS-1', failed: false, capacity: 1 << 30, dfsUsed: 4096, remaining: 1 << 29, blockPoolUsed: 4096, storage: { storageUuid: 'DS-1', state: 'NORMAL' as const, storageType: 'DISK' as const }, nonDfsUsed: 0 }],
    };
    expect(D.decodeRequest('sendHeartbeat', D.encodeRequest('sendHeartbeat', request))).to.deep.equal(request);
    const keys = { ...dummyExportedBlockKeys(), isBlockTokenEnabled: true, currentKey: new DelegationKey(9, 5, Uint8Array.of(9)) };
    const response = { cmds: [keyUpdateCommand(keys), REGISTER_COMMAND], haStatus: { state: 'ACTIVE' as const, txid: 42 }, fullBlockReportLeaseId: 1234, isSlownode: false };
    const decoded = D.decodeResponse('sendHeartbeat', D.encodeResponse('sendHeartbeat', response));
    expect(decoded).to.deep.equal(response);
    expect(decoded.cmds![0]!.keyUpdateCmd!.keys.currentKey.keyBytes).to.deep.equal(Uint8Array.of(9));
    expect(hex(encodeProto('hadoop.hdfs.datanode.DatanodeCommandProto', REGISTER_COMMAND))).to.equal('08053a00');
    expectCode(() => D.decodeResponse('sendHeartbeat', new Uint8Array(0)), 'PROTOCOL_MALFORMED', ProtocolError); // haStatus missing
  });

  it('blockReport with the buffers encoding (NameNode capability 1) and with the legacy longs', () => {
    for (const useBuffers of [true, false]) {
      const report = { storage: { storageUuid: 'DS-1' }, ...encodeBlockList(replicas, useBuffers) };
      const request = { registration, blockPoolId: info.blockPoolID, reports: [report], context: { totalRpcs: 1, curRpc: 0, id: -5, leaseId: 1234, sorted: false } };
      const decoded = D.decodeRequest('blockReport', D.encodeRequest('blockReport', request));
      // the longs form lists finalized replicas first
      expect(decodeBlockList(decoded.reports![0]!)).to.deep.equal(useBuffers ? replicas : [replicas[0], replicas[2], replicas[1]]);
      expect(decoded.context!.id).to.equal(-5);
    }
    const bytes = D.encodeResponse('blockReport', { cmd: { cmdType: 'BlockCommand', blkCmd: { action: 'INVALIDATE', blockPoolId: 'BP-1', blocks: [{ blockId: 1, genStamp: 2, numBytes: 3 }] } } });
    expect(D.decodeResponse('blockReport', bytes).cmd!.blkCmd!.blocks).to.deep.equal([{ blockId: 1, genStamp: 2, numBytes: 3 }]);
  });

  it('blockReceivedAndDeleted (status field 3), errorReport (registartion sic), commitBlockSynchronization', () => {
    const ibr = {
      registration, blockPoolId: 'BP-1',
      blocks: [{ storageUuid: 'DS-1', storage: { storageUuid: 'DS-1' }, blocks: [{ block: { blockId: 1073741825, genStamp: 1001, numBytes: 200000 }, status: 'RECEIVED' as const }] }],
    };
    const bytes = D.encodeRequest('blockReceivedAndDeleted', ibr);
    expect(hex(bytes)).to.contain('1802'); // ReceivedDeletedBlockInfoProto.status = 3: RECEIVED (2)
    expect(D.decodeRequest('blockReceivedAndDeleted', bytes)).to.deep.equal(ibr);
    const err = { registartion: registration, errorCode: DatanodeErrorCode.DISK_ERROR, msg: 'volume /data1 failed' };
    expect(D.decodeRequest('errorReport', D.encodeRequest('errorReport', err))).to.deep.equal(err);
    const cbs = { block: { poolId: 'BP-1', blockId: 1, generationStamp: 2 }, newGenStamp: 3, newLength: 4, closeFile: true, deleteBlock: false, newTaragets: [registration.datanodeID], newTargetStorages: ['DS-1'] };
    expect(D.decodeRequest('commitBlockSynchronization', D.encodeRequest('commitBlockSynchronization', cbs))).to.deep.equal(cbs);
  });
});

describe('protocol/BlockListAsLongs', () => {
  it('buffers: zigzag blockId, then length, stamp and state varints; 64 KiB chunks; one (empty) buffer when it fits', () => {
    const one = encodeBlocksBuffers([{ blockId: 1, numBytes: 2, generationStamp: 3, state: 'RBW' }]);
    expect(one.numberOfBlocks).to.equal(1);
    expect(one.blocksBuffers.map(hex)).to.deep.equal(['02020301']);
    expect(encodeBlocksBuffers([{ blockId: -1, numBytes: 0, generationStamp: 0, state: 'FINALIZED' }]).blocksBuffers.map(hex)).to.deep.equal(['01000000']);
    expect(encodeBlocksBuffers([]).blocksBuffers.map(hex)).to.deep.equal(['']);
    const many = Array.from({ length: 10000 }, (_, i) => ({ blockId: 1073741825 + i, numBytes: 134217728, generationStamp: 1001 + i, state: 'FINALIZED' as const }));
    const enc = encodeBlocksBuffers(many);
    expect(enc.blocksBuffers.length).to.be.greaterThan(1);
    expect(enc.blocksBuffers.slice(0, -1).every((b) => b.length === BLOCKS_BUFFER_CHUNK)).to.equal(true);
    expect(decodeBlocksBuffers(enc.numberOfBlocks, enc.blocksBuffers)).to.deep.equal(many);
  });

  it('buffers: 64-bit varints at their edges match a BigInt reference encoding (zigzag ids, ±2^53-1, 2^32 boundaries)', () => {
    const varint = (v: bigint): string => {
      let x = BigInt.asUintN(64, v);
      let out = '';
      do {
        const b = Number(x & 0x7fn);
        x >>= 7n;
        out += (x > 0n ? b | 0x80 : b).toString(16).padStart(2, '0');
      } while (x > 0n);
      return out;
    };
    const zigzag = (n: bigint): bigint => (n << 1n) ^ (n >> 63n);
    const edges = [0, 1, -1, 127, 128, 2 ** 31 - 1, -(2 ** 31), 2 ** 32 - 1, 2 ** 32, -(2 ** 32), 2 ** 35 + 5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    for (const id of edges) {
      const gs = Math.abs(id);
      const r: ReportedReplica = { blockId: id, numBytes: gs % 2 ** 48, generationStamp: gs, state: 'TEMPORARY' };
      const enc = encodeBlocksBuffers([r]);
      expect(hex(enc.blocksBuffers[0]!), `blockId ${id}`).to.equal(varint(zigzag(BigInt(id))) + varint(BigInt(r.numBytes)) + varint(BigInt(gs)) + '04');
      expect(decodeBlocksBuffers(1, enc.blocksBuffers)).to.deep.equal([r]);
    }
    // a stamp past 2^53 is refused rather than rounded
    expectCode(() => decodeBlocksBuffers(1, [Uint8Array.from(Buffer.from('02' + '00' + varint(2n ** 60n) + '00', 'hex'))]), 'PROTOCOL_MALFORMED', ProtocolError);
  });

  it('buffers: the length is masked to 48 bits and the state to 4 bits on decode', () => {
    const raw = Uint8Array.from([0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x03, 0x11]); // len 2^49, state 0x11
    expect(decodeBlocksBuffers(1, [raw])).to.deep.equal([{ blockId: 1, numBytes: 0, generationStamp: 3, state: 'RBW' }]);
  });

  it('longs: finalized triples, the -1 delimiter, under-construction quads; EMPTY is [0, 0]', () => {
    expect(encodeBlockLongs([])).to.deep.equal([0n, 0n]);
    expect(encodeBlockLongs(replicas.slice(0, 2))).to.deep.equal([1n, 1n, 1073741825n, 134217728n, 1001n, -1n, -1n, -1n, 1073741826n, 4096n, 1002n, 1n]);
    const wire = encodeBlockLongs(replicas).map((v) => BigInt.asUintN(64, v)); // as uint64 on the wire
    expect(decodeBlockLongs(wire)).to.deep.equal([replicas[0], replicas[2], replicas[1]]);
    expect(decodeBlockLongs([0n, 0n, -1n, -1n, -1n])).to.deep.equal([]);
  });

  it('refuses inconsistent reports: both forms, a count the bytes cannot hold, a bad delimiter, a truncated varint, an unknown state', () => {
    expectCode(() => decodeBlockList({ numberOfBlocks: 0, blocksBuffers: [], blocks: [0n, 0n] }), 'PROTOCOL_MALFORMED', ProtocolError);
    expectCode(() => decodeBlocksBuffers(1_000_000, [new Uint8Array(8)]), 'PROTOCOL_MALFORMED', ProtocolError);
    expectCode(() => decodeBlockLongs([0n, 1n, 0n, 0n, 0n, 1n, 2n, 3n, 1n]), 'PROTOCOL_MALFORMED', ProtocolError);
    expectCode(() => decodeBlockLongs([5n, 0n, 1n]), 'PROTOCOL_MALFORMED', ProtocolError);
    expectCode(() => decodeBlocksBuffers(1, [Uint8Array.of(2, 2, 3, 0x80)]), 'PROTOCOL_MALFORMED', ProtocolError);
    expectCode(() => decodeBlocksBuffers(1, [Uint8Array.of(2, 2, 3, 9)]), 'PROTOCOL_MALFORMED', ProtocolError);
  });
});
