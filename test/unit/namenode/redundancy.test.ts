// Re-replication decisions of the NameNode without RPC (BlockManager's low-redundancy queues,
// RedundancyMonitor work, PendingReconstructionBlocks, chooseSourceDatanodes, excess replicas):
// which blocks are queued and at which priority, which source and targets a DNA_TRANSFER names,
// how pending replications end (RECEIVED, timeout), dead and decommissioning nodes, and which
// replicas a lowered replication deletes.
import { expect } from 'chai';
import {
  LEVEL, LowRedundancyBlocks, QUEUE_HIGHEST_PRIORITY, QUEUE_LOW_REDUNDANCY, QUEUE_REPLICAS_BADLY_DISTRIBUTED, QUEUE_VERY_LOW_REDUNDANCY,
  QUEUE_WITH_CORRUPT_BLOCKS, redundancyPriority,
} from '../../../cluster/namenode/blocks/low-redundancy-blocks.ts';
import type { DatanodeDescriptor } from '../../../cluster/namenode/blocks/datanode-descriptor.ts';
import type { BlockInfo } from '../../../cluster/namenode/namespace/inode.ts';
import { metaSaveText } from '../../../cluster/namenode/meta-save.ts';
import type { BlockCommand } from '../../../cluster/protocol/datanode-protocol.ts';
import { MiB, hdfsUser as alice, datanode, namesystem, type TestNamesystem } from '../../support/namesystem.ts';

/** A closed one-block file of `bytes` with `replication`, its finalized replicas on `holders`. */
async function fileOn(t: TestNamesystem, path: string, bytes: number, replication: number, holders: DatanodeDescriptor[]): Promise<BlockInfo> {
  const client = `DFSClient_${path}`;
  const st = await t.writes.create({ src: path, masked: { perm: 0o644 }, clientName: client, createFlag: 1, createParent: true, replication, blockSize: 128 * MiB }, alice);
  const lb = await t.writes.addBlock({ src: path, clientName: client, fileId: st.fileId, favoredNodes: holders.map((h) => h.xferAddr) }, alice);
  for (const h of holders) received(t, h, { blockId: lb.b.blockId, generationStamp: lb.b.generationStamp, numBytes: bytes });
  expect(await t.writes.complete(path, client, { ...lb.b, numBytes: bytes }, st.fileId)).to.equal(true);
  return t.ns.fsd.block(lb.b.blockId)!;
}

function received(t: TestNamesystem, dn: DatanodeDescriptor, b: { blockId: number; generationStamp: number; numBytes: number }): void {
  t.ns.blocks.processIncremental(dn, `DS-${dn.uuid}`, 'DISK', [{ block: { blockId: b.blockId, genStamp: b.generationStamp, numBytes: b.numBytes }, status: 'RECEIVED' }]);
}

function deleted(t: TestNamesystem, dn: DatanodeDescriptor, b: BlockInfo): void {
  t.ns.blocks.processIncremental(dn, `DS-${dn.uuid}`, 'DISK', [{ block: { blockId: b.blockId, genStamp: b.generationStamp, numBytes: b.numBytes }, status: 'DELETED' }]);
}

/** The heartbeat's commands of `dn`. */
function heartbeat(t: TestNamesystem, dn: DatanodeDescriptor, xmitsInProgress = 0) {
  return t.ns.datanodes.heartbeat({ registration: dn.registration, xmitsInProgress }, t.clock.now(), 0).cmds ?? [];
}

function transfer(t: TestNamesystem, dn: DatanodeDescriptor): BlockCommand | undefined {
  return heartbeat(t, dn).find((c) => c.cmdType === 'BlockCommand' && c.blkCmd!.action === 'TRANSFER')?.blkCmd;
}

function work(t: TestNamesystem): number {
  return t.ns.blocks.redundancy.computeDatanodeWork(t.ns.datanodes.live(), t.clock.now(), t.ns.isInSafeMode());
}

describe('namenode/blocks: low-redundancy queues (LowRedundancyBlocks)', () => {
  it('priorities as getPriorityContiguous: one replica or only out-of-service ones highest, under a third very low, none corrupt', () => {
    expect(redundancyPriority(1, 0, 3)).to.equal(QUEUE_HIGHEST_PRIORITY);
    expect(redundancyPriority(0, 1, 3)).to.equal(QUEUE_HIGHEST_PRIORITY);
    expect(redundancyPriority(0, 0, 3)).to.equal(QUEUE_WITH_CORRUPT_BLOCKS);
    expect(redundancyPriority(2, 0, 7)).to.equal(QUEUE_VERY_LOW_REDUNDANCY);
    expect(redundancyPriority(2, 0, 6)).to.equal(QUEUE_LOW_REDUNDANCY);
    expect(redundancyPriority(2, 0, 3)).to.equal(QUEUE_LOW_REDUNDANCY);
    expect(redundancyPriority(3, 0, 3)).to.equal(QUEUE_REPLICAS_BADLY_DISTRIBUTED);
  });

  it('chooseLowRedundancyBlocks walks the queues by priority from bookmarks, resets them after the last queue, and drops deleted blocks', () => {
    const q = new LowRedundancyBlocks();
    const mk = (id: number, file = true) => ({ blockId: id, file: file ? {} : null }) as unknown as BlockInfo;
    const [a, b, c, d] = [mk(1), mk(2), mk(3), mk(4, false)];
    q.add(a, 2, 0, 3); // low
    q.add(b, 1, 0, 3); // highest
    q.add(c, 2, 0, 3); // low
    q.add(d, 1, 0, 3); // highest, deleted
    expect(q.add(a, 2, 0, 3)).to.equal(false);
    expect(q.chooseLowRedundancyBlocks(2)).to.deep.equal([[b], [], [], [], []]); // d was passed over and dropped
    expect(q.contains(d)).to.equal(false);
    expect(q.chooseLowRedundancyBlocks(1)).to.deep.equal([[], [], [a], [], []]);
    expect(q.chooseLowRedundancyBlocks(5)).to.deep.equal([[], [], [c], [], []]); // every queue walked: bookmarks back to the heads
    expect(q.chooseLowRedundancyBlocks(5)).to.deep.equal([[b], [], [a, c], [], []]);
    q.update(a, 1, 0, 3);
    expect(q.priorityOf(a)).to.equal(QUEUE_HIGHEST_PRIORITY);
    expect(q.size).to.equal(3);
    expect(q.remove(a)).to.equal(true);
    expect(q.size).to.equal(2);
    expect(LEVEL).to.equal(5);
  });
});

describe('namenode/blocks: re-replication (RedundancyMonitor, DNA_TRANSFER, pending replications)', () => {
  let t: TestNamesystem;
  let a: DatanodeDescriptor;
  let b: DatanodeDescriptor;
  let c: DatanodeDescriptor;
  beforeEach(async () => {
    t = await namesystem();
    a = datanode(t.ns, 'dn-a', '127.0.0.1', 1001);
    b = datanode(t.ns, 'dn-b', '127.0.0.1', 1002);
    c = datanode(t.ns, 'dn-c', '127.0.0.1', 1003);
  });
  afterEach(() => t.ns.store.close());

  it('setReplication 1 -> 3: the block is queued, the holder is asked to copy it to the two others, pending until both report RECEIVED', async () => {
    const blk = await fileOn(t, '/f', 1000, 1, [a]);
    const r = t.ns.blocks.redundancy;
    expect(r.needed.size).to.equal(0);
    expect(await t.attributes.setReplication('/f', 3, alice)).to.equal(true);
    expect(r.needed.priorityOf(blk)).to.equal(QUEUE_HIGHEST_PRIORITY);
    expect(work(t)).to.equal(1);
    expect(r.needed.size).to.equal(0);
    expect(r.pending.numReplicas(blk)).to.equal(2);
    const meta = metaSaveText(t.ns);
    expect(meta).to.contain('Metasave: Blocks being reconstructed: 1\n');
    expect(meta).to.match(new RegExp(`\\nblk_${blk.blockId}_${blk.generationStamp} StartTime: \\d\\d:\\d\\d:\\d\\d NumReconstructInProgress: 2\\n`));
    expect(transfer(t, b)).to.equal(undefined);
    const cmd = transfer(t, a)!;
    expect(cmd.blockPoolId).to.equal(t.ns.fsd.identity.blockPoolId);
    expect(cmd.blocks).to.deep.equal([{ blockId: blk.blockId, genStamp: blk.generationStamp, numBytes: 1000 }]);
    const targets = cmd.targets![0]!.datanodes!.map((d) => d.id.datanodeUuid);
    expect([...targets].sort()).to.deep.equal(['dn-b', 'dn-c']);
    expect(cmd.targetStorageUuids![0]!.storageUuids).to.deep.equal(targets.map((u) => `DS-${u}`));
    expect(cmd.targetStorageTypes![0]!.storageTypes).to.deep.equal(['DISK', 'DISK']);
    expect(transfer(t, a)).to.equal(undefined); // sent once
    expect(work(t)).to.equal(0); // nothing more: live 1 + pending 2
    received(t, b, blk);
    expect(r.pending.numReplicas(blk)).to.equal(1);
    received(t, c, blk);
    expect(r.pending.size).to.equal(0);
    expect(r.countNodes(blk)).to.deep.equal({ live: 3, decommissioning: 0, decommissioned: 0, excess: 0, corrupt: 0 });
    expect(r.needed.size).to.equal(0);
  });

  it('closing a file: pipeline nodes yet to report the last block are pending, not queued (addExpectedReplicasToPending)', async () => {
    const blk = await fileOn(t, '/f', 10, 3, [a, b]);
    const r = t.ns.blocks.redundancy;
    expect(r.pending.targets(blk)).to.deep.equal(['dn-c']);
    expect(r.needed.size).to.equal(0);
    expect(work(t)).to.equal(0);
    received(t, c, blk);
    expect(r.pending.size).to.equal(0);
    expect(r.countNodes(blk).live).to.equal(3);
  });

  it('a replication not reported within the pending timeout is queued again and scheduled anew', async () => {
    const blk = await fileOn(t, '/f', 10, 1, [a]);
    await t.attributes.setReplication('/f', 2, alice);
    expect(work(t)).to.equal(1);
    const first = transfer(t, a)!.targets![0]!.datanodes![0]!.id.datanodeUuid;
    const r = t.ns.blocks.redundancy;
    t.clock.advance(300_000);
    r.processPendingReconstructions(t.clock.now());
    expect(r.pending.numReplicas(blk)).to.equal(1); // not yet: 300 s is the timeout itself
    t.clock.advance(1);
    r.processPendingReconstructions(t.clock.now());
    expect(r.pending.numReplicas(blk)).to.equal(0);
    expect(r.needed.priorityOf(blk)).to.equal(QUEUE_HIGHEST_PRIORITY);
    expect(work(t)).to.equal(1);
    expect(['dn-b', 'dn-c']).to.include(transfer(t, a)!.targets![0]!.datanodes![0]!.id.datanodeUuid);
    expect(['dn-b', 'dn-c']).to.include(first);
  });

  it('sources: max-streams queued tasks skip a node unless the block is of the highest priority; the hard limit always; none left: not scheduled', async () => {
    const r = t.ns.blocks.redundancy;
    const blk = await fileOn(t, '/f', 10, 2, [a, b]);
    await t.attributes.setReplication('/f', 3, alice);
    const busy = { block: blk, targets: [] };
    a.replicate.push(busy, busy);
    b.replicate.push(busy, busy);
    expect(r.chooseSourceDatanodes(blk, QUEUE_LOW_REDUNDANCY).sources).to.deep.equal([]);
    expect(r.chooseSourceDatanodes(blk, QUEUE_HIGHEST_PRIORITY).sources.length).to.equal(1);
    a.replicate.push(busy, busy);
    expect(r.chooseSourceDatanodes(blk, QUEUE_HIGHEST_PRIORITY).sources).to.deep.equal([b]);
    b.replicate.push(busy, busy);
    const none = r.chooseSourceDatanodes(blk, QUEUE_HIGHEST_PRIORITY);
    expect(none.sources).to.deep.equal([]);
    expect(none.containing.map((d) => d.uuid).sort()).to.deep.equal(['dn-a', 'dn-b']);
    expect(r.needed.priorityOf(blk)).to.equal(QUEUE_LOW_REDUNDANCY); // 2 of 3
    expect(work(t)).to.equal(0);
    expect(r.pending.size).to.equal(0);
    // the heartbeat sends at most max-streams less the running transfers
    a.replicate.length = 0;
    a.replicate.push(busy, busy, busy);
    const hb = heartbeat(t, a, 1).find((x) => x.cmdType === 'BlockCommand')!.blkCmd!;
    expect(hb.blocks!.length).to.equal(1);
    expect(a.replicate.length).to.equal(2);
  });

  it('a dead DataNode\'s blocks are queued and copied from a live holder to a node without the block', async () => {
    const blk = await fileOn(t, '/f', 10, 2, [a, b]);
    const r = t.ns.blocks.redundancy;
    expect(r.needed.size).to.equal(0);
    t.clock.advance(630_001);
    for (const dn of [a, c]) heartbeat(t, dn);
    expect(t.ns.datanodes.check(t.clock.now(), false).map((d) => d.uuid)).to.deep.equal(['dn-b']);
    expect(r.needed.priorityOf(blk)).to.equal(QUEUE_HIGHEST_PRIORITY);
    expect(work(t)).to.equal(1);
    const cmd = transfer(t, a)!;
    expect(cmd.targets![0]!.datanodes!.map((d) => d.id.datanodeUuid)).to.deep.equal(['dn-c']);
    received(t, c, blk);
    expect(r.countNodes(blk).live).to.equal(2);
    expect(r.pending.size).to.equal(0);
  });

  it('decommissioning: the node\'s under-replicated blocks are copied (from it, the only holder) and then it completes', async () => {
    const blk = await fileOn(t, '/f', 10, 1, [a]);
    const dm = t.ns.datanodes;
    const r = t.ns.blocks.redundancy;
    dm.admin.startDecommission(a, t.clock.now());
    expect(r.countNodes(blk)).to.deep.equal({ live: 0, decommissioning: 1, decommissioned: 0, excess: 0, corrupt: 0 });
    dm.check(t.clock.now(), false);
    expect(a.adminState).to.equal('DECOMMISSION_INPROGRESS');
    expect(r.needed.priorityOf(blk)).to.equal(QUEUE_HIGHEST_PRIORITY); // none live, one out of service
    expect(work(t)).to.equal(1);
    const cmd = transfer(t, a)!;
    const [target] = cmd.targets![0]!.datanodes!.map((d) => d.id.datanodeUuid);
    expect(['dn-b', 'dn-c']).to.include(target);
    dm.check(t.clock.now(), false);
    expect(a.adminState).to.equal('DECOMMISSION_INPROGRESS');
    expect(r.needed.size).to.equal(0); // pending: not queued again
    received(t, dm.get(target!)!, blk);
    dm.check(t.clock.now(), false);
    expect(a.adminState).to.equal('DECOMMISSIONED');
    expect(r.countNodes(blk)).to.deep.equal({ live: 1, decommissioning: 0, decommissioned: 1, excess: 0, corrupt: 0 });
  });

  it('a decommissioned replica is a source only when nothing else is left', async () => {
    const blk = await fileOn(t, '/f', 10, 3, [a, b]);
    const r = t.ns.blocks.redundancy;
    a.adminState = 'DECOMMISSIONED';
    for (let i = 0; i < 20; i++) expect(r.chooseSourceDatanodes(blk, QUEUE_HIGHEST_PRIORITY).sources).to.deep.equal([b]);
    b.adminState = 'DECOMMISSIONED';
    expect(r.chooseSourceDatanodes(blk, QUEUE_HIGHEST_PRIORITY).sources.length).to.equal(1);
  });

  it('no copies while a live DataNode has not sent its first full block report (a restarted NameNode learning its replicas)', async () => {
    const blk = await fileOn(t, '/f', 10, 1, [a]);
    await t.attributes.setReplication('/f', 2, alice);
    const d = datanode(t.ns, 'dn-d', '127.0.0.1', 1004);
    d.storage('DS-dn-d').blockContentsStale = true; // as registered, before its report
    expect(work(t)).to.equal(0);
    t.ns.blocks.processReport(d, 'DS-dn-d', 'DISK', [{ blockId: blk.blockId, numBytes: 10, generationStamp: blk.generationStamp, state: 'FINALIZED' }]);
    expect(t.ns.blocks.redundancy.needed.size).to.equal(0); // its report had the second replica
    expect(work(t)).to.equal(0);
  });

  it('nothing is scheduled in safe mode', async () => {
    await fileOn(t, '/f', 10, 1, [a]);
    await t.attributes.setReplication('/f', 2, alice);
    expect(t.ns.blocks.redundancy.computeDatanodeWork(t.ns.datanodes.live(), t.clock.now(), true)).to.equal(0);
    expect(t.ns.blocks.redundancy.needed.size).to.equal(1);
  });

  it('no target left (every live node holds the block): nothing is scheduled and the block stays queued', async () => {
    const blk = await fileOn(t, '/f', 10, 3, [a, b, c]);
    await t.attributes.setReplication('/f', 4, alice);
    expect(work(t)).to.equal(0);
    expect(t.ns.blocks.redundancy.needed.contains(blk)).to.equal(true);
  });
});

describe('namenode/blocks: excess replicas (processExtraRedundancyBlock)', () => {
  let t: TestNamesystem;
  afterEach(() => t.ns.store.close());

  it('setReplication 3 -> 1 deletes two replicas, the ones with the least free space; they count as excess until reported deleted', async () => {
    t = await namesystem();
    const a = datanode(t.ns, 'dn-a', '127.0.0.1', 1001, 300 * MiB);
    const b = datanode(t.ns, 'dn-b', '127.0.0.1', 1002, 100 * MiB);
    const c = datanode(t.ns, 'dn-c', '127.0.0.1', 1003, 200 * MiB);
    const blk = await fileOn(t, '/f', 10, 3, [a, b, c]);
    const r = t.ns.blocks.redundancy;
    await t.attributes.setReplication('/f', 1, alice);
    expect(a.invalidate).to.deep.equal([]);
    expect(b.invalidate.map((x) => x.blockId)).to.deep.equal([blk.blockId]);
    expect(c.invalidate.map((x) => x.blockId)).to.deep.equal([blk.blockId]);
    expect(r.countNodes(blk)).to.deep.equal({ live: 1, decommissioning: 0, decommissioned: 0, excess: 2, corrupt: 0 });
    const inv = heartbeat(t, b).find((x) => x.cmdType === 'BlockCommand')!.blkCmd!;
    expect(inv.action).to.equal('INVALIDATE');
    deleted(t, b, blk);
    deleted(t, c, blk);
    expect(r.countNodes(blk)).to.deep.equal({ live: 1, decommissioning: 0, decommissioned: 0, excess: 0, corrupt: 0 });
    expect(r.needed.size).to.equal(0);
  });

  it('a node whose heartbeat is older than the tolerated interval goes first; decommissioning replicas are never chosen', async () => {
    t = await namesystem();
    const a = datanode(t.ns, 'dn-a', '127.0.0.1', 1001, 100 * MiB);
    const b = datanode(t.ns, 'dn-b', '127.0.0.1', 1002, 300 * MiB);
    const c = datanode(t.ns, 'dn-c', '127.0.0.1', 1003, 200 * MiB);
    const blk = await fileOn(t, '/f', 10, 3, [a, b, c]);
    t.clock.advance(12_001);
    heartbeat(t, a);
    heartbeat(t, c);
    c.adminState = 'DECOMMISSION_INPROGRESS';
    await t.attributes.setReplication('/f', 1, alice);
    expect(b.invalidate.map((x) => x.blockId)).to.deep.equal([blk.blockId]); // stale heartbeat, though the most room
    expect(a.invalidate).to.deep.equal([]); // the one live replica left
    expect(c.invalidate).to.deep.equal([]);
  });

  it('an excess replica on a storage not yet reported in full is postponed, then trimmed by the rescan after the report', async () => {
    t = await namesystem();
    const a = datanode(t.ns, 'dn-a', '127.0.0.1', 1001, 300 * MiB);
    const b = datanode(t.ns, 'dn-b', '127.0.0.1', 1002, 100 * MiB);
    const blk = await fileOn(t, '/f', 10, 1, [a]);
    const r = t.ns.blocks.redundancy;
    b.storage('DS-dn-b').blockContentsStale = true;
    t.ns.blocks.processReport(b, 'DS-dn-b', 'DISK', [{ blockId: blk.blockId, numBytes: 10, generationStamp: blk.generationStamp, state: 'FINALIZED' }]);
    expect(b.invalidate).to.deep.equal([]); // chosen during its first report: postponed
    expect(r.postponedCount).to.equal(1);
    r.rescanPostponedMisreplicatedBlocks();
    expect(r.postponedCount).to.equal(0);
    expect(b.invalidate.map((x) => x.blockId)).to.deep.equal([blk.blockId]);
    expect(r.countNodes(blk)).to.deep.equal({ live: 1, decommissioning: 0, decommissioned: 0, excess: 1, corrupt: 0 });
  });

  it('a replica reported beyond the replication (a late RECEIVED) is trimmed at once', async () => {
    t = await namesystem();
    const a = datanode(t.ns, 'dn-a', '127.0.0.1', 1001, 300 * MiB);
    const b = datanode(t.ns, 'dn-b', '127.0.0.1', 1002, 100 * MiB);
    const blk = await fileOn(t, '/f', 10, 1, [a]);
    received(t, b, blk);
    expect(b.invalidate.map((x) => x.blockId)).to.deep.equal([blk.blockId]);
    expect(t.ns.blocks.redundancy.countNodes(blk).live).to.equal(1);
  });
});
