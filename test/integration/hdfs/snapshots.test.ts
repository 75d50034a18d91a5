/**
 * The snapshot calls end to end over Kerberos RPC to the hsec NameNode (MIT KDC), as a stock
 * Hadoop 3.4.1 client meets a NameNode whose only snapshottable directory is the root (snapshot
 * quota 0): createSnapshot (the root's quota, a directory that is not snapshottable, an invalid
 * name), deleteSnapshot, renameSnapshot, getSnapshotListing, getSnapshotDiffReport and
 * getSnapshotDiffReportListing answer with Hadoop's exception classes and messages (none
 * RpcNoSuchMethodException); and `hsec fs -createSnapshot / -deleteSnapshot / -renameSnapshot`,
 * `hsec lsSnapshottableDir`, `hsec lsSnapshot` and `hsec snapshotDiff` print what Hadoop's
 * FsShell and snapshot tools print for those answers. Nothing is journaled.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { runLsSnapshot, runLsSnapshottableDir, runSnapshotDiff } from '../../../cluster/cli/commands/snapshot.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { clientProtocolCall, remoteFailure } from '../../support/client-protocol-call.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';

const SNAPSHOT_EXCEPTION = 'org.apache.hadoop.hdfs.protocol.SnapshotException';
const ROOT_QUOTA = 'Failed to add snapshot: there are already 0 snapshot(s) and the snapshot quota is 0';

describe('hdfs: the snapshot calls and commands without snapshots (MIT KDC, hsec NameNode)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let alice: HdfsClient;
  let admin: HdfsClient;
  let aliceShell: FsShellUser;
  let adminShell: FsShellUser;
  let d: string;

  /** One of the snapshot tools as `shell`'s user: exit code, stdout, stderr. */
  async function tool(run: typeof runLsSnapshot, shell: FsShellUser, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await run(shell.confDir, argv, { out: (s) => void (out += s), err: (s) => void (err += s), env: shell.env });
    return { code, out, err };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-snapshots-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { 'dfs.data.transfer.protection': 'authentication' } });
    alice = await hdfs.client('alice');
    admin = await hdfs.client('nn/localhost');
    aliceShell = await fsShellUser(hdfs, 'alice');
    adminShell = await fsShellUser(hdfs, 'nn/localhost', { keytab: join(dir, 'nn.keytab') });
    d = `${alice.workingDirectory}/d`;
    await alice.mkdir(d);
  });

  after(async () => {
    await hdfs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('RPC: createSnapshot of "/" says the root\'s quota is 0; of a directory that it is not snapshottable; an invalid name first', async () => {
    expect(await remoteFailure(clientProtocolCall(admin, 'createSnapshot', { snapshotRoot: '/', snapshotName: 's1' }))).to.deep.equal({ cls: SNAPSHOT_EXCEPTION, msg: ROOT_QUOTA });
    expect(await remoteFailure(clientProtocolCall(admin, 'createSnapshot', { snapshotRoot: '/' }))).to.deep.equal({ cls: SNAPSHOT_EXCEPTION, msg: ROOT_QUOTA });
    expect(await remoteFailure(clientProtocolCall(alice, 'createSnapshot', { snapshotRoot: d, snapshotName: 'a:b' })))
      .to.deep.equal({ cls: 'org.apache.hadoop.fs.InvalidPathException', msg: 'Invalid path name Invalid snapshot name: a:b' });
    expect(await remoteFailure(clientProtocolCall(alice, 'createSnapshot', { snapshotRoot: '/', snapshotName: 's1' })))
      .to.deep.equal({ cls: 'org.apache.hadoop.security.AccessControlException', msg: 'Permission denied. user=alice is not the owner of inode=/' });
  });

  it('RPC: deleteSnapshot, renameSnapshot, getSnapshotListing, getSnapshotDiffReport(Listing) answer as Hadoop does, none RpcNoSuchMethodException', async () => {
    const tx = hdfs.nn.namesystem.txid;
    expect(await remoteFailure(clientProtocolCall(admin, 'deleteSnapshot', { snapshotRoot: '/', snapshotName: 's1' })))
      .to.deep.equal({ cls: SNAPSHOT_EXCEPTION, msg: 'Cannot delete snapshot s1 from path /: the snapshot does not exist.' });
    expect(await remoteFailure(clientProtocolCall(alice, 'deleteSnapshot', { snapshotRoot: d, snapshotName: '' })))
      .to.deep.equal({ cls: 'java.io.IOException', msg: 'The snapshot name is null or empty.' });
    expect(await remoteFailure(clientProtocolCall(alice, 'renameSnapshot', { snapshotRoot: d, snapshotOldName: 's1', snapshotNewName: 's2' })))
      .to.deep.equal({ cls: SNAPSHOT_EXCEPTION, msg: `Directory is not a snapshottable directory: ${d}` });
    expect(await remoteFailure(clientProtocolCall(admin, 'renameSnapshot', { snapshotRoot: '/', snapshotOldName: 's1', snapshotNewName: 'x/y' })))
      .to.deep.equal({ cls: 'org.apache.hadoop.HadoopIllegalArgumentException', msg: 'Snapshot name cannot contain "/"' });
    // the root's listing is present and empty; another directory is not snapshottable
    expect(await clientProtocolCall(alice, 'getSnapshotListing', { snapshotRoot: '/' })).to.deep.equal({ snapshotList: {} });
    expect(await remoteFailure(clientProtocolCall(alice, 'getSnapshotListing', { snapshotRoot: d })))
      .to.deep.equal({ cls: SNAPSHOT_EXCEPTION, msg: `Directory is not a snapshottable directory: ${d}` });
    expect(await clientProtocolCall(alice, 'getSnapshotDiffReport', { snapshotRoot: '/', fromSnapshot: '', toSnapshot: '' }))
      .to.deep.equal({ diffReport: { snapshotRoot: '/', fromSnapshot: '', toSnapshot: '' } });
    expect(await clientProtocolCall(alice, 'getSnapshotDiffReportListing', { snapshotRoot: '/', fromSnapshot: '', toSnapshot: '', cursor: { startPath: new Uint8Array(0), index: -1 } }))
      .to.deep.equal({ diffReport: { isFromEarlier: false, cursor: { startPath: new Uint8Array(0), index: -1 } } });
    expect(await remoteFailure(clientProtocolCall(alice, 'getSnapshotDiffReportListing', { snapshotRoot: '/', fromSnapshot: 's1', toSnapshot: 's2', cursor: { startPath: new Uint8Array(0), index: -1 } })))
      .to.deep.equal({ cls: SNAPSHOT_EXCEPTION, msg: 'Cannot find the snapshot of directory / with name s1' });
    expect(await remoteFailure(clientProtocolCall(alice, 'getSnapshotDiffReport', { snapshotRoot: d, fromSnapshot: '', toSnapshot: '' })))
      .to.deep.equal({ cls: SNAPSHOT_EXCEPTION, msg: `The path ${d} is neither snapshottable nor under a snapshot root!` });
    expect(hdfs.nn.namesystem.txid).to.equal(tx);
  });

  it('hsec fs -createSnapshot / -deleteSnapshot / -renameSnapshot: FsShell\'s refusal lines, exit 1; a file or missing path before any call', async () => {
    expect(await aliceShell.fs('-createSnapshot', 'd', 's1')).to.include({ code: 1, out: '', err: `createSnapshot: Directory is not a snapshottable directory: ${d}\n` });
    expect(await adminShell.fs('-createSnapshot', '/')).to.include({ code: 1, out: '', err: `createSnapshot: ${ROOT_QUOTA}\n` });
    expect(await aliceShell.fs('-createSnapshot', 'd', '.snapshot')).to.include({ code: 1, err: 'createSnapshot: Invalid path name Invalid snapshot name: .snapshot\n' });
    expect(await adminShell.fs('-deleteSnapshot', '/', 's1')).to.include({ code: 1, out: '', err: 'deleteSnapshot: Cannot delete snapshot s1 from path /: the snapshot does not exist.\n' });
    expect(await adminShell.fs('-renameSnapshot', '/', 's1', 's2')).to.include({ code: 1, out: '', err: 'renameSnapshot: The snapshot s1 does not exist for directory /\n' });
    expect(await aliceShell.fs('-renameSnapshot', '/', 's1', 's2')).to.include({ code: 1, err: 'renameSnapshot: Permission denied. user=alice is not the owner of inode=/\n' });
    await alice.writeFile(`${d}/f`, Buffer.from('x'));
    expect(await aliceShell.fs('-createSnapshot', 'd/f')).to.include({ code: 1, err: "createSnapshot: `d/f': Is not a directory\n" });
    expect(await aliceShell.fs('-deleteSnapshot', 'none', 's1')).to.include({ code: 1, err: "deleteSnapshot: `none': No such file or directory\n" });
  });

  it('hsec lsSnapshottableDir, lsSnapshot and snapshotDiff: an empty line for no listing, the root\'s empty diff, the refusals as "<tool>: <message>"', async () => {
    expect(await tool(runLsSnapshottableDir, aliceShell)).to.deep.equal({ code: 0, out: '\n', err: '' });
    expect(await tool(runLsSnapshottableDir, adminShell)).to.deep.equal({ code: 0, out: '\n', err: '' });
    expect(await tool(runLsSnapshot, aliceShell, '/')).to.deep.equal({ code: 0, out: '\n', err: '' });
    expect(await tool(runLsSnapshot, aliceShell, 'd')).to.deep.equal({ code: 1, out: '', err: `lsSnapshot: Directory is not a snapshottable directory: ${d}\n` });
    expect(await tool(runSnapshotDiff, aliceShell, '/', '.', '.')).to.deep.equal({
      code: 0, out: 'Difference between current directory and current directory under directory /:\n\n', err: '',
    });
    // both named: the iterative listing, whose look-up of `from` fails
    expect(await tool(runSnapshotDiff, aliceShell, '/', '.snapshot/s1', 's2')).to.deep.equal({ code: 1, out: '', err: 'snapshotDiff: Cannot find the snapshot of directory / with name s1\n' });
    expect(await tool(runSnapshotDiff, aliceShell, 'd', '.', 's2')).to.deep.equal({ code: 1, out: '', err: `snapshotDiff: The path ${d} is neither snapshottable nor under a snapshot root!\n` });
  });
});
