// The pure parts of the client's pipeline recovery: ReplaceDatanodeOnFailure's policies and their
// condition (Hadoop 3.4.1's table), its configuration keys, DataStreamer's ErrorState transitions
// (bad node, restarting node within and past dfs.client.datanode-restart.timeout), the recovery
// stage of each streamer stage and findNewDatanode.
import { expect } from 'chai';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import { PipelineErrorState, shouldWaitForRestart } from '../../../cluster/client/pipeline-error-state.ts';
import { findNewDatanode, recoveryStage } from '../../../cluster/client/pipeline-recovery.ts';
import { ReplaceDatanodeOnFailure } from '../../../cluster/client/replace-datanode-on-failure.ts';
import type { DatanodeInfo } from '../../../cluster/protocol/hdfs-types.ts';
import { expectCode } from '../../support/expect-code.ts';

const dn = (ip: string, port: number, uuid: string): DatanodeInfo => ({ id: { ipAddr: ip, hostName: ip, datanodeUuid: uuid, xferPort: port, infoPort: 0, ipcPort: 0 } });
const conf = (overrides: Record<string, string>) => loadConfiguration({ env: {}, overrides });

describe('client pipeline recovery: ReplaceDatanodeOnFailure', () => {
  it('DEFAULT: replication >= 3 and (at most half the replication left, or append, or hflushed); never at 0 nodes or at the replication', () => {
    const p = new ReplaceDatanodeOnFailure('DEFAULT');
    // replication 3: 1 node left (<= 3/2 = 1) yes; 2 left no, unless append or hflushed
    expect(p.satisfy(3, 1, false, false)).to.equal(true);
    expect(p.satisfy(3, 2, false, false)).to.equal(false);
    expect(p.satisfy(3, 2, true, false)).to.equal(true);
    expect(p.satisfy(3, 2, false, true)).to.equal(true);
    expect(p.satisfy(3, 3, true, true)).to.equal(false);
    expect(p.satisfy(3, 0, true, true)).to.equal(false);
    // replication 2 never (a two-node cluster would fail every recovery otherwise)
    expect(p.satisfy(2, 1, true, true)).to.equal(false);
    // replication 5: 2 left yes, 3 left no
    expect(p.satisfy(5, 2, false, false)).to.equal(true);
    expect(p.satisfy(5, 3, false, false)).to.equal(false);
  });

  it('ALWAYS while short of the replication, NEVER and DISABLE never', () => {
    expect(new ReplaceDatanodeOnFailure('ALWAYS').satisfy(2, 1, false, false)).to.equal(true);
    expect(new ReplaceDatanodeOnFailure('ALWAYS').satisfy(2, 2, false, false)).to.equal(false);
    expect(new ReplaceDatanodeOnFailure('NEVER').satisfy(3, 1, true, true)).to.equal(false);
    expect(new ReplaceDatanodeOnFailure('DISABLE').satisfy(3, 1, true, true)).to.equal(false);
  });

  it('reads dfs.client.block.write.replace-datanode-on-failure.* with Hadoop\'s defaults; .enable=false is DISABLE; a bad policy is refused', () => {
    const d = ReplaceDatanodeOnFailure.fromConfig(conf({}));
    expect([d.policy, d.bestEffort, d.minReplication]).to.deep.equal(['DEFAULT', false, 0]);
    const set = ReplaceDatanodeOnFailure.fromConfig(conf({
      'dfs.client.block.write.replace-datanode-on-failure.policy': 'always',
      'dfs.client.block.write.replace-datanode-on-failure.best-effort': 'true',
      'dfs.client.block.write.replace-datanode-on-failure.min-replication': '2',
    }));
    expect([set.policy, set.bestEffort, set.minReplication]).to.deep.equal(['ALWAYS', true, 2]);
    expect(ReplaceDatanodeOnFailure.fromConfig(conf({ 'dfs.client.block.write.replace-datanode-on-failure.enable': 'false', 'dfs.client.block.write.replace-datanode-on-failure.policy': 'ALWAYS' })).policy).to.equal('DISABLE');
    expectCode(() => ReplaceDatanodeOnFailure.fromConfig(conf({ 'dfs.client.block.write.replace-datanode-on-failure.policy': 'sometimes' })), 'CONFIG_INVALID');
  });
});

describe('client pipeline recovery: DataStreamer.ErrorState', () => {
  const three = [dn('10.0.0.1', 9866, 'a'), dn('10.0.0.2', 9866, 'b'), dn('10.0.0.3', 9866, 'c')];

  it('a bad node from the ack is kept; a failure naming none marks the first; removing the bad node clears the error', () => {
    const s = new PipelineErrorState(30_000, new ManualClock());
    s.record({ error: new Error('x'), badNodeIndex: 2, restartingNodeIndex: -1 }, three, false);
    expect([s.hasInternalError, s.badNodeIndex]).to.deep.equal([true, 2]);
    s.adjustAfterBadNodeRemoved();
    expect([s.hasInternalError, s.badNodeIndex]).to.deep.equal([false, -1]);
    s.record({ error: new Error('y'), badNodeIndex: -1, restartingNodeIndex: -1 }, three, false);
    expect(s.badNodeIndex).to.equal(0);
  });

  it('a restarting remote node is not waited for (it becomes the bad node); a local one is, until dfs.client.datanode-restart.timeout', () => {
    const clock = new ManualClock();
    const remote = new PipelineErrorState(30_000, clock);
    remote.record({ error: new Error('r'), badNodeIndex: -1, restartingNodeIndex: 1 }, three, false);
    expect([remote.isRestartingNode, remote.waitForRestart]).to.deep.equal([true, false]);

    const local = [dn('127.0.0.1', 9866, 'a'), dn('127.0.0.1', 9867, 'b')];
    const s = new PipelineErrorState(30_000, clock);
    s.record({ error: new Error('r'), badNodeIndex: -1, restartingNodeIndex: 1 }, local, false);
    expect([s.isRestartingNode, s.waitForRestart, s.badNodeIndex]).to.deep.equal([true, true, -1]);
    clock.advance(29_999);
    s.checkRestartingNodeDeadline(local);
    expect([s.restartingNodeIndex, s.badNodeIndex]).to.deep.equal([1, -1]);
    clock.advance(1);
    s.checkRestartingNodeDeadline(local);
    expect([s.restartingNodeIndex, s.badNodeIndex]).to.deep.equal([-1, 1]);
  });

  it('at set-up, an OOB_RESTART while a node is already restarting is an ordinary error of the first node', () => {
    const local = [dn('127.0.0.1', 9866, 'a'), dn('127.0.0.1', 9867, 'b')];
    const s = new PipelineErrorState(30_000, new ManualClock());
    s.record({ error: new Error('r'), badNodeIndex: -1, restartingNodeIndex: 1 }, local, false);
    s.record({ error: new Error('again'), badNodeIndex: -1, restartingNodeIndex: 0 }, local, true);
    expect([s.restartingNodeIndex, s.badNodeIndex]).to.deep.equal([1, 0]);
  });

  it('shouldWaitForRestart: the only node, or a local address', () => {
    expect(shouldWaitForRestart([dn('10.9.9.9', 1, 'x')], 0)).to.equal(true);
    expect(shouldWaitForRestart(three, 1)).to.equal(false);
    expect(shouldWaitForRestart([three[0]!, dn('127.0.0.1', 1, 'l')], 1)).to.equal(true);
  });
});

describe('client pipeline recovery: stages and the replacement node', () => {
  it('BlockConstructionStage.getRecoveryStage', () => {
    expect(recoveryStage('DATA_STREAMING')).to.equal('PIPELINE_SETUP_STREAMING_RECOVERY');
    expect(recoveryStage('PIPELINE_CLOSE')).to.equal('PIPELINE_CLOSE_RECOVERY');
    expect(recoveryStage('PIPELINE_SETUP_APPEND')).to.equal('PIPELINE_SETUP_APPEND_RECOVERY');
    expectCode(() => recoveryStage('PIPELINE_SETUP_CREATE'), 'PIPELINE_DATANODE_ERROR');
  });

  it('findNewDatanode: the one node not in the original pipeline; none added is Hadoop\'s "Failed to replace a bad datanode" with the policy key', () => {
    const a = dn('10.0.0.1', 9866, 'a');
    const b = dn('10.0.0.2', 9866, 'b');
    const c = dn('10.0.0.3', 9866, 'c');
    expect(findNewDatanode([a, c, b], [a, b], 'DEFAULT')).to.equal(1);
    const e = expectCode(() => findNewDatanode([a, b], [a, b], 'DEFAULT'), 'PIPELINE_REPLACE_FAILED');
    expect(e.message).to.equal('Failed to replace a bad datanode on the existing pipeline due to no more good datanodes being available to try. '
      + '(Nodes: current=[10.0.0.1:9866, 10.0.0.2:9866], original=[10.0.0.1:9866, 10.0.0.2:9866]). The current failed datanode replacement policy is DEFAULT, '
      + 'and a client may configure this via \'dfs.client.block.write.replace-datanode-on-failure.policy\' in its configuration.');
  });
});
