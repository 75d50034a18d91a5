import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { ProtocolError } from '../../../lib/errors/index.ts';
import {
  CLIENT_PROTOCOL, CLIENT_PROTOCOL_CODEC, CLIENT_PROTOCOL_INFO, CreateFlag, DEFAULT_SERVER_DEFAULTS,
  decodeGetServerDefaultsResponse, encodeGetServerDefaultsResponse,
} from '../../../cluster/protocol/client-protocol.ts';
import type { ClientProtocolMessages, ClientProtocolMethodName } from '../../../cluster/protocol/client-protocol.ts';
import { rpcTypes } from '../../../cluster/protocol/hdfs-proto.ts';
import { EMPTY_TOKEN, utf8 } from '../../../cluster/protocol/hdfs-types.ts';
import type { DatanodeInfo, HdfsFileStatus, LocatedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import { expectCode, hex, unhex } from './support.ts';

const V = JSON.parse(readFileSync(new URL('../../vectors/hdfs-data-transfer.json', import.meta.url), 'utf8'));
const C = CLIENT_PROTOCOL_CODEC;

const dn: DatanodeInfo = {
  id: { ipAddr: '127.0.0.1', hostName: 'localhost', datanodeUuid: 'dn-uuid-1', xferPort: 9866, infoPort: 9864, ipcPort: 9867 },
  capacity: 1 << 30, remaining: 1 << 29, location: '/default-rack', adminState: 'NORMAL',
};
const block: LocatedBlock = {
  b: { poolId: 'BP-1', blockId: 1073741825, generationStamp: 1001, numBytes: 0 },
  offset: 0, locs: [dn], corrupt: false, blockToken: EMPTY_TOKEN, isCached: [false], storageTypes: ['DISK'], storageIDs: ['DS-1'],
};
const fileStatus: HdfsFileStatus = {
  fileType: 'IS_FILE', path: new Uint8Array(0), length: 0, permission: { perm: 0o644 }, owner: 'alice', group: 'supergroup',
  modification_time: 1_700_000_000_000, access_time: 1_700_000_000_000, block_replication: 1, blocksize: 134217728,
  fileId: 16386, childrenNum: 0, storagePolicy: 0, flags: 0,
};

/** One request and response per method, as a stock client and a NameNode would fill them. */
const samples: { [M in ClientProtocolMethodName]: ClientProtocolMessages[M] } = {
  getServerDefaults: { request: {}, response: { serverDefaults: { ...DEFAULT_SERVER_DEFAULTS, keyProviderUri: '', policyId: 0, snapshotTrashRootEnabled: false } } },
  getDataEncryptionKey: { request: {}, response: {} },
  getBlockLocations: {
    request: { src: '/d/f', offset: 0, length: 1342177280 },
    response: { locations: { fileLength: 200000, blocks: [{ ...block, b: { ...block.b, numBytes: 200000 } }], underConstruction: false, isLastBlockComplete: true, lastBlock: block } },
  },
  create: {
    request: {
      src: '/d/f', masked: { perm: 420 }, clientName: 'DFSClient_NONMAPREDUCE_-1617159169_1', createFlag: CreateFlag.CREATE | CreateFlag.OVERWRITE,
      createParent: true, replication: 3, blockSize: 134217728, cryptoProtocolVersion: ['ENCRYPTION_ZONES'], unmasked: { perm: 438 },
    },
    response: { fs: fileStatus },
  },
  append: { request: { src: '/d/f', clientName: 'c', flag: CreateFlag.APPEND }, response: { block: { ...block, b: { ...block.b, numBytes: 700 } }, stat: { ...fileStatus, length: 700 } } },
  addBlock: { request: { src: '/d/f', clientName: 'c', fileId: 16386, excludeNodes: [dn], flags: ['NO_LOCAL_WRITE'] }, response: { block } },
  abandonBlock: { request: { b: block.b, src: '/d/f', holder: 'c', fileId: 16386 }, response: {} },
  getAdditionalDatanode: {
    request: { src: '/d/f', blk: block.b, existings: [dn], numAdditionalNodes: 1, clientName: 'c', existingStorageUuids: ['DS-1'], fileId: 16386 },
    response: { block },
  },
  complete: { request: { src: '/d/f', clientName: 'c', last: { ...block.b, numBytes: 200000 }, fileId: 16386 }, response: { result: true } },
  fsync: { request: { src: '/d/f', client: 'c', lastBlockLength: -1, fileId: 16386 }, response: {} },
  updateBlockForPipeline: { request: { block: block.b, clientName: 'c' }, response: { block } },
  updatePipeline: { request: { clientName: 'c', oldBlock: block.b, newBlock: { ...block.b, generationStamp: 1002 }, newNodes: [dn.id], storageIDs: ['DS-1'] }, response: {} },
  renewLease: { request: { clientName: 'c' }, response: {} },
  recoverLease: { request: { src: '/p', clientName: 'c' }, response: { result: false } },
  concat: { request: { trg: '/d/t', srcs: ['/d/a', '/d/b'] }, response: {} },
  truncate: { request: { src: '/d/f', newLength: 1500, clientName: 'c' }, response: { result: false } },
  mkdirs: { request: { src: '/d', masked: { perm: 493 }, createParent: true, unmasked: { perm: 511 } }, response: { result: true } },
  setPermission: { request: { src: '/d', permission: { perm: 0o1777 } }, response: {} },
  setOwner: { request: { src: '/d', username: 'alice', groupname: 'staff' }, response: {} },
  getFileInfo: { request: { src: '/d/f' }, response: { fs: fileStatus } },
  getListing: {
    request: { src: '/d', startAfter: new Uint8Array(0), needLocation: false },
    response: { dirList: { partialListing: [{ ...fileStatus, path: utf8('f') }, { ...fileStatus, fileType: 'IS_DIR', path: utf8('sub'), childrenNum: 2 }], remainingEntries: 0 } },
  },
  delete: { request: { src: '/d', recursive: true }, response: { result: true } },
  rename: { request: { src: '/d/f._COPYING_', dst: '/d/f' }, response: { result: true } },
  rename2: { request: { src: '/a', dst: '/b', overwriteDest: true }, response: {} },
  getFsStats: { request: {}, response: { capacity: 1 << 30, used: 0, remaining: 1 << 29, under_replicated: 0, corrupt_blocks: 0, missing_blocks: 0, missing_repl_one_blocks: 0, blocks_in_future: 0, pending_deletion_blocks: 0 } },
  getFsReplicatedBlockStats: { request: {}, response: { low_redundancy: 2, corrupt_blocks: 0, missing_blocks: 1, missing_repl_one_blocks: 1, blocks_in_future: 0, pending_deletion_blocks: 3, highest_prio_low_redundancy_blocks: 2 } },
  getFsECBlockGroupStats: { request: {}, response: { low_redundancy: 0, corrupt_blocks: 0, missing_blocks: 0, blocks_in_future: 0, pending_deletion_blocks: 0, highest_prio_low_redundancy_blocks: 0 } },
  getDatanodeReport: { request: { type: 'DEAD' }, response: { di: [dn] } },
  getSlowDatanodeReport: { request: {}, response: {} },
  setSafeMode: { request: { action: 'SAFEMODE_GET', checked: false }, response: { result: false } },
  saveNamespace: { request: { timeWindow: 10800, txGap: 3000000 }, response: { saved: true } },
  setBalancerBandwidth: { request: { bandwidth: 10485760 }, response: {} },
  listOpenFiles: {
    request: { id: 0, types: ['ALL_OPEN_FILES'], path: '/' },
    response: { entries: [{ id: 16386, path: '/d/f', clientName: 'DFSClient_NONMAPREDUCE_-1617159169_1', clientMachine: '127.0.0.1' }], hasMore: false, types: ['ALL_OPEN_FILES'] },
  },
  getDelegationToken: { request: { renewer: 'yarn' }, response: { token: { identifier: Uint8Array.of(1), password: Uint8Array.of(2), kind: 'HDFS_DELEGATION_TOKEN', service: '' } } },
  renewDelegationToken: { request: { token: EMPTY_TOKEN }, response: { newExpiryTime: 1_700_000_000_000 } },
  cancelDelegationToken: { request: { token: EMPTY_TOKEN }, response: {} },
  getContentSummary: {
    request: { path: '/' },
    response: {
      summary: {
        length: 3, fileCount: 1, directoryCount: 2, quota: 9_223_372_036_854_775_807n, spaceConsumed: 9, spaceQuota: -1,
        snapshotLength: 0, snapshotFileCount: 0, snapshotDirectoryCount: 0, snapshotSpaceConsumed: 0, erasureCodingPolicy: '',
      },
    },
  },
  setQuota: {
    request: { path: '/q', namespaceQuota: 9_223_372_036_854_775_807n, storagespaceQuota: -1, storageType: 'SSD' },
    response: {},
  },
  getQuotaUsage: {
    request: { path: '/d' },
    response: { usage: { fileAndDirectoryCount: 2, quota: -1, spaceConsumed: 9, spaceQuota: -1, typeQuotaInfos: { typeQuotaInfo: [{ type: 'SSD', quota: -1, consumed: 3 }] } } },
  },
  setTimes: { request: { src: '/d/f', mtime: 1_700_000_000_000, atime: -1 }, response: {} },
  setReplication: { request: { src: '/d/f', replication: 2 }, response: { result: true } },
  checkAccess: { request: { path: '/d', mode: 'READ_EXECUTE' }, response: {} },
  modifyAclEntries: { request: { src: '/d', aclSpec: [{ type: 'USER', scope: 'ACCESS', permissions: 'READ_EXECUTE', name: 'bob' }] }, response: {} },
  removeAclEntries: { request: { src: '/d', aclSpec: [{ type: 'GROUP', scope: 'DEFAULT', permissions: 'NONE', name: 'eng' }] }, response: {} },
  removeDefaultAcl: { request: { src: '/d' }, response: {} },
  removeAcl: { request: { src: '/d' }, response: {} },
  setAcl: { request: { src: '/d', aclSpec: [{ type: 'USER', scope: 'ACCESS', permissions: 'PERM_ALL' }, { type: 'OTHER', scope: 'ACCESS', permissions: 'NONE' }] }, response: {} },
  getAclStatus: {
    request: { src: '/d' },
    response: { result: { owner: 'alice', group: 'supergroup', sticky: false, entries: [{ type: 'USER', scope: 'ACCESS', permissions: 'READ_WRITE', name: 'bob' }], permission: { perm: 0o750 } } },
  },
  setXAttr: { request: { src: '/d', xAttr: { namespace: 'USER', name: 'a', value: new Uint8Array([1, 2]) }, flag: 3 }, response: {} },
  getXAttrs: { request: { src: '/d', xAttrs: [{ namespace: 'TRUSTED', name: 'b' }] }, response: { xAttrs: [{ namespace: 'TRUSTED', name: 'b', value: new Uint8Array([0x41]) }] } },
  listXAttrs: { request: { src: '/d' }, response: { xAttrs: [{ namespace: 'USER', name: 'a' }, { namespace: 'SECURITY', name: 'hdfs.unreadable.by.superuser' }] } },
  removeXAttr: { request: { src: '/d', xAttr: { namespace: 'RAW', name: 'r' } }, response: {} },
  getDatanodeStorageReport: {
    request: { type: 'LIVE' },
    response: { datanodeStorageReports: [{ datanodeInfo: dn, storageReports: [{ storageUuid: 'DS-1', failed: false, capacity: 1 << 30, dfsUsed: 4096, remaining: 1 << 29, blockPoolUsed: 4096, storage: { storageUuid: 'DS-1', state: 'NORMAL', storageType: 'DISK' }, nonDfsUsed: 0 }] }] },
  },
  restoreFailedStorage: { request: { arg: 'check' }, response: { result: false } },
  refreshNodes: { request: {}, response: {} },
  finalizeUpgrade: { request: {}, response: {} },
  upgradeStatus: { request: {}, response: { upgradeFinalized: true } },
  metaSave: { request: { filename: 'meta.txt' }, response: {} },
  getCurrentEditLogTxid: { request: {}, response: { txid: 42 } },
  getEditsFromTxid: { request: { txid: 1 }, response: { eventsList: { firstTxid: 1, lastTxid: 1, syncTxid: 1 } } },
  setErasureCodingPolicy: { request: { src: '/d', ecPolicyName: 'RS-6-3-1024k' }, response: {} },
  unsetErasureCodingPolicy: { request: { src: '/d' }, response: {} },
  getECTopologyResultForPolicies: { request: { policies: ['RS-3-2-1024k'] }, response: { response: { resultMessage: 'No erasure coding policy is given.', isSupported: true } } },
  getErasureCodingPolicies: {
    request: {},
    response: { ecPolicies: [{ name: 'RS-3-2-1024k', schema: { codecName: 'rs', dataUnits: 3, parityUnits: 2 }, cellSize: 1048576, id: 2, state: 'DISABLED' }] },
  },
  addErasureCodingPolicies: {
    request: { ecPolicies: [{ schema: { codecName: 'rs', dataUnits: 4, parityUnits: 2 }, cellSize: 65536, id: 0 }] },
    response: { responses: [{ policy: { schema: { codecName: 'rs', dataUnits: 4, parityUnits: 2 }, cellSize: 65536, id: 0 }, succeed: false, errorMsg: 'no' }] },
  },
  removeErasureCodingPolicy: { request: { ecPolicyName: 'RS-3-2-1024k' }, response: {} },
  enableErasureCodingPolicy: { request: { ecPolicyName: 'RS-3-2-1024k' }, response: {} },
  disableErasureCodingPolicy: { request: { ecPolicyName: 'RS-3-2-1024k' }, response: {} },
  getErasureCodingPolicy: { request: { src: '/d' }, response: {} },
  getErasureCodingCodecs: { request: {}, response: { codec: [{ codec: 'rs', coders: 'rs_native, rs_java' }] } },
  getFileLinkInfo: { request: { src: '/d/f' }, response: { fs: fileStatus } },
  getStoragePolicies: {
    request: {},
    response: { policies: [{ policyId: 7, name: 'HOT', creationPolicy: { storageTypes: ['DISK'] }, replicationFallbackPolicy: { storageTypes: ['ARCHIVE'] } }] },
  },
  rollEdits: { request: {}, response: { newSegmentTxId: 300 } },
  getSnapshottableDirListing: {
    request: {},
    response: { snapshottableDirList: { snapshottableDirListing: [{ dirStatus: { ...fileStatus, fileType: 'IS_DIR' }, snapshot_quota: 65536, snapshot_number: 1, parent_fullpath: utf8('/') }] } },
  },
  allowSnapshot: { request: { snapshotRoot: '/d' }, response: {} },
  disallowSnapshot: { request: { snapshotRoot: '/d' }, response: {} },
  createSnapshot: { request: { snapshotRoot: '/d', snapshotName: 's1' }, response: { snapshotPath: '/d/.snapshot/s1' } },
  deleteSnapshot: { request: { snapshotRoot: '/d', snapshotName: 's1' }, response: {} },
  renameSnapshot: { request: { snapshotRoot: '/d', snapshotOldName: 's1', snapshotNewName: 's2' }, response: {} },
  getSnapshotListing: {
    request: { snapshotRoot: '/d' },
    response: { snapshotList: { snapshotListing: [{ dirStatus: { ...fileStatus, fileType: 'IS_DIR' }, snapshotID: 3, parent_fullpath: utf8('/d/.snapshot'), isDeleted: false }] } },
  },
  getSnapshotDiffReport: {
    request: { snapshotRoot: '/d', fromSnapshot: 's1', toSnapshot: '' },
    response: { diffReport: { snapshotRoot: '/d', fromSnapshot: 's1', toSnapshot: '', diffReportEntries: [{ fullpath: utf8('a'), modificationLabel: 'R', targetPath: utf8('b') }] } },
  },
  getSnapshotDiffReportListing: {
    request: { snapshotRoot: '/d', fromSnapshot: 's1', toSnapshot: 's2', cursor: { startPath: utf8('x'), index: 4 } },
    response: { diffReport: { createdEntries: [{ fullpath: utf8('a'), dirId: 16386, isReference: false, fileId: 16390 }], isFromEarlier: true, cursor: { startPath: new Uint8Array(0), index: -1 } } },
  },
  msync: { request: {}, response: {} },
  getHAServiceState: { request: {}, response: { state: 'ACTIVE' } },
  getEnclosingRoot: { request: { filename: '/d/f' }, response: { enclosingRootPath: '/' } },
  getStoragePolicy: { request: { path: '/' }, response: { storagePolicy: { policyId: 2, name: 'COLD', creationPolicy: { storageTypes: ['ARCHIVE'] } } } },
  setStoragePolicy: { request: { src: '/d', policyName: 'COLD' }, response: {} },
  unsetStoragePolicy: { request: { src: '/d' }, response: {} },
  satisfyStoragePolicy: { request: { src: '/d' }, response: {} },
  isFileClosed: { request: { src: '/d/f' }, response: { result: true } },
  getPreferredBlockSize: { request: { filename: '/d/f' }, response: { bsize: 134217728 } },
  getLocatedFileInfo: {
    request: { src: '/d/f', needBlockToken: true },
    response: { fs: { ...fileStatus, length: 200000, locations: { fileLength: 200000, blocks: [block], underConstruction: false, isLastBlockComplete: true, lastBlock: block } } },
  },
  getBatchedListing: {
    request: { paths: ['/d', '/e'], startAfter: new Uint8Array(0), needLocation: false },
    response: {
      listings: [{ partialListing: [{ ...fileStatus, path: utf8('f') }], parentIdx: 0 }, { parentIdx: 1, exception: { className: 'java.io.FileNotFoundException', message: 'Path /e does not exist' } }],
      hasMore: false, startAfter: new Uint8Array(0),
    },
  },
  createSymlink: { request: { target: '/d/f', link: '/d/l', dirPerm: { perm: 0o755 }, createParent: false }, response: {} },
  getLinkTarget: { request: { path: '/d/l' }, response: { targetPath: '/d/f' } },
  listEncryptionZones: { request: { id: 0 }, response: { zones: [{ id: 16390, path: '/ez', suite: 'AES_CTR_NOPADDING', cryptoProtocolVersion: 'ENCRYPTION_ZONES', keyName: 'k1' }], hasMore: false } },
  listReencryptionStatus: {
    request: { id: 0 },
    response: {
      statuses: [{ id: 16390, path: '/ez', state: 'COMPLETED', ezKeyVersionName: 'k1@1', submissionTime: 1_700_000_000_000, canceled: false, numReencrypted: 3, numFailures: 0, completionTime: 1_700_000_001_000 }],
      hasMore: false,
    },
  },
  listCorruptFileBlocks: { request: { path: '/', cookie: '2' }, response: { corrupt: { files: ['/d/f'], cookie: '3' } } },
  // centralized cache management: the never values past 2^53 travel as bigints
  addCacheDirective: { request: { info: { path: '/d', pool: 'p', replication: 2, expiration: { millis: 3_600_000, isRelative: true } }, cacheFlags: 1 }, response: { id: 7 } },
  modifyCacheDirective: { request: { info: { id: 7, pool: 'q' }, cacheFlags: 0 }, response: {} },
  removeCacheDirective: { request: { id: 7 }, response: {} },
  listCacheDirectives: {
    request: { prevId: 0, filter: { pool: 'p' } },
    response: {
      elements: [{
        info: { id: 1, path: '/d', replication: 1, pool: 'p', expiration: { millis: 2305843011213693951n, isRelative: false } },
        stats: { bytesNeeded: 10, bytesCached: 0, filesNeeded: 1, filesCached: 0, hasExpired: false },
      }],
      hasMore: false,
    },
  },
  addCachePool: { request: { info: { poolName: 'p', ownerName: 'alice', groupName: 'g', mode: 0o755, limit: 9223372036854775807n, maxRelativeExpiry: 2305843009213693951n, defaultReplication: 1 } }, response: {} },
  modifyCachePool: { request: { info: { poolName: 'p', limit: -1 } }, response: {} },
  removeCachePool: { request: { poolName: 'p' }, response: {} },
  listCachePools: {
    request: { prevPoolName: '' },
    response: { entries: [{ info: { poolName: 'p' }, stats: { bytesNeeded: 0, bytesCached: 0, bytesOverlimit: 0, filesNeeded: 0, filesCached: 0 } }], hasMore: true },
  },
  // reportBadBlocks (h-corrupt): DFSInputStream reports a LocatedBlock with only the bad locations (no storage IDs)
  reportBadBlocks: { request: { blocks: [{ b: block.b, offset: 0, locs: block.locs, corrupt: false, blockToken: EMPTY_TOKEN }] }, response: {} },
};

describe('protocol/ClientProtocol method table (ClientNamenodeProtocol.proto, Hadoop 3.4.1)', () => {
  it('identity: protocol name, version 1, NameNode principal key, HDFS delegation tokens', () => {
    expect(CLIENT_PROTOCOL).to.equal('org.apache.hadoop.hdfs.protocol.ClientProtocol');
    expect(CLIENT_PROTOCOL_INFO).to.deep.include({ version: 1n, kerberos: { serverPrincipalKey: 'dfs.namenode.kerberos.principal' }, token: { kind: 'HDFS_DELEGATION_TOKEN' } });
    expect(rpcTypes('hadoop.hdfs.ClientNamenodeProtocol', 'getFsStats')).to.deep.equal({ request: 'hadoop.hdfs.GetFsStatusRequestProto', response: 'hadoop.hdfs.GetFsStatsResponseProto' });
  });

  for (const method of Object.keys(samples) as ClientProtocolMethodName[]) {
    it(`${method}: request and response round-trip through both directions`, () => {
      const s = samples[method] as { request: object; response: object };
      const m = method as 'mkdirs'; // one method's types stand for all in this generic loop
      const req = C.encodeRequest(m, s.request as never);
      expect(C.decodeRequest(m, req)).to.deep.equal(s.request);
      const resp = C.encodeResponse(m, s.response as never);
      expect(C.decodeResponse(m, resp)).to.deep.equal(s.response);
    });
  }

  it('mkdirs and create carry the fields a stock client sent (masks, createFlag 3, replication, block size, crypto version)', () => {
    const mk = V.mkdirs_request_observed;
    // MkdirsRequestProto: 1 src, 2 masked{1 perm}, 3 createParent, 4 unmasked{1 perm}
    expect(hex(C.encodeRequest('mkdirs', { src: mk.src, masked: { perm: mk.masked }, createParent: true, unmasked: { perm: mk.unmasked } })))
      .to.equal('0a022f64' + '120308ed03' + '1801' + '220308ff03');
    const cr = C.decodeRequest('create', C.encodeRequest('create', samples.create.request));
    expect({ src: cr.src, masked: cr.masked.perm, createFlag: cr.createFlag, createParent: cr.createParent, replication: cr.replication, blockSize: cr.blockSize, cryptoProtocolVersion: cr.cryptoProtocolVersion, unmasked: cr.unmasked!.perm })
      .to.deep.equal(V.create_request_observed);
    // field 8 (cryptoProtocolVersion) is an unpacked repeated enum: 40 02
    expect(hex(C.encodeRequest('create', samples.create.request))).to.contain('4002');
  });

  it('setBalancerBandwidth: SetBalancerBandwidthRequestProto 1 bandwidth (int64); listOpenFiles: id 1, types 2 (enum, unpacked), path 3; entries 1, hasMore 2', () => {
    expect(hex(C.encodeRequest('setBalancerBandwidth', { bandwidth: 10485760 }))).to.equal('0880808005');
    // DFSAdmin -listOpenFiles -blockingDecommission -path /d: the first batch after inode id 0
    expect(hex(C.encodeRequest('listOpenFiles', { id: 0, types: ['BLOCKING_DECOMMISSION'], path: '/d' }))).to.equal('0800' + '1002' + '1a022f64');
    const r = C.decodeResponse('listOpenFiles', Buffer.from('0a0e' + '08828001' + '12022f66' + '1a0163' + '22016d' + '1000', 'hex'));
    expect(r.entries).to.deep.equal([{ id: 16386, path: '/f', clientName: 'c', clientMachine: 'm' }]);
    expect(r.hasMore).to.equal(false);
  });

  it('saveNamespace: SaveNamespaceRequestProto 1 timeWindow, 2 txGap (uint64 varints, absent = 0); an empty SaveNamespaceResponseProto means saved (default true)', () => {
    // DFSAdmin -saveNamespace -beforeShutdown with the defaults: 3600 s x 3, 1000000 x 3
    expect(hex(C.encodeRequest('saveNamespace', { timeWindow: 10800, txGap: 3000000 }))).to.equal('08b054' + '10c08db701');
    expect(hex(C.encodeRequest('saveNamespace', {}))).to.equal('');
    expect(C.decodeResponse('saveNamespace', new Uint8Array(0)).saved).to.equal(undefined);
    expect(hex(C.encodeResponse('saveNamespace', { saved: true }))).to.equal('0801');
  });

  it('rollEdits: an empty RollEditsRequestProto; RollEditsResponseProto 1 newSegmentTxId (uint64, required)', () => {
    expect(hex(C.encodeRequest('rollEdits', {}))).to.equal('');
    expect(hex(C.encodeResponse('rollEdits', { newSegmentTxId: 300 }))).to.equal('08ac02');
    expect(C.decodeResponse('rollEdits', unhex('08ac02')).newSegmentTxId).to.equal(300);
    expectCode(() => C.decodeResponse('rollEdits', new Uint8Array(0)), 'PROTOCOL_MALFORMED');
  });

  it('msync and getHAServiceState: empty requests; HAServiceStateResponseProto 1 state (hadoop.common.HAServiceStateProto: ACTIVE 1, STANDBY 2, OBSERVER 3)', () => {
    expect(hex(C.encodeRequest('msync', {}))).to.equal('');
    expect(hex(C.encodeResponse('msync', {}))).to.equal('');
    expect(hex(C.encodeResponse('getHAServiceState', { state: 'ACTIVE' }))).to.equal('0801');
    expect(C.decodeResponse('getHAServiceState', unhex('0803')).state).to.equal('OBSERVER');
    expect(C.decodeResponse('getHAServiceState', unhex('0800')).state).to.equal('INITIALIZING');
    expectCode(() => C.decodeResponse('getHAServiceState', new Uint8Array(0)), 'PROTOCOL_MALFORMED');
  });

  it('isFileClosed 1 src, result 1; getPreferredBlockSize 1 filename, bsize 1 (uint64); getLocatedFileInfo 1 src, 2 needBlockToken (both optional); getLinkTarget 1 path, 1 targetPath', () => {
    expect(hex(C.encodeRequest('isFileClosed', { src: '/d' }))).to.equal('0a022f64');
    expect(hex(C.encodeResponse('isFileClosed', { result: false }))).to.equal('0800');
    expect(hex(C.encodeResponse('getPreferredBlockSize', { bsize: 134217728 }))).to.equal('0880808040');
    expect(hex(C.encodeRequest('getLocatedFileInfo', { src: '/d', needBlockToken: true }))).to.equal('0a022f64' + '1001');
    expect(C.decodeRequest('getLocatedFileInfo', new Uint8Array(0))).to.deep.equal({});
    expect(hex(C.encodeResponse('getLinkTarget', {}))).to.equal('');
    expectCode(() => C.decodeResponse('isFileClosed', new Uint8Array(0)), 'PROTOCOL_MALFORMED');
  });

  it('getBatchedListing: paths 1 (repeated), startAfter 2, needLocation 3; listings 1 {partialListing 1, parentIdx 2, exception 3 {className 1, message 2}}, hasMore 2, startAfter 3', () => {
    expect(hex(C.encodeRequest('getBatchedListing', { paths: ['/a', '/b'], startAfter: new Uint8Array(0), needLocation: false })))
      .to.equal('0a022f61' + '0a022f62' + '1200' + '1800');
    const failed = { parentIdx: 1, exception: { className: 'java.io.FileNotFoundException', message: 'x' } };
    expect(hex(C.encodeResponse('getBatchedListing', { listings: [failed], hasMore: false, startAfter: new Uint8Array(0) })))
      .to.equal('0a26' + '1001' + '1a22' + '0a1d' + Buffer.from('java.io.FileNotFoundException').toString('hex') + '120178' + '1000' + '1a00');
  });

  it('listEncryptionZones / listReencryptionStatus: request 1 id (int64); an empty batch is hasMore false alone (0x10 0x00)', () => {
    expect(hex(C.encodeRequest('listEncryptionZones', { id: 0 }))).to.equal('0800');
    expect(hex(C.encodeResponse('listEncryptionZones', { zones: [], hasMore: false }))).to.equal('1000');
    expect(hex(C.encodeResponse('listReencryptionStatus', { statuses: [], hasMore: false }))).to.equal('1000');
    expect(C.decodeResponse('listEncryptionZones', unhex('1000'))).to.deep.equal({ hasMore: false });
  });

  it('listCorruptFileBlocks: path 1, cookie 2 (optional); corrupt 1 {files 1, cookie 2 (required)}', () => {
    expect(hex(C.encodeRequest('listCorruptFileBlocks', { path: '/' }))).to.equal('0a012f');
    expect(hex(C.encodeResponse('listCorruptFileBlocks', { corrupt: { files: [], cookie: '0' } }))).to.equal('0a03' + '120130');
    expectCode(() => C.encodeResponse('listCorruptFileBlocks', { corrupt: { files: [] } } as never), 'PROTOCOL_MALFORMED');
  });

  it('getEnclosingRoot: GetEnclosingRootRequestProto 1 filename; GetEnclosingRootResponseProto 1 enclosingRootPath (both optional strings)', () => {
    expect(hex(C.encodeRequest('getEnclosingRoot', { filename: '/d/f' }))).to.equal('0a042f642f66');
    expect(hex(C.encodeResponse('getEnclosingRoot', { enclosingRootPath: '/' }))).to.equal('0a012f');
    expect(C.decodeRequest('getEnclosingRoot', new Uint8Array(0))).to.deep.equal({});
  });

  it('snapshot calls: an empty GetSnapshottableDirListingResponseProto is no listing (null); allow/disallow 1 snapshotRoot; createSnapshot 1 snapshotRoot, 2 snapshotName, response 1 snapshotPath', () => {
    expect(hex(C.encodeResponse('getSnapshottableDirListing', {}))).to.equal('');
    expect(C.decodeResponse('getSnapshottableDirListing', new Uint8Array(0))).to.deep.equal({});
    expect(hex(C.encodeRequest('allowSnapshot', { snapshotRoot: '/d' }))).to.equal('0a022f64');
    expect(hex(C.encodeRequest('disallowSnapshot', { snapshotRoot: '/d' }))).to.equal('0a022f64');
    expect(hex(C.encodeRequest('createSnapshot', { snapshotRoot: '/d', snapshotName: 's1' }))).to.equal('0a022f64' + '12027331');
    // `hdfs dfs -createSnapshot /d` sends no name (the NameNode generates one)
    expect(C.decodeRequest('createSnapshot', unhex('0a022f64'))).to.deep.equal({ snapshotRoot: '/d' });
    expect(hex(C.encodeResponse('createSnapshot', { snapshotPath: '/d/.snapshot/s1' }))).to.equal('0a0f' + Buffer.from('/d/.snapshot/s1').toString('hex'));
  });

  it('the other snapshot calls: deleteSnapshot 1 root, 2 name; renameSnapshot 1 root, 2 old, 3 new; getSnapshotListing 1 root, response 1 listing; diff report and listing as Hadoop numbers them', () => {
    expect(hex(C.encodeRequest('deleteSnapshot', { snapshotRoot: '/d', snapshotName: 's1' }))).to.equal('0a022f64' + '12027331');
    expect(hex(C.encodeRequest('renameSnapshot', { snapshotRoot: '/d', snapshotOldName: 's1', snapshotNewName: 's2' }))).to.equal('0a022f64' + '12027331' + '1a027332');
    expectCode(() => C.encodeRequest('deleteSnapshot', { snapshotRoot: '/d' } as never), 'PROTOCOL_MALFORMED');
    expect(hex(C.encodeRequest('getSnapshotListing', { snapshotRoot: '/' }))).to.equal('0a012f');
    // the root's listing: present and empty (an absent one is Hadoop's null)
    expect(hex(C.encodeResponse('getSnapshotListing', { snapshotList: { snapshotListing: [] } }))).to.equal('0a00');
    expect(C.decodeResponse('getSnapshotListing', unhex('0a00'))).to.deep.equal({ snapshotList: {} });
    // `hdfs snapshotDiff / . .`: the current tree is ""; the report names no entry
    expect(hex(C.encodeRequest('getSnapshotDiffReport', { snapshotRoot: '/', fromSnapshot: '', toSnapshot: '' }))).to.equal('0a012f' + '1200' + '1a00');
    expect(hex(C.encodeResponse('getSnapshotDiffReport', { diffReport: { snapshotRoot: '/', fromSnapshot: '', toSnapshot: '', diffReportEntries: [] } }))).to.equal('0a07' + '0a012f' + '1200' + '1a00');
    // the listing's first call sends the cursor {"" , -1}; the answer's cursor {"", -1} ends the iteration
    const first = C.encodeRequest('getSnapshotDiffReportListing', { snapshotRoot: '/', fromSnapshot: 's1', toSnapshot: 's2', cursor: { startPath: new Uint8Array(0), index: -1 } });
    expect(hex(first)).to.equal('0a012f' + '12027331' + '1a027332' + '220d' + '0a00' + '10ffffffffffffffffff01');
    const done = { diffReport: { isFromEarlier: false, cursor: { startPath: new Uint8Array(0), index: -1 } } };
    expect(hex(C.encodeResponse('getSnapshotDiffReportListing', done))).to.equal('0a11' + '2000' + '2a0d' + '0a00' + '10ffffffffffffffffff01');
    expectCode(() => C.encodeResponse('getSnapshotDiffReportListing', { diffReport: {} } as never), 'PROTOCOL_MALFORMED');
  });

  it('setPermission and setOwner: SetPermissionRequestProto 1 src, 2 permission{1 perm}; SetOwnerRequestProto 1 src, 2 username, 3 groupname, each name only when set', () => {
    expect(hex(C.encodeRequest('setPermission', { src: '/d', permission: { perm: 0o755 } }))).to.equal('0a022f64' + '120308ed03');
    expect(hex(C.encodeRequest('setOwner', { src: '/d', username: 'bob' }))).to.equal('0a022f64' + '1203626f62');
    expect(hex(C.encodeRequest('setOwner', { src: '/d', groupname: 'hadoop' }))).to.equal('0a022f64' + '1a066861646f6f70');
    // an absent name stays absent (the server translator's hasUsername() is false: null, unchanged)
    expect(C.decodeRequest('setOwner', unhex('0a022f64 1a066861646f6f70'))).to.deep.equal({ src: '/d', groupname: 'hadoop' });
    expect(hex(C.encodeResponse('setPermission', {}))).to.equal('');
    expectCode(() => C.decodeRequest('setPermission', unhex('0a022f64')), 'PROTOCOL_MALFORMED', ProtocolError); // permission is required
  });

  it('ACL calls: AclEntryProto 1 type, 2 scope, 3 permissions, 4 name; AclStatusProto 1 owner, 2 group, 3 sticky, 4 entries, 5 permission', () => {
    const bob = { type: 'USER' as const, scope: 'ACCESS' as const, permissions: 'READ_EXECUTE' as const, name: 'bob' };
    expect(hex(C.encodeRequest('modifyAclEntries', { src: '/f', aclSpec: [bob] }))).to.equal('0a022f66' + '120b' + '0800' + '1000' + '1805' + '2203626f62');
    expect(hex(C.encodeRequest('removeDefaultAcl', { src: '/f' }))).to.equal('0a022f66');
    const result = { owner: 'a', group: 'g', sticky: true, entries: [{ type: 'MASK' as const, scope: 'DEFAULT' as const, permissions: 'PERM_ALL' as const }], permission: { perm: 0o1750 } };
    expect(hex(C.encodeResponse('getAclStatus', { result }))).to.equal('0a15' + '0a0161' + '120167' + '1801' + '2206' + '0802' + '1001' + '1807' + '2a0308e807');
  });

  it('xattr calls: XAttrProto 1 namespace (USER 0 .. RAW 4), 2 name, 3 value; SetXAttrRequestProto 1 src, 2 xAttr, 3 flag bits', () => {
    const x = { namespace: 'TRUSTED' as const, name: 'k', value: new Uint8Array([0xab]) };
    expect(hex(C.encodeRequest('setXAttr', { src: '/f', xAttr: x, flag: 1 }))).to.equal('0a022f66' + '1208' + '0801' + '12016b' + '1a01ab' + '1801');
    expect(hex(C.encodeRequest('removeXAttr', { src: '/f', xAttr: { namespace: 'RAW', name: 'k' } }))).to.equal('0a022f66' + '1205' + '0804' + '12016b');
    // getXAttrs without names asks for all of them; the response's field 1 repeats
    expect(hex(C.encodeRequest('getXAttrs', { src: '/f' }))).to.equal('0a022f66');
    expect(hex(C.encodeResponse('listXAttrs', { xAttrs: [{ namespace: 'USER', name: 'a' }, { namespace: 'SECURITY', name: 'b' }] }))).to.equal('0a05080012016' + '1' + '0a050802120162');
    // an empty value (1a00) stays apart from none: the NameNode refuses a value for the unreadable-by-superuser marker even when empty
    expect(C.decodeRequest('setXAttr', unhex('0a022f66 1207 0802 120178 1a00 1803')).xAttr).to.deep.equal({ namespace: 'SECURITY', name: 'x', value: new Uint8Array(0) });
    expect(C.decodeRequest('setXAttr', unhex('0a022f66 1205 0802 120178 1803')).xAttr).to.deep.equal({ namespace: 'SECURITY', name: 'x' });
    // the namespace is required
    expectCode(() => C.decodeResponse('getXAttrs', unhex('0a03 120161')), 'PROTOCOL_MALFORMED', ProtocolError);
  });

  it('setTimes -1 and a -1 quota travel as Java longs (2^64 - 1), checkAccess mode as AclEntryProto.FsActionProto', () => {
    // SetTimesRequestProto: 1 src, 2 mtime, 3 atime (uint64; -1 = ten-byte varint)
    expect(hex(C.encodeRequest('setTimes', { src: '/f', mtime: -1, atime: 5 }))).to.equal('0a022f66' + '10ffffffffffffffffff01' + '1805');
    expect(hex(C.encodeRequest('checkAccess', { path: '/f', mode: 'WRITE' }))).to.equal('0a022f66' + '1002');
    expect(C.decodeRequest('checkAccess', unhex('0a022f66 1007')).mode).to.equal('PERM_ALL');
    // a mode FsActionProto does not name leaves the required field unset: the request does not parse
    expectCode(() => C.decodeRequest('checkAccess', unhex('0a022f66 1009')), 'PROTOCOL_MALFORMED', ProtocolError);
    // in an optional field it is absent (StorageTypeQuotaInfoProto.type then reads as DISK)
    expect(C.decodeResponse('getQuotaUsage', unhex('0a 12 0800 1000 1800 2000 2a08 0a06 0863 1000 1800'))).to.deep.equal({
      usage: { fileAndDirectoryCount: 0, quota: 0, spaceConsumed: 0, spaceQuota: 0, typeQuotaInfos: { typeQuotaInfo: [{ quota: 0, consumed: 0 }] } },
    });
    const summary = C.encodeResponse('getContentSummary', samples.getContentSummary.response);
    expect(hex(summary)).to.contain('20ffffffffffffffff7f'); // quota 4 = Long.MAX_VALUE
    expect(hex(summary)).to.contain('30ffffffffffffffffff01'); // spaceQuota 6 = -1
  });

  it('concat: ConcatRequestProto 1 trg, 2 srcs (repeated string); the response is empty', () => {
    expect(hex(C.encodeRequest('concat', { trg: '/t', srcs: ['/a', '/b'] }))).to.equal('0a022f74' + '12022f61' + '12022f62');
    expect(C.decodeRequest('concat', Buffer.from('0a022f74' + '12022f61' + '12022f62', 'hex'))).to.deep.equal({ trg: '/t', srcs: ['/a', '/b'] });
    expect(hex(C.encodeResponse('concat', {}))).to.equal('');
  });

  it('truncate: TruncateRequestProto 1 src, 2 newLength (uint64; FileSystem.truncate(p, -1) arrives as -1), 3 clientName; the response 1 result', () => {
    expect(hex(C.encodeRequest('truncate', { src: '/f', newLength: 1500, clientName: 'c' }))).to.equal('0a022f66' + '10dc0b' + '1a0163');
    const negative = unhex('0a022f66 10ffffffffffffffffff01 1a0163');
    expect(C.decodeRequest('truncate', negative)).to.deep.equal({ src: '/f', newLength: -1, clientName: 'c' });
    expect(hex(C.encodeResponse('truncate', { result: true }))).to.equal('0801');
  });

  it('LocatedBlockProto: the all-empty block token, packed isCached, storage types and IDs one per location', () => {
    const bytes = C.encodeResponse('addBlock', { block });
    expect(hex(bytes)).to.contain('2a080a0012001a002200'); // field 5, the empty TokenProto
    expect(hex(bytes)).to.contain('320100'); // field 6 packed: one false
    expect(hex(bytes)).to.contain('3801' + '4204' + hex(utf8('DS-1'))); // 7 DISK, 8 "DS-1"
  });

  it('absent optional results stay absent: no file, no listing, no locations', () => {
    expect(C.decodeResponse('getFileInfo', new Uint8Array(0))).to.deep.equal({});
    expect(C.decodeResponse('getListing', new Uint8Array(0)).dirList).to.equal(undefined);
    expect(C.decodeResponse('getBlockLocations', new Uint8Array(0)).locations).to.equal(undefined);
  });

  it('fsync lastBlockLength is sint64 (zigzag); int32 childrenNum -1 takes 10 bytes', () => {
    expect(hex(C.encodeRequest('fsync', { src: '/f', client: 'c', lastBlockLength: -1 }))).to.equal('0a022f66' + '120163' + '1801');
    const status = C.encodeResponse('getFileInfo', { fs: { ...fileStatus, childrenNum: -1 } });
    expect(hex(status)).to.contain('70ffffffffffffffffff01');
    expect(C.decodeResponse('getFileInfo', status).fs!.childrenNum).to.equal(-1);
  });

  it('malformed input is PROTOCOL_MALFORMED: truncation, a missing required field, a 64-bit value past 2^53 (but getBlockLocations\' length)', () => {
    const ok = C.encodeResponse('addBlock', { block });
    expectCode(() => C.decodeResponse('addBlock', ok.subarray(0, ok.length - 3)), 'PROTOCOL_MALFORMED', ProtocolError);
    expectCode(() => C.decodeResponse('complete', new Uint8Array(0)), 'PROTOCOL_MALFORMED', ProtocolError); // result is required
    expectCode(() => C.decodeRequest('getBlockLocations', unhex('0a012f 10ffffffffffffffff7f 1801')), 'PROTOCOL_MALFORMED', ProtocolError);
    // except getBlockLocations' length: Long.MAX_VALUE, as DistributedFileSystem.getFileChecksum sends it, means "to the end"
    expect(C.decodeRequest('getBlockLocations', unhex('0a012f 1000 18ffffffffffffffff7f'))).to.deep.equal({ src: '/', offset: 0, length: Number.MAX_SAFE_INTEGER });
    expectCode(() => C.encodeResponse('addBlock', { block: { ...block, blockToken: undefined as never } }), 'PROTOCOL_MALFORMED', ProtocolError);
    expectCode(() => C.encodeRequest('mkdirs', { src: '/d', masked: { perm: 1 }, createParent: true, bogus: 1 } as never), 'PROTOCOL_MALFORMED', ProtocolError);
    // an unknown enum name is refused instead of being written as the enum's zero value
    expectCode(() => C.encodeResponse('addBlock', { block: { ...block, storageTypes: ['DSK' as never] } }), 'PROTOCOL_MALFORMED', ProtocolError);
  });

  it('a LocatedBlock offset of -1 (updateBlockForPipeline, getAdditionalDatanode) is written as Java writes a negative long into uint64, and read back as -1', () => {
    const bytes = C.encodeResponse('updateBlockForPipeline', { block: { ...block, offset: -1 } });
    expect(hex(bytes)).to.contain('10ffffffffffffffffff01');
    expect(C.decodeResponse('updateBlockForPipeline', bytes).block.offset).to.equal(-1);
  });

  it('FsServerDefaultsProto keeps the extended fields 9-11 when sent, and the old defaults when not', () => {
    const d = { ...DEFAULT_SERVER_DEFAULTS, encryptDataTransfer: true, keyProviderUri: 'kms://http@kms:9600/kms', policyId: 7, snapshotTrashRootEnabled: true };
    expect(decodeGetServerDefaultsResponse(encodeGetServerDefaultsResponse(d))).to.deep.equal(d);
    expect(hex(encodeGetServerDefaultsResponse(DEFAULT_SERVER_DEFAULTS))).to.contain('4002'); // checksumType CRC32C sent explicitly
  });
});
