// The start-up safe mode (Hadoop 3.4.1's BlockManagerSafeMode, non-HA): the state machine and its
// tip on its own (a host with a manual clock), then on the namesystem: a restart with complete
// blocks stays in safe mode until a DataNode reports enough of them, refuses changes with the
// tip in the SafeModeException, sends DataNodes no commands, and ends after the extension (the
// monitor) or by -safemode leave.
import { expect } from 'chai';
import { DEFAULT_SAFE_MODE_SETTINGS, StartupSafeMode, type StartupSafeModeSettings } from '../../../cluster/namenode/blocks/startup-safe-mode.ts';
import { ClusterStatus } from '../../../cluster/namenode/cluster-status.ts';
import { CorruptFiles } from '../../../cluster/namenode/corrupt-files.ts';
import { HadoopException } from '../../../cluster/namenode/namespace/fs-errors.ts';
import { MANUAL_SAFE_MODE_TIP } from '../../../cluster/namenode/namesystem.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import { refused } from '../../support/expect-code.ts';
import { logLines } from '../../support/log-lines.ts';
import { alice, datanode, hdfsUser, namesystem, writeFile, type TestNamesystem } from '../../support/namesystem.ts';
import { until } from '../../support/until.ts';

const PENDING_TAIL = 'The minimum number of live datanodes is not required. Safe mode will be turned off automatically once the thresholds have been reached.';

describe('namenode/start-up safe mode (BlockManagerSafeMode, Hadoop 3.4.1)', () => {
  describe('the state machine', () => {
    function safeMode(settings: Partial<StartupSafeModeSettings> = {}, live = 0): { sm: StartupSafeMode; clock: ManualClock } {
      const clock = new ManualClock(0);
      const sm = new StartupSafeMode({ ...DEFAULT_SAFE_MODE_SETTINGS, recheckIntervalMs: 5, ...settings }, {
        now: () => clock.now(), liveDatanodes: () => live, underReplicatedBlocks: () => 0,
        underWriteLock: async (fn) => fn(), stateLog: getLogger('namenode.state'),
      });
      return { sm, clock };
    }
    const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

    it('the threshold is (long) (total x 0.999f) in Java float arithmetic: 999 of 1000 blocks, and none of 1 (it leaves at once)', () => {
      const { sm } = safeMode();
      sm.activate(ids(1000), () => false);
      expect(sm.tip()).to.equal(`The reported blocks 0 needs additional 999 blocks to reach the threshold 0.9990 of total blocks 1000.\n${PENDING_TAIL}`);
      for (let i = 1; i <= 998; i++) sm.liveReplicasChanged(i, 1);
      expect([sm.status, sm.tip().split('\n')[0]]).to.deep.equal(['PENDING_THRESHOLD', 'The reported blocks 998 needs additional 1 blocks to reach the threshold 0.9990 of total blocks 1000.']);
      sm.liveReplicasChanged(999, 1);
      expect(sm.status).to.equal('EXTENSION');
      sm.close();
      const one = safeMode().sm;
      one.activate([7], () => false);
      expect(one.isOn()).to.equal(false);
      const none = safeMode().sm;
      none.activate([], () => false);
      expect(none.isOn()).to.equal(false);
    });

    it('the extension: its tip counts down; the monitor leaves once it is over and the thresholds still hold', async () => {
      const { sm, clock } = safeMode();
      sm.activate(ids(3), () => false);
      sm.liveReplicasChanged(1, 1);
      sm.liveReplicasChanged(2, 1);
      expect(sm.tip()).to.equal('The reported blocks 2 has reached the threshold 0.9990 of total blocks 3. The minimum number of live datanodes is not required. In safe mode extension. Safe mode will be turned off automatically in 30 seconds.');
      clock.advance(12_500);
      expect(sm.tip()).to.match(/automatically in 17 seconds\.$/);
      // a block losing its replica (a DataNode declared dead) holds the end back
      sm.liveReplicasChanged(2, 0);
      clock.advance(20_000);
      await new Promise((r) => setTimeout(r, 30));
      expect(sm.isOn()).to.equal(true);
      const lines = await logLines('namenode.state', 'info', async () => {
        sm.liveReplicasChanged(2, 1);
        expect(await until(() => !sm.isOn(), 2000)).to.equal(true);
      });
      expect(lines.map((l) => l['line'])).to.deep.equal([
        'STATE* Safe mode is OFF', 'STATE* Leaving safe mode after 32 secs', 'STATE* Network topology has 0 racks and 0 datanodes', 'STATE* UnderReplicatedBlocks has 0 blocks',
      ]);
    });

    it('without an extension it ends as the threshold is reached; a block safe at activation counts', () => {
      const { sm } = safeMode({ extensionMs: 0 });
      sm.activate(ids(3), (id) => id === 1);
      expect(sm.tip().split('\n')[0]).to.equal('The reported blocks 1 needs additional 1 blocks to reach the threshold 0.9990 of total blocks 3.');
      sm.liveReplicasChanged(42, 1); // not complete at start: not counted
      sm.liveReplicasChanged(1, 2); // already safe
      expect(sm.isOn()).to.equal(true);
      sm.liveReplicasChanged(3, 1);
      expect(sm.isOn()).to.equal(false);
    });

    it('dfs.namenode.safemode.min.datanodes: the tip counts live DataNodes once the blocks are there', () => {
      const { sm } = safeMode({ minDatanodes: 2, extensionMs: 0 }, 1);
      sm.activate(ids(2), () => false);
      expect(sm.tip()).to.equal('The reported blocks 0 needs additional 1 blocks to reach the threshold 0.9990 of total blocks 2.\n' +
        'The number of live datanodes is not calculated since reported blocks hasn\'t reached the threshold. Safe mode will be turned off automatically once the thresholds have been reached.');
      sm.liveReplicasChanged(1, 1);
      expect(sm.tip()).to.equal('The reported blocks 1 has reached the threshold 0.9990 of total blocks 2. ' +
        'The number of live datanodes 1 needs an additional 1 live datanodes to reach the minimum number 2.\nSafe mode will be turned off automatically once the thresholds have been reached.');
      expect(sm.isOn()).to.equal(true);
    });
  });

  describe('on the namesystem', () => {
    let t: TestNamesystem;
    const settings = { safeMode: { ...DEFAULT_SAFE_MODE_SETTINGS, recheckIntervalMs: 5 } };
    beforeEach(async () => {
      t = await namesystem({ settings });
      t.ns.nameNodeHostName = 'nn.example.com';
      await t.ns.mkdirs('/tmp', { perm: 0o1777 }, true, hdfsUser);
    });
    afterEach(async () => {
      t.ns.close();
      await t.ns.store.close();
    });

    it('a new namespace is out of safe mode; a restart with complete blocks is in it until a DataNode reports them', async () => {
      expect(t.ns.isInSafeMode()).to.equal(false);
      const dn = datanode(t.ns, 'dn-1');
      for (const f of ['/a', '/b', '/c']) await writeFile(t, `/tmp${f}`, 10, alice, dn);
      const blocks = [...t.ns.fsd.allBlocks()];
      t.ns.close();
      t = await t.restart();
      t.ns.nameNodeHostName = 'nn.example.com';
      expect(t.ns.isInSafeMode()).to.equal(true);
      await refused(t.ns.mkdirs('/x', { perm: 0o755 }, true, alice), HadoopException.SAFE_MODE,
        `Cannot create directory /x. Name node is in safe mode.\nThe reported blocks 0 needs additional 2 blocks to reach the threshold 0.9990 of total blocks 3.\n${PENDING_TAIL} NamenodeHostName:nn.example.com`);
      // the DataNode registers again; in safe mode its heartbeats carry no commands (not even pending deletions or key updates)
      const again = datanode(t.ns, 'dn-1');
      again.invalidate.push({ blockId: 99, generationStamp: 1, numBytes: 1 });
      expect(t.ns.datanodes.heartbeat({ registration: again.registration }, t.clock.now(), 0, t.ns.isInSafeMode()).cmds).to.deep.equal([]);
      const report = (n: number) => t.ns.blocks.processReport(again, 'DS-dn-1', 'DISK',
        blocks.slice(0, n).map((b) => ({ blockId: b.blockId, numBytes: b.numBytes, generationStamp: b.generationStamp, state: 'FINALIZED' as const })));
      report(1);
      expect(t.ns.safeModeTip().split('\n')[0]).to.equal('The reported blocks 1 needs additional 1 blocks to reach the threshold 0.9990 of total blocks 3.');
      // the replication queues are not populated before the threshold (FSNamesystem.listCorruptFileBlocks)
      await refused(Promise.resolve().then(() => new CorruptFiles(t.ns).listCorruptFileBlocks('/', undefined, hdfsUser)), HadoopException.IO,
        'Cannot run listCorruptFileBlocks because replication queues have not been initialized.');
      const lines = await logLines('namenode.state', 'info', async () => { report(2); });
      expect(lines.map((l) => String(l['line']).split(' \n')[0])).to.deep.equal(['STATE* Safe mode extension entered.']);
      expect(t.ns.isInSafeMode()).to.equal(true);
      // in the extension they are: the block not reported yet is listed
      expect(new CorruptFiles(t.ns).listCorruptFileBlocks('/', undefined, hdfsUser).files).to.deep.equal(['/tmp/c']);
      report(3);
      t.clock.advance(30_000);
      expect(await until(() => !t.ns.isInSafeMode(), 2000)).to.equal(true);
      await t.ns.mkdirs('/tmp/x', { perm: 0o755 }, true, alice);
      expect(t.ns.datanodes.heartbeat({ registration: again.registration }, t.clock.now(), 0, t.ns.isInSafeMode()).cmds!.map((c) => c.cmdType)).to.include('BlockCommand');
    });

    it('-safemode get sees the start-up safe mode, -safemode enter puts the manual one on top, one -safemode leave ends both', async () => {
      const dn = datanode(t.ns, 'dn-1');
      for (const f of ['/a', '/b']) await writeFile(t, `/tmp${f}`, 10, alice, dn);
      t.ns.close();
      t = await t.restart();
      const status = new ClusterStatus(t.ns);
      expect(await status.setSafeMode('SAFEMODE_GET', alice)).to.equal(true);
      expect(t.ns.safeModeTip()).to.match(/^The reported blocks 0 needs additional 1 blocks to reach the threshold 0\.9990 of total blocks 2\.\n/);
      // entering it by hand on top: the manual tip wins (FSNamesystem.getSafeModeTip)
      await status.setSafeMode('SAFEMODE_ENTER', hdfsUser);
      expect(t.ns.safeModeTip()).to.equal(MANUAL_SAFE_MODE_TIP);
      const lines = await logLines('namenode.state', 'info', () => t.ns.leaveSafeMode(false));
      expect(lines.map((l) => l['line'])).to.include.members(['STATE* Safe mode is OFF', 'STATE* Leaving safe mode after 0 secs']);
      expect(await status.setSafeMode('SAFEMODE_GET', alice)).to.equal(false);
      await t.ns.mkdirs('/y', { perm: 0o755 }, true, hdfsUser);
    });
  });
});
