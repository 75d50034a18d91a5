// The ClientProtocol calls behind `hdfs dfs -du / -count [-q] / -touch / -setrep / -test` and
// `hdfs storagepolicies`, end to end over real Hadoop IPC with Kerberos (MIT KDC) and a DataNode
// speaking DatanodeProtocol: getContentSummary, getQuotaUsage, setTimes, setReplication,
// checkAccess, getFileLinkInfo, getStoragePolicies and getStoragePolicy answer with Hadoop
// 3.4.1's fields, refuse with its exception classes and messages, and the times and replication
// factors set survive a NameNode restart (journal replay). Then `hsec fs -du / -count / -setrep /
// -test / -touch / -stat` run in-process as Kerberos users whose ticket caches MIT kinit filled,
// printing FsShell's formats.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { CreateFlag } from '../../../cluster/protocol/client-protocol.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { kinit } from '../../support/krb5-clients.ts';
import { TestDataNode, clientAs, clientName, runFsWith, secureConf, setUpRealm, writeClientConfDir, type Session } from './hdfs-fixture.ts';
import { rejection } from './namenode-fixture.ts';

const MiB = 1024 * 1024;
const ACE = 'org.apache.hadoop.security.AccessControlException';
const FNF = 'java.io.FileNotFoundException';
const LONG_MAX = 9_223_372_036_854_775_807n;

async function refused(p: Promise<unknown>, cls: string, message: string): Promise<void> {
  const e = await rejection(p);
  expect(e.details?.['exceptionClassName'], e.message).to.equal(cls);
  expect(e.details?.['errorMsg']).to.equal(message);
}

describe('namenode: getContentSummary, getQuotaUsage, setTimes, setReplication, checkAccess, getFileLinkInfo and storage policies over Kerberos IPC (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let keytab: string;
  let nn: NameNode;
  let dn: TestDataNode;
  let confDir: string;
  const s: Record<string, Session> = {};
  const ccaches: Record<string, string> = {};

  const start = async () => {
    nn = await NameNode.start(secureConf(realm.kdc, dir, keytab));
    for (const u of ['hdfs', 'alice', 'bob']) s[u] = await clientAs(realm.kdc, u, nn.address);
    writeClientConfDir(confDir, realm.kdc, nn.address);
  };

  /** `hsec fs ARGS` as `user` (its ticket cache), in-process; the exit code and what it wrote. */
  const fsAs = (user: string, ...args: string[]) => runFsWith(realm.kdc, confDir, ccaches[user], args);
  const stop = async () => {
    for (const x of Object.values(s)) x.close();
    await nn?.stop();
  };

  /** create, one block of `bytes` reported RECEIVED by the DataNode, complete (bytes 0: no block). */
  async function write(path: string, bytes: number, replication: number, close = true): Promise<void> {
    const client = clientName(path.replace(/\W/g, ''));
    const alice = s['alice']!.nn;
    const st = (await alice.create({ src: path, masked: { perm: 0o644 }, clientName: client, createFlag: CreateFlag.CREATE, createParent: true, replication, blockSize: MiB }))!;
    const lb = await alice.addBlock({ src: path, clientName: client, fileId: st.fileId });
    if (!close) return;
    const last = { ...lb.b, numBytes: bytes };
    await dn.incremental(last, 'RECEIVED');
    expect(await alice.complete(path, client, last, st.fileId)).to.equal(true);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-queries-'));
    keytab = join(dir, 'service.keytab');
    confDir = join(dir, 'conf');
    mkdirSync(confDir);
    await setUpRealm(realm.kdc, keytab, ['hdfs', 'alice', 'bob']);
    for (const u of ['alice', 'bob']) {
      ccaches[u] = join(dir, `cc-${u}`);
      await kinit(realm.kdc.env(ccaches[u]), [realm.kdc.principal(u)], `pw-${u}\n`);
    }
    await start();
    dn = await TestDataNode.login(realm.kdc, keytab, nn.address, { uuid: 'dn-uuid-q', xferPort: 19876, storageUuid: 'DS-q' });
    await dn.start();
    const hdfs = s['hdfs']!.nn;
    await hdfs.mkdirs({ src: '/user/alice', masked: { perm: 0o755 }, createParent: true });
    await hdfs.setOwner('/user/alice', 'alice', 'staff');
    await s['alice']!.nn.mkdirs({ src: '/user/alice/d/sub', masked: { perm: 0o755 }, createParent: true });
    await s['alice']!.nn.mkdirs({ src: '/user/alice/private', masked: { perm: 0o700 }, createParent: false });
    await write('/user/alice/d/f1', 1000, 2);
    await write('/user/alice/d/sub/f2', 500, 1);
    await write('/user/alice/d/open', 0, 3, false); // a block allocated, the file still being written
  });

  after(async () => {
    dn?.close();
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('getContentSummary: lengths, counts, length x replication (a block being written as a full block), no quotas, snapshot counts 0', async () => {
    const alice = s['alice']!.nn;
    expect(await alice.getContentSummary('/user/alice/d')).to.deep.equal({
      length: 1500, fileCount: 3, directoryCount: 2, quota: -1, spaceConsumed: 1000 * 2 + 500 + MiB * 3, spaceQuota: -1,
      snapshotLength: 0, snapshotFileCount: 0, snapshotDirectoryCount: 0, snapshotSpaceConsumed: 0, erasureCodingPolicy: '',
    });
    expect(await alice.getContentSummary('/user/alice/d/f1')).to.deep.include({ length: 1000, fileCount: 1, directoryCount: 0, spaceConsumed: 2000, erasureCodingPolicy: 'Replicated' });
    const root = await alice.getContentSummary('/');
    expect(root).to.deep.include({ quota: LONG_MAX, spaceQuota: -1, fileCount: 3, directoryCount: 6, length: 1500 });
    expect(root.typeQuotaInfos).to.equal(undefined);
    await refused(alice.getContentSummary('/user/alice/none'), FNF, 'File does not exist: /user/alice/none');
    // bob may traverse /user/alice and read d, but not the private directory under it
    await refused(s['bob']!.nn.getContentSummary('/user/alice'), ACE, 'Permission denied: user=bob, access=READ_EXECUTE, inode="/user/alice/private":alice:staff:drwx------');
    expect((await s['hdfs']!.nn.getContentSummary('/user/alice')).directoryCount).to.equal(4);
  });

  it('getQuotaUsage: the root answers from its quota (namespace Long.MAX_VALUE), other paths from the content summary', async () => {
    const alice = s['alice']!.nn;
    expect(await alice.getQuotaUsage('/user/alice/d')).to.deep.equal({ fileAndDirectoryCount: 5, quota: -1, spaceConsumed: 2500 + 3 * MiB, spaceQuota: -1 });
    expect(await alice.getQuotaUsage('/')).to.deep.equal({ fileAndDirectoryCount: 9, quota: LONG_MAX, spaceConsumed: 2500 + 3 * MiB, spaceQuota: -1 });
    await refused(alice.getQuotaUsage('/user/alice/none'), FNF, 'File/Directory does not exist: /user/alice/none');
    await refused(s['bob']!.nn.getQuotaUsage('/user/alice'), ACE, 'Permission denied: user=bob, access=READ_EXECUTE, inode="/user/alice/private":alice:staff:drwx------');
  });

  it('setTimes: -1 leaves a time as it is; WRITE access needed; a missing path is FileNotFoundException', async () => {
    const alice = s['alice']!.nn;
    const before = (await alice.getFileInfo('/user/alice/d/f1'))!;
    await alice.setTimes('/user/alice/d/f1', 1_600_000_000_000, -1);
    let st = (await alice.getFileInfo('/user/alice/d/f1'))!;
    expect([st.modification_time, st.access_time]).to.deep.equal([1_600_000_000_000, before.access_time]);
    await alice.setTimes('/user/alice/d/f1', -1, 1_600_000_500_000);
    st = (await alice.getFileInfo('/user/alice/d/f1'))!;
    expect([st.modification_time, st.access_time]).to.deep.equal([1_600_000_000_000, 1_600_000_500_000]);
    await alice.setTimes('/user/alice/d/sub', 1_500_000_000_000, 1_500_000_000_000);
    const listing = (await alice.getListing('/user/alice/d'))!.partialListing!;
    const sub = listing.find((e) => Buffer.from(e.path).toString() === 'sub')!;
    expect([sub.modification_time, sub.access_time]).to.deep.equal([1_500_000_000_000, 1_500_000_000_000]);
    await refused(s['bob']!.nn.setTimes('/user/alice/d/f1', 1, 1), ACE, 'Permission denied: user=bob, access=WRITE, inode="/user/alice/d/f1":alice:staff:-rw-r--r--');
    await refused(alice.setTimes('/user/alice/none', 1, -1), FNF, 'File/Directory /user/alice/none does not exist.');
  });

  it('setReplication: true for a file (the status and the space follow), false for a directory or a missing path, bounds and WRITE checked', async () => {
    const alice = s['alice']!.nn;
    expect(await alice.setReplication('/user/alice/d/f1', 3)).to.equal(true);
    expect((await alice.getFileInfo('/user/alice/d/f1'))!.block_replication).to.equal(3);
    expect((await alice.getContentSummary('/user/alice/d/f1')).spaceConsumed).to.equal(3000);
    expect(await alice.setReplication('/user/alice/d', 3)).to.equal(false);
    expect(await alice.setReplication('/user/alice/none', 3)).to.equal(false);
    await refused(alice.setReplication('/user/alice/d/f1', 0), 'java.io.IOException', 'Requested replication factor of 0 is less than the required minimum of 1 for /user/alice/d/f1');
    await refused(alice.setReplication('/user/alice/d/f1', 600), 'java.io.IOException', 'Requested replication factor of 600 exceeds maximum of 512 for /user/alice/d/f1');
    // the uint32 is read as a Java short
    await refused(alice.setReplication('/user/alice/d/f1', 40000), 'java.io.IOException', 'Requested replication factor of -25536 is less than the required minimum of 1 for /user/alice/d/f1');
    await refused(s['bob']!.nn.setReplication('/user/alice/d/f1', 1), ACE, 'Permission denied: user=bob, access=WRITE, inode="/user/alice/d/f1":alice:staff:-rw-r--r--');
  });

  it('checkAccess: silent when allowed, AccessControlException naming the mode when not, "Path not found: <path>" for a missing path', async () => {
    const bob = s['bob']!.nn;
    await bob.checkAccess('/user/alice/d/f1', 'READ');
    await s['alice']!.nn.checkAccess('/user/alice/d/f1', 'READ_WRITE');
    await refused(bob.checkAccess('/user/alice/d/f1', 'WRITE'), ACE, 'Permission denied: user=bob, access=WRITE, inode="/user/alice/d/f1":alice:staff:-rw-r--r--');
    await refused(bob.checkAccess('/user/alice/d', 'PERM_ALL'), ACE, 'Permission denied: user=bob, access=ALL, inode="/user/alice/d":alice:staff:drwxr-xr-x');
    await refused(bob.checkAccess('/user/alice/none', 'READ'), FNF, 'Path not found: /user/alice/none');
    await refused(bob.checkAccess('/user/alice/private/x', 'READ'), ACE, 'Permission denied: user=bob, access=EXECUTE, inode="/user/alice/private":alice:staff:drwx------');
  });

  it('getFileLinkInfo answers as getFileInfo (no symlinks), and an empty response for a missing path', async () => {
    const alice = s['alice']!.nn;
    expect(await alice.getFileLinkInfo('/user/alice/d/f1')).to.deep.equal(await alice.getFileInfo('/user/alice/d/f1'));
    expect(await alice.getFileLinkInfo('/user/alice/none')).to.equal(undefined);
  });

  it('getStoragePolicies lists the default suite; getStoragePolicy answers the default HOT for any existing path', async () => {
    const bob = s['bob']!.nn;
    const all = await bob.getStoragePolicies();
    expect(all.map((p) => `${p.policyId}:${p.name}`)).to.deep.equal(['1:PROVIDED', '2:COLD', '5:WARM', '7:HOT', '10:ONE_SSD', '12:ALL_SSD', '14:ALL_NVDIMM', '15:LAZY_PERSIST']);
    const hot = { policyId: 7, name: 'HOT', creationPolicy: { storageTypes: ['DISK'] }, replicationFallbackPolicy: { storageTypes: ['ARCHIVE'] } };
    expect(all[3]).to.deep.equal(hot);
    expect(all[1]).to.deep.equal({ policyId: 2, name: 'COLD', creationPolicy: { storageTypes: ['ARCHIVE'] } });
    expect(await bob.getStoragePolicy('/user/alice/d/f1')).to.deep.equal(hot);
    expect(await bob.getStoragePolicy('/')).to.deep.equal(hot);
    await refused(bob.getStoragePolicy('/user/alice/none'), FNF, 'File/Directory does not exist: /user/alice/none');
    await refused(bob.getStoragePolicy('/user/alice/private'), ACE, 'Permission denied: user=bob, access=READ, inode="/user/alice/private":alice:staff:drwx------');
  });

  it('the times and the replication factor survive a NameNode restart (OP_TIMES, OP_SET_REPLICATION replayed)', async () => {
    const before = (await s['alice']!.nn.getFileInfo('/user/alice/d/f1'))!;
    expect(before).to.include({ modification_time: 1_600_000_000_000, access_time: 1_600_000_500_000, block_replication: 3 });
    const sub = (await s['alice']!.nn.getFileInfo('/user/alice/d/sub'))!;
    dn.close();
    await stop();
    await start();
    expect(await s['alice']!.nn.getFileInfo('/user/alice/d/f1')).to.deep.equal(before);
    expect(await s['alice']!.nn.getFileInfo('/user/alice/d/sub')).to.deep.equal(sub);
    expect((await s['alice']!.nn.getContentSummary('/user/alice/d/f1')).spaceConsumed).to.equal(3000);
  });

  it('hsec fs -du [-s] [-h] [-v] and -count [-q] [-h] [-u] print FsShell\'s columns; a missing path is reported and the others go on', async () => {
    expect(await fsAs('alice', '-du', 'd')).to.deep.equal({ code: 0, err: '', out: '1000  3000     d/f1\n0     3145728  d/open\n500   500      d/sub\n' });
    expect(await fsAs('alice', '-du', '-s', '-h', 'd')).to.deep.equal({ code: 0, err: '', out: '1.5 K  3.0 M  d\n' });
    expect((await fsAs('alice', '-du', '-v', '-s', '/user/alice/d/f1')).out)
      .to.equal(`SIZE  DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS  FULL_PATH_NAME\n1000  ${'3000'.padEnd(37)}  /user/alice/d/f1\n`);
    expect(await fsAs('alice', '-du', '-s', 'none', 'd/f1')).to.deep.equal({ code: 1, err: "du: `none': No such file or directory\n", out: '1000  3000  d/f1\n' });
    expect((await fsAs('bob', '-du', '-s', '/user/alice')).err)
      .to.equal('du: Permission denied: user=bob, access=READ_EXECUTE, inode="/user/alice/private":alice:staff:drwx------\n');

    expect((await fsAs('alice', '-count', 'd')).out).to.equal(`${'2'.padStart(12)} ${'3'.padStart(12)} ${'1500'.padStart(18)} d\n`);
    expect((await fsAs('alice', '-count', '-q', '/')).out)
      .to.equal(`9223372036854775807 9223372036854775798 ${'none'.padStart(15)} ${'inf'.padStart(15)} ${'6'.padStart(12)} ${'3'.padStart(12)} ${'1500'.padStart(18)} /\n`);
    expect((await fsAs('alice', '-count', '-q', '-h', '/')).out)
      .to.equal(`${'8.0 E'.padStart(12)} ${'8.0 E'.padStart(15)} ${'none'.padStart(15)} ${'inf'.padStart(15)} ${'6'.padStart(12)} ${'3'.padStart(12)} ${'1.5 K'.padStart(18)} /\n`);
    expect((await fsAs('alice', '-count', '-u', '-v', 'd')).out).to.equal(
      `${'QUOTA'.padStart(12)} ${'REM_QUOTA'.padStart(15)} ${'SPACE_QUOTA'.padStart(15)} ${'REM_SPACE_QUOTA'.padStart(15)} PATHNAME\n` +
      `${'none'.padStart(12)} ${'inf'.padStart(15)} ${'none'.padStart(15)} ${'inf'.padStart(15)} d\n`);
  });

  it('hsec fs -setrep, -test, -touch and -stat', async () => {
    expect(await fsAs('alice', '-setrep', '2', 'd/sub', 'none')).to.deep.equal({ code: 1, out: 'Replication 2 set: d/sub/f2\n', err: "setrep: `none': No such file or directory\n" });
    expect((await s['alice']!.nn.getFileInfo('/user/alice/d/sub/f2'))!.block_replication).to.equal(2);
    expect((await fsAs('bob', '-setrep', '1', '/user/alice/d/sub/f2')).err)
      .to.equal('setrep: Permission denied: user=bob, access=WRITE, inode="/user/alice/d/sub/f2":alice:staff:-rw-r--r--\n');
    const e = await rejection(fsAs('alice', '-setrep', '0', 'd'));
    expect(e.message).to.equal('-setrep: replication must be >= 1');

    const codes = async (user: string, ...tests: string[][]) => Promise.all(tests.map(async (t) => (await fsAs(user, '-test', ...t)).code));
    expect(await codes('alice', ['-d', 'd'], ['-f', 'd'], ['-e', 'none'], ['-e', 'd/f1'], ['-s', 'd/f1'], ['-z', 'd/f1'], ['-z', 'd/open'])).to.deep.equal([0, 1, 1, 0, 0, 1, 0]);
    expect(await codes('bob', ['-r', '/user/alice/d/f1'], ['-w', '/user/alice/d/f1'], ['-w', '/user/alice/none'])).to.deep.equal([0, 1, 1]);
    const hidden = await fsAs('bob', '-test', '-e', '/user/alice/private/x');
    expect(hidden).to.deep.equal({ code: 1, out: '', err: 'test: Permission denied: user=bob, access=EXECUTE, inode="/user/alice/private":alice:staff:drwx------\n' });

    expect(await fsAs('alice', '-stat', 'd/f1')).to.deep.equal({ code: 0, err: '', out: '2020-09-13 12:26:40\n' });
    expect((await fsAs('alice', '-stat', '%F %u:%g %b %r %o %a %A %n %Y %x %q', 'd/f1', 'd')).out).to.equal(
      'regular file alice:staff 1000 3 1048576 644 rw-r--r-- f1 1600000000000 2020-09-13 12:35:00 q\n' +
      `directory alice:staff 0 0 0 755 rwxr-xr-x d ${(await s['alice']!.nn.getFileInfo('/user/alice/d'))!.modification_time} 1970-01-01 00:00:00 q\n`);

    const before = Date.now();
    expect(await fsAs('alice', '-touch', '-m', 'd/f1', 'd/new', 'nodir/x')).to.deep.equal({ code: 1, out: '', err: "touch: `nodir/x': No such file or directory\n" });
    const f1 = (await s['alice']!.nn.getFileInfo('/user/alice/d/f1'))!;
    expect(f1.modification_time).to.be.within(before, Date.now());
    expect(f1.access_time).to.equal(1_600_000_500_000); // -m: the access time stays
    expect((await s['alice']!.nn.getFileInfo('/user/alice/d/new'))!).to.include({ fileType: 'IS_FILE', length: 0 });
    expect(await fsAs('alice', '-touch', '-c', 'd/never')).to.deep.equal({ code: 0, out: '', err: '' });
    expect(await s['alice']!.nn.getFileInfo('/user/alice/d/never')).to.equal(undefined);
    await fsAs('alice', '-touch', '-a', 'd/sub');
    const sub = (await s['alice']!.nn.getFileInfo('/user/alice/d/sub'))!;
    expect(sub.modification_time).to.equal(1_500_000_000_000);
    expect(sub.access_time).to.be.within(before, Date.now());
  });
});
