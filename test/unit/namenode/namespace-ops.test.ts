// The namesystem's ClientProtocol operations without RPC (a real journal store in a temp dir, a
// ManualClock): Hadoop's checks, their order, their exception classes and messages (FSDirMkdirOp,
// FSDirWriteFileOp, FSDirDeleteOp, FSDirRenameOp, FSDirStatAndListingOp, FSPermissionChecker),
// permission bits and the BSD group rule, leases, and that everything survives a reload.
import { expect } from 'chai';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { auditLines, logLines } from '../../support/log-lines.ts';
import { rejectsWithCode } from '../../support/expect-code.ts';
import { CreateFlag } from '../../../cluster/protocol/client-protocol.ts';
import { utf8 } from '../../../cluster/protocol/hdfs-types.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import type { INodeFile } from '../../../cluster/namenode/namespace/inode.ts';
import { BlockTokenIdentifier } from '../../../security/token/block-token-identifier.ts';
import { MiB, alice, bob, carol, datanode, hdfsUser, namesystem, recoverAsPrimary, writeFile, type TestNamesystem } from '../../support/namesystem.ts';
import { refused } from '../../support/expect-code.ts';

const create = (t: TestNamesystem, src: string, caller = alice, extra: Partial<Parameters<TestNamesystem['writes']['create']>[0]> = {}) =>
  t.writes.create({ src, masked: { perm: 0o644 }, clientName: `DFSClient_${caller.user}`, createFlag: CreateFlag.CREATE, createParent: true, replication: 1, blockSize: 128 * MiB, ...extra }, caller);

describe('namenode/namesystem: directories', () => {
  let t: TestNamesystem;
  beforeEach(async () => {
    t = await namesystem();
    await t.ns.mkdirs('/tmp', { perm: 0o1777 }, true, hdfsUser);
  });
  afterEach(() => t.ns.store.close());

  it('mkdirs: the last directory gets the masked mode, missing parents it plus u+wx; the group comes from the parent; the parent\'s mtime moves', async () => {
    t.clock.advance(1000);
    expect(await t.ns.mkdirs('/tmp/a/b/c', { perm: 0o1555 }, true, alice)).to.equal(true);
    const a = t.ns.getFileInfo('/tmp/a', alice)!;
    const c = t.ns.getFileInfo('/tmp/a/b/c', alice)!;
    expect(a.permission.perm).to.equal(0o755);
    expect(c.permission.perm).to.equal(0o1555); // the parents do not get the sticky bit
    expect([a.owner, a.group, c.group]).to.deep.equal(['alice', 'supergroup', 'supergroup']);
    expect(t.ns.getFileInfo('/tmp', alice)!.modification_time).to.equal(t.clock.now());
    expect(await t.ns.mkdirs('/tmp/a', { perm: 0o700 }, false, bob)).to.equal(true); // exists: nothing to check or do
    expect(t.ns.getFileInfo('/tmp/a', alice)!.permission.perm).to.equal(0o755);
  });

  it('mkdirs refusals: file in the way, missing parent without createParent, invalid names, long components, permission', async () => {
    await writeFile(t, '/tmp/f', 0);
    await refused(t.ns.mkdirs('/tmp/f', { perm: 0o755 }, true, alice), HadoopException.FILE_ALREADY_EXISTS, 'Path is not a directory: /tmp/f');
    await refused(t.ns.mkdirs('/tmp/f/g', { perm: 0o755 }, true, alice), HadoopException.PARENT_NOT_DIRECTORY, '/tmp/f (is not a directory)');
    await refused(t.ns.mkdirs('/tmp/x/y', { perm: 0o755 }, false, alice), HadoopException.FILE_NOT_FOUND, "Parent directory doesn't exist: /tmp/x");
    for (const bad of ['/tmp//x', '/tmp/../x', '/tmp/./x', '/tmp/a:b', 'relative']) {
      await refused(t.ns.mkdirs(bad, { perm: 0o755 }, true, alice), HadoopException.INVALID_PATH, `Invalid path name Invalid file name: ${bad}`);
    }
    await refused(t.ns.mkdirs(`/tmp/${'x'.repeat(256)}`, { perm: 0o755 }, true, alice), HadoopException.PATH_COMPONENT_TOO_LONG,
      `The maximum path component name limit of ${'x'.repeat(256)} in directory /tmp is exceeded: limit=255 length=256`);
    await refused(t.ns.mkdirs('/x', { perm: 0o755 }, true, alice), HadoopException.ACCESS_CONTROL,
      'Permission denied: user=alice, access=WRITE, inode="/":hdfs:supergroup:drwxr-xr-x');
    await refused(t.ns.mkdirs('/tmp/.snapshot', { perm: 0o755 }, true, alice), HadoopException.ILLEGAL_ARGUMENT, '".snapshot" is a reserved name.');
    await t.ns.mkdirs('/tmp/readonly', { perm: 0o755 }, true, alice);
    await refused(t.ns.mkdirs('/tmp/readonly/in', { perm: 0o755 }, true, bob), HadoopException.ACCESS_CONTROL,
      'Permission denied: user=bob, access=WRITE, inode="/tmp/readonly":alice:supergroup:drwxr-xr-x');
    await t.ns.mkdirs('/tmp/private', { perm: 0o700 }, true, alice);
    await refused(t.ns.mkdirs('/tmp/private/in', { perm: 0o755 }, true, bob), HadoopException.ACCESS_CONTROL,
      'Permission denied: user=bob, access=EXECUTE, inode="/tmp/private":alice:supergroup:drwx------'); // the traverse check comes first
    await refused(Promise.resolve().then(() => t.ns.getFileInfo('/tmp/private/in/deeper', bob)), HadoopException.ACCESS_CONTROL,
      'Permission denied: user=bob, access=EXECUTE, inode="/tmp/private":alice:supergroup:drwx------');
    await refused(Promise.resolve().then(() => t.ns.getFileInfo('/tmp/f/g', bob)), HadoopException.ACCESS_CONTROL, '/tmp/f (is not a directory)');
  });

  it('the directory item limit and the superuser group', async () => {
    const small = await namesystem({ settings: { maxDirectoryItems: 2 } });
    try {
      await small.ns.mkdirs('/a', { perm: 0o755 }, true, hdfsUser);
      await small.ns.mkdirs('/b', { perm: 0o755 }, true, hdfsUser);
      await refused(small.ns.mkdirs('/c', { perm: 0o755 }, true, hdfsUser), HadoopException.MAX_DIRECTORY_ITEMS, 'The directory item limit of / is exceeded: limit=2 items=2');
      const admin = { user: 'dave', groups: ['supergroup'], address: '127.0.0.1', ugi: 'dave (auth:SIMPLE)' };
      await small.ns.mkdirs('/a/x', { perm: 0o700 }, true, admin); // a member of dfs.permissions.superusergroup
      expect(small.ns.getFileInfo('/a/x', admin)!.owner).to.equal('dave');
    } finally {
      await small.ns.store.close();
    }
  });

  it('getListing pages by dfs.ls.limit after startAfter (UTF-8 byte order), with remainingEntries', async () => {
    const small = await namesystem({ settings: { lsLimit: 2 } });
    try {
      for (const n of ['b', 'a', 'é', 'Z', 'c']) await small.ns.mkdirs(`/d/${n}`, { perm: 0o755 }, true, hdfsUser);
      const names = (l: ReturnType<typeof small.ns.getListing>) => l!.partialListing!.map((s) => Buffer.from(s.path).toString());
      const p1 = small.ns.getListing('/d', new Uint8Array(0), false, hdfsUser);
      expect(names(p1)).to.deep.equal(['Z', 'a']);
      expect(p1!.remainingEntries).to.equal(3);
      const p2 = small.ns.getListing('/d', utf8('a'), false, hdfsUser);
      expect(names(p2)).to.deep.equal(['b', 'c']);
      expect(p2!.remainingEntries).to.equal(1);
      const p3 = small.ns.getListing('/d', utf8('bb'), false, hdfsUser); // not a child: the next one after it
      expect(names(p3)).to.deep.equal(['c', 'é']);
      expect(p3!.remainingEntries).to.equal(0);
      expect(small.ns.getListing('/nope', new Uint8Array(0), false, hdfsUser)).to.equal(undefined);
    } finally {
      await small.ns.store.close();
    }
  });

  it('a listing needs READ_EXECUTE on the directory; a file lists itself with an empty name', async () => {
    await t.ns.mkdirs('/tmp/closed', { perm: 0o711 }, true, alice);
    await refused(Promise.resolve().then(() => t.ns.getListing('/tmp/closed', new Uint8Array(0), false, bob)), HadoopException.ACCESS_CONTROL,
      'Permission denied: user=bob, access=READ_EXECUTE, inode="/tmp/closed":alice:supergroup:drwx--x--x');
    await writeFile(t, '/tmp/closed/f', 0);
    const self = t.ns.getListing('/tmp/closed/f', new Uint8Array(0), false, bob)!;
    expect(self.partialListing!.map((s) => [s.fileType, s.path.length])).to.deep.equal([['IS_FILE', 0]]);
  });

  it('delete: missing and root are false; a non-empty directory needs recursive; the subtree needs ALL; the sticky bit protects others\' files', async () => {
    expect(await t.ns.delete('/nothing', true, hdfsUser)).to.equal(false);
    expect(await t.ns.delete('/', true, hdfsUser)).to.equal(false);
    await t.ns.mkdirs('/tmp/alice/secret', { perm: 0o700 }, true, alice);
    await t.ns.mkdirs('/tmp/alice/secret/inner', { perm: 0o700 }, true, alice);
    await refused(t.ns.delete('/tmp/alice', false, alice), HadoopException.PATH_IS_NOT_EMPTY_DIRECTORY, '/tmp/alice is non empty');
    await writeFile(t, '/tmp/mine', 0, alice);
    await refused(t.ns.delete('/tmp/mine', false, bob), HadoopException.ACCESS_CONTROL,
      'Permission denied by sticky bit: user=bob, path="/tmp/mine":alice:supergroup:-rw-r--r--, parent="/tmp":hdfs:supergroup:drwxrwxrwt');
    await t.ns.mkdirs('/shared', { perm: 0o777 }, true, hdfsUser);
    await t.ns.mkdirs('/shared/a/locked', { perm: 0o700 }, true, alice);
    await t.ns.mkdirs('/shared/a/locked/x', { perm: 0o700 }, true, alice);
    await refused(t.ns.delete('/shared/a', true, bob), HadoopException.ACCESS_CONTROL, /access=ALL, inode="\/shared\/a"/);
    expect(await t.ns.delete('/tmp/alice', true, alice)).to.equal(true);
    expect(t.ns.getFileInfo('/tmp/alice', alice)).to.equal(undefined);
    expect(await t.ns.delete('/shared/a', true, hdfsUser)).to.equal(true); // the superuser passes every check
  });

  it('rename (old): into an existing directory, false for a missing source, an existing target, a target under the source; true onto itself', async () => {
    await t.ns.mkdirs('/tmp/src/sub', { perm: 0o755 }, true, alice);
    await t.ns.mkdirs('/tmp/dst', { perm: 0o755 }, true, alice);
    expect(await t.ns.rename('/tmp/src', '/tmp/dst', alice)).to.equal(true);
    expect(t.ns.getFileInfo('/tmp/dst/src/sub', alice)!.fileType).to.equal('IS_DIR');
    expect(await t.ns.rename('/tmp/missing', '/tmp/x', alice)).to.equal(false);
    await writeFile(t, '/tmp/f1', 0);
    await writeFile(t, '/tmp/f2', 0);
    expect(await t.ns.rename('/tmp/f1', '/tmp/f2', alice)).to.equal(false);
    expect(await t.ns.rename('/tmp/dst', '/tmp/dst/src/sub/x', alice)).to.equal(false);
    expect(await t.ns.rename('/tmp/f1', '/tmp/f1', alice)).to.equal(true);
    expect(await t.ns.rename('/tmp/f1', '/tmp/nodir/f1', alice)).to.equal(false);
    await refused(t.ns.rename('/tmp/f1', '/tmp//f', alice), HadoopException.IO, 'Invalid name: /tmp//f');
  });

  it('rename2: Hadoop\'s exceptions; OVERWRITE replaces a file or an empty directory', async () => {
    await writeFile(t, '/tmp/a', 0);
    await writeFile(t, '/tmp/b', 0);
    await t.ns.mkdirs('/tmp/d/e', { perm: 0o755 }, true, alice);
    await refused(t.ns.rename2('/tmp/none', '/tmp/x', false, alice), HadoopException.FILE_NOT_FOUND, 'rename source /tmp/none is not found.');
    await refused(t.ns.rename2('/tmp/a', '/tmp/a', false, alice), HadoopException.FILE_ALREADY_EXISTS, 'The source /tmp/a and destination /tmp/a are the same');
    await refused(t.ns.rename2('/tmp/a', '/tmp/b', false, alice), HadoopException.FILE_ALREADY_EXISTS, 'rename destination /tmp/b already exists');
    await refused(t.ns.rename2('/tmp/a', '/tmp/d', true, alice), HadoopException.IO, 'Source /tmp/a and destination /tmp/d must both be files');
    await refused(t.ns.rename2('/tmp/d', '/tmp/d/e/f', false, alice), HadoopException.IO, 'Rename destination /tmp/d/e/f is a directory or file under source /tmp/d');
    await refused(t.ns.rename2('/tmp/a', '/tmp/q/r', false, alice), HadoopException.FILE_NOT_FOUND, 'rename destination parent /tmp/q/r not found.');
    await t.ns.mkdirs('/tmp/empty', { perm: 0o755 }, true, alice);
    await refused(t.ns.rename2('/tmp/empty', '/tmp/d', true, alice), HadoopException.IO, 'rename destination directory is not empty: /tmp/d');
    await t.ns.rename2('/tmp/a', '/tmp/b', true, alice);
    expect(t.ns.getFileInfo('/tmp/a', alice)).to.equal(undefined);
    expect(t.ns.getFileInfo('/tmp/b', alice)!.fileType).to.equal('IS_FILE');
  });
});

describe('namenode/namesystem: writing files', () => {
  let t: TestNamesystem;
  beforeEach(async () => {
    t = await namesystem();
    await t.ns.mkdirs('/tmp', { perm: 0o1777 }, true, hdfsUser);
    datanode(t.ns, 'dn-1');
  });
  afterEach(() => t.ns.store.close());

  it('create: status with Hadoop\'s fields; parents take the existing parent\'s mode plus u+wx; refusals in Hadoop\'s order', async () => {
    await t.ns.mkdirs('/tmp/p', { perm: 0o750 }, true, alice);
    const st = await create(t, '/tmp/p/q/r/f', alice, { masked: { perm: 0o640 } });
    expect(st).to.include({ fileType: 'IS_FILE', owner: 'alice', group: 'supergroup', length: 0, block_replication: 1, blocksize: 128 * MiB, childrenNum: 0, storagePolicy: 0, flags: 0 });
    expect(st.permission.perm).to.equal(0o640);
    expect(t.ns.getFileInfo('/tmp/p/q', alice)!.permission.perm).to.equal(0o750);
    await refused(create(t, '/tmp/p', alice), HadoopException.FILE_ALREADY_EXISTS, '/tmp/p already exists as a directory');
    await refused(create(t, '/tmp/p/q/r/f', bob), HadoopException.ACCESS_CONTROL, /access=EXECUTE, inode="\/tmp\/p"/); // 0750, bob is other
    await refused(create(t, '/tmp/p/q/r/f', { ...bob, groups: ['supergroup'] }), HadoopException.ALREADY_BEING_CREATED); // a superuser passes the bits
    await refused(create(t, '/tmp/p/q/r/f', alice), HadoopException.ALREADY_BEING_CREATED,
      'Failed to CREATE_FILE /tmp/p/q/r/f for DFSClient_alice on 127.0.0.1 because current leaseholder is trying to recreate file.');
    await refused(create(t, '/tmp/small', alice, { blockSize: 1024 }), HadoopException.IO,
      'Specified block size is less than configured minimum value (dfs.namenode.fs-limits.min-block-size): 1024 < 1048576');
    await refused(create(t, '/tmp/many', alice, { replication: 513 }), HadoopException.IO, 'Requested replication factor of 513 exceeds maximum of 512 for /tmp/many, clientName=127.0.0.1');
    // dfs.replication=-3: the client's (short) -3 travels as the uint32 2^32-3 and is read back as a short
    await refused(create(t, '/tmp/negative', alice, { replication: 2 ** 32 - 3 }), HadoopException.IO, 'Requested replication factor of -3 is less than the required minimum of 1 for /tmp/negative, clientName=127.0.0.1');
    await refused(create(t, '/tmp/nop', alice, { createFlag: CreateFlag.OVERWRITE }), HadoopException.FILE_NOT_FOUND, "Can't overwrite non-existent /tmp/nop");
    await refused(create(t, '/tmp/x/y', alice, { createParent: false }), HadoopException.FILE_NOT_FOUND, "Parent directory doesn't exist: /tmp/x");
    await refused(create(t, '/tmp//y', alice), HadoopException.INVALID_PATH, 'Invalid path name /tmp//y');
    await refused(create(t, '/.reserved', hdfsUser), HadoopException.INVALID_PATH);
  });

  it('another client cannot take an open file before the soft limit; after it the file is closed for them and exists', async () => {
    await create(t, '/tmp/f', alice);
    await refused(create(t, '/tmp/f', bob), HadoopException.ALREADY_BEING_CREATED,
      'Failed to CREATE_FILE /tmp/f for DFSClient_bob on 127.0.0.2 because this file lease is currently owned by DFSClient_alice on 127.0.0.1');
    t.clock.advance(60_001);
    await refused(create(t, '/tmp/f', bob), HadoopException.FILE_ALREADY_EXISTS, '/tmp/f for client 127.0.0.2 already exists');
    expect(t.ns.leases.get('DFSClient_alice')).to.equal(undefined);
    await refused(t.writes.addBlock({ src: '/tmp/f', clientName: 'DFSClient_alice' }, alice), HadoopException.LEASE_EXPIRED, /^File is not open for writing: \/tmp\/f \(inode 0\) Holder DFSClient_alice does not have any open files\.$/);
  });

  it('overwrite replaces a closed file and its replicas are deleted on their DataNode', async () => {
    await writeFile(t, '/tmp/f', 5000);
    const st = await create(t, '/tmp/f', alice, { createFlag: CreateFlag.CREATE | CreateFlag.OVERWRITE });
    expect(st.length).to.equal(0);
    expect(t.ns.datanodes.get('dn-1')!.invalidate.map((b) => b.blockId)).to.deep.equal([1073741825]);
  });

  it('addBlock: block ids and stamps count up; previous must be the last block; a retry gets the same block; the block two back must be complete', async () => {
    const st = await create(t, '/tmp/multi', alice);
    const c = 'DFSClient_alice';
    const b1 = await t.writes.addBlock({ src: '/tmp/multi', clientName: c, fileId: st.fileId }, alice);
    expect([b1.b.blockId, b1.b.generationStamp, b1.offset]).to.deep.equal([1073741825, 1001, 0]);
    await refused(t.writes.addBlock({ src: '/tmp/multi', clientName: c, fileId: st.fileId }, alice), HadoopException.IO,
      "Cannot allocate block in /tmp/multi: passed 'previous' block null does not match actual last block in file blk_1073741825_1001");
    const b2 = await t.writes.addBlock({ src: '/tmp/multi', clientName: c, fileId: st.fileId, previous: { ...b1.b, numBytes: 128 * MiB } }, alice);
    expect([b2.b.blockId, b2.b.generationStamp, b2.offset]).to.deep.equal([1073741826, 1002, 128 * MiB]);
    const again = await t.writes.addBlock({ src: '/tmp/multi', clientName: c, fileId: st.fileId, previous: { ...b1.b, numBytes: 128 * MiB } }, alice);
    expect(again.b.blockId).to.equal(b2.b.blockId); // an RPC retry
    // block 1 is committed but not reported: a third block must wait
    await refused(t.writes.addBlock({ src: '/tmp/multi', clientName: c, fileId: st.fileId, previous: { ...b2.b, numBytes: 128 * MiB } }, alice),
      HadoopException.NOT_REPLICATED_YET, 'Not replicated yet: /tmp/multi');
    const dn = t.ns.datanodes.get('dn-1')!;
    t.ns.blocks.processIncremental(dn, 'DS-dn-1', 'DISK', [{ block: { blockId: b1.b.blockId, genStamp: 1001, numBytes: 128 * MiB }, status: 'RECEIVED' }]);
    const b3 = await t.writes.addBlock({ src: '/tmp/multi', clientName: c, fileId: st.fileId, previous: { ...b2.b, numBytes: 128 * MiB } }, alice);
    expect(b3.offset).to.equal(256 * MiB);
    // complete: false until block 2 and block 3 are reported
    const last = { ...b3.b, numBytes: 10 };
    expect(await t.writes.complete('/tmp/multi', c, last, st.fileId)).to.equal(false);
    t.ns.blocks.processIncremental(dn, 'DS-dn-1', 'DISK', [
      { block: { blockId: b2.b.blockId, genStamp: 1002, numBytes: 128 * MiB }, status: 'RECEIVED' },
      { block: { blockId: b3.b.blockId, genStamp: 1003, numBytes: 10 }, status: 'RECEIVED' },
    ]);
    expect(await t.writes.complete('/tmp/multi', c, last, st.fileId)).to.equal(true);
    expect(t.ns.getFileInfo('/tmp/multi', alice)!.length).to.equal(256 * MiB + 10);

    const lbs = await t.ns.getBlockLocations('/tmp/multi', 128 * MiB + 5, 10, bob);
    expect(lbs.blocks!.map((b) => [b.b.blockId, b.offset])).to.deep.equal([[1073741826, 128 * MiB]]);
    const tail = await t.ns.getBlockLocations('/tmp/multi', 128 * MiB, 128 * MiB + 1, bob);
    expect(tail.blocks!.map((b) => b.b.blockId)).to.deep.equal([1073741826, 1073741827]);
    expect(tail).to.include({ fileLength: 256 * MiB + 10, isLastBlockComplete: true, underConstruction: false });
    await refused(t.ns.getBlockLocations('/tmp/multi', -1, 1, bob), HadoopException.ILLEGAL_ARGUMENT, 'Negative offset is not supported. File: /tmp/multi');
    await refused(t.ns.getBlockLocations('/tmp', 0, 1, bob), HadoopException.FILE_NOT_FOUND, 'Path is not a file: /tmp');
  });

  it('a file being written: its length counts the committed blocks only; the last block is listed under construction with its pipeline', async () => {
    const st = await create(t, '/tmp/uc', alice);
    const b1 = await t.writes.addBlock({ src: '/tmp/uc', clientName: 'DFSClient_alice', fileId: st.fileId }, alice);
    await t.writes.fsync('/tmp/uc', 'DFSClient_alice', 4096, st.fileId);
    const lbs = await t.ns.getBlockLocations('/tmp/uc', 0, 1 << 30, bob);
    expect(lbs).to.include({ fileLength: 0, underConstruction: true, isLastBlockComplete: false });
    expect(lbs.lastBlock!.b).to.include({ blockId: b1.b.blockId, numBytes: 4096 });
    expect(lbs.lastBlock!.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal(['dn-1']);
    expect(t.ns.getFileInfo('/tmp/uc', bob)!.length).to.equal(4096);
    await t.writes.abandonBlock(b1.b, '/tmp/uc', 'DFSClient_alice', st.fileId);
    expect((await t.ns.getBlockLocations('/tmp/uc', 0, 1, bob)).blocks ?? []).to.deep.equal([]);
  });

  it('the namespace, open files with their leases, and the id counters survive a reload; a torn last record is dropped', async () => {
    await t.ns.mkdirs('/tmp/keep', { perm: 0o757 }, true, alice);
    await writeFile(t, '/tmp/keep/f', 1234);
    const open = await create(t, '/tmp/keep/open', bob);
    await t.writes.addBlock({ src: '/tmp/keep/open', clientName: 'DFSClient_bob', fileId: open.fileId }, bob);
    await t.ns.rename('/tmp/keep/f', '/tmp/keep/g', alice);
    const journal = readdirSync(t.dir).find((n) => n.startsWith('journal.'))!;
    const t2 = await t.restart();
    appendFileSync(join(t.dir, journal), Buffer.from([0, 0, 0, 40, 1, 2, 3])); // a write cut short after the reload's last record
    const t3 = await t2.restart();
    t = t3;
    expect(t3.ns.getFileInfo('/tmp/keep', alice)).to.include({ owner: 'alice', group: 'supergroup' });
    expect(t3.ns.getFileInfo('/tmp/keep', alice)!.permission.perm).to.equal(0o757);
    expect(t3.ns.getFileInfo('/tmp/keep/g', alice)!.length).to.equal(1234);
    expect(t3.ns.getFileInfo('/tmp/keep/f', alice)).to.equal(undefined);
    expect([...t3.ns.leases.get('DFSClient_bob')!.files]).to.deep.equal([open.fileId]);
    datanode(t3.ns, 'dn-1');
    const next = await t3.writes.addBlock({ src: '/tmp/keep/open', clientName: 'DFSClient_bob', fileId: open.fileId, previous: undefined }, bob).catch((e: Error) => e);
    expect((next as Error).message).to.contain("passed 'previous' block null does not match actual last block in file blk_1073741826_1002");
    const more = await create(t3, '/tmp/keep/third', alice);
    const b = await t3.writes.addBlock({ src: '/tmp/keep/third', clientName: 'DFSClient_alice', fileId: more.fileId }, alice);
    expect([b.b.blockId, b.b.generationStamp]).to.deep.equal([1073741827, 1003]);
    expect(more.fileId).to.be.greaterThan(open.fileId!);
  });

  it('compaction: the journal is snapshotted while writes go on, older files go, and the namespace loads the same', async () => {
    const small = await namesystem({ compactionMinBytes: 2048 });
    for (let i = 0; i < 60; i++) await small.ns.mkdirs(`/d${i % 6}/x${i}`, { perm: 0o755 }, true, hdfsUser);
    await new Promise((r) => setTimeout(r, 100));
    expect(small.ns.store.stats.compactions).to.be.greaterThan(0);
    const files = readdirSync(small.dir).sort();
    expect(files.filter((f) => f.startsWith('snapshot.')).length).to.equal(1);
    const again = await small.restart();
    try {
      for (let i = 0; i < 60; i++) expect(again.ns.getFileInfo(`/d${i % 6}/x${i}`, hdfsUser)!.fileType).to.equal('IS_DIR');
      expect(again.ns.getListing('/d0', new Uint8Array(0), false, hdfsUser)!.partialListing!.length).to.equal(10);
    } finally {
      await again.ns.store.close();
    }
  });

  it('permissions off: no bits are checked, but the traverse rules still hold', async () => {
    const open = await namesystem({ settings: { permissions: { enabled: false, superUser: 'hdfs', superGroup: 'supergroup' } } });
    try {
      await open.ns.mkdirs('/locked', { perm: 0o000 }, true, hdfsUser);
      expect(await open.ns.mkdirs('/locked/in', { perm: 0o755 }, true, carol)).to.equal(true);
      await writeFile(open, '/file', 0, carol);
      await refused(open.ns.mkdirs('/file/x', { perm: 0o755 }, true, carol), HadoopException.PARENT_NOT_DIRECTORY);
    } finally {
      await open.ns.store.close();
    }
  });

  it('reads refresh the access time once per precision; every refusal leaves the namespace as it was', async () => {
    await writeFile(t, '/tmp/at', 10);
    const before = t.ns.getFileInfo('/tmp/at', bob)!.access_time;
    t.clock.advance(3_600_001);
    await t.ns.getBlockLocations('/tmp/at', 0, 10, bob);
    expect(t.ns.getFileInfo('/tmp/at', bob)!.access_time).to.equal(before + 3_600_001);
    await rejectsWithCode(t.ns.mkdirs('/x', { perm: 0o755 }, true, alice), 'ACCESS_DENIED');
    expect(t.ns.getFileInfo('/x', hdfsUser)).to.equal(undefined);
  });

  it('a read whose access-time update cannot be journalled (store closed) still returns the blocks; the failure is a warning naming the path and why', async () => {
    await writeFile(t, '/tmp/at', 10);
    const before = t.ns.getFileInfo('/tmp/at', bob)!.access_time;
    t.clock.advance(3_600_001);
    await t.ns.store.close();
    let located: Awaited<ReturnType<typeof t.ns.getBlockLocations>> | undefined;
    const warnings = await logLines('namenode.namesystem', 'warn', async () => {
      located = await t.ns.getBlockLocations('/tmp/at', 0, 10, bob);
    });
    expect(located!.blocks!.map((b) => b.b.numBytes)).to.deep.equal([10]);
    expect(t.ns.getFileInfo('/tmp/at', bob)!.access_time, 'not changed in memory either').to.equal(before);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include({ path: '/tmp/at', code: 'SERVICE_NOT_RUNNING' });
    expect(warnings[0]!['line']).to.match(/^Failed to update the access time of \/tmp\/at: namespace store .* is not open$/);
  });
});


describe('namenode/namesystem: append (FSDirAppendOp)', () => {
  let t: TestNamesystem;
  const c = 'DFSClient_alice';
  const append = (src: string, caller = alice, flag: number = CreateFlag.APPEND, client = `DFSClient_${caller.user}`) =>
    t.writes.append({ src, clientName: client, flag }, caller);
  beforeEach(async () => {
    t = await namesystem();
    await t.ns.mkdirs('/tmp', { perm: 0o1777 }, true, hdfsUser);
    datanode(t.ns, 'dn-1');
  });
  afterEach(() => t.ns.store.close());

  it('a partial last block comes back under construction with its replica and a WRITE token; the pipeline calls finish it; OP_APPEND and the new stamp survive a reload', async () => {
    const fileId = await writeFile(t, '/tmp/f', 700);
    const r = await append('/tmp/f');
    expect(r.stat).to.include({ fileType: 'IS_FILE', length: 700, fileId });
    expect(r.block!.b).to.include({ blockId: 1073741825, generationStamp: 1001, numBytes: 700 });
    expect(r.block!.offset).to.equal(0);
    expect(r.block!.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal(['dn-1']);
    expect(BlockTokenIdentifier.decode(r.block!.blockToken.identifier).modes).to.deep.equal(['WRITE']);
    const file = t.ns.fsd.inode(fileId) as INodeFile;
    expect(file.uc).to.deep.equal({ clientName: c, clientMachine: '127.0.0.1' });
    expect(file.lastBlock!.state).to.equal('UNDER_CONSTRUCTION');
    expect(t.ns.leases.get(c)!.files.has(fileId)).to.equal(true);
    // a restart now: the file is open again with its last block under construction
    t = await t.restart();
    expect((t.ns.fsd.inode(fileId) as INodeFile).uc!.clientName).to.equal(c);
    expect((t.ns.fsd.inode(fileId) as INodeFile).lastBlock!.state).to.equal('UNDER_CONSTRUCTION');
    datanode(t.ns, 'dn-1');
    // DataStreamer: updateBlockForPipeline, WRITE_BLOCK (PIPELINE_SETUP_APPEND), updatePipeline, RECEIVED, complete
    const fresh = await t.writes.updateBlockForPipeline(r.block!.b, c, alice);
    expect(fresh.b.generationStamp).to.equal(1002);
    await t.writes.updatePipeline({ clientName: c, oldBlock: r.block!.b, newBlock: { ...r.block!.b, generationStamp: 1002 }, newNodes: [r.block!.locs![0]!.id], storageIDs: ['DS-dn-1'] });
    t.ns.blocks.processIncremental(t.ns.datanodes.get('dn-1')!, 'DS-dn-1', 'DISK', [{ block: { blockId: 1073741825, genStamp: 1002, numBytes: 1500 }, status: 'RECEIVED' }]);
    expect(await t.writes.complete('/tmp/f', c, { ...r.block!.b, generationStamp: 1002, numBytes: 1500 }, fileId)).to.equal(true);
    t = await t.restart();
    const after = t.ns.fsd.inode(fileId) as INodeFile;
    expect([after.uc, after.length(), after.lastBlock!.generationStamp, after.lastBlock!.state]).to.deep.equal([null, 1500, 1002, 'COMPLETE']);
  });

  it('a full last block, an empty file and NEW_BLOCK give no block to write: the next bytes go to a block from addBlock', async () => {
    await writeFile(t, '/tmp/full', 128 * MiB);
    expect((await append('/tmp/full')).block).to.equal(undefined);
    const b = await t.writes.addBlock({ src: '/tmp/full', clientName: c }, alice); // previous null: the append began at a block boundary
    expect(b.offset).to.equal(128 * MiB);

    await writeFile(t, '/tmp/empty', 0, bob);
    expect((await append('/tmp/empty', bob, CreateFlag.APPEND, 'DFSClient_bob')).block).to.equal(undefined);
    expect((await t.writes.addBlock({ src: '/tmp/empty', clientName: 'DFSClient_bob' }, bob)).offset).to.equal(0);

    const fileId = await writeFile(t, '/tmp/nb', 700);
    const r = await append('/tmp/nb', alice, CreateFlag.APPEND | CreateFlag.NEW_BLOCK);
    expect(r.block!.b).to.include({ blockId: (t.ns.fsd.inode(fileId) as INodeFile).lastBlock!.blockId, numBytes: 700 });
    expect(r.block!.locs).to.deep.equal([]);
    expect(r.block!.offset, 'LocatedBlock(b, locs): start offset unknown').to.equal(-1);
    expect(r.block!.blockToken.identifier.length).to.equal(0);
    expect((t.ns.fsd.inode(fileId) as INodeFile).lastBlock!.state).to.equal('COMPLETE');
    const next = await t.writes.addBlock({ src: '/tmp/nb', clientName: c, previous: r.block!.b, fileId }, alice);
    expect(next.offset).to.equal(700);
    t = await t.restart(); // OP_APPEND with newBlock replays without reopening the last block
    expect((t.ns.fsd.inode(fileId) as INodeFile).blocks.map((x) => x.state)).to.deep.equal(['COMPLETE', 'UNDER_CONSTRUCTION']);
  });

  it('refusals in Hadoop\'s order and words: directory, permission, missing file, the lease, replicas not reported, dfs.support.append=false', async () => {
    await writeFile(t, '/tmp/f', 700);
    await refused(append('/tmp'), HadoopException.FILE_ALREADY_EXISTS, 'Cannot append to directory /tmp; already exists as a directory.');
    const denied = await auditLines(async () => {
      await refused(append('/tmp/f', bob, CreateFlag.APPEND, 'DFSClient_bob'), HadoopException.ACCESS_CONTROL, /^Permission denied: user=bob, access=WRITE, inode="\/tmp\/f":alice:supergroup:-rw-r--r--/);
    });
    expect(denied.map((l) => l['line']), 'logAuditEvent(false, "append", src)').to.deep.equal(['allowed=false\tugi=bob@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.2\tcmd=append\tsrc=/tmp/f\tdst=null\tperm=null\tproto=rpc']);
    await refused(append('/tmp/nope'), HadoopException.FILE_NOT_FOUND, 'Failed to append to non-existent file /tmp/nope for client 127.0.0.1');
    await refused(append('/tmp//f'), HadoopException.INVALID_PATH);
    await t.attributes.setPermission('/tmp/f', { perm: 0o666 }, alice);
    await append('/tmp/f');
    await refused(append('/tmp/f'), HadoopException.ALREADY_BEING_CREATED, 'Failed to APPEND_FILE /tmp/f for DFSClient_alice on 127.0.0.1 because DFSClient_alice is already the current lease holder.');
    await refused(append('/tmp/f', bob, CreateFlag.APPEND, 'DFSClient_bob'), HadoopException.ALREADY_BEING_CREATED,
      'Failed to APPEND_FILE /tmp/f for DFSClient_bob on 127.0.0.2 because this file lease is currently owned by DFSClient_alice on 127.0.0.1');
    // past the soft limit the NameNode recovers alice's lease: her reopened last block is recovered
    // through its DataNode first (RecoveryInProgressException meanwhile), then bob appends
    t.clock.advance(60_001);
    await refused(append('/tmp/f', bob, CreateFlag.APPEND, 'DFSClient_bob'), HadoopException.RECOVERY_IN_PROGRESS,
      'Failed to APPEND_FILE /tmp/f for DFSClient_bob on 127.0.0.2 because lease recovery is in progress. Try again later.');
    expect(await recoverAsPrimary(t, 'dn-1', (b) => b.numBytes!)).to.have.length(1);
    const r = await append('/tmp/f', bob, CreateFlag.APPEND, 'DFSClient_bob');
    expect([r.stat.length, r.block!.b.numBytes]).to.deep.equal([700, 700]);
    expect(t.ns.leases.get('DFSClient_alice')).to.equal(undefined);

    await writeFile(t, '/tmp/g', 700); // stamp 1003: the recovery id above took 1002
    t = await t.restart(); // no DataNode reported the replica yet
    await refused(t.writes.append({ src: '/tmp/g', clientName: c, flag: CreateFlag.APPEND }, alice), HadoopException.IO, 'append: lastBlock=blk_1073741826_1003 of src=/tmp/g is not sufficiently replicated yet.');
    await t.ns.store.close();
    t = await namesystem({ settings: { supportAppends: false } });
    await refused(t.writes.append({ src: '/tmp/g', clientName: c, flag: CreateFlag.APPEND }, alice), HadoopException.UNSUPPORTED,
      'Append is not enabled on this NameNode. Use the dfs.support.append configuration option to enable it.');
  });

  it('lease recovery of an appended file whose writer is gone recovers the reopened block through its DataNode (the length it agrees, the recovery id as stamp), and it can be appended again', async () => {
    const fileId = await writeFile(t, '/tmp/f', 700);
    await append('/tmp/f');
    t.clock.advance(t.ns.settings.leaseHardLimitMs + 1);
    expect(await t.writes.recoverExpiredLeases(), 'block recovery started, nothing closed yet').to.equal(0);
    const file = t.ns.fsd.inode(fileId) as INodeFile;
    expect([file.uc!.clientName, file.lastBlock!.state]).to.deep.equal(['HDFS_NameNode', 'UNDER_RECOVERY']);
    await recoverAsPrimary(t, 'dn-1', () => 700);
    expect([file.uc, file.length(), file.lastBlock!.state]).to.deep.equal([null, 700, 'COMPLETE']);
    expect((await append('/tmp/f')).block!.b.numBytes).to.equal(700);
    // the writer got a new stamp and reached its DataNode, which rolled the unfinished append back
    // and reported the old length under that stamp, but never called updatePipeline
    const r = await t.writes.updateBlockForPipeline({ ...file.lastBlock!, poolId: t.ns.blocks.blockPoolId }, c, alice);
    t.ns.blocks.processIncremental(t.ns.datanodes.get('dn-1')!, 'DS-dn-1', 'DISK', [{ block: { blockId: r.b.blockId, genStamp: r.b.generationStamp, numBytes: 700 }, status: 'RECEIVED' }]);
    t.clock.advance(t.ns.settings.leaseHardLimitMs + 1);
    expect(await t.writes.recoverExpiredLeases()).to.equal(0);
    const [rb] = await recoverAsPrimary(t, 'dn-1', () => 700);
    expect(rb!.block.b.generationStamp, 'the recovery starts from the stamp the NameNode knows').to.be.lessThan(r.b.generationStamp);
    expect([file.uc, file.length(), file.lastBlock!.generationStamp, file.lastBlock!.state]).to.deep.equal([null, 700, rb!.newGenStamp, 'COMPLETE']);
    expect((await t.ns.getBlockLocations('/tmp/f', 0, 700, alice)).blocks![0]!.locs!.length).to.equal(1);
  });
});

describe('namenode/namesystem: audit lines of the namespace calls (FSNamesystem.logAuditEvent)', () => {
  let t: TestNamesystem;
  const line = (allowed: boolean, who: typeof alice, cmd: string, src: string, dst = 'null', perm = 'null') =>
    `allowed=${allowed}\tugi=${who.ugi}\tip=/${who.address}\tcmd=${cmd}\tsrc=${src}\tdst=${dst}\tperm=${perm}\tproto=rpc`;
  beforeEach(async () => {
    t = await namesystem();
    datanode(t.ns, 'dn-1');
    await t.ns.mkdirs('/tmp', { perm: 0o1777 }, true, hdfsUser);
    await t.ns.mkdirs('/tmp/a', { perm: 0o755 }, true, alice);
    await t.ns.mkdirs('/tmp/p', { perm: 0o700 }, true, alice);
    await writeFile(t, '/tmp/a/f', 100, alice);
    await writeFile(t, '/tmp/p/f', 100, alice);
  });
  afterEach(() => t.ns.store.close());

  it('create, mkdirs, getfileinfo, listStatus, open: allowed (with the status where Hadoop passes one), an AccessControlException as allowed=false; complete writes none', async () => {
    const lines = await auditLines(async () => {
      await create(t, '/tmp/a/g', alice);
      await refused(create(t, '/tmp/a/h', bob), HadoopException.ACCESS_CONTROL);
      await writeFile(t, '/tmp/a/w', 0, alice); // create, then complete: no line for complete
      await t.ns.mkdirs('/tmp/a/d', { perm: 0o750 }, true, alice);
      await refused(t.ns.mkdirs('/tmp/a/e', { perm: 0o755 }, true, bob), HadoopException.ACCESS_CONTROL);
      t.ns.getFileInfo('/tmp/a/f', bob);
      expect(t.ns.getFileInfo('/tmp/a/none', bob)).to.equal(undefined); // a missing path is still an allowed call
      expect(() => t.ns.getFileInfo('/tmp/p/f', bob)).to.throw('Permission denied');
      t.ns.getListing('/tmp/a', new Uint8Array(0), false, bob);
      expect(() => t.ns.getListing('/tmp/p', new Uint8Array(0), false, bob)).to.throw('Permission denied');
      await t.ns.getBlockLocations('/tmp/a/f', 0, 100, bob);
      await refused(t.ns.getBlockLocations('/tmp/p/f', 0, 100, bob), HadoopException.ACCESS_CONTROL);
      await refused(t.ns.getBlockLocations('/tmp/a/none', 0, 100, bob), HadoopException.FILE_NOT_FOUND); // not audited
    });
    expect(lines.map((l) => l['line'])).to.deep.equal([
      line(true, alice, 'create', '/tmp/a/g', 'null', 'alice:supergroup:rw-r--r--'),
      line(false, bob, 'create', '/tmp/a/h'),
      line(true, alice, 'create', '/tmp/a/w', 'null', 'alice:supergroup:rw-r--r--'),
      line(true, alice, 'mkdirs', '/tmp/a/d', 'null', 'alice:supergroup:rwxr-x---'),
      line(false, bob, 'mkdirs', '/tmp/a/e'),
      line(true, bob, 'getfileinfo', '/tmp/a/f'),
      line(true, bob, 'getfileinfo', '/tmp/a/none'),
      line(false, bob, 'getfileinfo', '/tmp/p/f'),
      line(true, bob, 'listStatus', '/tmp/a'),
      line(false, bob, 'listStatus', '/tmp/p'),
      line(true, bob, 'open', '/tmp/a/f'),
      line(false, bob, 'open', '/tmp/p/f'),
    ]);
  });

  it('delete as logAuditEvent(ret, ...): nothing deleted is allowed=false; rename with dst as given and the moved inode\'s status; rename2 names its options; refusals keep dst', async () => {
    await t.ns.mkdirs('/tmp/a/dir', { perm: 0o755 }, true, alice);
    const lines = await auditLines(async () => {
      expect(await t.ns.rename('/tmp/a/f', '/tmp/a/dir', alice)).to.equal(true); // moves to /tmp/a/dir/f
      expect(await t.ns.rename('/tmp/a/none', '/tmp/a/x', alice)).to.equal(false); // false: no line
      await refused(t.ns.rename('/tmp/a/dir/f', '/tmp/b', bob), HadoopException.ACCESS_CONTROL);
      await t.ns.rename2('/tmp/a/dir/f', '/tmp/a/g', false, alice);
      await refused(t.ns.rename2('/tmp/a/g', '/tmp/a/h', true, bob), HadoopException.ACCESS_CONTROL);
      await refused(t.ns.rename2('/tmp/a/none', '/tmp/a/h', false, alice), HadoopException.FILE_NOT_FOUND); // not audited
      expect(await t.ns.delete('/tmp/a/none', false, alice)).to.equal(false);
      await refused(t.ns.delete('/tmp/a/g', false, bob), HadoopException.ACCESS_CONTROL);
      expect(await t.ns.delete('/tmp/a/g', false, alice)).to.equal(true);
    });
    expect(lines.map((l) => l['line'])).to.deep.equal([
      line(true, alice, 'rename', '/tmp/a/f', '/tmp/a/dir', 'alice:supergroup:rw-r--r--'),
      line(false, bob, 'rename', '/tmp/a/dir/f', '/tmp/b'),
      line(true, alice, 'rename (options=[NONE])', '/tmp/a/dir/f', '/tmp/a/g', 'alice:supergroup:rw-r--r--'),
      line(false, bob, 'rename (options=[OVERWRITE])', '/tmp/a/g', '/tmp/a/h'),
      line(false, alice, 'delete', '/tmp/a/none'),
      line(false, bob, 'delete', '/tmp/a/g'),
      line(true, alice, 'delete', '/tmp/a/g'),
    ]);
  });
});
