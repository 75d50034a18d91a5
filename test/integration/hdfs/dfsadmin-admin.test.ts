/**
 * The NameNode admin and erasure-coding calls stock `hdfs dfsadmin`, `hdfs ec` and the Balancer
 * make, over Kerberos RPC to a real hsec NameNode with two DataNodes (MIT KDC): `hsec dfsadmin
 * -upgrade query|finalize`, `-finalizeUpgrade`, `-restoreFailedStorage`, `-metasave` (a file in the
 * NameNode's log directory) and `-refreshNodes` (dfs.hosts.exclude decommissions a DataNode, which
 * then takes no new replica and, holding no block, becomes DECOMMISSIONED; a non-empty dfs.hosts
 * without it stops it at its next heartbeat), each refused for a plain user with Hadoop's text;
 * getDatanodeStorageReport, getCurrentEditLogTxid, getEditsFromTxid (refused: no inotify) and the
 * EC calls as a stock client encodes them. None answers RpcNoSuchMethodException.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { DFSADMIN_FAILURE } from '../../../cluster/cli/commands/dfsadmin.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { dfsadminShell, type DfsadminShell } from '../../support/dfsadmin-shell.ts';
import { clientProtocolCall, remoteFailure } from '../../support/client-protocol-call.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { until } from '../../support/until.ts';

const DENIED = 'Access denied for user alice. Superuser privilege is required';

describe('hdfs: dfsadmin upgrade / restoreFailedStorage / metasave / refreshNodes, the storage report and the EC calls (MIT KDC, hsec NameNode)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let logDir: string;
  let hosts: { includes: string; excludes: string };
  let hdfs: SecureHdfs;
  let shell: DfsadminShell;
  let alice: HdfsClient;
  let admin: HdfsClient;

  const dfsadmin = (user: string, ...args: string[]) => shell.run(user, ...args);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dfsadmin-admin-'));
    logDir = join(dir, 'logs');
    hosts = { includes: join(dir, 'dfs.include'), excludes: join(dir, 'dfs.exclude') };
    writeFileSync(hosts.includes, '');
    writeFileSync(hosts.excludes, '');
    mkdirSync(logDir);
    hdfs = await startSecureHdfs(realm.kdc, dir, {
      dataNodes: 2,
      conf: { 'dfs.data.transfer.protection': 'authentication', 'dfs.hosts': hosts.includes, 'dfs.hosts.exclude': hosts.excludes },
      // what refreshNodes loads again: the site files naming the two host files
      nameNode: { logDir, reloadConfiguration: () => loadConfiguration({ env: {}, overrides: { 'dfs.hosts': hosts.includes, 'dfs.hosts.exclude': hosts.excludes } }) },
    });
    alice = await hdfs.client('alice');
    admin = await hdfs.admin();
    shell = await dfsadminShell(realm.kdc, hdfs, dir);
  });

  after(async () => {
    await hdfs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('-upgrade query|finalize and -finalizeUpgrade: finalized, the superuser finalizes, a plain user is refused', async () => {
    expect(await dfsadmin('alice', '-upgrade', 'query')).to.deep.equal({ code: 0, out: 'Upgrade finalized\n', err: '' });
    expect(await dfsadmin('alice', '-finalizeUpgrade')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: `finalizeUpgrade: ${DENIED}\n` });
    expect(await dfsadmin('alice', '-upgrade', 'finalize')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: `upgrade: ${DENIED}\n` });
    expect(await dfsadmin('nn', '-finalizeUpgrade')).to.deep.equal({ code: 0, out: 'Finalize upgrade successful\n', err: '' });
    expect(await dfsadmin('nn', '-upgrade', 'FINALIZE')).to.deep.equal({ code: 0, out: 'Finalize upgrade successful\n', err: '' });
  });

  it('-restoreFailedStorage check|true|false: the flag the NameNode keeps', async () => {
    const set = (v: string) => ({ code: 0, out: `restoreFailedStorage is set to ${v}\n`, err: '' });
    expect(await dfsadmin('nn', '-restoreFailedStorage', 'check')).to.deep.equal(set('false'));
    expect(await dfsadmin('nn', '-restoreFailedStorage', 'true')).to.deep.equal(set('true'));
    expect(await dfsadmin('nn', '-restoreFailedStorage', 'check')).to.deep.equal(set('true'));
    expect(await dfsadmin('alice', '-restoreFailedStorage', 'false')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: `restoreFailedStorage: ${DENIED}\n` });
    expect(await dfsadmin('nn', '-restoreFailedStorage', 'false')).to.deep.equal(set('false'));
  });

  it('-metasave: the file in the NameNode\'s log directory, in Hadoop\'s sections', async () => {
    await admin.writeFile('/meta-f', 'hello');
    const port = hdfs.nn.address.port;
    expect(await dfsadmin('alice', '-metasave', 'm.txt')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: `metasave: ${DENIED}\n` });
    expect(await dfsadmin('nn', '-metasave', 'm.txt')).to.deep.equal({ code: 0, out: `Created metasave file m.txt in the log directory of namenode hdfs://127.0.0.1:${port}\n`, err: '' });
    const text = readFileSync(join(logDir, 'm.txt'), 'utf8');
    const inodes = hdfs.nn.namesystem.fsd.inodeCount;
    expect(text.split('\n').slice(0, 3)).to.deep.equal([`${inodes} files and directories, 1 blocks = ${inodes + 1} total filesystem objects`, 'Live Datanodes: 2', 'Dead Datanodes: 0']);
    expect(text).to.contain('\nMetasave: Blocks waiting for reconstruction: 0\nMetasave: Blocks currently missing: 0\nMis-replicated blocks that have been postponed:\n');
    expect(text).to.match(/\nMetasave: Number of datanodes: 2\n127\.0\.0\.1:\d+ IN \d+\(/);
  });

  it('getDatanodeStorageReport (the Balancer\'s), getCurrentEditLogTxid, getEditsFromTxid refused', async () => {
    const reports = await clientProtocolCall(admin, 'getDatanodeStorageReport', { type: 'LIVE' });
    expect(reports.datanodeStorageReports!.map((r) => r.datanodeInfo.id.datanodeUuid).sort()).to.deep.equal(hdfs.dns.map((d) => d.datanodeUuid).sort());
    for (const r of reports.datanodeStorageReports!) {
      expect(r.storageReports!.length).to.equal(1);
      expect(r.storageReports![0]!.capacity).to.be.greaterThan(0);
      expect(r.storageReports![0]!.storage!.storageType).to.equal('DISK');
    }
    expect(await remoteFailure(clientProtocolCall(alice, 'getDatanodeStorageReport', { type: 'ALL' }))).to.deep.equal({ cls: 'org.apache.hadoop.security.AccessControlException', msg: DENIED });
    expect((await clientProtocolCall(admin, 'getCurrentEditLogTxid', {})).txid).to.equal(hdfs.nn.namesystem.txid);
    const edits = await remoteFailure(clientProtocolCall(admin, 'getEditsFromTxid', { txid: 1 }));
    expect(edits.cls).to.equal('java.io.IOException');
    expect(edits.msg).to.match(/^Cannot read edits from txid 1: hsec does not serve HDFS inotify/);
  });

  it('the EC calls: system policies all DISABLED, -setPolicy refused as for a disabled policy, no policy to unset, the topology check', async () => {
    const policies = (await clientProtocolCall(alice, 'getErasureCodingPolicies', {})).ecPolicies!;
    expect(policies.map((p) => [p.name, p.id, p.state])).to.deep.equal([
      ['RS-10-4-1024k', 5, 'DISABLED'], ['RS-3-2-1024k', 2, 'DISABLED'], ['RS-6-3-1024k', 1, 'DISABLED'], ['RS-LEGACY-6-3-1024k', 3, 'DISABLED'], ['XOR-2-1-1024k', 4, 'DISABLED'],
    ]);
    expect(await clientProtocolCall(alice, 'getErasureCodingCodecs', {})).to.deep.equal({});
    const home = alice.workingDirectory;
    expect(await clientProtocolCall(alice, 'getErasureCodingPolicy', { src: home })).to.deep.equal({});
    expect(await remoteFailure(clientProtocolCall(alice, 'setErasureCodingPolicy', { src: home, ecPolicyName: 'RS-6-3-1024k' }))).to.deep.equal({
      cls: 'org.apache.hadoop.HadoopIllegalArgumentException',
      msg: "Policy 'RS-6-3-1024k' does not match any enabled erasure coding policies: []. An erasure coding policy can be enabled by enableErasureCodingPolicy API.",
    });
    expect(await remoteFailure(clientProtocolCall(alice, 'unsetErasureCodingPolicy', { src: home }))).to.deep.equal({
      cls: 'org.apache.hadoop.hdfs.protocol.NoECPolicySetException', msg: `No erasure coding policy explicitly set on ${home}`,
    });
    expect(await remoteFailure(clientProtocolCall(alice, 'enableErasureCodingPolicy', { ecPolicyName: 'RS-3-2-1024k' }))).to.deep.equal({ cls: 'org.apache.hadoop.security.AccessControlException', msg: DENIED });
    expect((await remoteFailure(clientProtocolCall(admin, 'enableErasureCodingPolicy', { ecPolicyName: 'RS-3-2-1024k' }))).msg).to.match(/hsec does not support erasure coding/);
    expect(await clientProtocolCall(admin, 'disableErasureCodingPolicy', { ecPolicyName: 'RS-3-2-1024k' })).to.deep.equal({});
    expect(await clientProtocolCall(admin, 'getECTopologyResultForPolicies', {})).to.deep.equal({ response: { resultMessage: 'No erasure coding policy is given.', isSupported: true } });
    expect(await clientProtocolCall(admin, 'getECTopologyResultForPolicies', { policies: ['XOR-2-1-1024k'] })).to.deep.equal({
      response: { resultMessage: '3 DataNodes are required for the erasure coding policies: XOR-2-1-1024k. The number of DataNodes is only 2.', isSupported: false },
    });
  });

  it('-refreshNodes: an excluded DataNode decommissions and gets no new replica; one left out of the include list is stopped', async () => {
    const [dn0, dn1] = hdfs.dns as [typeof hdfs.dns[0], typeof hdfs.dns[0]];
    const desc = (uuid: string) => hdfs.nn.namesystem.datanodes.get(uuid)!;
    // a block whose only replica is on dn1 (replication 1, placement is random: write until one lands there)
    expect(await admin.delete('/meta-f')).to.equal(true);
    const held = () => [...desc(dn1.datanodeUuid).storages.values()].reduce((n, st) => n + st.blocks.size, 0);
    await admin.mkdir('/pin');
    for (let i = 0; i < 30 && held() === 0; i++) await admin.writeFile(`/pin/${i}`, `p${i}`);
    expect(held()).to.be.greaterThan(0);
    writeFileSync(hosts.excludes, `# decommission the second DataNode\n127.0.0.1:${dn1.xferAddress.port}\n`);
    expect(await dfsadmin('alice', '-refreshNodes')).to.deep.equal({ code: DFSADMIN_FAILURE, out: '', err: `refreshNodes: ${DENIED}\n` });
    expect(desc(dn1.datanodeUuid).adminState).to.equal('NORMAL');
    expect(await dfsadmin('nn', '-refreshNodes')).to.deep.equal({ code: 0, out: 'Refresh nodes successful\n', err: '' });
    expect(desc(dn1.datanodeUuid).adminState).to.equal('DECOMMISSION_INPROGRESS');
    expect((await clientProtocolCall(admin, 'getDatanodeReport', { type: 'DECOMMISSIONING' })).di!.map((d) => d.id.datanodeUuid)).to.deep.equal([dn1.datanodeUuid]);
    expect((await dfsadmin('nn', '-report', '-decommissioning')).out).to.contain('Decommissioning datanodes (1):');
    for (let i = 0; i < 4; i++) {
      await admin.writeFile(`/after-${i}`, `x${i}`);
      const located = await clientProtocolCall(admin, 'getBlockLocations', { src: `/after-${i}`, offset: 0, length: 10 });
      expect(located.locations!.blocks![0]!.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal([dn0.datanodeUuid]);
    }
    // its blocks have no other replica: the decommission monitor queues them, the redundancy monitor has
    // dn1 copy them to dn0, and once they live there the decommission completes
    expect(await until(() => desc(dn1.datanodeUuid).adminState === 'DECOMMISSIONED', 20_000)).to.equal(true);
    const pinned = await clientProtocolCall(admin, 'getListing', { src: '/pin', startAfter: new Uint8Array(0), needLocation: false });
    for (const f of pinned.dirList!.partialListing!) {
      const located = await clientProtocolCall(admin, 'getBlockLocations', { src: `/pin/${Buffer.from(f.path).toString()}`, offset: 0, length: 10 });
      expect(located.locations!.blocks![0]!.locs!.map((l) => l.id.datanodeUuid)).to.include(dn0.datanodeUuid);
    }
    expect(await admin.delete('/pin', { recursive: true })).to.equal(true);
    const report = await clientProtocolCall(admin, 'getDatanodeReport', { type: 'ALL' });
    expect(report.di!.find((d) => d.id.datanodeUuid === dn1.datanodeUuid)!.adminState).to.equal('DECOMMISSIONED');
    // back in service when it leaves the exclude list
    writeFileSync(hosts.excludes, '');
    expect((await dfsadmin('nn', '-refreshNodes')).code).to.equal(0);
    expect(desc(dn1.datanodeUuid).adminState).to.equal('NORMAL');
    // a non-empty include list without dn1: its next heartbeat is refused, which ends its link
    writeFileSync(hosts.includes, `127.0.0.1:${dn0.xferAddress.port}\n`);
    expect((await dfsadmin('nn', '-refreshNodes')).code).to.equal(0);
    const failure = await dn1.failure;
    expect(failure.details['exceptionClassName']).to.equal('org.apache.hadoop.hdfs.server.protocol.DisallowedDatanodeException');
    expect(desc(dn1.datanodeUuid).alive).to.equal(false);
    expect(desc(dn0.datanodeUuid).alive).to.equal(true);
  });
});
