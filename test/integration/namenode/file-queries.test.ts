// The ClientProtocol calls a stock Hadoop 3.4.1 client makes that hsec used to answer with
// RpcNoSuchMethodException, end to end over real Hadoop IPC with Kerberos (MIT KDC) and a DataNode
// speaking DatanodeProtocol: isFileClosed, getPreferredBlockSize, getLocatedFileInfo,
// getBatchedListing, createSymlink, getLinkTarget, listEncryptionZones, listReencryptionStatus and
// listCorruptFileBlocks answer with Hadoop's fields and refuse with its exception classes and
// messages; HdfsClient's isFileClosed / listBatch / listCorruptFileBlocks / listEncryptionZones
// run over the same calls.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { CreateFlag } from '../../../cluster/protocol/client-protocol.ts';
import type { ExtendedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import { BlockTokenIdentifier } from '../../../security/token/block-token-identifier.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { TestDataNode, clientAs, clientConf, clientName, secureConf, setUpRealm, type Session } from './hdfs-fixture.ts';
import { rejection } from './namenode-fixture.ts';

const MiB = 1024 * 1024;
const ACE = 'org.apache.hadoop.security.AccessControlException';
const FNF = 'java.io.FileNotFoundException';
const SUPERUSER = (u: string) => `Access denied for user ${u}. Superuser privilege is required`;

async function refused(p: Promise<unknown>, cls: string, message: string): Promise<void> {
  const e = await rejection(p);
  expect(e.details?.['exceptionClassName'], e.message).to.equal(cls);
  expect(e.details?.['errorMsg']).to.equal(message);
}

describe('namenode: isFileClosed, getPreferredBlockSize, getLocatedFileInfo, getBatchedListing, symlinks, encryption zones and corrupt files over Kerberos IPC (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let nn: NameNode;
  let dn: TestDataNode;
  const s: Record<string, Session> = {};
  const blocks: Record<string, ExtendedBlock> = {};

  /** create, one block reported RECEIVED, complete (unless `close` is false: the file stays open). */
  async function write(path: string, bytes: number, blockSize = MiB, close = true): Promise<void> {
    const client = clientName(path.replace(/\W/g, ''));
    const alice = s['alice']!.nn;
    const st = (await alice.create({ src: path, masked: { perm: 0o644 }, clientName: client, createFlag: CreateFlag.CREATE, createParent: true, replication: 1, blockSize }))!;
    const lb = await alice.addBlock({ src: path, clientName: client, fileId: st.fileId });
    if (!close) return;
    const last = { ...lb.b, numBytes: bytes };
    await dn.incremental(last, 'RECEIVED');
    expect(await alice.complete(path, client, last, st.fileId)).to.equal(true);
    blocks[path] = last;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-file-queries-'));
    const keytab = join(dir, 'service.keytab');
    await setUpRealm(realm.kdc, keytab, ['hdfs', 'alice', 'bob']);
    nn = await NameNode.start(secureConf(realm.kdc, dir, keytab, { 'dfs.ls.limit': '3', 'dfs.batched.ls.limit': '5' }));
    for (const u of ['hdfs', 'alice', 'bob']) s[u] = await clientAs(realm.kdc, u, nn.address);
    dn = await TestDataNode.login(realm.kdc, keytab, nn.address, { uuid: 'dn-uuid-fq', xferPort: 19886, storageUuid: 'DS-fq' });
    await dn.start();
    const hdfs = s['hdfs']!.nn;
    await hdfs.mkdirs({ src: '/user/alice', masked: { perm: 0o755 }, createParent: true });
    await hdfs.setOwner('/user/alice', 'alice', 'staff');
    const alice = s['alice']!.nn;
    await alice.mkdirs({ src: '/user/alice/d', masked: { perm: 0o755 }, createParent: true });
    await alice.mkdirs({ src: '/user/alice/private', masked: { perm: 0o700 }, createParent: false });
    await write('/user/alice/d/f1', 1000, 2 * MiB);
    await write('/user/alice/d/f2', 500);
    await write('/user/alice/d/f3', 300);
    await write('/user/alice/d/f4', 200);
    await write('/user/alice/d/open', 0, MiB, false);
  });

  after(async () => {
    dn?.close();
    for (const x of Object.values(s)) x.close();
    await nn?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('isFileClosed: true for a closed file, false while open; FileNotFoundException for a directory or a missing path; the traverse check', async () => {
    const bob = s['bob']!.nn;
    expect(await bob.isFileClosed('/user/alice/d/f1')).to.equal(true);
    expect(await bob.isFileClosed('/user/alice/d/open')).to.equal(false);
    await refused(bob.isFileClosed('/user/alice/d'), FNF, 'Path is not a file: /user/alice/d');
    await refused(bob.isFileClosed('/user/alice/none'), FNF, 'File does not exist: /user/alice/none');
    await refused(bob.isFileClosed('/user/alice/private/x'), ACE, 'Permission denied: user=bob, access=EXECUTE, inode="/user/alice/private":alice:staff:drwx------');
  });

  it('getPreferredBlockSize: the file\'s block size; a directory is "Path is not a file" with the resolved path', async () => {
    const bob = s['bob']!.nn;
    expect(await bob.getPreferredBlockSize('/user/alice/d/f1')).to.equal(2 * MiB);
    expect(await bob.getPreferredBlockSize('/user/alice/d/open')).to.equal(MiB);
    await refused(bob.getPreferredBlockSize('/user/alice/d/'), FNF, 'Path is not a file: /user/alice/d');
    await refused(bob.getPreferredBlockSize('/user/alice/none'), FNF, 'File does not exist: /user/alice/none');
  });

  it('getLocatedFileInfo: the status with its block on the DataNode, a READ block token only when asked and one the DataNode accepts', async () => {
    const bob = s['bob']!.nn;
    const plain = (await bob.getLocatedFileInfo('/user/alice/d/f1'))!;
    const info = (await bob.getFileInfo('/user/alice/d/f1'))!;
    expect({ ...plain, locations: undefined }).to.deep.equal({ ...info, locations: undefined });
    expect(plain.locations).to.deep.include({ fileLength: 1000, underConstruction: false, isLastBlockComplete: true });
    const lb = plain.locations!.blocks![0]!;
    expect(lb.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal(['dn-uuid-fq']);
    expect(lb.blockToken.identifier).to.have.length(0);
    const tokened = (await bob.getLocatedFileInfo('/user/alice/d/f1', true))!.locations!.blocks![0]!;
    expect(BlockTokenIdentifier.decode(tokened.blockToken.identifier)).to.deep.include({ userId: 'bob', modes: ['READ'] });
    dn.check(tokened, 'READ');
    expect(() => dn.check(tokened, 'WRITE')).to.throw();
    const d = (await bob.getLocatedFileInfo('/user/alice/d', true))!;
    expect(d.fileType).to.equal('IS_DIR');
    expect(d.locations).to.equal(undefined);
    expect(await bob.getLocatedFileInfo('/user/alice/none')).to.equal(undefined);
    await refused(bob.getLocatedFileInfo('/user/alice/private/x', true), ACE, 'Permission denied: user=bob, access=EXECUTE, inode="/user/alice/private":alice:staff:drwx------');
    // a file ancestor: an AccessControlException for bob, no status (null) for the superuser
    await refused(bob.getLocatedFileInfo('/user/alice/d/f1/x'), ACE, '/user/alice/d/f1 (is not a directory)');
    expect(await s['hdfs']!.nn.getLocatedFileInfo('/user/alice/d/f1/x')).to.equal(undefined);
    expect(await s['hdfs']!.nn.getFileInfo('/user/alice/d/f1/x')).to.equal(undefined);
  });

  it('getBatchedListing: pages of dfs.ls.limit entries across paths, per-path exceptions in the answer, the opaque key, the call\'s own refusals', async () => {
    const bob = s['bob']!.nn;
    const paths = ['/user/alice/d', '/user/alice/none', '/user/alice/private', '/user/alice/d/f1'];
    const seen: string[] = [];
    let after: Uint8Array = new Uint8Array(0);
    let calls = 0;
    for (;;) {
      const page = await bob.getBatchedListing(paths, after);
      calls++;
      for (const l of page.listings ?? []) {
        seen.push(l.exception ? `${l.parentIdx}!${l.exception.className}: ${l.exception.message}` : `${l.parentIdx}:${(l.partialListing ?? []).map((e) => Buffer.from(e.path).toString()).join(',')}`);
      }
      if (!page.hasMore) break;
      after = page.startAfter;
    }
    expect(calls).to.equal(2);
    expect(seen).to.deep.equal([
      '0:f1,f2,f3',
      '0:f4,open',
      '1!java.io.FileNotFoundException: Path /user/alice/none does not exist',
      '2!org.apache.hadoop.security.AccessControlException: Permission denied: user=bob, access=READ_EXECUTE, inode="/user/alice/private":alice:staff:drwx------',
      '3:',
    ]);
    const located = await bob.getBatchedListing(['/user/alice/d/f2'], new Uint8Array(0), true);
    expect(located.listings![0]!.partialListing![0]!.locations).to.deep.include({ fileLength: 500 });
    await refused(bob.getBatchedListing(['/a', '/b', '/c', '/d', '/e', '/f']), 'java.lang.IllegalArgumentException', 'Too many source paths (6 > 5)');
    const first = await bob.getBatchedListing(paths);
    await refused(bob.getBatchedListing(['/user/alice/d'], first.startAfter), 'java.lang.IllegalArgumentException', 'java.lang.IllegalArgumentException');
    await refused(bob.getBatchedListing(paths, Uint8Array.from([0x10, 0x01])), 'org.apache.hadoop.thirdparty.protobuf.InvalidProtocolBufferException',
      'Message missing required fields: checksum, startAfter');
  });

  it('createSymlink: UnsupportedOperationException "Symlinks not supported" after the link\'s length check, even in safe mode; getLinkTarget: never a link', async () => {
    const alice = s['alice']!.nn;
    await refused(alice.createSymlink('/user/alice/d/f1', '/user/alice/link', { perm: 0o755 }, false), 'java.lang.UnsupportedOperationException', 'Symlinks not supported');
    await refused(alice.createSymlink('/user/alice/d/f1', `/${'l'.repeat(8001)}`, { perm: 0o755 }, false), 'java.io.IOException', 'Symlink path exceeds 8000 character limit');
    expect(await alice.getFileInfo('/user/alice/link')).to.equal(undefined);
    await refused(alice.getLinkTarget('/user/alice/d/f1'), 'java.io.IOException', 'Path /user/alice/d/f1 is not a symbolic link');
    await refused(alice.getLinkTarget('/user/alice/link'), FNF, 'File does not exist: /user/alice/link');
    const hdfs = s['hdfs']!.nn;
    expect(await hdfs.setSafeMode('SAFEMODE_ENTER')).to.equal(true);
    try {
      await refused(alice.createSymlink('/user/alice/d/f1', '/user/alice/link', { perm: 0o755 }, true), 'java.lang.UnsupportedOperationException', 'Symlinks not supported');
      expect(await alice.isFileClosed('/user/alice/d/f1')).to.equal(true); // reads go on in safe mode
    } finally {
      expect(await hdfs.setSafeMode('SAFEMODE_LEAVE')).to.equal(false);
    }
  });

  it('listEncryptionZones / listReencryptionStatus: an empty batch for the superuser (what DistributedFileSystem.getTrashRoots reads), AccessControlException for others', async () => {
    expect(await s['hdfs']!.nn.listEncryptionZones()).to.deep.equal([]);
    expect(await s['hdfs']!.nn.listReencryptionStatus()).to.deep.equal([]);
    await refused(s['alice']!.nn.listEncryptionZones(), ACE, SUPERUSER('alice'));
    await refused(s['alice']!.nn.listReencryptionStatus(), ACE, SUPERUSER('alice'));
  });

  it('listCorruptFileBlocks: superuser only; the files whose blocks lost their last replica, paged by the cookie; HdfsClient walks every page', async () => {
    const hdfs = s['hdfs']!.nn;
    await refused(s['alice']!.nn.listCorruptFileBlocks('/'), ACE, SUPERUSER('alice'));
    expect(await hdfs.listCorruptFileBlocks('/')).to.deep.equal({ files: [], cookie: '0' });
    // the DataNode reports the replicas of f2 and f3 deleted: their blocks have no replica left
    await dn.incremental(blocks['/user/alice/d/f2']!, 'DELETED');
    await dn.incremental(blocks['/user/alice/d/f3']!, 'DELETED');
    const all = await hdfs.listCorruptFileBlocks('/user/alice');
    expect(all.files).to.have.members(['/user/alice/d/f2', '/user/alice/d/f3']);
    expect(await hdfs.listCorruptFileBlocks('/user/alice', all.cookie)).to.deep.equal({ files: [], cookie: all.cookie });
    expect((await hdfs.listCorruptFileBlocks('/user/al')).files).to.deep.equal([]); // a string prefix that is no parent
    expect((await hdfs.getFsStats()).missing_blocks).to.equal(2);
    const client = await HdfsClient.connect({ conf: clientConf(realm.kdc), user: s['hdfs']!.user, nameNode: nn.address, timeoutMs: 20_000 });
    try {
      expect((await client.listCorruptFileBlocks('/')).sort()).to.deep.equal(['/user/alice/d/f2', '/user/alice/d/f3']);
      expect(await client.listEncryptionZones()).to.deep.equal([]);
    } finally {
      client.close();
    }
    // the replicas come back: nothing corrupt any more
    await dn.incremental(blocks['/user/alice/d/f2']!, 'RECEIVED');
    await dn.incremental(blocks['/user/alice/d/f3']!, 'RECEIVED');
    expect(await hdfs.listCorruptFileBlocks('/')).to.deep.equal({ files: [], cookie: '0' });
  });

  it('HdfsClient: isFileClosed and listBatch (every page of getBatchedListing, errors per path)', async () => {
    const client = await HdfsClient.connect({ conf: clientConf(realm.kdc), user: s['bob']!.user, nameNode: nn.address, timeoutMs: 20_000 });
    try {
      expect(await client.isFileClosed('/user/alice/d/f1')).to.equal(true);
      expect(await client.isFileClosed('/user/alice/d/open')).to.equal(false);
      const r = await client.listBatch(['/user/alice/d', '/user/alice/none', '/user/alice/d/f1']);
      expect(r.map((x) => x.path)).to.deep.equal(['/user/alice/d', '/user/alice/none', '/user/alice/d/f1']);
      expect(r[0]!.statuses!.map((st) => st.path)).to.deep.equal(['f1', 'f2', 'f3', 'f4', 'open'].map((n) => `/user/alice/d/${n}`));
      expect(r[1]!.error?.message).to.equal('java.io.FileNotFoundException: Path /user/alice/none does not exist');
      expect(r[2]!.statuses!.map((st) => [st.path, st.length])).to.deep.equal([['/user/alice/d/f1', 1000]]);
    } finally {
      client.close();
    }
  });
});
