// rollEdits, getEnclosingRoot and the snapshot calls on the namesystem without RPC (a real journal
// store in a temp dir): FSNamesystem.rollEditLog / getEnclosingRoot / getSnapshottableDirListing /
// allowSnapshot / disallowSnapshot / createSnapshot of Hadoop 3.4.1 as hsec answers them: the
// checks, their order and messages, the audit lines, the journal files a roll leaves and what a
// restart finds.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { ClusterStatus } from '../../../cluster/namenode/cluster-status.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import { MANUAL_SAFE_MODE_TIP } from '../../../cluster/namenode/namesystem.ts';
import { SnapshotOps } from '../../../cluster/namenode/snapshot-ops.ts';
import { auditLines, logLines } from '../../support/log-lines.ts';
import { alice, bob, hdfsUser, namesystem, type TestNamesystem } from '../../support/namesystem.ts';

const HOST = 'nn.example.com';
type Refusal = Error & { code?: string; details: Record<string, unknown> };

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

const journals = (t: TestNamesystem) => readdirSync(t.dir).filter((f) => f.startsWith('journal.')).sort();
const snapshotFiles = (t: TestNamesystem) => readdirSync(t.dir).filter((f) => f.startsWith('snapshot.')).sort();
const SUPERUSER = 'Access denied for user alice. Superuser privilege is required';
const cmd = (l: Record<string, unknown>) => String(l['line']).replace(/^allowed=(\w+)\tugi=([^ ]+) [^\t]+\tip=[^\t]+\tcmd=([^\t]+)\tsrc=([^\t]+)\t.*$/, '$1 $2 $3 $4');

describe('namenode/rollEdits, getEnclosingRoot and the snapshot calls (FSNamesystem, Hadoop 3.4.1)', () => {
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
  });
  afterEach(() => t.ns.store.close());

  it('rollEdits: superuser, then refused in safe mode ("Log not rolled"); audited as rollEditLog, a refusal as allowed=false', async () => {
    const lines = await auditLines(async () => {
      await refusedWith(status.rollEdits(alice), HadoopException.ACCESS_CONTROL, SUPERUSER);
      await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
      await refusedWith(status.rollEdits(hdfsUser), HadoopException.SAFE_MODE,
        `Log not rolled. Name node is in safe mode.\n${MANUAL_SAFE_MODE_TIP} NamenodeHostName:${HOST}`);
      await status.setSafeMode('SAFEMODE_LEAVE', hdfsUser);
      await status.rollEdits(hdfsUser);
    });
    expect(lines.map(cmd).filter((l) => !l.includes('safemode'))).to.deep.equal(['false alice@EXAMPLE.COM rollEditLog null', 'true hdfs/nn.example.com@EXAMPLE.COM rollEditLog null']);
  });

  it('rollEdits: continues in a new journal without a snapshot and answers the next transaction id; a restart replays every rolled journal', async () => {
    expect(journals(t)).to.have.length(1);
    const before = snapshotFiles(t);
    const info = await logLines('namenode.namesystem', 'info', async () => {
      expect(await status.rollEdits(hdfsUser)).to.equal(t.ns.txid + 1);
    });
    expect(info.map((l) => l['line'])).to.include('Roll Edit Log from 127.0.0.1');
    expect(journals(t)).to.have.length(2);
    expect(snapshotFiles(t)).to.deep.equal(before);
    const txBefore = t.ns.txid;
    await t.ns.mkdirs('/tmp/b', { perm: 0o755 }, true, alice);
    // the change went to the new segment, whose first id the roll announced
    expect(t.ns.txid).to.equal(txBefore + 1);
    expect(await status.rollEdits(hdfsUser)).to.equal(txBefore + 2);
    await t.ns.mkdirs('/tmp/c', { perm: 0o755 }, true, alice);
    expect(journals(t)).to.have.length(3);
    const lastTxid = t.ns.txid;
    t = await t.restart();
    // /tmp, /tmp/a in the first journal, /tmp/b in the second, /tmp/c in the third
    expect(t.ns.store.stats.replayed).to.equal(4);
    for (const p of ['/tmp/a', '/tmp/b', '/tmp/c']) expect(t.ns.getFileInfo(p, hdfsUser), p).to.not.equal(undefined);
    expect(t.ns.txid, 'the ids go on after a restart').to.equal(lastTxid);
    // the next snapshot deletes the rolled journals with the rest
    status = new ClusterStatus(t.ns);
    await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
    await status.saveNamespace(0, 0, hdfsUser);
    expect(journals(t)).to.have.length(1);
    await status.setSafeMode('SAFEMODE_LEAVE', hdfsUser);
    await t.ns.mkdirs('/tmp/d', { perm: 0o755 }, true, alice);
    // the snapshot holds the last id it covers; the journal after it adds the mkdirs
    t = await t.restart();
    expect([t.ns.store.stats.replayed, t.ns.txid]).to.deep.equal([1, lastTxid + 1]);
    expect(await new ClusterStatus(t.ns).rollEdits(hdfsUser)).to.equal(lastTxid + 2);
  });

  it('getEnclosingRoot: "/" (no encryption zones) after the traverse and READ checks, a missing path included; audited as getEZForPath', async () => {
    const lines = await auditLines(async () => {
      expect(t.ns.getEnclosingRoot('/tmp/a', alice)).to.equal('/');
      expect(t.ns.getEnclosingRoot('/tmp/nothing/here', bob)).to.equal('/');
      await refusedWith(() => t.ns.getEnclosingRoot('/tmp/a', bob), HadoopException.ACCESS_CONTROL,
        'Permission denied: user=bob, access=READ, inode="/tmp/a":alice:supergroup:drwx------');
      await refusedWith(() => t.ns.getEnclosingRoot('/tmp/a/x', bob), HadoopException.ACCESS_CONTROL,
        'Permission denied: user=bob, access=EXECUTE, inode="/tmp/a":alice:supergroup:drwx------');
    });
    expect(lines.map(cmd)).to.deep.equal([
      'true alice@EXAMPLE.COM getEZForPath /tmp/a', 'true bob@EXAMPLE.COM getEZForPath /tmp/nothing/here',
      'false bob@EXAMPLE.COM getEZForPath /tmp/a', 'false bob@EXAMPLE.COM getEZForPath /tmp/a/x',
    ]);
    const perm = (await auditLines(async () => { t.ns.getEnclosingRoot('/tmp/a', alice); }))[0]!['line'];
    expect(perm).to.contain('perm=alice:supergroup:rwx------');
  });

  it('getSnapshottableDirListing: none (null), for anyone; audited as listSnapshottableDirectory', async () => {
    const lines = await auditLines(async () => {
      expect(snaps.getSnapshottableDirListing(alice)).to.equal(undefined);
    });
    expect(lines.map(cmd)).to.deep.equal(['true alice@EXAMPLE.COM listSnapshottableDirectory null']);
  });

  it('allowSnapshot: superuser, safe mode, the directory, then refused with SnapshotException; nothing is journaled', async () => {
    const tx = t.ns.txid;
    await refusedWith(snaps.allowSnapshot('/tmp/a', alice), HadoopException.ACCESS_CONTROL, SUPERUSER);
    await refusedWith(snaps.allowSnapshot('/tmp/none', hdfsUser), HadoopException.FILE_NOT_FOUND, 'Directory does not exist: /tmp/none');
    await t.ns.mkdirs('/tmp/d', { perm: 0o755 }, true, alice);
    const e = await refusal(snaps.allowSnapshot('/tmp/d', hdfsUser));
    expect(e.details['exceptionClassName']).to.equal(HadoopException.SNAPSHOT);
    expect(e.message).to.match(/^hsec has no snapshots: cannot allow snapshot for \/tmp\/d/);
    await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
    await refusedWith(snaps.allowSnapshot('/tmp/d', hdfsUser), HadoopException.SAFE_MODE,
      `Cannot allow snapshot for /tmp/d. Name node is in safe mode.\n${MANUAL_SAFE_MODE_TIP} NamenodeHostName:${HOST}`);
    expect(t.ns.txid).to.equal(tx + 1); // the mkdirs only
  });

  it('disallowSnapshot: superuser, safe mode, the directory, then nothing to do (no directory is snapshottable); audited', async () => {
    await refusedWith(snaps.disallowSnapshot('/tmp/a', alice), HadoopException.ACCESS_CONTROL, SUPERUSER);
    await refusedWith(snaps.disallowSnapshot('/tmp/none', hdfsUser), HadoopException.FILE_NOT_FOUND, 'Directory does not exist: /tmp/none');
    const lines = await auditLines(() => snaps.disallowSnapshot('/tmp/a', hdfsUser));
    expect(lines.map(cmd)).to.deep.equal(['true hdfs/nn.example.com@EXAMPLE.COM disallowSnapshot /tmp/a']);
  });

  it('createSnapshot: safe mode, traverse, owner (audited as refused), the directory, then "Directory is not a snapshottable directory"', async () => {
    const lines = await auditLines(async () => {
      await refusedWith(snaps.createSnapshot('/tmp/a', undefined, bob), HadoopException.ACCESS_CONTROL, 'Permission denied. user=bob is not the owner of inode=/tmp/a');
      await refusedWith(snaps.createSnapshot('/tmp/a/x', undefined, bob), HadoopException.ACCESS_CONTROL,
        'Permission denied: user=bob, access=EXECUTE, inode="/tmp/a":alice:supergroup:drwx------');
    });
    expect(lines.map(cmd)).to.deep.equal(['false bob@EXAMPLE.COM createSnapshot /tmp/a', 'false bob@EXAMPLE.COM createSnapshot /tmp/a/x']);
    await refusedWith(snaps.createSnapshot('/tmp/a', undefined, alice), HadoopException.SNAPSHOT, 'Directory is not a snapshottable directory: /tmp/a');
    await refusedWith(snaps.createSnapshot('/tmp/none', undefined, hdfsUser), HadoopException.FILE_NOT_FOUND, 'Directory/File does not exist /tmp/none');
    await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
    await refusedWith(snaps.createSnapshot('/tmp/a', undefined, alice), HadoopException.SAFE_MODE,
      `Cannot create snapshot for /tmp/a. Name node is in safe mode.\n${MANUAL_SAFE_MODE_TIP} NamenodeHostName:${HOST}`);
  });

  it('createSnapshot: a path past 8000 characters or 1000 levels is refused first (NameNodeRpcServer.checkPathLength), even in safe mode; an empty one as new Path("")', async () => {
    const TOO_LONG = 'createSnapshot: Pathname too long.  Limit 8000 characters, 1000 levels.';
    await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
    await refusedWith(snaps.createSnapshot(`/${'x'.repeat(8000)}`, undefined, alice), HadoopException.IO, TOO_LONG);
    await refusedWith(snaps.createSnapshot('/a'.repeat(1001), undefined, alice), HadoopException.IO, TOO_LONG);
    await refusedWith(snaps.createSnapshot('', undefined, alice), HadoopException.JAVA_ILLEGAL_ARGUMENT, 'Can not create a Path from an empty string');
    // at the limits: on to the safe mode check
    for (const p of [`/${'x'.repeat(7999)}`, '/a'.repeat(1000), `/${'a/'.repeat(1000)}`]) {
      const e = await refusal(snaps.createSnapshot(p, undefined, alice));
      expect([e.details['exceptionClassName'], e.message.startsWith(`Cannot create snapshot for ${p}. Name node is in safe mode.`)]).to.deep.equal([HadoopException.SAFE_MODE, true]);
    }
  });
});
