/**
 * The ClientProtocol calls a stock Hadoop 3.4 client or `hdfs dfsadmin` makes that hsec answers
 * without the machinery behind them in Hadoop, over Kerberos RPC to the hsec NameNode (MIT KDC):
 * `hsec dfsadmin -rollEdits` as the superuser (DFSAdmin's output; a plain user refused with
 * Hadoop's text) leaving a new journal in the name directory; msync and getHAServiceState (ACTIVE),
 * as a client with observer reads asks them; getEnclosingRoot ("/", an unreadable path refused);
 * getSnapshottableDirListing (no listing), createSnapshot and allowSnapshot refused with
 * SnapshotException, disallowSnapshot a no-op; none of them RpcNoSuchMethodException. Also
 * NameNodeRpcServer.checkPathLength on create, mkdirs and a rename's destination.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { DFSADMIN_FAILURE } from '../../../cluster/cli/commands/dfsadmin.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { NAMESPACE_DIR } from '../../../cluster/namenode/namenode.ts';
import { clientProtocolCall, remoteFailure } from '../../support/client-protocol-call.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { dfsadminShell, type DfsadminShell } from '../../support/dfsadmin-shell.ts';

const SNAPSHOT_EXCEPTION = 'org.apache.hadoop.hdfs.protocol.SnapshotException';

describe('hdfs: rollEdits, msync, getHAServiceState, getEnclosingRoot and the snapshot calls (MIT KDC, hsec NameNode)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let shell: DfsadminShell;
  let alice: HdfsClient;
  let hdfsAdmin: HdfsClient;

  const dfsadmin = (user: string, ...args: string[]) => shell.run(user, ...args);

  const journals = () => readdirSync(join(dir, 'name', NAMESPACE_DIR)).filter((f) => /^journal\.\d+$/.test(f)).sort();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-rolledits-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { 'dfs.data.transfer.protection': 'authentication' } });
    alice = await hdfs.client('alice');
    hdfsAdmin = await hdfs.client('nn/localhost');
    shell = await dfsadminShell(realm.kdc, hdfs, dir);
    await alice.mkdir(`${alice.workingDirectory}/d`);
  });

  after(async () => {
    await hdfs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('-rollEdits: a plain user is refused; the superuser rolls to a new journal and sees the new segment\'s first txid', async () => {
    expect(await dfsadmin('alice', '-rollEdits')).to.deep.equal({
      code: DFSADMIN_FAILURE, out: '', err: 'rollEdits: Access denied for user alice. Superuser privilege is required\n',
    });
    const before = journals();
    const txid = hdfs.nn.namesystem.txid + 1;
    expect(await dfsadmin('nn', '-rollEdits')).to.deep.equal({ code: 0, out: `Successfully rolled edit logs.\nNew segment starts at txid ${txid}\n`, err: '' });
    expect(journals()).to.have.length(before.length + 1);
    // the next change lands in the new journal and takes that id
    await alice.mkdir(`${alice.workingDirectory}/after-roll`);
    expect(hdfs.nn.namesystem.txid).to.equal(txid);
    expect((await dfsadmin('nn', '-rollEdits', 'extra')).code).to.equal(DFSADMIN_FAILURE);
  });

  it('NameNodeRpcServer.checkPathLength: create, mkdirs and a rename\'s destination past 8000 characters or 1000 levels are refused with its IOException before anything else', async () => {
    const refusal = (p: Promise<unknown>) => p.then(() => undefined, (x: Error & { details?: Record<string, unknown> }) => x);
    const long = `/user/alice/${'x'.repeat(8000)}`;
    const deep = `/user/alice${'/d'.repeat(999)}`;
    const text = (op: string) => `${op}: Pathname too long.  Limit 8000 characters, 1000 levels.`;
    for (const [p, op] of [[alice.mkdir(long), 'mkdirs'], [alice.mkdir(deep, { recursive: true }), 'mkdirs'], [alice.writeFile(long, Buffer.from('x')), 'create']] as const) {
      const e = await refusal(p);
      expect(e?.details?.['exceptionClassName'], e?.message).to.equal('java.io.IOException');
      expect(e?.message).to.contain(text(op));
    }
    await alice.writeFile('/user/alice/short', Buffer.from('x'));
    const e = await refusal(alice.rename('/user/alice/short', long));
    expect(e?.message).to.contain(text('rename'));
    expect(await alice.exists('/user/alice/short')).to.equal(true);
    await alice.mkdir(`/user/alice${'/d'.repeat(998)}`, { recursive: true }); // 1000 levels: allowed
  });

  it('msync answers empty and getHAServiceState ACTIVE, for any user', async () => {
    expect(await clientProtocolCall(alice, 'msync', {})).to.deep.equal({});
    expect(await clientProtocolCall(alice, 'getHAServiceState', {})).to.deep.equal({ state: 'ACTIVE' });
  });

  it('getEnclosingRoot: "/" for a path the caller may read (or a missing one); an unreadable path is refused', async () => {
    const home = alice.workingDirectory;
    expect(await clientProtocolCall(alice, 'getEnclosingRoot', { filename: `${home}/d` })).to.deep.equal({ enclosingRootPath: '/' });
    expect(await clientProtocolCall(alice, 'getEnclosingRoot', { filename: `${home}/none` })).to.deep.equal({ enclosingRootPath: '/' });
    await alice.chmod(`${home}/d`, 0o300);
    const refused = await remoteFailure(clientProtocolCall(alice, 'getEnclosingRoot', { filename: `${home}/d` }));
    expect(refused.cls).to.equal('org.apache.hadoop.security.AccessControlException');
    expect(refused.msg).to.match(/^Permission denied: user=alice, access=READ, inode=".*\/d":alice:/);
    await alice.chmod(`${home}/d`, 0o755);
  });

  it('snapshots: no snapshottable directory; createSnapshot and allowSnapshot refused with SnapshotException; disallowSnapshot does nothing', async () => {
    const d = `${alice.workingDirectory}/d`;
    expect(await clientProtocolCall(alice, 'getSnapshottableDirListing', {})).to.deep.equal({});
    expect(await remoteFailure(clientProtocolCall(alice, 'createSnapshot', { snapshotRoot: d, snapshotName: 's1' })))
      .to.deep.equal({ cls: SNAPSHOT_EXCEPTION, msg: `Directory is not a snapshottable directory: ${d}` });
    expect(await remoteFailure(clientProtocolCall(alice, 'allowSnapshot', { snapshotRoot: d })))
      .to.deep.equal({ cls: 'org.apache.hadoop.security.AccessControlException', msg: 'Access denied for user alice. Superuser privilege is required' });
    const allow = await remoteFailure(clientProtocolCall(hdfsAdmin, 'allowSnapshot', { snapshotRoot: d }));
    expect(allow.cls).to.equal(SNAPSHOT_EXCEPTION);
    expect(allow.msg).to.match(/^hsec has no snapshots: cannot allow snapshot for /);
    expect(await clientProtocolCall(hdfsAdmin, 'disallowSnapshot', { snapshotRoot: d })).to.deep.equal({});
  });
});
