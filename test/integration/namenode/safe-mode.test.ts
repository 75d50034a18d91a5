/**
 * Manual safe mode and saveNamespace end to end on a secure hsec cluster (NameNode and a DataNode
 * with Kerberos from the MIT KDC, RPC privacy, block tokens), driven as an operator does with
 * `hsec dfsadmin -safemode enter|get|wait|leave` and `-saveNamespace [-beforeShutdown]` and as
 * users do with HdfsClient over real Hadoop IPC: a plain user may ask but not change it; while it is
 * on every change (mkdirs, create, delete, rename, chmod, delegation tokens) comes back as
 * org.apache.hadoop.hdfs.server.namenode.SafeModeException with FSNamesystem's exact text, reads
 * (stat, list, a file's bytes through the DataNode) go on; saveNamespace is refused outside it and
 * writes a new snapshot inside it; after leave writes work again; a restarted NameNode comes up out
 * of safe mode with the saved namespace.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { DFSADMIN_FAILURE } from '../../../cluster/cli/commands/dfsadmin.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { NAMESPACE_DIR } from '../../../cluster/namenode/namenode.ts';
import { socketHostName } from '../../../lib/net/resolve.ts';
import { remoteFailure } from '../../support/client-protocol-call.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { until } from '../../support/until.ts';
import { dfsadminShell, type DfsadminShell } from '../../support/dfsadmin-shell.ts';

const SAFE_MODE_EXCEPTION = 'org.apache.hadoop.hdfs.server.namenode.SafeModeException';

describe('namenode: manual safe mode and saveNamespace on the secure hsec NameNode (MIT KDC)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let shell: DfsadminShell;
  let alice: HdfsClient;
  let host: string;

  const dfsadmin = (user: string, ...args: string[]) => shell.run(user, ...args);

  const inSafeMode = (what: string) => ({
    cls: SAFE_MODE_EXCEPTION,
    msg: `${what}. Name node is in safe mode.\nIt was turned on manually. Use "hdfs dfsadmin -safemode leave" to turn safe mode off. NamenodeHostName:${host}`,
  });
  const nameDir = () => join(dir, 'name', NAMESPACE_DIR);
  const snapshots = () => readdirSync(nameDir()).filter((f) => /^snapshot\.\d+$/.test(f)).sort();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-safemode-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { 'dfs.data.transfer.protection': 'authentication' } });
    alice = await hdfs.client('alice');
    await alice.writeFile('before.txt', 'written before safe mode\n');
    shell = await dfsadminShell(realm.kdc, hdfs, dir);
    // NameNode.getServiceAddress(conf, true).getHostName() of hdfs://127.0.0.1:port
    host = await socketHostName('127.0.0.1');
  });

  after(async () => {
    await hdfs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('saveNamespace out of safe mode and enter as a plain user are refused; the superuser enters and anyone sees ON', async () => {
    expect(await dfsadmin('nn', '-saveNamespace')).to.deep.equal({
      code: DFSADMIN_FAILURE, out: '', err: 'saveNamespace: Safe mode should be turned ON in order to create namespace image.\n',
    });
    expect(await dfsadmin('alice', '-safemode', 'enter')).to.deep.equal({
      code: DFSADMIN_FAILURE, out: '', err: 'safemode: Access denied for user alice. Superuser privilege is required\n',
    });
    expect(await dfsadmin('alice', '-safemode', 'get')).to.deep.equal({ code: 0, out: 'Safe mode is OFF\n', err: '' });
    expect(await dfsadmin('nn', '-safemode', 'enter')).to.deep.equal({ code: 0, out: 'Safe mode is ON\n', err: '' });
    expect(await dfsadmin('alice', '-safemode', 'get')).to.deep.equal({ code: 0, out: 'Safe mode is ON\n', err: '' });
    expect((await dfsadmin('nn', '-report')).out).to.contain('Safe mode is ON\n');
    expect(hdfs.nn.namesystem.isInSafeMode()).to.equal(true);
  });

  it('in safe mode changes come back as SafeModeException with FSNamesystem\'s text; reads go on', async () => {
    const home = alice.workingDirectory;
    expect(await remoteFailure(alice.mkdir(`${home}/d`))).to.deep.equal(inSafeMode(`Cannot create directory ${home}/d`));
    expect(await remoteFailure(alice.writeFile(`${home}/new.txt`, 'x'))).to.deep.equal(inSafeMode(`Cannot create file${home}/new.txt`));
    expect(await remoteFailure(alice.delete(`${home}/before.txt`))).to.deep.equal(inSafeMode(`Cannot delete ${home}/before.txt`));
    expect(await remoteFailure(alice.rename(`${home}/before.txt`, `${home}/after.txt`))).to.deep.equal(inSafeMode(`Cannot rename ${home}/before.txt`));
    expect(await remoteFailure(alice.chmod(`${home}/before.txt`, 0o600))).to.deep.equal(inSafeMode(`Cannot set permission for ${home}/before.txt`));
    expect(await remoteFailure(alice.setXAttr(`${home}/before.txt`, 'user.k', Buffer.from('v')))).to.deep.equal(inSafeMode(`Cannot set XAttr on ${home}/before.txt`));
    expect(await remoteFailure(alice.getDelegationToken('alice'))).to.deep.equal(inSafeMode('Cannot issue delegation token'));
    // reads: metadata from the NameNode, the bytes from the DataNode with the block token it grants
    expect((await alice.readFile(`${home}/before.txt`)).toString()).to.equal('written before safe mode\n');
    expect((await alice.list(home)).map((s) => s.path.split('/').pop())).to.deep.equal(['before.txt']);
    expect((await alice.stat(`${home}/before.txt`)).length).to.equal(25);
  });

  it('-saveNamespace: refused to a plain user; the superuser saves a new snapshot (and -beforeShutdown says its window)', async () => {
    expect(await dfsadmin('alice', '-saveNamespace')).to.deep.equal({
      code: DFSADMIN_FAILURE, out: '', err: 'saveNamespace: Access denied for user alice. Superuser privilege is required\n',
    });
    const before = snapshots();
    expect(await dfsadmin('nn', '-saveNamespace')).to.deep.equal({ code: 0, out: 'Save namespace successful\n', err: '' });
    const saved = snapshots();
    expect(saved).to.have.length(1);
    expect(saved).to.not.deep.equal(before);
    expect(hdfs.nn.namesystem.store.stats.generation).to.equal(Number(saved[0]!.slice('snapshot.'.length)));
    // just saved: nothing newer to save within 3 h / 3000000 transactions (NameNodeRpcServer still answers true)
    expect(await dfsadmin('nn', '-saveNamespace', '-beforeShutdown')).to.deep.equal({
      code: 0, err: '',
      out: 'Do checkpoint if necessary before stopping namenode. The time window is 10800 seconds, and the transaction gap is 3000000\nSave namespace successful\n',
    });
    expect(snapshots()).to.deep.equal(saved);
    expect(await dfsadmin('nn', '-saveNamespace', '-sideways')).to.deep.equal({ code: 0, out: 'Save namespace successful\n', err: '' });
    expect(snapshots()).to.not.deep.equal(saved);
  });

  it('-safemode wait returns once safe mode is left; then changes work again', async () => {
    const waiting = dfsadmin('alice', '-safemode', 'wait');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await dfsadmin('nn', '-safemode', 'leave')).to.deep.equal({ code: 0, out: 'Safe mode is OFF\n', err: '' });
    expect(await waiting).to.deep.equal({ code: 0, out: 'Safe mode is OFF\n', err: '' });
    expect(await dfsadmin('nn', '-safemode', 'leave')).to.deep.equal({ code: 0, out: 'Safe mode is OFF\n', err: '' });
    expect(await alice.mkdir(`${alice.workingDirectory}/d`)).to.equal(true);
    await alice.writeFile('after.txt', 'written after safe mode\n');
    expect((await alice.readFile('after.txt')).toString()).to.equal('written after safe mode\n');
  });

  it('a NameNode restarted in safe mode comes up out of it, with the saved namespace and the changes after it', async () => {
    expect(await dfsadmin('nn', '-safemode', 'enter')).to.deep.equal({ code: 0, out: 'Safe mode is ON\n', err: '' });
    expect(await dfsadmin('nn', '-saveNamespace')).to.deep.equal({ code: 0, out: 'Save namespace successful\n', err: '' });
    expect(await dfsadmin('nn', '-safemode', 'forceExit')).to.deep.equal({ code: 0, out: 'Safe mode is OFF\n', err: '' });
    await alice.mkdir(`${alice.workingDirectory}/after-save`);
    expect(await dfsadmin('nn', '-safemode', 'enter')).to.deep.equal({ code: 0, out: 'Safe mode is ON\n', err: '' });
    await hdfs.restartNameNode();
    expect(hdfs.nn.namesystem.isInSafeMode()).to.equal(false);
    expect(hdfs.nn.namesystem.store.stats.replayed).to.equal(1); // the mkdirs after the saved snapshot
    expect(await dfsadmin('alice', '-safemode', 'get')).to.deep.equal({ code: 0, out: 'Safe mode is OFF\n', err: '' });
    const names = (await alice.list(alice.workingDirectory)).map((s) => s.path.split('/').pop());
    expect(names).to.deep.equal(['after-save', 'after.txt', 'before.txt', 'd']);
    // the DataNode registers again with the new NameNode and reports its replicas
    const before = hdfs.nn.namesystem.fsd.resolveExisting(`${alice.workingDirectory}/before.txt`);
    expect(await until(() => before?.kind === 'file' && before.blocks.every((b) => b.replicas.size > 0), 30_000)).to.equal(true);
    expect((await alice.readFile('before.txt')).toString()).to.equal('written before safe mode\n');
    await alice.writeFile('after-restart.txt', 'ok\n');
    expect((await alice.readFile('after-restart.txt')).toString()).to.equal('ok\n');
  });

  it('start-up safe mode: a NameNode restarted without its DataNode stays in it (its tip over the wire) until the DataNode reports', async () => {
    const home = alice.workingDirectory;
    await alice.writeFile('second.txt', 'two blocks in the namespace, so the threshold is 1 of 2\n');
    await hdfs.dns[0]!.stop();
    await hdfs.restartNameNode({ waitSafeModeOff: false });
    expect(await dfsadmin('alice', '-safemode', 'get')).to.deep.equal({ code: 0, out: 'Safe mode is ON\n', err: '' });
    const total = [...hdfs.nn.namesystem.fsd.allBlocks()].filter((b) => b.complete && b.file).length;
    const needed = Math.trunc(Math.fround(Math.fround(total) * Math.fround(0.999)));
    expect(await remoteFailure(alice.mkdir(`${home}/during-startup`))).to.deep.equal({
      cls: SAFE_MODE_EXCEPTION,
      msg: `Cannot create directory ${home}/during-startup. Name node is in safe mode.\nThe reported blocks 0 needs additional ${needed} blocks to reach the threshold 0.9990 of total blocks ${total}.\n` +
        `The minimum number of live datanodes is not required. Safe mode will be turned off automatically once the thresholds have been reached. NamenodeHostName:${host}`,
    });
    const waiting = dfsadmin('alice', '-safemode', 'wait');
    await hdfs.restartDataNode(0);
    // the DataNode reports its replicas; the test cluster has no extension (dfs.namenode.safemode.extension 0)
    expect(await waiting).to.deep.equal({ code: 0, out: 'Safe mode is OFF\n', err: '' });
    expect(await alice.mkdir(`${home}/during-startup`)).to.equal(true);
    expect((await alice.readFile('before.txt')).toString()).to.equal('written before safe mode\n');
  });
});
