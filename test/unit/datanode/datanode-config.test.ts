// DataNode settings with Hadoop's defaults, DataNode.checkSecureConfig's rules, the version order
// of VersionUtil.compareVersions, and the incremental block report queue.
import { expect } from 'chai';
import { checkSecureConfig } from '../../../cluster/datanode/datanode.ts';
import { dataNodeSettings } from '../../../cluster/datanode/datanode-settings.ts';
import { IncrementalBlockReports } from '../../../cluster/datanode/namenode-link/incremental-reports.ts';
import { compareVersions } from '../../../cluster/protocol/hadoop-version.ts';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { createDataTransferResolver } from '../../../security/resolver/registry.ts';
import { rejectsCode, throwsCode } from '../../support/errors.ts';

const conf = (o: Record<string, string> = {}) => loadConfiguration({ env: {}, overrides: { 'dfs.namenode.rpc-address': 'nn.example.test:8020', ...o } });

describe('datanode/settings and start-up checks', () => {
  it('reads Hadoop\'s defaults: data dir under hadoop.tmp.dir, 0.0.0.0:9866, 3 s heartbeats, 6 h block reports, 60 s / 480 s / 4 s socket timeouts', async () => {
    const s = await dataNodeSettings(conf({ 'hadoop.tmp.dir': '/var/tmp/h' }), { hostName: 'dn1.example.test' });
    expect(s).to.deep.include({
      dataDir: '/var/tmp/h/dfs/data', hostName: 'dn1.example.test', heartbeatIntervalMs: 3000, blockReportIntervalMs: 21_600_000,
      blockReportInitialDelayMs: 0, socketTimeoutMs: 60_000, socketWriteTimeoutMs: 480_000, keepaliveMs: 4000, maxTransferConnections: 4096,
      bpReadyTimeoutMs: 20_000, minNameNodeVersion: '2.1.0-beta', blockTokenEnabled: false, ignoreSecurePortsForTesting: false,
    });
    expect(s.xfer).to.deep.equal({ host: '0.0.0.0', port: 9866 });
    expect(s.nameNode).to.deep.equal({ host: 'nn.example.test', port: 8020, configKey: 'dfs.namenode.rpc-address' });
    const t = await dataNodeSettings(conf({ 'dfs.datanode.data.dir': 'file:///data/1,file:///data/2', 'dfs.datanode.hostname': 'dn2', 'dfs.heartbeat.interval': '1' }));
    expect([t.dataDir, t.hostName, t.heartbeatIntervalMs]).to.deep.equal(['/data/1', 'dn2', 1000]);
    await rejectsCode(dataNodeSettings(conf({ 'dfs.datanode.address': 'nohost' })), 'CONFIG_INVALID');
    await rejectsCode(dataNodeSettings(conf({ 'dfs.heartbeat.interval': '0' })), 'CONFIG_INVALID');
  });

  it('checkSecureConfig: Kerberos needs block tokens, and a privileged port without SASL or an unprivileged one with dfs.data.transfer.protection', () => {
    const on = { blockTokenEnabled: true, ignoreSecurePortsForTesting: false };
    const protectedResolver = createDataTransferResolver(conf({ 'dfs.data.transfer.protection': 'privacy' }), 'server');
    checkSecureConfig(false, { ...on, blockTokenEnabled: false }, 50010, undefined); // security off: anything goes
    expect(throwsCode(() => checkSecureConfig(true, { ...on, blockTokenEnabled: false }, 1004, undefined), 'CONFIG_INVALID').message).to.match(/^Security is enabled but block access tokens \(via dfs.block.access.token.enable\) aren't enabled/);
    checkSecureConfig(true, on, 1004, undefined);
    checkSecureConfig(true, on, 50010, protectedResolver);
    throwsCode(() => checkSecureConfig(true, on, 50010, undefined), 'CONFIG_INVALID');
    throwsCode(() => checkSecureConfig(true, on, 1004, protectedResolver), 'CONFIG_INVALID');
    checkSecureConfig(true, { ...on, ignoreSecurePortsForTesting: true }, 50010, undefined);
  });

  it('compareVersions orders as Hadoop\'s VersionUtil: 2.1.0-beta < 2.1.0 < 3.0.0-SNAPSHOT < 3.0.0 < 3.4.1 < 3.10', () => {
    const order = ['2.0.0-alpha', '2.1.0-beta', '2.1.0', '3.0.0-SNAPSHOT', '3.0.0', '3.4.1', '3.10'];
    for (let i = 0; i + 1 < order.length; i++) {
      expect(compareVersions(order[i]!, order[i + 1]!), `${order[i]} < ${order[i + 1]}`).to.be.lessThan(0);
      expect(compareVersions(order[i + 1]!, order[i]!)).to.be.greaterThan(0);
    }
    expect(compareVersions('3.4.1', '3.4.1.0')).to.equal(0);
  });

  it('incremental reports: the latest news per block, RECEIVED wakes the link, a failed send is put back without hiding newer news', () => {
    let wakes = 0;
    const ibr = new IncrementalBlockReports(0, () => wakes++);
    ibr.add({ block: { blockId: 1, genStamp: 1 }, status: 'RECEIVING' });
    expect([ibr.pending, ibr.sendImmediately, wakes]).to.deep.equal([1, false, 0]);
    ibr.add({ block: { blockId: 1, genStamp: 1, numBytes: 5 }, status: 'RECEIVED' });
    ibr.add({ block: { blockId: 2, genStamp: 1 }, status: 'DELETED' });
    expect([ibr.pending, ibr.sendImmediately, wakes]).to.deep.equal([2, true, 1]);
    const sent = ibr.take();
    expect(sent.map((i) => i.status)).to.deep.equal(['RECEIVED', 'DELETED']);
    expect([ibr.pending, ibr.sendImmediately]).to.deep.equal([0, false]);
    ibr.add({ block: { blockId: 2, genStamp: 2 }, status: 'RECEIVING' }); // newer news about block 2
    ibr.putMissing(sent);
    expect(ibr.take().map((i) => `${i.block.blockId}:${i.status}`)).to.deep.equal(['2:RECEIVING', '1:RECEIVED']);
  });

  it('whenReported: resolves when a sent report carried the block as RECEIVED, when the waiters are released, or after its bound', async () => {
    const ibr = new IncrementalBlockReports(0);
    const settled: string[] = [];
    const watch = (p: Promise<void>, name: string): Promise<void> => p.then(() => void settled.push(name));
    ibr.add({ block: { blockId: 1, genStamp: 1, numBytes: 5 }, status: 'RECEIVED' });
    ibr.add({ block: { blockId: 2, genStamp: 1 }, status: 'RECEIVING' });
    const one = watch(ibr.whenReported(1, 10_000), 'one');
    const oneAgain = watch(ibr.whenReported(1, 10_000), 'one again');
    const two = watch(ibr.whenReported(2, 10_000), 'two');
    const sent = ibr.take();
    await new Promise((r) => setTimeout(r, 20));
    expect(settled, 'nothing before the NameNode answered').to.deep.equal([]);
    ibr.reported(sent);
    await Promise.all([one, oneAgain]);
    expect(settled).to.deep.equal(['one', 'one again']); // block 2 was only RECEIVING
    ibr.releaseWaiters();
    await two;
    const t0 = Date.now();
    await ibr.whenReported(3, 60);
    expect(Date.now() - t0).to.be.within(50, 1000);
  });

  it('dfs.blockreport.incremental.intervalMsec: RECEIVED news within the interval wait for it and go together', async () => {
    let wakes = 0;
    const ibr = new IncrementalBlockReports(150, () => wakes++);
    ibr.add({ block: { blockId: 1, genStamp: 1, numBytes: 5 }, status: 'RECEIVED' });
    expect([ibr.sendImmediately, wakes]).to.deep.equal([true, 1]); // nothing sent yet: due at once
    ibr.take();
    ibr.add({ block: { blockId: 2, genStamp: 1, numBytes: 5 }, status: 'RECEIVED' });
    ibr.add({ block: { blockId: 3, genStamp: 1, numBytes: 5 }, status: 'RECEIVED' });
    expect([ibr.sendImmediately, wakes]).to.deep.equal([false, 1]);
    await new Promise((r) => setTimeout(r, 250));
    expect([ibr.sendImmediately, wakes]).to.deep.equal([true, 2]); // one wake for both, once due
    expect(ibr.take().map((i) => i.block.blockId)).to.deep.equal([2, 3]);
  });
});
