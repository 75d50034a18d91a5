// The snapshot calls on the namesystem without RPC, as a stock Hadoop 3.4.1 NameNode with no
// snapshottable directory but its root (snapshottable, snapshot quota 0) answers them:
// createSnapshot's name checks and the root's quota, deleteSnapshot, renameSnapshot,
// getSnapshotListing, getSnapshotDiffReport and getSnapshotDiffReportListing (NameNodeRpcServer,
// FSNamesystem, FSDirSnapshotOp, SnapshotManager, DirectorySnapshottableFeature): each check in
// Hadoop's order, its exception class and message, the audit lines, and nothing journaled.
import { expect } from 'chai';
import { ClusterStatus } from '../../../cluster/namenode/cluster-status.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import { MANUAL_SAFE_MODE_TIP } from '../../../cluster/namenode/namesystem.ts';
import { snapshotPath, SnapshotOps } from '../../../cluster/namenode/snapshot-ops.ts';
import { auditLines, logLines } from '../../support/log-lines.ts';
import { alice, bob, hdfsUser, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';

const HOST = 'nn.example.com';
type Refusal = Error & { details: Record<string, unknown> };

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<Refusal> {
  const run = typeof p === 'function' ? Promise.resolve().then(p) : p;
  const e = await run.then(() => undefined, (x: Refusal) => x);
  expect(e, 'expected a refusal').to.be.instanceOf(Error);
  return e!;
}

async function refusedWith(p: Promise<unknown> | (() => unknown), exceptionClassName: string, message: string): Promise<void> {
  const e = await refusal(p);
  expect([e.details['exceptionClassName'], e.message]).to.deep.equal([exceptionClassName, message]);
}

/** `allowed ugi cmd src dst` of an audit line. */
const cmd = (l: Record<string, unknown>) => String(l['line']).replace(/^allowed=(\w+)\tugi=([^ ]+) [^\t]+\tip=[^\t]+\tcmd=([^\t]+)\tsrc=([^\t]+)\tdst=([^\t]+)\t.*$/, '$1 $2 $3 $4 $5');
const NOT_SNAPSHOTTABLE = (p: string) => `Directory is not a snapshottable directory: ${p}`;
const ROOT_QUOTA = 'Failed to add snapshot: there are already 0 snapshot(s) and the snapshot quota is 0';
const READ_ONLY = 'Modification on a read-only snapshot is disallowed';
const safeMode = (what: string) => `${what}. Name node is in safe mode.\n${MANUAL_SAFE_MODE_TIP} NamenodeHostName:${HOST}`;

describe('namenode/snapshot calls without snapshots (SnapshotManager, FSDirSnapshotOp, Hadoop 3.4.1)', () => {
  let t: TestNamesystem;
  let status: ClusterStatus;
  let snaps: SnapshotOps;
  beforeEach(async () => {
    t = await namesystem();
    t.ns.nameNodeHostName = HOST;
    status = new ClusterStatus(t.ns);
    snaps = new SnapshotOps(t.ns);
    await t.ns.mkdirs('/tmp', { perm: 0o1777 }, true, hdfsUser);
    await t.ns.mkdirs('/tmp/a', { perm: 0o700 }, true, alice);
    await writeFile(t, '/tmp/a/f', 0, alice);
    await writeFile(t, '/f', 0, hdfsUser);
  });
  afterEach(() => t.ns.store.close());

  it('Snapshot.getSnapshotPath: <dir>/.snapshot/<name>, the root without a doubled "/"', () => {
    expect([snapshotPath('/', 's1'), snapshotPath('/d', 's1'), snapshotPath('/d/', '')]).to.deep.equal(['/.snapshot/s1', '/d/.snapshot/s1', '/d/.snapshot/']);
  });

  describe('createSnapshot', () => {
    it('"/": the root is snapshottable with a quota of 0, so the superuser hears the quota; the owner check comes first', async () => {
      await refusedWith(snaps.createSnapshot('/', undefined, hdfsUser), HadoopException.SNAPSHOT, ROOT_QUOTA);
      await refusedWith(snaps.createSnapshot('/', 's1', hdfsUser), HadoopException.SNAPSHOT, ROOT_QUOTA);
      const lines = await auditLines(() => refusedWith(snaps.createSnapshot('/', 's1', alice), HadoopException.ACCESS_CONTROL, 'Permission denied. user=alice is not the owner of inode=/'));
      expect(lines.map(cmd)).to.deep.equal(['false alice@EXAMPLE.COM createSnapshot / null']);
    });

    it('the name after the owner check and before the snapshottable one: DFSUtil.isValidNameForComponent, then ".snapshot" and the component length', async () => {
      for (const name of ['a:b', '.', '..', 'a/b', '.snapshot', '.reserved']) {
        await refusedWith(snaps.createSnapshot('/tmp/a', name, alice), HadoopException.INVALID_PATH, `Invalid path name Invalid snapshot name: ${name}`);
      }
      await refusedWith(snaps.createSnapshot('/tmp/a', 'x'.repeat(256), alice), HadoopException.PATH_COMPONENT_TOO_LONG,
        `The maximum path component name limit of ${'x'.repeat(256)} in directory /tmp/a is exceeded: limit=255 length=256`);
      // 255 bytes, and a name holding what isValidName refuses in a path but not in a component
      await refusedWith(snaps.createSnapshot('/tmp/a', 'x'.repeat(255), alice), HadoopException.SNAPSHOT, NOT_SNAPSHOTTABLE('/tmp/a'));
      await refusedWith(snaps.createSnapshot('/tmp/a', '.snapshots', alice), HadoopException.SNAPSHOT, NOT_SNAPSHOTTABLE('/tmp/a'));
      // the owner check (and a missing path's FileNotFoundException) before the name
      await refusedWith(snaps.createSnapshot('/tmp/a', 'a:b', bob), HadoopException.ACCESS_CONTROL, 'Permission denied. user=bob is not the owner of inode=/tmp/a');
      await refusedWith(snaps.createSnapshot('/tmp/none', 'a:b', alice), HadoopException.FILE_NOT_FOUND, 'Directory/File does not exist /tmp/none');
      // on "/" too: the name before the quota
      await refusedWith(snaps.createSnapshot('/', 'a:b', hdfsUser), HadoopException.INVALID_PATH, 'Invalid path name Invalid snapshot name: a:b');
      // an empty name is generated, so valid
      await refusedWith(snaps.createSnapshot('/', '', hdfsUser), HadoopException.SNAPSHOT, ROOT_QUOTA);
    });

    it('a file is not a directory; a path inside the root\'s .snapshot is a read-only snapshot (an AccessControlException, audited)', async () => {
      await refusedWith(snaps.createSnapshot('/tmp/a/f', 's1', alice), HadoopException.PATH_IS_NOT_DIRECTORY, '`/tmp/a/f\': Is not a directory');
      const lines = await auditLines(async () => {
        await refusedWith(snaps.createSnapshot('/.snapshot', 's1', hdfsUser), HadoopException.SNAPSHOT_ACCESS_CONTROL, READ_ONLY);
        await refusedWith(snaps.createSnapshot('/.snapshot/s0/x', 's1', alice), HadoopException.SNAPSHOT_ACCESS_CONTROL, READ_ONLY);
        // a directory's own .snapshot is a missing child: it is not snapshottable
        await refusedWith(snaps.createSnapshot('/tmp/a/.snapshot', 's1', alice), HadoopException.FILE_NOT_FOUND, 'Directory/File does not exist /tmp/a/.snapshot');
      });
      expect(lines.map(cmd)).to.deep.equal(['false hdfs/nn.example.com@EXAMPLE.COM createSnapshot /.snapshot null', 'false alice@EXAMPLE.COM createSnapshot /.snapshot/s0/x null']);
    });

    it('with dfs.permissions.enabled false: no owner check, so a missing path is SnapshotManager\'s "Directory does not exist"', async () => {
      const open = await namesystem({ settings: { permissions: { enabled: false, superUser: 'hdfs', superGroup: 'supergroup' } } });
      try {
        await open.ns.mkdirs('/d', { perm: 0o700 }, true, alice);
        const ops = new SnapshotOps(open.ns);
        await refusedWith(ops.createSnapshot('/d', 's1', bob), HadoopException.SNAPSHOT, NOT_SNAPSHOTTABLE('/d'));
        await refusedWith(ops.createSnapshot('/none', 's1', bob), HadoopException.FILE_NOT_FOUND, 'Directory does not exist: /none');
        await refusedWith(ops.createSnapshot('/', 's1', bob), HadoopException.SNAPSHOT, ROOT_QUOTA);
      } finally {
        open.ns.store.close();
      }
    });
  });

  describe('deleteSnapshot', () => {
    it('an empty name first (even in safe mode), then safe mode, the owner, then "/" has no such snapshot and others are not snapshottable', async () => {
      const tx = t.ns.txid;
      await refusedWith(snaps.deleteSnapshot('/', 's1', hdfsUser), HadoopException.SNAPSHOT, 'Cannot delete snapshot s1 from path /: the snapshot does not exist.');
      await refusedWith(snaps.deleteSnapshot('/tmp/a', 's1', alice), HadoopException.SNAPSHOT, NOT_SNAPSHOTTABLE('/tmp/a'));
      await refusedWith(snaps.deleteSnapshot('/tmp/a/f', 's1', alice), HadoopException.PATH_IS_NOT_DIRECTORY, '`/tmp/a/f\': Is not a directory');
      await refusedWith(snaps.deleteSnapshot('/tmp/none', 's1', alice), HadoopException.FILE_NOT_FOUND, 'Directory/File does not exist /tmp/none');
      await refusedWith(snaps.deleteSnapshot('/.snapshot/s1', 's1', hdfsUser), HadoopException.SNAPSHOT_ACCESS_CONTROL, READ_ONLY);
      const lines = await auditLines(async () => {
        await refusedWith(snaps.deleteSnapshot('/tmp/a', 's1', bob), HadoopException.ACCESS_CONTROL, 'Permission denied. user=bob is not the owner of inode=/tmp/a');
        await refusedWith(snaps.deleteSnapshot('/', 's1', alice), HadoopException.ACCESS_CONTROL, 'Permission denied. user=alice is not the owner of inode=/');
      });
      expect(lines.map(cmd)).to.deep.equal(['false bob@EXAMPLE.COM deleteSnapshot /tmp/a/.snapshot/s1 null', 'false alice@EXAMPLE.COM deleteSnapshot /.snapshot/s1 null']);
      await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
      await refusedWith(snaps.deleteSnapshot('/tmp/a', '', alice), HadoopException.IO, 'The snapshot name is null or empty.');
      await refusedWith(snaps.deleteSnapshot('/tmp/a', 's1', bob), HadoopException.SAFE_MODE, safeMode('Cannot delete snapshot for /tmp/a'));
      expect(t.ns.txid).to.equal(tx);
    });
  });

  describe('renameSnapshot', () => {
    it('an empty new name first, then safe mode, the owner, the new name (verifySnapshotName only), then "/" has no such snapshot', async () => {
      await refusedWith(snaps.renameSnapshot('/', 's1', 's2', hdfsUser), HadoopException.SNAPSHOT, 'The snapshot s1 does not exist for directory /');
      await refusedWith(snaps.renameSnapshot('/', 's1', 's1', hdfsUser), HadoopException.SNAPSHOT, 'The snapshot s1 does not exist for directory /');
      await refusedWith(snaps.renameSnapshot('/tmp/a', 's1', 's2', alice), HadoopException.SNAPSHOT, NOT_SNAPSHOTTABLE('/tmp/a'));
      await refusedWith(snaps.renameSnapshot('/tmp/a', 's1', 'a/b', alice), HadoopException.ILLEGAL_ARGUMENT, 'Snapshot name cannot contain "/"');
      await refusedWith(snaps.renameSnapshot('/tmp/a', 's1', '.snapshot', alice), HadoopException.ILLEGAL_ARGUMENT, '".snapshot" is a reserved name.');
      await refusedWith(snaps.renameSnapshot('/tmp/a', 's1', 'y'.repeat(256), alice), HadoopException.PATH_COMPONENT_TOO_LONG,
        `The maximum path component name limit of ${'y'.repeat(256)} in directory /tmp/a is exceeded: limit=255 length=256`);
      // no isValidNameForComponent here: ':' and '..' pass to the snapshottable check
      await refusedWith(snaps.renameSnapshot('/', 's1', 'a:b', hdfsUser), HadoopException.SNAPSHOT, 'The snapshot s1 does not exist for directory /');
      await refusedWith(snaps.renameSnapshot('/tmp/a', 's1', '..', alice), HadoopException.SNAPSHOT, NOT_SNAPSHOTTABLE('/tmp/a'));
      const lines = await auditLines(() => refusedWith(snaps.renameSnapshot('/tmp/a', 's1', 'a/b', bob), HadoopException.ACCESS_CONTROL, 'Permission denied. user=bob is not the owner of inode=/tmp/a'));
      expect(lines.map(cmd)).to.deep.equal(['false bob@EXAMPLE.COM renameSnapshot /tmp/a/.snapshot/s1 /tmp/a/.snapshot/a/b']);
      await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
      await refusedWith(snaps.renameSnapshot('/tmp/a', 's1', '', alice), HadoopException.IO, 'The new snapshot name is null or empty.');
      await refusedWith(snaps.renameSnapshot('/tmp/a', 's1', 's2', alice), HadoopException.SAFE_MODE, safeMode('Cannot rename snapshot for /tmp/a'));
    });
  });

  describe('getSnapshotListing', () => {
    it('"/": no snapshots (an empty listing), for anyone who may read it, in safe mode too; audited as ListSnapshot', async () => {
      await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
      const lines = await auditLines(async () => {
        expect(snaps.getSnapshotListing('/', alice)).to.deep.equal([]);
      });
      expect(lines.map(cmd)).to.deep.equal(['true alice@EXAMPLE.COM ListSnapshot / null']);
    });

    it('READ on the path (audited as refused), the simple traverse\'s ParentNotDirectoryException, then the directory and its snapshottability (not audited)', async () => {
      const lines = await auditLines(async () => {
        await refusedWith(() => snaps.getSnapshotListing('/tmp/a', bob), HadoopException.ACCESS_CONTROL,
          'Permission denied: user=bob, access=READ, inode="/tmp/a":alice:supergroup:drwx------');
        await refusedWith(() => snaps.getSnapshotListing('/tmp/a/x', bob), HadoopException.ACCESS_CONTROL,
          'Permission denied: user=bob, access=EXECUTE, inode="/tmp/a":alice:supergroup:drwx------');
        await refusedWith(() => snaps.getSnapshotListing('/f/x', bob), HadoopException.PARENT_NOT_DIRECTORY, '/f (is not a directory)');
        await refusedWith(() => snaps.getSnapshotListing('/tmp/a', alice), HadoopException.SNAPSHOT, NOT_SNAPSHOTTABLE('/tmp/a'));
        await refusedWith(() => snaps.getSnapshotListing('/tmp/a/f', alice), HadoopException.PATH_IS_NOT_DIRECTORY, '`/tmp/a/f\': Is not a directory');
        await refusedWith(() => snaps.getSnapshotListing('/tmp/none', alice), HadoopException.FILE_NOT_FOUND, 'Directory does not exist: /tmp/none');
        // the superuser passes the permission checks
        await refusedWith(() => snaps.getSnapshotListing('/tmp/a', hdfsUser), HadoopException.SNAPSHOT, NOT_SNAPSHOTTABLE('/tmp/a'));
      });
      expect(lines.map(cmd)).to.deep.equal(['false bob@EXAMPLE.COM ListSnapshot /tmp/a null', 'false bob@EXAMPLE.COM ListSnapshot /tmp/a/x null']);
    });
  });

  describe('getSnapshotDiffReport and getSnapshotDiffReportListing', () => {
    it('"/" against itself: an empty report (and listing, cursor "" / -1), audited as computeSnapshotDiff, the report logged', async () => {
      const info = await logLines('namenode.namesystem', 'info', async () => {
        expect(snaps.getSnapshotDiffReport('/', '', '', alice)).to.deep.equal({ snapshotRoot: '/', fromSnapshot: '', toSnapshot: '', diffReportEntries: [] });
      });
      const lines = await auditLines(async () => {
        snaps.getSnapshotDiffReport('/', '', '', alice);
        expect(snaps.getSnapshotDiffReportListing('/', '', '', alice)).to.deep.equal({
          modifiedEntries: [], createdEntries: [], deletedEntries: [], isFromEarlier: false, cursor: { startPath: new Uint8Array(0), index: -1 },
        });
      });
      expect(lines.map(cmd)).to.deep.equal(['true alice@EXAMPLE.COM computeSnapshotDiff / /', 'true alice@EXAMPLE.COM computeSnapshotDiff / /']);
      expect(info.map((l) => l['line'])).to.have.length(1);
      expect(String(info[0]!['line'])).to.match(/^SnapshotDiffReport '' to ''\. Total comparison dirs: 0\/0, files: 0\/0\. Time snapChildrenListing: 0\.0s, actual: \d+\.\d+s, total: \d+\.\d+s\.$/);
    });

    it('a named snapshot of "/" is not found (from first); the listing looks both up before comparing them (s1 against s1 too)', async () => {
      const missing = (name: string) => `Cannot find the snapshot of directory / with name ${name}`;
      for (const diff of [snaps.getSnapshotDiffReport.bind(snaps), snaps.getSnapshotDiffReportListing.bind(snaps)]) {
        await refusedWith(() => diff('/', 's1', '', alice), HadoopException.SNAPSHOT, missing('s1'));
        await refusedWith(() => diff('/', '', 's2', alice), HadoopException.SNAPSHOT, missing('s2'));
        await refusedWith(() => diff('/', 's1', 's2', alice), HadoopException.SNAPSHOT, missing('s1'));
        await refusedWith(() => diff('/', 's1', 's1', alice), HadoopException.SNAPSHOT, missing('s1'));
      }
    });

    it('allow.snap-root-descendant (default true): a directory under "/" is neither snapshottable nor under a snapshot root; a file or missing path is looked at through its parent', async () => {
      const neither = (p: string) => `The path ${p} is neither snapshottable nor under a snapshot root!`;
      await refusedWith(() => snaps.getSnapshotDiffReport('/tmp', '', '', alice), HadoopException.SNAPSHOT, neither('/tmp'));
      await refusedWith(() => snaps.getSnapshotDiffReport('/tmp/a', '', '', alice), HadoopException.SNAPSHOT, neither('/tmp/a'));
      await refusedWith(() => snaps.getSnapshotDiffReport('/tmp/a/f', '', '', hdfsUser), HadoopException.ACCESS_CONTROL, '/tmp/a/f (is not a directory)');
      await refusedWith(() => snaps.getSnapshotDiffReport('/tmp/none', '', '', alice), HadoopException.SNAPSHOT, neither('/tmp/none'));
      // the parent is "/" (snapshottable): then the path itself must be a directory
      await refusedWith(() => snaps.getSnapshotDiffReport('/none', '', '', alice), HadoopException.FILE_NOT_FOUND, 'Directory does not exist: /none');
      await refusedWith(() => snaps.getSnapshotDiffReportListing('/none/x', '', '', alice), HadoopException.FILE_NOT_FOUND, 'Directory does not exist: /none');
    });

    it('allow.snap-root-descendant false: the path itself must be snapshottable (SnapshotManager.getSnapshottableRoot); "/" still answers', async () => {
      const strict = await namesystem({ settings: { snapshotDiffAllowSnapRootDescendant: false } });
      try {
        await strict.ns.mkdirs('/d', { perm: 0o755 }, true, hdfsUser);
        const ops = new SnapshotOps(strict.ns);
        await refusedWith(() => ops.getSnapshotDiffReport('/d', '', '', alice), HadoopException.SNAPSHOT, NOT_SNAPSHOTTABLE('/d'));
        await refusedWith(() => ops.getSnapshotDiffReportListing('/none', '', '', alice), HadoopException.FILE_NOT_FOUND, 'Directory does not exist: /none');
        expect(ops.getSnapshotDiffReport('/', '', '', alice).snapshotRoot).to.equal('/');
      } finally {
        strict.ns.store.close();
      }
    });

    it('permissions: traverse, then <p>/.snapshot/<name> needs EXECUTE on p (a file there is "not a directory" even for the superuser); refusals audited with both snapshot paths', async () => {
      const lines = await auditLines(async () => {
        await refusedWith(() => snaps.getSnapshotDiffReport('/tmp/a', 's1', '', bob), HadoopException.ACCESS_CONTROL,
          'Permission denied: user=bob, access=EXECUTE, inode="/tmp/a":alice:supergroup:drwx------');
        await refusedWith(() => snaps.getSnapshotDiffReportListing('/f', 's1', 's2', hdfsUser), HadoopException.ACCESS_CONTROL, '/f (is not a directory)');
      });
      expect(lines.map(cmd)).to.deep.equal([
        'false bob@EXAMPLE.COM computeSnapshotDiff /tmp/a/.snapshot/s1 /tmp/a', 'false hdfs/nn.example.com@EXAMPLE.COM computeSnapshotDiff /f/.snapshot/s1 /f/.snapshot/s2',
      ]);
      const open = await namesystem({ settings: { permissions: { enabled: false, superUser: 'hdfs', superGroup: 'supergroup' } } });
      try {
        await writeFile(open, '/f', 0, hdfsUser);
        await refusedWith(() => new SnapshotOps(open.ns).getSnapshotDiffReport('/f', '', '', bob), HadoopException.PATH_IS_NOT_DIRECTORY, '`/f\': Is not a directory');
      } finally {
        open.ns.store.close();
      }
    });
  });
});
