/**
 * Directory quotas end to end over a real MIT KDC with the hsec NameNode and a DataNode (Kerberos
 * RPC, block tokens, blocks of 4096 bytes): `hsec dfsadmin -setQuota / -setSpaceQuota / -clrQuota /
 * -clrSpaceQuota` as the superuser (a plain user refused), a mkdirs past the namespace quota and a
 * block past the space quota refused over the wire with NSQuotaExceededException /
 * DSQuotaExceededException and Hadoop's text (as `hsec fs` prints them), `hsec fs -count -q`
 * showing the quota columns, and the quotas and their counts after a NameNode restart; the
 * <dirname> words expanded as `hsec fs` expands paths (globs, paths relative to /user/<short name>).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';
import { dfsadminShell, type DfsadminShell } from '../../support/dfsadmin-shell.ts';

const BLOCK = 4096;
const SMALL_BLOCKS = { 'dfs.blocksize': String(BLOCK), 'dfs.namenode.fs-limits.min-block-size': '1024', 'dfs.data.transfer.protection': 'authentication', 'dfs.replication': '1' };

describe('hdfs: quotas (MIT KDC, hsec NameNode and DataNode, hsec dfsadmin and hsec fs)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let fs: HdfsClient;
  let shell: FsShellUser;
  let admin: DfsadminShell;

  const dfsadmin = (user: string, ...args: string[]) => admin.run(user, ...args);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-quotas-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: SMALL_BLOCKS });
    fs = await hdfs.client('alice');
    shell = await fsShellUser(hdfs, 'alice');
    admin = await dfsadminShell(realm.kdc, hdfs, dir, undefined, 'conf-admin');
    await fs.mkdir('/user/alice/q');
    await fs.mkdir('/user/alice/s');
  });
  after(async () => {
    await hdfs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('-setQuota needs the superuser; past the namespace quota a mkdirs is refused with NSQuotaExceededException and Hadoop\'s text', async () => {
    const plain = await dfsadmin('alice', '-setQuota', '3', '/user/alice/q');
    expect(plain.code).to.not.equal(0);
    expect(plain.err).to.contain('Superuser privilege is required');
    const set = await dfsadmin('nn', '-setQuota', '3', '/user/alice/q');
    expect([set.code, set.err]).to.deep.equal([0, '']);
    await fs.mkdir('/user/alice/q/a');
    await fs.mkdir('/user/alice/q/b');
    const e = await fs.mkdir('/user/alice/q/c').then(() => undefined, (x: Error & { details?: Record<string, unknown> }) => x);
    expect(e?.details?.['exceptionClassName']).to.equal('org.apache.hadoop.hdfs.protocol.NSQuotaExceededException');
    expect(e?.message).to.contain('The NameSpace quota (directories and files) of directory /user/alice/q is exceeded: quota=3 file count=4');
    const mkdir = await shell.fs('-mkdir', '/user/alice/q/d');
    expect(mkdir.code).to.equal(1);
    expect(mkdir.err).to.contain('The NameSpace quota (directories and files) of directory /user/alice/q is exceeded: quota=3 file count=4');
  });

  it('-setSpaceQuota: a block past the space quota is refused with DSQuotaExceededException; -count -q shows the quotas and what is used', async () => {
    const set = await dfsadmin('nn', '-setSpaceQuota', '6k', '/user/alice/s');
    expect([set.code, set.err]).to.deep.equal([0, '']);
    await fs.writeFile('/user/alice/s/one', Buffer.alloc(BLOCK, 1));
    const e = await fs.writeFile('/user/alice/s/two', Buffer.alloc(BLOCK, 2)).then(() => undefined, (x: Error & { details?: Record<string, unknown> }) => x);
    expect(e, 'the second block is refused').to.be.instanceOf(Error);
    expect(String(e?.details?.['exceptionClassName'] ?? e?.message)).to.contain('DSQuotaExceededException');
    expect(e?.message).to.contain('The DiskSpace quota of /user/alice/s is exceeded: quota = 6144 B = 6 KB but diskspace consumed = 8192 B = 8 KB');
    const count = await shell.fs('-count', '-q', '/user/alice/s');
    expect(count.code).to.equal(0);
    // QUOTA REM_QUOTA SPACE_QUOTA REM_SPACE_QUOTA DIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME
    expect(count.out.trim().split(/\s+/)).to.deep.equal(['none', 'inf', '6144', String(6144 - BLOCK), '1', String((await fs.exists('/user/alice/s/two')) ? 2 : 1), String(BLOCK), '/user/alice/s']);
  });

  it('a NameNode restart keeps the quotas and recounts their use; -clrQuota and -clrSpaceQuota remove them', async () => {
    await hdfs.restartNameNode();
    const q = await fs.quotaUsage('/user/alice/q');
    expect([q.quota, q.fileAndDirectoryCount]).to.deep.equal([3, 3]);
    const s = await fs.quotaUsage('/user/alice/s');
    expect([s.spaceQuota, s.spaceConsumed]).to.deep.equal([6144, BLOCK]);
    expect((await dfsadmin('nn', '-clrQuota', '/user/alice/q')).code).to.equal(0);
    expect((await dfsadmin('nn', '-clrSpaceQuota', '/user/alice/s')).code).to.equal(0);
    await fs.mkdir('/user/alice/q/c');
    expect((await fs.quotaUsage('/user/alice/q')).quota).to.equal(-1);
    expect((await fs.quotaUsage('/user/alice/s')).spaceQuota).to.equal(-1);
  });

  it('<dirname> is expanded as `hsec fs` expands paths (Command.runAll): a glob, a path relative to /user/<short name>; a refusal skips the rest of its glob', async () => {
    await fs.mkdir('/user/alice/g1');
    await fs.mkdir('/user/alice/g2');
    const glob = await dfsadmin('nn', '-setQuota', '5', '/user/alice/g*', '/user/alice/nomatch*');
    expect([glob.code, glob.err]).to.deep.equal([0, '']); // a glob matching nothing is no error
    expect([(await fs.quotaUsage('/user/alice/g1')).quota, (await fs.quotaUsage('/user/alice/g2')).quota]).to.deep.equal([5, 5]);
    const admin = await hdfs.admin();
    await admin.mkdir(`${admin.workingDirectory}/rel`);
    const rel = await dfsadmin('nn', '-setSpaceQuota', '1m', 'rel');
    expect([rel.code, rel.err]).to.deep.equal([0, '']);
    expect((await admin.quotaUsage(`${admin.workingDirectory}/rel`)).spaceQuota).to.equal(1024 * 1024);
    // g0, a file, sorts first: its refusal ends `g*` (g1 and g2 keep their quota); the next word goes on
    await fs.writeFile('/user/alice/g0', Buffer.alloc(0));
    const clr = await dfsadmin('nn', '-clrQuota', '/user/alice/g*', `${hdfs.conf.get('fs.defaultFS')}/user/alice/g2`, 'missing');
    expect(clr.code).to.equal(255);
    expect(clr.err).to.equal("clrQuota: `/user/alice/g0': Is not a directory\nclrQuota: Directory does not exist: /user/nn/missing\n");
    expect([(await fs.quotaUsage('/user/alice/g1')).quota, (await fs.quotaUsage('/user/alice/g2')).quota]).to.deep.equal([5, -1]);
  });
});
