// The NameNode admin calls of dfsadmin and the Balancer (FSNamesystem.finalizeUpgrade,
// isUpgradeFinalized, restoreFailedStorage, metaSave, getDatanodeStorageReport,
// NameNodeRpcServer.getCurrentEditLogTxid / getEditsFromTxid, refreshNodes with HostFileManager and
// decommissioning): checks, answers, audit lines, and what a refresh does to registration,
// heartbeats, admin states and block placement.
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { chooseTargets } from '../../../cluster/namenode/blocks/block-placement.ts';
import { NameNodeAdminOps } from '../../../cluster/namenode/namenode-admin-ops.ts';
import { ClusterStatus } from '../../../cluster/namenode/cluster-status.ts';
import { auditLines } from '../../support/log-lines.ts';
import { refused } from '../../support/expect-code.ts';
import { alice, datanode, hdfsUser, MiB, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';

const ACE = 'org.apache.hadoop.security.AccessControlException';
const DENIED = 'Access denied for user alice. Superuser privilege is required';

describe('namenode/admin calls (upgrade, restoreFailedStorage, metaSave, storage report, edit-log txid, refreshNodes)', () => {
  let t: TestNamesystem;
  let logDir: string;
  let hosts: { includes: string; excludes: string };
  let ops: NameNodeAdminOps;

  beforeEach(async () => {
    t = await namesystem();
    logDir = mkdtempSync(join(tmpdir(), 'hsec-admin-'));
    hosts = { includes: join(logDir, 'dfs.include'), excludes: join(logDir, 'dfs.exclude') };
    writeFileSync(hosts.includes, '');
    writeFileSync(hosts.excludes, '');
    ops = new NameNodeAdminOps(t.ns, {
      logDir, restoreFailedStorage: false,
      reloadConfiguration: () => loadConfiguration({ env: {}, overrides: { 'dfs.hosts': hosts.includes, 'dfs.hosts.exclude': hosts.excludes } }),
    });
  });
  afterEach(async () => {
    await t.ns.store.close();
    rmSync(t.dir, { recursive: true, force: true });
    rmSync(logDir, { recursive: true, force: true });
  });

  it('upgradeStatus answers finalized; finalizeUpgrade needs the superuser and is audited', async () => {
    expect(ops.upgradeStatus()).to.equal(true);
    const lines = await auditLines(async () => {
      await refused(ops.finalizeUpgrade(alice), ACE, DENIED);
      await ops.finalizeUpgrade(hdfsUser);
    });
    expect(lines.map((l) => [l['allowed'], l['cmd'], l['src']])).to.deep.equal([[false, 'finalizeUpgrade', null], [true, 'finalizeUpgrade', null]]);
    expect(ops.upgradeStatus()).to.equal(true);
  });

  it('restoreFailedStorage: check answers the flag, true sets it, anything else clears it; audited under Hadoop\'s three names', async () => {
    const lines = await auditLines(async () => {
      expect(await ops.restoreFailedStorage('check', hdfsUser)).to.equal(false);
      expect(await ops.restoreFailedStorage('true', hdfsUser)).to.equal(true);
      expect(await ops.restoreFailedStorage('check', hdfsUser)).to.equal(true);
      expect(await ops.restoreFailedStorage('nonsense', hdfsUser)).to.equal(false);
      expect(await ops.restoreFailedStorage('check', hdfsUser)).to.equal(false);
      await refused(ops.restoreFailedStorage('true', alice), ACE, DENIED);
    });
    expect(lines.map((l) => [l['allowed'], l['cmd']])).to.deep.equal([
      [true, 'checkRestoreFailedStorage'], [true, 'enableRestoreFailedStorage'], [true, 'checkRestoreFailedStorage'],
      [true, 'disableRestoreFailedStorage'], [true, 'checkRestoreFailedStorage'], [false, 'enableRestoreFailedStorage'],
    ]);
    expect(await ops.restoreFailedStorage('check', hdfsUser)).to.equal(false); // the refused call changed nothing
  });

  it('metaSave writes Hadoop\'s sections to the log directory; a plain user is refused and nothing is written', async () => {
    const dn = datanode(t.ns, 'dn-1');
    await writeFile(t, '/f', 1000, hdfsUser, dn);
    t.ns.datanodes.get('dn-1')!.invalidate.push({ blockId: 1073741999, generationStamp: 1001, numBytes: 5 });
    await refused(ops.metaSave('meta.txt', alice), ACE, DENIED);
    expect(() => readFileSync(join(logDir, 'meta.txt'))).to.throw();
    await ops.metaSave('meta.txt', hdfsUser);
    const lines = readFileSync(join(logDir, 'meta.txt'), 'utf8').split('\n');
    // root, /f; one block
    expect(lines.slice(0, 10)).to.deep.equal([
      '2 files and directories, 1 blocks = 3 total filesystem objects',
      'Live Datanodes: 1',
      'Dead Datanodes: 0',
      'Metasave: Blocks waiting for reconstruction: 0',
      'Metasave: Blocks currently missing: 0',
      'Mis-replicated blocks that have been postponed:',
      'Metasave: Blocks being reconstructed: 0',
      'Metasave: Blocks 1 waiting deletion from 1 datanodes.',
      '127.0.0.1:9866',
      'blk_1073741999_1001',
    ]);
    expect(lines[10]).to.equal('Corrupt Blocks:');
    expect(lines[11]).to.equal('Metasave: Number of datanodes: 1');
    expect(lines[12]).to.match(/^127\.0\.0\.1:9866 IN 107374182400\(100 GB\) 0\(0 B\) 0\.00% 107374182400\(100 GB\) 0\(0 B\) 0\(0 B\) 100\.00% 0\(0 B\) \w{3} \w{3} \d\d \d\d:\d\d:\d\d .+ \d{4} 1 blocks to be invalidated;$/);
  });

  it('metaSave opens `new File(hadoop.log.dir, filename)` as Java does (no lexical ".." through a link); its failures are java.nio\'s, not audited', async () => {
    // java.io.File keeps ".." for the OS to resolve: through a symbolic link it leaves the link's target
    const elsewhere = mkdtempSync(join(tmpdir(), 'hsec-admin-elsewhere-'));
    try {
      mkdirSync(join(elsewhere, 'deep'));
      symlinkSync(join(elsewhere, 'deep'), join(logDir, 'link'));
      await ops.metaSave('link/../through-link', hdfsUser);
      expect([existsSync(join(elsewhere, 'through-link')), existsSync(join(logDir, 'through-link'))]).to.deep.equal([true, false]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    mkdirSync(join(logDir, 'sub'));
    const lines = await auditLines(async () => {
      // UnixException.translateToIOException: the path (File's: repeated and trailing "/" dropped) as the message, or "path: strerror"
      await refused(ops.metaSave('no//such/dir/m', hdfsUser), 'java.nio.file.NoSuchFileException', `${logDir}/no/such/dir/m`);
      await refused(ops.metaSave('sub/', hdfsUser), 'java.nio.file.FileSystemException', `${logDir}/sub: Is a directory`);
      await refused(ops.metaSave('a\0b', hdfsUser), 'java.nio.file.InvalidPathException', `Nul character not allowed: ${logDir}/a\0b`);
    });
    expect(lines, 'a failed metaSave is not audited (logAuditEvent follows the write)').to.deep.equal([]);
  });

  it('metaSave names a block below its replication, and a missing one, with its file', async () => {
    const dn = datanode(t.ns, 'dn-1');
    await writeFile(t, '/under', 10, hdfsUser, dn);
    await t.attributes.setReplication('/under', 3, hdfsUser);
    await writeFile(t, '/gone', 10, hdfsUser, dn);
    const gone = t.ns.fsd.resolveExisting('/gone');
    const block = gone?.kind === 'file' ? gone.blocks[0] : undefined;
    block!.replicas.clear();
    await ops.metaSave('m2', hdfsUser);
    const text = readFileSync(join(logDir, 'm2'), 'utf8');
    expect(text).to.match(/Metasave: Blocks waiting for reconstruction: 1\n\/under: blk_\d+_\d+ \(replicas: live: 1 decommissioning and decommissioned: 0 corrupt: 0 in excess: 0 maintenance mode: 0\)  127\.0\.0\.1:9866 : \n/);
    expect(text).to.match(/Metasave: Blocks currently missing: 1\n\/gone: blk_\d+_\d+ MISSING \(replicas: live: 0 decommissioning and decommissioned: 0 corrupt: 0 in excess: 0 maintenance mode: 0\) \n/);
  });

  it('getDatanodeStorageReport: each node with its heartbeat\'s storages; superuser; getCurrentEditLogTxid; getEditsFromTxid refused', async () => {
    datanode(t.ns, 'dn-1');
    const reports = ops.datanodeStorageReport('LIVE', hdfsUser);
    expect(reports.map((r) => [r.datanodeInfo.id.datanodeUuid, r.storageReports!.map((s) => [s.storageUuid, s.capacity, s.remaining, s.storage?.storageType])])).to.deep.equal([
      ['dn-1', [['DS-dn-1', 100 * 1024 * MiB, 100 * 1024 * MiB, 'DISK']]],
    ]);
    expect(ops.datanodeStorageReport('DEAD', hdfsUser)).to.deep.equal([]);
    await refused(Promise.resolve().then(() => ops.datanodeStorageReport('ALL', alice)), ACE, DENIED);
    await t.ns.mkdirs('/x', { perm: 0o755 }, true, hdfsUser);
    expect(ops.currentEditLogTxid(hdfsUser)).to.equal(t.ns.txid).and.to.be.greaterThan(0);
    await refused(Promise.resolve().then(() => ops.currentEditLogTxid(alice)), ACE, DENIED);
    await refused(Promise.resolve().then(() => ops.editsFromTxid(1, alice)), ACE, DENIED);
    await refused(Promise.resolve().then(() => ops.editsFromTxid(1, hdfsUser)), 'java.io.IOException', /^Cannot read edits from txid 1: hsec does not serve HDFS inotify/);
  });

  it('refreshNodes: an excluded node decommissions (no new replicas), completes once its blocks live elsewhere, comes back when un-excluded', async () => {
    const a = datanode(t.ns, 'dn-a', '127.0.0.1', 9001);
    const b = datanode(t.ns, 'dn-b', '127.0.0.1', 9002);
    await writeFile(t, '/f', 10, hdfsUser, a); // replication 1, only on a
    writeFileSync(hosts.excludes, '# decommission a\n127.0.0.1:9001   # the first one\n');
    const lines = await auditLines(async () => {
      await refused(ops.refreshNodes(alice), ACE, DENIED);
      await ops.refreshNodes(hdfsUser);
    });
    expect(lines.map((l) => [l['allowed'], l['cmd']])).to.deep.equal([[false, 'refreshNodes'], [true, 'refreshNodes']]);
    expect([a.adminState, b.adminState]).to.deep.equal(['DECOMMISSION_INPROGRESS', 'NORMAL']);
    const status = new ClusterStatus(t.ns);
    expect(status.datanodeReport('DECOMMISSIONING', hdfsUser).map((d) => [d.id.datanodeUuid, d.adminState])).to.deep.equal([['dn-a', 'DECOMMISSION_INPROGRESS']]);
    // placement: never on a decommissioning node
    for (let i = 0; i < 20; i++) expect(chooseTargets(t.ns.datanodes.live(), { src: '/g', replication: 3, blockSize: MiB, clientAddress: '127.0.0.1' }).map((l) => l.datanode.uuid)).to.deep.equal(['dn-b']);
    // /f's only replica is on a: the monitor queues it for re-replication and a stays in progress
    t.ns.datanodes.check(t.clock.now(), false);
    expect(a.adminState).to.equal('DECOMMISSION_INPROGRESS');
    expect(t.ns.blocks.redundancy.needed.size).to.equal(1);
    // a replica on b (as the re-replication leaves) lets it finish
    const block = [...t.ns.fsd.allBlocks()][0]!;
    t.ns.blocks.processIncremental(b, 'DS-dn-b', 'DISK', [{ block: { blockId: block.blockId, genStamp: block.generationStamp, numBytes: 10 }, status: 'RECEIVED' }]);
    t.ns.datanodes.check(t.clock.now(), false);
    expect(a.adminState).to.equal('DECOMMISSIONED');
    expect(a.toInfo().adminState).to.equal('DECOMMISSIONED');
    writeFileSync(hosts.excludes, '');
    await ops.refreshNodes(hdfsUser);
    expect(a.adminState).to.equal('NORMAL');
  });

  it('refreshNodes: a node left out of a non-empty include list is refused at its next heartbeat and at registration; a missing file fails the refresh and keeps the lists', async () => {
    const a = datanode(t.ns, 'dn-a', '127.0.0.1', 9001);
    writeFileSync(hosts.includes, '127.0.0.1:9002\n');
    await ops.refreshNodes(hdfsUser);
    expect(a.disallowed).to.equal(true);
    const msg = 'Datanode denied communication with namenode because the host is not in the include-list: 127.0.0.1:9001';
    await refused(Promise.resolve().then(() => t.ns.datanodes.heartbeat({ registration: a.registration, reports: [] }, t.clock.now(), 0)),
      'org.apache.hadoop.hdfs.server.protocol.DisallowedDatanodeException', msg);
    expect(a.alive).to.equal(false);
    await refused(Promise.resolve().then(() => datanode(t.ns, 'dn-a', '127.0.0.1', 9001)), 'org.apache.hadoop.hdfs.server.protocol.DisallowedDatanodeException',
      /^Datanode denied communication with namenode because the host is not in the include-list: DatanodeRegistration\(127\.0\.0\.1:9001, datanodeUuid=dn-a, /);
    expect(datanode(t.ns, 'dn-c', '127.0.0.1', 9002).alive).to.equal(true); // listed
    // an excluded node that registers starts decommissioning at once
    writeFileSync(hosts.includes, 'localhost\n');
    writeFileSync(hosts.excludes, '127.0.0.1:9003');
    await ops.refreshNodes(hdfsUser);
    expect(datanode(t.ns, 'dn-d', '127.0.0.1', 9003).adminState).to.equal('DECOMMISSION_INPROGRESS');
    rmSync(hosts.excludes);
    await refused(ops.refreshNodes(hdfsUser), 'java.nio.file.NoSuchFileException', hosts.excludes);
    expect(t.ns.datanodes.hosts.isExcluded('127.0.0.1', 9003)).to.equal(true);
  });

  it('refreshNodes reads and resolves the host files before it takes the namesystem lock (DatanodeManager.refreshHostsReader): a slow name lookup holds up no namespace change', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const slow = await namesystem({ hostResolver: async (host) => {
      await gate;
      return host === 'dn.example' ? ['127.0.0.1'] : [];
    } });
    try {
      const slowOps = new NameNodeAdminOps(slow.ns, {
        logDir, restoreFailedStorage: false,
        reloadConfiguration: () => loadConfiguration({ env: {}, overrides: { 'dfs.hosts': hosts.includes, 'dfs.hosts.exclude': hosts.excludes } }),
      });
      const a = datanode(slow.ns, 'dn-a', '127.0.0.1', 9001);
      writeFileSync(hosts.excludes, 'dn.example:9001\n');
      const refresh = slowOps.refreshNodes(hdfsUser);
      await new Promise((resolve) => setTimeout(resolve, 20)); // the refresh is now waiting on the lookup
      const first = await Promise.race([
        slow.ns.mkdirs('/during-refresh', { perm: 0o755 }, true, hdfsUser).then(() => 'mkdirs'),
        new Promise((resolve) => setTimeout(() => resolve('mkdirs still waiting'), 500)),
      ]);
      expect(first).to.equal('mkdirs');
      expect(a.adminState, 'nothing applied before the lists are read').to.equal('NORMAL');
      release();
      await refresh;
      expect(a.adminState).to.equal('DECOMMISSION_INPROGRESS');
    } finally {
      release();
      await slow.ns.store.close();
      rmSync(slow.dir, { recursive: true, force: true });
    }
  });
});
