/**
 * `hsec dfsadmin` commands that talk to a DataNode over ClientDatanodeProtocol (-getDatanodeInfo,
 * -triggerBlockReport, -getBalancerBandwidth, -evictWriters, -shutdownDatanode) and the NameNode
 * calls -setBalancerBandwidth and -listOpenFiles, against the hsec NameNode and DataNode secured
 * with Kerberos (MIT KDC, RPC privacy, block tokens), run as: the DataNode's own principal
 * (dn/localhost), `admin` (in dfs.permissions.superusergroup through the static group mapping:
 * a superuser of the NameNode and of the DataNode) and `alice` (a plain user). As Hadoop 3.4.1's
 * DFSAdmin and DataNode: the admin calls pass DataNode.checkSuperuserPrivilege ("Permission
 * denied."), getDatanodeInfo and getBalancerBandwidth have no such check.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DFSADMIN_FAILURE } from '../../../cluster/cli/commands/dfsadmin.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { until } from '../../support/until.ts';
import { dfsadminShell, type DfsadminShell } from '../../support/dfsadmin-shell.ts';

const DENIED = 'org.apache.hadoop.ipc.RemoteException(org.apache.hadoop.security.AccessControlException): Permission denied.';

describe('hdfs: hsec dfsadmin DataNode commands, -setBalancerBandwidth, -listOpenFiles (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let hdfs: SecureHdfs;
  let shell: DfsadminShell;
  let dnAddr: string;

  const dfsadmin = (user: string, ...args: string[]) => shell.run(user, ...args);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dfsadmin-dn-'));
    hdfs = await startSecureHdfs(realm.kdc, dir, {
      conf: { 'dfs.data.transfer.protection': 'authentication', 'hadoop.user.group.static.mapping.overrides': 'admin=supergroup;alice=users;dn=;nn=' },
    });
    await hdfs.client('alice'); // makes the keytabs
    await hdfs.client('admin');
    shell = await dfsadminShell(realm.kdc, hdfs, dir, { dn: ['dn/localhost', 'dn.keytab'], admin: ['admin', 'admin.keytab'], alice: ['alice', 'alice.keytab'] });
    dnAddr = `localhost:${hdfs.dns[0]!.ipcAddress.port}`;
  });

  after(async () => {
    await hdfs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('-getDatanodeInfo: DatanodeLocalInfo.getDatanodeLocalReport, for any user', async () => {
    for (const user of ['alice', 'admin']) {
      const before = Math.floor(process.uptime());
      const { code, out, err } = await dfsadmin(user, '-getDatanodeInfo', dnAddr);
      const after = Math.ceil(process.uptime());
      expect({ code, err }).to.deep.equal({ code: 0, err: '' });
      expect(out).to.match(/^Uptime: \d+, Software version: 3\.4\.1, Config version: core-3\.0\.0,hdfs-1\n$/);
      // the uptime of the process the DataNode runs in (the JVM's, in Hadoop), here this test's
      const uptime = Number(/^Uptime: (\d+)/.exec(out)![1]);
      expect(uptime).to.be.within(before, after);
    }
    const none = await dfsadmin('alice', '-getDatanodeInfo');
    expect(none).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: 'Usage: hsec dfsadmin [-getDatanodeInfo <datanode_host:ipc_port>]\n' });
  });

  it('-getDatanodeInfo of a port nobody listens on: "Datanode unreachable."', async () => {
    const { code, out, err } = await dfsadmin('alice', '-getDatanodeInfo', 'localhost:1');
    expect({ code, out }).to.deep.equal({ code: DFSADMIN_FAILURE, out: '' });
    expect(err).to.match(/^getDatanodeInfo: Datanode unreachable\. java\.io\.IOException: .+\n$/);
  });

  it('-triggerBlockReport: refused for a plain user; the DataNode\'s own principal and a superuser make the NameNode receive a full report', async () => {
    const refused = await dfsadmin('alice', '-triggerBlockReport', dnAddr);
    expect(refused).to.deep.equal({ code: 1, out: '', err: `triggerBlockReport error: ${DENIED}\n` });
    const descriptor = () => hdfs.nn.namesystem.datanodes.get(hdfs.dns[0]!.datanodeUuid)!;
    for (const user of ['dn', 'admin']) {
      const before = descriptor().lastBlockReport;
      await new Promise((r) => setTimeout(r, 5));
      expect(await dfsadmin(user, '-triggerBlockReport', dnAddr)).to.deep.equal({ code: 0, out: `Triggering a full block report on ${dnAddr}.\n`, err: '' });
      expect(await until(() => descriptor().lastBlockReport > before, 10_000), `the NameNode received ${user}'s report`).to.equal(true);
    }
    // -namenode: the DataNode's NameNode (127.0.0.1:port) named as localhost:port, the same socket address
    const nn = `localhost:${hdfs.nn.address.port}`;
    const before = descriptor().lastBlockReport;
    expect(await dfsadmin('dn', '-triggerBlockReport', dnAddr, '-namenode', nn)).to.deep.equal({ code: 0, out: `Triggering a full block report on ${dnAddr} to namenode ${nn}.\n`, err: '' });
    expect(await until(() => descriptor().lastBlockReport > before, 10_000), 'the report went to that NameNode').to.equal(true);
    expect(await dfsadmin('admin', '-triggerBlockReport', '-incremental', dnAddr, '-namenode', nn)).to.deep.equal({
      code: 0, out: `Triggering an incremental block report on ${dnAddr} to namenode ${nn}.\n`, err: '',
    });
    expect(await dfsadmin('admin', '-triggerBlockReport', dnAddr, '-namenode')).to.deep.equal({
      code: DFSADMIN_FAILURE, out: '', err: 'triggerBlockReport: option -namenode requires 1 argument.\nUsage: hsec dfsadmin [-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]]\n',
    });
    // the DataNode reads -namenode with NetUtils.createSocketAddr before its superuser check
    for (const [user, bad] of [['alice', 'nn-without-port'], ['admin', `localhost:${hdfs.nn.address.port}/path`]] as const) {
      expect(await dfsadmin(user, '-triggerBlockReport', dnAddr, '-namenode', bad)).to.deep.equal({
        code: 1, out: '', err: `triggerBlockReport error: org.apache.hadoop.ipc.RemoteException(java.lang.IllegalArgumentException): Does not contain a valid host:port authority: ${bad}\n`,
      });
    }
    expect(await dfsadmin('admin', '-triggerBlockReport', '-incremental')).to.deep.equal({ code: 1, out: '', err: 'You must specify a host:port pair.\n' });
    expect(await dfsadmin('admin', '-triggerBlockReport', dnAddr, 'extra')).to.deep.equal({ code: 1, out: '', err: 'Can\'t understand arguments: extra\n' });
  });

  it('-setBalancerBandwidth (superuser only), then -getBalancerBandwidth shows it after a heartbeat', async () => {
    expect(await dfsadmin('alice', '-getBalancerBandwidth', dnAddr)).to.deep.equal({ code: 0, out: `Balancer bandwidth is ${100 * 1024 * 1024} bytes per second.\n`, err: '' });
    expect(await dfsadmin('alice', '-setBalancerBandwidth', '20m')).to.deep.equal({
      code: DFSADMIN_FAILURE, out: '', err: 'Balancer bandwidth is set failed.\nsetBalancerBandwidth: Access denied for user alice. Superuser privilege is required\n',
    });
    expect(await dfsadmin('admin', '-setBalancerBandwidth', '20m')).to.deep.equal({ code: 0, out: `Balancer bandwidth is set to ${20 * 1024 * 1024}\n`, err: '' });
    // DNA_BALANCERBANDWIDTHUPDATE comes with the DataNode's next heartbeat (1 s)
    const deadline = Date.now() + 10_000;
    let shown = '';
    while (Date.now() < deadline && shown !== `Balancer bandwidth is ${20 * 1024 * 1024} bytes per second.\n`) {
      shown = (await dfsadmin('alice', '-getBalancerBandwidth', dnAddr)).out;
      if (!shown.includes(String(20 * 1024 * 1024))) await new Promise((r) => setTimeout(r, 200));
    }
    expect(shown).to.equal(`Balancer bandwidth is ${20 * 1024 * 1024} bytes per second.\n`);
    expect(await dfsadmin('admin', '-setBalancerBandwidth', '-1')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: 'Bandwidth should be a non-negative integer\n' });
  });

  it('-listOpenFiles: a file being written (an open HdfsOutputStream) with its client, gone after close; refused for a plain user', async () => {
    const alice = await hdfs.client('alice');
    const out = alice.createWriteStream('/user/alice/open-one');
    await new Promise<void>((resolve, reject) => out.write(Buffer.alloc(500, 1), (e) => (e ? reject(e) : resolve())));
    await out.hflush();
    const { code, out: text, err } = await dfsadmin('admin', '-listOpenFiles');
    expect({ code, err }).to.deep.equal({ code: 0, err: '' });
    const lines = text.split('\n');
    expect(lines[0]).to.equal(`${'Client Host'.padEnd(20)}\t${'Client Name'.padEnd(20)}\tOpen File Path`);
    expect(lines.slice(1)).to.have.length(2); // one entry and the final newline
    // "%-20s\t%-20s\t%20s": the client name (longer than 20) and the path (20) unpadded
    const lease = hdfs.nn.namesystem.fsd.resolveExisting('/user/alice/open-one') as { uc: { clientName: string } | null };
    expect(lines[1]).to.equal(`127.0.0.1           \t${lease.uc!.clientName}\t/user/alice/open-one`);
    expect(lease.uc!.clientName).to.match(/^DFSClient_NONMAPREDUCE_/);
    expect((await dfsadmin('admin', '-listOpenFiles', '-path', '/user/alice')).out).to.contain('/user/alice/open-one\n');
    expect((await dfsadmin('admin', '-listOpenFiles', '-path', '/tmp')).out.split('\n')).to.have.length(2);
    expect((await dfsadmin('admin', '-listOpenFiles', '-blockingDecommission')).out.split('\n')).to.have.length(2);
    expect(await dfsadmin('alice', '-listOpenFiles')).to.deep.equal({
      code: DFSADMIN_FAILURE, out: '', err: 'List open files failed.\nlistOpenFiles: Access denied for user alice. Superuser privilege is required\n',
    });
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    const after = await dfsadmin('admin', '-listOpenFiles');
    expect(after.out).to.equal(`${'Client Host'.padEnd(20)}\t${'Client Name'.padEnd(20)}\tOpen File Path\n`);
  });

  it('-evictWriters: refused for a plain user; accepted for a superuser: the DataNode cuts a block write in progress', async () => {
    expect(await dfsadmin('alice', '-evictWriters', dnAddr)).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: `evictWriters: Datanode unreachable. ${DENIED}\n` });
    const alice = await hdfs.client('alice');
    const out = alice.createWriteStream('/user/alice/evicted');
    await new Promise<void>((resolve, reject) => out.write(Buffer.alloc(500, 1), (e) => (e ? reject(e) : resolve())));
    await out.hflush();
    expect(await dfsadmin('admin', '-evictWriters', dnAddr)).to.deep.equal({ code: 0, out: `Requested writer eviction to datanode ${dnAddr}\n`, err: '' });
    // the DataNode cut the block write: with one DataNode the pipeline cannot recover without it, so
    // the stream fails (as DFSOutputStream's "All datanodes are bad"); the hflushed bytes stay readable
    const failed = await new Promise<unknown>((resolve) => {
      out.on('error', () => undefined);
      out.write(Buffer.alloc(500, 2), () => undefined);
      out.end((e?: Error | null) => resolve(e));
    });
    expect(failed, 'the evicted writer failed').to.be.instanceOf(Error);
    const kept = await alice.readFile('/user/alice/evicted');
    expect([kept.length, kept[0], kept[499]]).to.deep.equal([500, 1, 1]);
  });

  it('-shutdownDatanode: refused for a plain user; a superuser\'s request stops the DataNode, a second one is refused', async () => {
    expect(await dfsadmin('alice', '-shutdownDatanode', dnAddr)).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: 'shutdownDatanode: Permission denied.\n' });
    expect(await dfsadmin('admin', '-shutdownDatanode', dnAddr, 'sideways')).to.deep.equal({
      code: DFSADMIN_FAILURE, out: '', err: 'Usage: hsec dfsadmin [-shutdownDatanode <datanode_host:ipc_port> [upgrade]]\n',
    });
    const dn = hdfs.dns[0]!;
    let stopped = false;
    void dn.shutDown.then(() => (stopped = true));
    expect(await dfsadmin('admin', '-shutdownDatanode', dnAddr)).to.deep.equal({ code: 0, out: `Submitted a shutdown request to datanode ${dnAddr}\n`, err: '' });
    expect(await dfsadmin('dn', '-shutdownDatanode', dnAddr)).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: 'shutdownDatanode: Shutdown already in progress.\n' });
    expect(await until(() => stopped, 10_000), 'the DataNode stopped').to.equal(true);
    const gone = await dfsadmin('alice', '-getDatanodeInfo', dnAddr);
    expect(gone.code).to.equal(DFSADMIN_FAILURE);
    expect(gone.err).to.match(/^getDatanodeInfo: Datanode unreachable\. /);
  });
});
