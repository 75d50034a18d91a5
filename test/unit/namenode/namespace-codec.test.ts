// Pure parts of the namespace: path names as DFSUtilClient.isValidName judges them, child order by
// UTF-8 bytes, FsPermission strings, and the edit-log / snapshot records (every op round-trips;
// damaged records are PROTOCOL_MALFORMED with their offset).
import { expect } from 'chai';
import { crc32, scanFrames } from '../../../lib/journal/frame.ts';
import type { AclEntry } from '../../../cluster/protocol/acl-entry.ts';
import type { XAttr } from '../../../cluster/protocol/xattr.ts';
import {
  cacheDirectiveRecord, cacheNextDirectiveIdRecord, cachePoolRecord, type CacheDirectiveRecord, type CachePoolRecord,
  aclRecord, xattrsRecord, truncateBlockRecord, quotaRecord, lastTxidRecord, storagePolicyRecord, identityRecord, inodeRecord, journalPayloads, snapshotEndRecord, snapshotPayloads, transactionRecord, type EditOp, type InodeRecord,
} from '../../../cluster/namenode/namespace/edit-log.ts';
import { compareNames, isValidName, joinPath, pathComponents } from '../../../cluster/namenode/namespace/paths.ts';
import { RecordReader, RecordWriter } from '../../../cluster/namenode/namespace/record-io.ts';
import { FRAME_HEADER_BYTES } from '../../../lib/journal/frame.ts';
import { permissionString } from '../../../cluster/namenode/namespace/permission-checker.ts';
import { compareVersions } from '../../../cluster/namenode/blocks/datanode-manager.ts';
import { expectCode } from '../../support/expect-code.ts';

const CACHE_POOL: CachePoolRecord = { poolName: 'p', ownerName: 'alice', groupName: 'staff', mode: 0o755, limit: 9_223_372_036_854_775_807n, defaultReplication: 1, maxRelativeExpiryMs: 2_305_843_009_213_693_951n };
const CACHE_DIRECTIVE: CacheDirectiveRecord = { id: 7, path: '/a/f', replication: 2, pool: 'p', expiryTime: 2_305_844_709_213_693_951n };

describe('namenode/namespace paths and permission strings', () => {
  it('isValidName: absolute, no "." / ".." / ":" components, no empty component inside; a trailing slash is fine', () => {
    for (const ok of ['/', '/a', '/a/b/', '/a b/c', '/ü/é']) expect(isValidName(ok), ok).to.equal(true);
    for (const bad of ['', 'a', 'a/b', '/a//b', '/a/./b', '/a/../b', '/..', '/a:b', '/a/b:']) expect(isValidName(bad), bad).to.equal(false);
    expect(pathComponents('/a/b/')).to.deep.equal(['a', 'b']);
    expect(pathComponents('/')).to.deep.equal([]);
    expect(joinPath(['a', 'b'], 1)).to.equal('/a');
    expect(joinPath([], 0)).to.equal('/');
    expect(expectCode(() => pathComponents('a/b'), 'FS_INVALID_PATH').message).to.equal('Invalid path name Invalid file name: a/b');
  });

  it('children sort by UTF-8 bytes, as byte[] names do in Java', () => {
    expect(['b', 'é', 'B', 'a', 'z'].sort(compareNames)).to.deep.equal(['B', 'a', 'b', 'z', 'é']);
    // by UTF-16 code units U+1F600 (surrogates d83d de00) would sort before U+FF21; by UTF-8 bytes
    // (ef bc a1 < f0 9f 98 80), as Java's byte[] names, it sorts after
    expect(['\u{1F600}', '\uFF21', 'a'].sort(compareNames)).to.deep.equal(['a', '\uFF21', '\u{1F600}']);
    expect(compareNames('\u{1F600}', '\uFF21')).to.equal(1);
    expect(compareNames('x', 'x')).to.equal(0);
  });

  it('FsPermission.toString with the sticky bit', () => {
    expect(permissionString(0o755)).to.equal('rwxr-xr-x');
    expect(permissionString(0o1777)).to.equal('rwxrwxrwt');
    expect(permissionString(0o1776)).to.equal('rwxrwxrwT');
    expect(permissionString(0o000)).to.equal('---------');
  });

  it('VersionUtil.compareVersions: numbers by value, qualifiers and SNAPSHOT before the release', () => {
    expect(compareVersions('2.1.0-beta', '3.4.1')).to.equal(-1);
    expect(compareVersions('3.4.1', '2.1.0-beta')).to.equal(1);
    expect(compareVersions('3.4.1', '3.4.1')).to.equal(0);
    expect(compareVersions('3.10.0', '3.9.9')).to.equal(1);
    expect(compareVersions('2.1.0-beta', '2.1.0')).to.equal(-1);
    expect(compareVersions('3.4.1-SNAPSHOT', '3.4.1')).to.equal(-1);
  });
});

describe('namenode/edit-log records', () => {
  const perm = { owner: 'alice', group: 'supergroup', mode: 0o1755 };
  const ops: EditOp[] = [
    { op: 'MKDIR', id: 16386, path: '/a/ü', perm, mtime: 1_700_000_000_123 },
    { op: 'ADD_FILE', id: 16387, path: '/a/f', perm, mtime: 2, replication: 3, blockSize: 134_217_728, clientName: 'DFSClient_NONMAPREDUCE_-1_1', clientMachine: '127.0.0.1', overwrite: true },
    { op: 'ADD_BLOCK', fileId: 16387, block: { blockId: 1073741825, generationStamp: 1001, numBytes: 0 } },
    { op: 'ADD_BLOCK', fileId: 16387, previous: { blockId: 1073741825, generationStamp: 1001, numBytes: 134_217_728 }, block: { blockId: 1073741826, generationStamp: 1002, numBytes: 0 } },
    { op: 'ABANDON_BLOCK', fileId: 16387, blockId: 1073741826 },
    { op: 'UPDATE_BLOCK', fileId: 16387, block: { blockId: 1073741825, generationStamp: 1003, numBytes: 4096 } },
    { op: 'CLOSE', fileId: 16387, mtime: 3, atime: 2, blocks: [{ blockId: 1073741825, generationStamp: 1003, numBytes: 4096 }] },
    { op: 'DELETE', path: '/a/f', mtime: 4 },
    { op: 'RENAME', src: '/a', dst: '/b', mtime: 5, overwrite: false },
    { op: 'TIMES', path: '/b', mtime: -1, atime: 6 },
    { op: 'GENSTAMP', generationStamp: 1004 },
    { op: 'SET_PERMISSIONS', path: '/b', mode: 0o1750 },
    { op: 'SET_OWNER', path: '/b', owner: 'bob', group: '' },
    { op: 'SET_OWNER', path: '/b', owner: '', group: 'staff' },
    { op: 'SET_REPLICATION', path: '/b/f', replication: 5 },
    { op: 'APPEND', path: '/b/f', clientName: 'DFSClient_NONMAPREDUCE_-2_1', clientMachine: '127.0.0.2', newBlock: false },
    { op: 'APPEND', path: '/b/g', clientName: 'c', clientMachine: '::1', newBlock: true },
    { op: 'REASSIGN_LEASE', fileId: 16390, newHolder: 'HDFS_NameNode' },
    { op: 'SET_ACL', path: '/b', mode: 0o1750, entries: [{ scope: 'ACCESS', type: 'USER', name: 'bob', permission: 7 }, { scope: 'ACCESS', type: 'GROUP', permission: 5 }, { scope: 'DEFAULT', type: 'USER', permission: 7 }] },
    { op: 'SET_ACL', path: '/b', mode: 0o644, entries: [] },
    { op: 'SET_XATTRS', path: '/b', xattrs: [{ namespace: 'USER', name: 'a', value: new Uint8Array([0, 0xff, 0x41]) }, { namespace: 'TRUSTED', name: 'n\u00e4me' }, { namespace: 'SECURITY', name: 'hdfs.unreadable.by.superuser' }] },
    { op: 'SET_XATTRS', path: '/b', xattrs: [] },
    { op: 'TRUNCATE', path: '/a/f', clientName: 'DFSClient_x', clientMachine: '10.0.0.1', newLength: 2 * 1024 * 1024, mtime: 1_700_000_000_123 },
    { op: 'TRUNCATE', path: '/a/f', clientName: 'DFSClient_x', clientMachine: '10.0.0.1', newLength: 1500, mtime: 1_700_000_000_124, truncateBlock: { blockId: 1073741830, generationStamp: 1011, numBytes: 1500 } },
    { op: 'CONCAT', target: '/a/t', srcs: ['/a/x', '/a/y'], mtime: 1_700_000_000_125 },
    { op: 'SET_QUOTA', path: '/a', nsQuota: 9_223_372_036_854_775_807n, ssQuota: 10n * 1024n ** 3n },
    { op: 'SET_QUOTA', path: '/b', nsQuota: 5n, ssQuota: -1n },
    { op: 'SET_STORAGE_POLICY', path: '/a', policyId: 15 },
    { op: 'SET_STORAGE_POLICY', path: '/b', policyId: 0 },
    { op: 'ADD_CACHE_POOL', pool: CACHE_POOL },
    { op: 'MODIFY_CACHE_POOL', pool: { ...CACHE_POOL, ownerName: 'bob', mode: 0o1700, limit: 0n, defaultReplication: 0, maxRelativeExpiryMs: 0n } },
    { op: 'REMOVE_CACHE_POOL', poolName: 'p' },
    { op: 'ADD_CACHE_DIRECTIVE', directive: CACHE_DIRECTIVE },
    { op: 'MODIFY_CACHE_DIRECTIVE', directive: { ...CACHE_DIRECTIVE, replication: 32767, expiryTime: 0n } },
    { op: 'REMOVE_CACHE_DIRECTIVE', id: 7 },
  ];

  it('a byte or an int written just as the scratch buffer grows lands in the record (512, then 1024 bytes)', () => {
    for (let fill = 500; fill <= 512; fill++) {
      const w = new RecordWriter(); // 512 bytes of scratch to start
      w.writeBytes(new Uint8Array(fill - 4).fill(0xaa)).writeByte(7).writeBoolean(true).writeInt32(-5);
      w.writeBytes(new Uint8Array(1024 - fill - 6 - 4).fill(0xbb)).writeInt32(0x01020304).writeByte(3);
      const framed = w.frame();
      const r = new RecordReader(framed, FRAME_HEADER_BYTES, framed.length);
      expect(r.readBytes(4096, 'fill').length).to.equal(fill - 4);
      expect([r.readUnsignedByte(), r.readBoolean(), r.readInt32()], `fill ${fill}`).to.deep.equal([7, true, -5]);
      r.readBytes(4096, 'fill');
      expect([r.readInt32(), r.readUnsignedByte()], `fill ${fill}`).to.deep.equal([0x01020304, 3]);
      r.expectEnd('the record');
    }
  });

  it('cache op codes and snapshot records follow the storage policy ones: ops 22 to 27, records 11 to 13', () => {
    const codes = ops.filter((o) => o.op.includes('CACHE')).map((o) => transactionRecord([o])[13]);
    expect(codes).to.deep.equal([22, 23, 24, 25, 26, 27]);
    const bytes = Buffer.concat([cacheNextDirectiveIdRecord(8), cachePoolRecord(CACHE_POOL), cacheDirectiveRecord(CACHE_DIRECTIVE)]);
    const got: unknown[] = [];
    const none = () => undefined;
    scanFrames(bytes, 0, bytes.length, snapshotPayloads({ identity: none, inode: none, acl: none, xattrs: none, truncateBlock: none, quota: none, lastTxid: none, storagePolicy: none, cacheNextDirectiveId: (n) => got.push(n), cachePool: (p) => got.push(p), cacheDirective: (d) => got.push(d), end: none }));
    expect(got).to.deep.equal([8, CACHE_POOL, CACHE_DIRECTIVE]);
    // Hadoop bounds neither pool names nor directive paths: one past the 64 KiB of other strings still reads back
    const long: CachePoolRecord = { ...CACHE_POOL, poolName: 'p'.repeat(70_000) };
    const seen: EditOp[][] = [];
    const frame = transactionRecord([{ op: 'ADD_CACHE_POOL', pool: long }, { op: 'ADD_CACHE_DIRECTIVE', directive: { ...CACHE_DIRECTIVE, path: `/${'d'.repeat(70_000)}`, pool: long.poolName } }]);
    scanFrames(frame, 0, frame.length, journalPayloads((t) => seen.push(t)));
    expect(seen[0]!.map((o) => o.op)).to.deep.equal(['ADD_CACHE_POOL', 'ADD_CACHE_DIRECTIVE']);
    expect([bytes[FRAME_HEADER_BYTES], cachePoolRecord(CACHE_POOL)[FRAME_HEADER_BYTES], cacheDirectiveRecord(CACHE_DIRECTIVE)[FRAME_HEADER_BYTES]]).to.deep.equal([11, 12, 13]);
    expectCode(() => scanFrames(cachePoolRecord({ ...CACHE_POOL, mode: 0o2000 }), 0, 100, snapshotPayloads({ identity: none, inode: none, acl: none, xattrs: none, truncateBlock: none, quota: none, lastTxid: none, storagePolicy: none, cacheNextDirectiveId: none, cachePool: none, cacheDirective: none, end: none })), 'PROTOCOL_MALFORMED');
  });

  it('every edit op round-trips in a transaction record', () => {
    const frame = transactionRecord(ops);
    const seen: EditOp[][] = [];
    const r = scanFrames(frame, 0, frame.length, journalPayloads((t) => seen.push(t)));
    expect(r).to.deep.equal({ next: frame.length, stop: 'end' });
    expect(seen).to.deep.equal([ops]);
  });

  it('snapshot records round-trip: identity and counters, inodes, ACLs, xattrs, a truncate block, quotas, the last txid, the end record', () => {
    const inodes: InodeRecord[] = [
      { kind: 'directory', id: 16385, parentId: 0, name: '', perm, mtime: 9, atime: 0 },
      { kind: 'file', id: 16390, parentId: 16385, name: 'f', perm, mtime: 9, atime: 8, replication: 2, blockSize: 1 << 20, blocks: [{ blockId: 1073741830, generationStamp: 1010, numBytes: 5 }], uc: { clientName: 'c', clientMachine: '10.0.0.1' } },
      { kind: 'file', id: 16391, parentId: 16385, name: 'g', perm, mtime: 9, atime: 8, replication: 1, blockSize: 1 << 20, blocks: [] },
    ];
    const acl: AclEntry[] = [{ scope: 'ACCESS', type: 'USER', name: 'bob', permission: 6 }, { scope: 'ACCESS', type: 'GROUP', permission: 5 }, { scope: 'DEFAULT', type: 'OTHER', permission: 0 }];
    const xattrs: XAttr[] = [{ namespace: 'USER', name: 'k', value: new Uint8Array([1, 2, 3]) }, { namespace: 'RAW', name: 'r' }];
    const bytes = Buffer.concat([identityRecord({ namespaceId: -5, clusterId: 'CID-x', blockPoolId: 'BP-x', cTime: 0 }, { lastInodeId: 16391, lastBlockId: 1073741830, generationStamp: 1010 }), ...inodes.map(inodeRecord), aclRecord(16391, acl), xattrsRecord(16391, xattrs), truncateBlockRecord(16390, 3), quotaRecord(16385, 9_223_372_036_854_775_807n, -1n), lastTxidRecord(1234), storagePolicyRecord(16391, 12), snapshotEndRecord(3)]);
    const got: unknown[] = [];
    scanFrames(bytes, 0, bytes.length, snapshotPayloads({ identity: (i, c) => got.push(i, c), inode: (r) => got.push(r), acl: (id, e) => got.push({ id, e }), xattrs: (id, x) => got.push({ id, x }), truncateBlock: (id, n) => got.push({ id, n }), quota: (id, ns, ss) => got.push({ id, ns, ss }), lastTxid: (txid) => got.push({ txid }), storagePolicy: (id, p) => got.push({ id, p }), cacheNextDirectiveId: (next) => got.push({ next }), cachePool: (pool) => got.push(pool), cacheDirective: (d) => got.push(d), end: (n) => got.push(n) }));
    expect(got).to.deep.equal([{ namespaceId: -5, clusterId: 'CID-x', blockPoolId: 'BP-x', cTime: 0 }, { lastInodeId: 16391, lastBlockId: 1073741830, generationStamp: 1010 }, ...inodes, { id: 16391, e: acl }, { id: 16391, x: xattrs }, { id: 16390, n: 3 }, { id: 16385, ns: 9_223_372_036_854_775_807n, ss: -1n }, { txid: 1234 }, { id: 16391, p: 12 }, 3]);
  });

  it('op codes are stable: SET_PERMISSIONS is 11, SET_OWNER 12 and SET_REPLICATION 13, after the ten older ops', () => {
    // payload: type 1, op count 1, then the op code
    expect(transactionRecord([{ op: 'GENSTAMP', generationStamp: 1 }])[13]).to.equal(10);
    expect(transactionRecord([{ op: 'SET_PERMISSIONS', path: '/', mode: 0o755 }])[13]).to.equal(11);
    expect(transactionRecord([{ op: 'SET_OWNER', path: '/', owner: 'a', group: '' }])[13]).to.equal(12);
    expect(transactionRecord([{ op: 'SET_REPLICATION', path: '/f', replication: 2 }])[13]).to.equal(13);
    expect(transactionRecord([{ op: 'SET_ACL', path: '/f', mode: 0o644, entries: [] }])[13]).to.equal(15);
    expect(transactionRecord([{ op: 'SET_XATTRS', path: '/f', xattrs: [] }])[13]).to.equal(17);
    expect(transactionRecord([{ op: 'TRUNCATE', path: '/f', clientName: 'c', clientMachine: 'm', newLength: 0, mtime: 0 }])[13]).to.equal(18);
    expect(transactionRecord([{ op: 'SET_QUOTA', path: '/d', nsQuota: 1n, ssQuota: -1n }])[13]).to.equal(20);
    expect(transactionRecord([{ op: 'CONCAT', target: '/d/t', srcs: ['/d/a'], mtime: 0 }])[13]).to.equal(19);
    expect(transactionRecord([{ op: 'SET_STORAGE_POLICY', path: '/d', policyId: 7 }])[13]).to.equal(21);
  });

  it('a storage policy id above 15 (BlockStoragePolicySuite.ID_BIT_LENGTH 4) is PROTOCOL_MALFORMED', () => {
    const bad = transactionRecord([{ op: 'SET_STORAGE_POLICY', path: '/d', policyId: 16 }]);
    expect(expectCode(() => scanFrames(bad, 0, bad.length, journalPayloads(() => undefined)), 'PROTOCOL_MALFORMED').message).to.contain('storage policy id 16');
  });

  it('a replication factor outside 1..32767 (a Java short) is PROTOCOL_MALFORMED', () => {
    const bad = transactionRecord([{ op: 'SET_REPLICATION', path: '/f', replication: 0 }]);
    const e = expectCode(() => scanFrames(bad, 0, bad.length, journalPayloads(() => undefined)), 'PROTOCOL_MALFORMED');
    expect(e.message).to.contain('replication');
  });

  it('a permission record outside 0o1777 is PROTOCOL_MALFORMED', () => {
    const bad = transactionRecord([{ op: 'SET_PERMISSIONS', path: '/', mode: 0o4755 }]);
    const e = expectCode(() => scanFrames(bad, 0, bad.length, journalPayloads(() => undefined)), 'PROTOCOL_MALFORMED');
    expect(e.message).to.contain('mode');
  });

  it('a checked record that does not parse is PROTOCOL_MALFORMED with its frame offset', () => {
    const good = transactionRecord([ops[0]!]);
    const bad = transactionRecord([{ op: 'GENSTAMP', generationStamp: 1 }]);
    bad[13] = 99; // after the frame header (8), the type byte and the int32 op count: an unknown op code (checksum recomputed)
    const fixed = Buffer.from(bad);
    fixed.writeUInt32BE(crc32(fixed, 8), 4);
    const e = expectCode(() => scanFrames(Buffer.concat([good, fixed]), 0, good.length + fixed.length, journalPayloads(() => undefined)), 'PROTOCOL_MALFORMED');
    expect(e.details['offset']).to.equal(good.length);
    expect(e.message).to.contain('unknown edit op 99');
  });
});

