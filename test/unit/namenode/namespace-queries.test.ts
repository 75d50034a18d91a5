// getContentSummary, getQuotaUsage, setTimes, setReplication, checkAccess and getStoragePolicy on
// the namesystem without RPC (a real journal store in a temp dir, a ManualClock): the audit lines
// FSNamesystem writes for each (and the ones it does not), setTimes refused an access time when
// access times are off, the checks off with dfs.permissions.enabled=false, and times and
// replication factors restored from a snapshot as well as from the journal.
import { expect } from 'chai';
import { ContentSummaries } from '../../../cluster/namenode/content-summary.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import { FsAction } from '../../../cluster/namenode/namespace/permission-checker.ts';
import { StoragePolicies } from '../../../cluster/namenode/storage-policies.ts';
import { auditLines } from '../../support/log-lines.ts';
import { alice, bob, datanode, hdfsUser, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';

async function refused(p: Promise<unknown>, cls: string, message: string): Promise<void> {
  const e = await p.then(() => undefined, (x: Error & { details?: Record<string, unknown> }) => x);
  expect(e, 'expected a refusal').to.be.instanceOf(Error);
  expect(e!.details?.['exceptionClassName'], e!.message).to.equal(cls);
  expect(e!.message).to.equal(message);
}

describe('namenode/namespace queries: content summary, quota usage, times, replication, access (FSDirStatAndListingOp, FSDirAttrOp)', () => {
  let t: TestNamesystem;
  beforeEach(async () => {
    t = await namesystem();
    datanode(t.ns, 'dn-1');
    await t.ns.mkdirs('/a', { perm: 0o755 }, true, hdfsUser);
    await t.attributes.setOwner('/a', 'alice', undefined, hdfsUser);
    await t.ns.mkdirs('/a/private', { perm: 0o700 }, true, alice);
    await writeFile(t, '/a/f', 4096, alice);
  });
  afterEach(() => t.ns.store.close());

  it('audit lines: contentSummary, quotaUsage, setTimes (with the status), setReplication, checkAccess (allowed and refused); refusals as allowed=false', async () => {
    const summaries = new ContentSummaries(t.ns);
    const lines = await auditLines(async () => {
      summaries.getContentSummary('/a/f', alice);
      summaries.getQuotaUsage('/a', alice);
      expect(() => summaries.getContentSummary('/a', bob)).to.throw('Permission denied: user=bob, access=READ_EXECUTE, inode="/a/private":alice:supergroup:drwx------');
      expect(() => summaries.getContentSummary('/none', bob)).to.throw('File does not exist: /none'); // not audited
      await t.attributes.setTimes('/a/f', 1000, 2000, alice);
      expect(await t.attributes.setReplication('/a/f', 2, alice)).to.equal(true);
      expect(await t.attributes.setReplication('/a', 2, alice)).to.equal(false); // no line for a directory
      await refused(t.attributes.setReplication('/a/f', 1, bob), HadoopException.ACCESS_CONTROL,
        'Permission denied: user=bob, access=WRITE, inode="/a/f":alice:supergroup:-rw-r--r--');
      t.ns.checkAccess('/a/f', FsAction.READ, bob);
      expect(() => t.ns.checkAccess('/a/f', FsAction.WRITE, bob)).to.throw('Permission denied: user=bob, access=WRITE');
      new StoragePolicies(t.ns).getStoragePolicy('/a/f', bob); // Hadoop does not audit it
    });
    expect(lines.map((l) => l['line'])).to.deep.equal([
      'allowed=true\tugi=alice@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.1\tcmd=contentSummary\tsrc=/a/f\tdst=null\tperm=null\tproto=rpc',
      'allowed=true\tugi=alice@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.1\tcmd=quotaUsage\tsrc=/a\tdst=null\tperm=null\tproto=rpc',
      'allowed=false\tugi=bob@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.2\tcmd=contentSummary\tsrc=/a\tdst=null\tperm=null\tproto=rpc',
      'allowed=true\tugi=alice@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.1\tcmd=setTimes\tsrc=/a/f\tdst=null\tperm=alice:supergroup:rw-r--r--\tproto=rpc',
      'allowed=true\tugi=alice@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.1\tcmd=setReplication\tsrc=/a/f\tdst=null\tperm=null\tproto=rpc',
      'allowed=false\tugi=bob@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.2\tcmd=setReplication\tsrc=/a/f\tdst=null\tperm=null\tproto=rpc',
      'allowed=true\tugi=bob@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.2\tcmd=checkAccess\tsrc=/a/f\tdst=null\tperm=null\tproto=rpc',
      'allowed=false\tugi=bob@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.2\tcmd=checkAccess\tsrc=/a/f\tdst=null\tperm=null\tproto=rpc',
    ]);
  });

  it('setTimes: an access time is refused when access times are off (dfs.namenode.accesstime.precision=0); a modification time alone is not', async () => {
    await t.ns.store.close();
    t = await namesystem({ settings: { accessTimePrecision: 0 } });
    await writeFile(t, '/f', 0, hdfsUser);
    await refused(t.attributes.setTimes('/f', -1, 5, hdfsUser), HadoopException.IO,
      'Access time for hdfs is not configured.  Please set dfs.namenode.accesstime.precision configuration parameter.');
    await t.attributes.setTimes('/f', 5, -1, hdfsUser);
    expect(t.ns.getFileInfo('/f', hdfsUser)!.modification_time).to.equal(5);
  });

  it('dfs.permissions.enabled=false: the subtree and access checks are off, the traverse of a file is still refused', async () => {
    await t.ns.store.close();
    t = await namesystem({ settings: { permissions: { enabled: false, superUser: 'hdfs', superGroup: 'supergroup' } } });
    datanode(t.ns, 'dn-1');
    await t.ns.mkdirs('/a/private', { perm: 0o700 }, true, alice);
    await writeFile(t, '/a/f', 10, alice);
    const summaries = new ContentSummaries(t.ns);
    expect(summaries.getContentSummary('/a', bob)).to.include({ fileCount: 1, directoryCount: 2, length: 10, spaceConsumed: 10 });
    await t.attributes.setTimes('/a/f', 7, 7, bob);
    t.ns.checkAccess('/a/f', FsAction.ALL, bob);
    expect(() => summaries.getContentSummary('/a/f/x', bob)).to.throw('/a/f (is not a directory)');
  });

  it('times and replication factors come back from the journal, then from a snapshot', async () => {
    await t.attributes.setTimes('/a', 11, 12, alice);
    await t.attributes.setReplication('/a/f', 7, alice);
    await t.attributes.setTimes('/a/f', 13, -1, hdfsUser);
    const status = (r: TestNamesystem) => [r.ns.getFileInfo('/a', alice)!, r.ns.getFileInfo('/a/f', alice)!]
      .map((s) => [s.modification_time, s.access_time, s.block_replication]);
    const expected = status(t);
    expect(expected).to.deep.equal([[11, 12, 0], [13, 1_700_000_000_000, 7]]);
    t = await t.restart();
    expect(t.ns.store.stats.replayed).to.be.greaterThan(0);
    expect(status(t)).to.deep.equal(expected);
    await t.ns.write(() => t.ns.store.compact(t.ns.fsd));
    t = await t.restart();
    expect(t.ns.store.stats.replayed).to.equal(0);
    expect(status(t)).to.deep.equal(expected);
    expect(new ContentSummaries(t.ns).getContentSummary('/a/f', alice).spaceConsumed).to.equal(4096 * 7);
  });
});
