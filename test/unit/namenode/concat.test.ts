// ClientProtocol.concat on the namesystem without RPC (a real journal store, a ManualClock), as
// Hadoop 3.4.1's FSNamesystem.concat / FSDirConcatOp: the sources' blocks move, in order, to the
// end of the target and the sources go, with no replica deleted; the refusals in Hadoop's order and
// words; the permission checks (none with dfs.permissions.enabled off); the audit lines; and
// the result after a restart (journal, then snapshot).
import { expect } from 'chai';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import type { INodeDirectory } from '../../../cluster/namenode/namespace/inode.ts';
import { QuotaOps } from '../../../cluster/namenode/quota-ops.ts';
import { QUOTA_DONT_SET, QUOTA_RESET } from '../../../cluster/namenode/namespace/quota.ts';
import type { INodeFile } from '../../../cluster/namenode/namespace/inode.ts';
import type { CallerInfo } from '../../../cluster/namenode/namesystem.ts';
import { alice, bob, datanode, hdfsUser, MiB, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';
import { auditLines } from '../../support/log-lines.ts';
import { refused } from '../../support/expect-code.ts';

describe('namenode/concat: ClientProtocol.concat (FSDirConcatOp)', () => {
  let t: TestNamesystem;
  beforeEach(async () => {
    t = await namesystem();
    datanode(t.ns, 'dn-1');
    await t.ns.mkdirs('/d', { perm: 0o777 }, true, hdfsUser);
    await t.ns.mkdirs('/e', { perm: 0o777 }, true, hdfsUser);
  });
  afterEach(() => t.ns.store.close());

  const fileAt = (path: string) => t.ns.fsd.resolveExisting(path) as INodeFile | undefined;
  const concat = (target: string, srcs: string[], caller: CallerInfo = alice) => t.writes.concat(target, srcs, caller);
  const blockIds = (path: string) => fileAt(path)!.blocks.map((b) => b.blockId);

  it('moves the sources\' blocks, in order, to the end of the target; the sources are gone, no replica is deleted, and a restart (journal, then snapshot) keeps it', async () => {
    await writeFile(t, '/d/t', 100);
    await writeFile(t, '/d/a', 200);
    await writeFile(t, '/d/b', 300);
    const expected = [...blockIds('/d/t'), ...blockIds('/d/a'), ...blockIds('/d/b')];
    t.clock.advance(5000);
    await concat('/d/t', ['/d/a', '/d/b']);
    const target = fileAt('/d/t')!;
    expect(blockIds('/d/t')).to.deep.equal(expected);
    expect(target.length()).to.equal(600);
    expect(target.blocks.every((b) => b.file === target)).to.equal(true);
    expect(target.mtime).to.equal(t.clock.now());
    expect(fileAt('/d')!.mtime).to.equal(t.clock.now());
    expect(fileAt('/d/a')).to.equal(undefined);
    expect(fileAt('/d/b')).to.equal(undefined);
    const dn = t.ns.datanodes.get('dn-1')!;
    const cmds = t.ns.datanodes.heartbeat({ registration: dn.registration }, t.ns.clock.now(), 0).cmds ?? [];
    expect(cmds.filter((c) => c.cmdType === 'BlockCommand'), 'no replica is deleted').to.deep.equal([]);
    for (const id of expected) expect(t.ns.fsd.block(id)?.file).to.equal(target);
    t = await t.restart();
    expect(blockIds('/d/t')).to.deep.equal(expected);
    expect(fileAt('/d/t')!.length()).to.equal(600);
    expect(fileAt('/d/a')).to.equal(undefined);
    await t.ns.store.compact(t.ns.fsd);
    t = await t.restart();
    expect(blockIds('/d/t')).to.deep.equal(expected);
  });

  it('refusals in Hadoop\'s order and words', async () => {
    await writeFile(t, '/d/t', 100);
    await writeFile(t, '/d/a', 200);
    await writeFile(t, '/d/b', 300);
    await writeFile(t, '/d/empty', 0);
    await writeFile(t, '/e/x', 10);
    await refused(concat('', ['/d/a']), HadoopException.JAVA_ILLEGAL_ARGUMENT, 'Target file name is empty');
    await refused(concat('/d/t', []), HadoopException.JAVA_ILLEGAL_ARGUMENT, 'No sources given');
    await refused(concat('/.reserved/raw/d/t', ['/d/a']), HadoopException.IO, "Concat operation doesn't support .reserved relative path : /.reserved/raw/d/t");
    await refused(concat('/d/t', ['/.reserved/.inodes/1']), HadoopException.IO, "Concat operation doesn't support .reserved relative path : /.reserved/.inodes/1");
    await refused(concat('/d/nope', ['/d/a']), HadoopException.FILE_NOT_FOUND, 'File does not exist: /d/nope');
    await refused(concat('/d', ['/d/a']), HadoopException.FILE_NOT_FOUND, 'Path is not a file: /d');
    await refused(concat('/d/t', ['/d/nope']), HadoopException.FILE_NOT_FOUND, 'File does not exist: /d/nope');
    await refused(concat('/d/t', ['/e/x']), HadoopException.ILLEGAL_ARGUMENT, 'Source file /e/x is not in the same directory with the target /d/t');
    await refused(concat('/d/t', ['/d/t']), HadoopException.ILLEGAL_ARGUMENT, 'concat: the src file /d/t is the same with the target file /d/t');
    await refused(concat('/d/t', ['/d/empty']), HadoopException.ILLEGAL_ARGUMENT, 'concat: source file /d/empty is invalid or empty or underConstruction');
    await refused(concat('/d/t', ['/d/a', '/d/a']), HadoopException.ILLEGAL_ARGUMENT, 'concat: at least two of the source files are the same');
    // a source with a larger preferred block size
    const client = 'DFSClient_big';
    const st = await t.writes.create({ src: '/d/big', masked: { perm: 0o644 }, clientName: client, createFlag: 1, createParent: false, replication: 1, blockSize: 256 * MiB }, alice);
    await refused(concat('/d/t', ['/d/big']), HadoopException.ILLEGAL_ARGUMENT, 'concat: source file /d/big is invalid or empty or underConstruction');
    await t.writes.complete('/d/big', client, undefined, st.fileId);
    await refused(concat('/d/t', ['/d/big']), HadoopException.ILLEGAL_ARGUMENT, 'concat: source file /d/big is invalid or empty or underConstruction');
    // an open target
    const open = await t.writes.create({ src: '/d/open', masked: { perm: 0o644 }, clientName: 'DFSClient_open', createFlag: 1, createParent: false, replication: 1, blockSize: 128 * MiB }, alice);
    await refused(concat('/d/open', ['/d/a']), HadoopException.ILLEGAL_ARGUMENT, 'concat: target file /d/open is under construction');
    expect(open.fileId).to.be.a('number');
    expect(blockIds('/d/t')).to.have.length(1);
    expect(fileAt('/d/a')).to.not.equal(undefined);
  });

  it('a source whose preferred block size is larger than the target\'s is refused with both sizes', async () => {
    await writeFile(t, '/d/t', 100);
    const client = 'DFSClient_big';
    const st = await t.writes.create({ src: '/d/big', masked: { perm: 0o644 }, clientName: client, createFlag: 1, createParent: false, replication: 1, blockSize: 256 * MiB }, alice);
    const lb = await t.writes.addBlock({ src: '/d/big', clientName: client, fileId: st.fileId }, alice);
    t.ns.blocks.processIncremental(t.ns.datanodes.get('dn-1')!, 'DS-dn-1', 'DISK', [{ block: { blockId: lb.b.blockId, genStamp: lb.b.generationStamp, numBytes: 7 }, status: 'RECEIVED' }]);
    await t.writes.complete('/d/big', client, { ...lb.b, numBytes: 7 }, st.fileId);
    await refused(concat('/d/t', ['/d/big']), HadoopException.ILLEGAL_ARGUMENT,
      `concat: source file /d/big has preferred block size ${256 * MiB} which is greater than the target file's preferred block size ${128 * MiB}`);
  });

  it('permissions: WRITE on the target; READ on each source and WRITE on its directory; none of them with dfs.permissions.enabled off (3.4.1)', async () => {
    await writeFile(t, '/d/t', 100);
    await writeFile(t, '/d/a', 200);
    await writeFile(t, '/d/b', 300);
    await refused(concat('/d/t', ['/d/a', '/d/b'], bob), HadoopException.ACCESS_CONTROL, 'Permission denied: user=bob, access=WRITE, inode="/d/t":alice:supergroup:-rw-r--r--');
    await t.attributes.setPermission('/d/t', { perm: 0o666 }, alice);
    await t.attributes.setPermission('/d/a', { perm: 0o600 }, alice);
    await refused(concat('/d/t', ['/d/a', '/d/b'], bob), HadoopException.ACCESS_CONTROL, 'Permission denied: user=bob, access=READ, inode="/d/a":alice:supergroup:-rw-------');
    await t.attributes.setPermission('/d/a', { perm: 0o644 }, alice);
    await t.attributes.setPermission('/d', { perm: 0o755 }, hdfsUser);
    await refused(concat('/d/t', ['/d/a', '/d/b'], bob), HadoopException.ACCESS_CONTROL, 'Permission denied: user=bob, access=WRITE, inode="/d":hdfs:supergroup:drwxr-xr-x');
    await t.attributes.setPermission('/d', { perm: 0o777 }, hdfsUser);
    await t.attributes.setPermission('/d/a', { perm: 0o600 }, alice);
    // with permissions off, neither the target nor the sources are checked
    // (FSDirConcatOp.verifySrcFiles: `pc != null && fsd.isPermissionEnabled()`)
    await t.attributes.setPermission('/d', { perm: 0o755 }, hdfsUser);
    await t.ns.store.close();
    t = await namesystem({ dir: t.dir, clock: t.clock, settings: { permissions: { enabled: false, superUser: 'hdfs', superGroup: 'supergroup' } } });
    await concat('/d/t', ['/d/a', '/d/b'], bob);
    expect(fileAt('/d/t')!.length()).to.equal(600);
  });

  it('safe mode: SafeModeException "Cannot concat /t" before any other check', async () => {
    await t.ns.enterSafeMode();
    await refused(concat('/d/nope', ['/d/a'], bob), HadoopException.SAFE_MODE, /^Cannot concat \/d\/nope\. Name node is in safe mode\./);
  });

  it('audit lines: cmd concat, the sources as Java prints an array, the target as dst; a permission refusal as allowed=false', async () => {
    await writeFile(t, '/d/t', 100);
    await writeFile(t, '/d/a', 200);
    await writeFile(t, '/d/b', 300);
    const lines = await auditLines(async () => {
      await concat('/d/t', ['/d/a', '/d/b'], bob).catch(() => undefined);
      await concat('/d/t', ['/d/a', '/d/b']);
      await concat('/d/t', ['/d/nope']).catch(() => undefined); // not a permission refusal: no line
    });
    expect(lines.map((l) => l['line'])).to.deep.equal([
      'allowed=false\tugi=bob@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.2\tcmd=concat\tsrc=[/d/a, /d/b]\tdst=/d/t\tperm=null\tproto=rpc',
      'allowed=true\tugi=alice@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.1\tcmd=concat\tsrc=[/d/a, /d/b]\tdst=/d/t\tperm=alice:supergroup:rw-r--r--\tproto=rpc',
    ]);
  });

  it('quotas: one name less per source; a source of a lower replication is charged the target\'s, refused past the space quota (DSQuotaExceededException), and the counts stay right', async () => {
    const quotas = new QuotaOps(t.ns);
    await writeFile(t, '/d/t', 100);
    await writeFile(t, '/d/a', 200);
    await writeFile(t, '/d/b', 300);
    await t.attributes.setReplication('/d/t', 3, alice);
    await quotas.setQuota('/d', QUOTA_DONT_SET, 100n * 3n + 200n + 300n + 10n, undefined, hdfsUser);
    await refused(concat('/d/t', ['/d/a', '/d/b']), HadoopException.DS_QUOTA_EXCEEDED, 'The DiskSpace quota of /d is exceeded: quota = 810 B = 810 B but diskspace consumed = 1800 B = 1.76 KB');
    await quotas.setQuota('/d', 10n, QUOTA_RESET, undefined, hdfsUser);
    await concat('/d/t', ['/d/a', '/d/b']);
    const q = (fileAt('/d') as unknown as INodeDirectory).quota!;
    expect([q.namespace, q.storagespace]).to.deep.equal([2, 600 * 3]);
    t = await t.restart();
    const r = (fileAt('/d') as unknown as INodeDirectory).quota!;
    expect([r.namespace, r.storagespace], 'recounted after a restart').to.deep.equal([2, 600 * 3]);
  });
  it('a million sources: a refusal that is not audited never joins them (no audit line, no debug line built), an audited one does once', async () => {
    await writeFile(t, '/d/t', 100);
    await writeFile(t, '/d/a', 100);
    let joins = 0;
    class Sources extends Array<string> {
      override join(separator?: string): string {
        joins++;
        return super.join(separator);
      }
    }
    const missing = Sources.from({ length: 1_000_000 }, (_, i) => `/d/missing${i}`);
    await refused(concat('/d/t', missing), HadoopException.FILE_NOT_FOUND, 'File does not exist: /d/missing0');
    expect(joins, 'FileNotFoundException is not audited').to.equal(0);
    const lines = await auditLines(async () => {
      await refused(concat('/d/t', Sources.from(['/d/a', ...Array.from({ length: 999_999 }, () => '/d/a')])), HadoopException.ILLEGAL_ARGUMENT, 'concat: at least two of the source files are the same');
    }, 'info'); // debug off, as a NameNode runs
    expect([joins, lines.length], 'an IllegalArgumentException is not audited either').to.deep.equal([0, 0]);
    // an AccessControlException is audited with the sources as Java prints the array
    await t.attributes.setPermission('/d/t', { perm: 0o444 }, hdfsUser);
    const denied = await auditLines(async () => {
      await refused(concat('/d/t', Sources.from(['/d/a'])), HadoopException.ACCESS_CONTROL);
    }, 'info');
    expect([joins, denied.length]).to.deep.equal([1, 1]);
    expect(String(denied[0]!['line'])).to.include('cmd=concat\tsrc=[/d/a]\tdst=/d/t');
  });
});
