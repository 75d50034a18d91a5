// Corrupt replicas on the NameNode (Hadoop's CorruptReplicasMap, BlockManager.findAndMarkBlockAsCorrupt /
// markBlockAsCorrupt / invalidateCorruptReplicas, createLocatedBlock, FSNamesystem.reportBadBlocks),
// without RPC: what a report marks, which locations a reader gets, the re-replication from a good
// replica, the corrupt replica's deletion once enough live replicas exist, and the counts.
import { expect } from 'chai';
import { reportBadBlocks } from '../../../cluster/namenode/bad-blocks.ts';
import type { DatanodeDescriptor } from '../../../cluster/namenode/blocks/datanode-descriptor.ts';
import { CorruptReplicasMap } from '../../../cluster/namenode/blocks/corrupt-replicas-map.ts';
import { QUEUE_HIGHEST_PRIORITY, QUEUE_WITH_CORRUPT_BLOCKS } from '../../../cluster/namenode/blocks/low-redundancy-blocks.ts';
import { ClusterStatus } from '../../../cluster/namenode/cluster-status.ts';
import { CorruptFiles } from '../../../cluster/namenode/corrupt-files.ts';
import { metaSaveText } from '../../../cluster/namenode/meta-save.ts';
import type { BlockInfo } from '../../../cluster/namenode/namespace/inode.ts';
import { EMPTY_TOKEN, type LocatedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import { expectCode } from '../../support/expect-code.ts';
import { MiB, hdfsUser, hdfsUser as alice, datanode, namesystem, type TestNamesystem } from '../../support/namesystem.ts';

describe('namenode/blocks: CorruptReplicasMap', () => {
  const blk = (id: number) => ({ blockId: id, generationStamp: 1001 }) as unknown as BlockInfo;

  it('counts blocks, not replicas; a block leaves with its last corrupt replica; a reason other than ANY must match', () => {
    const m = new CorruptReplicasMap();
    const [b1, b2] = [blk(1), blk(2)];
    m.add(b1, 'dn-a', 'client machine reported it', 'CORRUPTION_REPORTED');
    m.add(b1, 'dn-b', null, 'GENSTAMP_MISMATCH');
    m.add(b1, 'dn-b', null, 'SIZE_MISMATCH'); // a duplicate updates the reason
    m.add(b2, 'dn-a', null, 'CORRUPTION_REPORTED');
    expect(m.size).to.equal(2);
    expect(m.numCorruptReplicas(b1)).to.equal(2);
    expect(m.nodes(b1)).to.deep.equal(['dn-a', 'dn-b']);
    expect(m.reason(b1, 'dn-b')).to.equal('SIZE_MISMATCH');
    expect(m.reason(b1, 'dn-c')).to.equal(null);
    expect(m.isReplicaCorrupt(b2, 'dn-b')).to.equal(false);
    expect(m.remove(b1, 'dn-b', 'GENSTAMP_MISMATCH')).to.equal(false);
    expect(m.remove(b1, 'dn-b', 'SIZE_MISMATCH')).to.equal(true);
    expect(m.remove(b1, 'dn-b')).to.equal(false);
    expect(m.remove(b1, 'dn-a')).to.equal(true);
    expect(m.size).to.equal(1);
    expect(m.blocks()).to.deep.equal([b2]);
    expect(m.removeBlock(b2)).to.equal(true);
    expect(m.size).to.equal(0);
  });
});

describe('namenode/blocks: corrupt replicas (reportBadBlocks, markBlockAsCorrupt, invalidateCorruptReplicas)', () => {
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

  /** A closed one-block file of `replication` with finalized replicas on `holders`. */
  async function fileOn(path: string, replication: number, holders: DatanodeDescriptor[]): Promise<BlockInfo> {
    const client = `DFSClient_${path}`;
    const st = await t.writes.create({ src: path, masked: { perm: 0o644 }, clientName: client, createFlag: 1, createParent: true, replication, blockSize: 128 * MiB }, alice);
    const lb = await t.writes.addBlock({ src: path, clientName: client, fileId: st.fileId, favoredNodes: holders.map((h) => h.xferAddr) }, alice);
    for (const h of holders) received(h, { blockId: lb.b.blockId, generationStamp: lb.b.generationStamp, numBytes: 1000 });
    expect(await t.writes.complete(path, client, { ...lb.b, numBytes: 1000 }, st.fileId)).to.equal(true);
    return t.ns.fsd.block(lb.b.blockId)!;
  }
  function received(dn: DatanodeDescriptor, x: { blockId: number; generationStamp: number; numBytes: number }): void {
    t.ns.blocks.processIncremental(dn, `DS-${dn.uuid}`, 'DISK', [{ block: { blockId: x.blockId, genStamp: x.generationStamp, numBytes: x.numBytes }, status: 'RECEIVED' }]);
  }
  /** What a stock DFSInputStream sends: the block and the bad locations, no storage IDs. */
  function report(blk: BlockInfo, ...nodes: DatanodeDescriptor[]): LocatedBlock {
    return { b: t.ns.blocks.extended(blk), offset: 0, locs: nodes.map((n) => n.toInfo()), corrupt: false, blockToken: EMPTY_TOKEN };
  }
  const locs = async (path: string) => (await t.ns.getBlockLocations(path, 0, 1000, alice)).blocks![0]!;
  const work = () => t.ns.blocks.redundancy.computeDatanodeWork(t.ns.datanodes.live(), t.clock.now(), t.ns.isInSafeMode());
  const invalidates = (dn: DatanodeDescriptor) => dn.invalidate.map((i) => i.blockId);

  it('one of two replicas reported corrupt: not a location, counted, re-replicated from the good one, then deleted once two live replicas exist', async () => {
    const blk = await fileOn('/f', 2, [a, b]);
    reportBadBlocks(t.ns, [report(blk, a)], '127.0.0.9');
    const bm = t.ns.blocks;
    expect(bm.corruptReplicas.isReplicaCorrupt(blk, 'dn-a')).to.equal(true);
    expect(bm.corruptReplicas.reason(blk, 'dn-a')).to.equal('CORRUPTION_REPORTED');
    expect(bm.redundancy.countNodes(blk)).to.deep.equal({ live: 1, decommissioning: 0, decommissioned: 0, excess: 0, corrupt: 1 });
    expect(blk.replicas.size).to.equal(2); // still a replica of the block, not yet deleted
    expect(invalidates(a)).to.deep.equal([]);
    const lb = await locs('/f');
    expect(lb.corrupt).to.equal(false);
    expect(lb.locs!.map((l) => l.id.datanodeUuid)).to.deep.equal(['dn-b']);
    expect(bm.redundancy.needed.priorityOf(blk)).to.equal(QUEUE_HIGHEST_PRIORITY);
    const stats = new ClusterStatus(t.ns).replicatedBlockStats();
    expect(stats.corrupt_blocks).to.equal(1);
    expect(stats.missing_blocks).to.equal(0);
    expect(stats.low_redundancy).to.equal(1);
    expect(new ClusterStatus(t.ns).fsStats().corrupt_blocks).to.equal(1);
    const meta = metaSaveText(t.ns);
    expect(meta).to.match(new RegExp(`\\nBlock=blk_${blk.blockId}_${blk.generationStamp}\\tSize=1000\\tNode=127.0.0.1:1001\\tStorageID=DS-dn-a\\tStorageState=NORMAL\\tTotalReplicas=2\\tReason=CORRUPTION_REPORTED\\n`));
    expect(meta).to.contain('corrupt: 1 in excess: 0');
    // the RedundancyMonitor copies from the good replica (never the corrupt one) to the node without the block
    expect(work()).to.equal(1);
    expect(a.replicate).to.deep.equal([]);
    expect(b.replicate.map((w) => w.targets.map((l) => l.datanode.uuid))).to.deep.equal([['dn-c']]);
    received(c, blk);
    expect(invalidates(a)).to.deep.equal([blk.blockId]);
    expect(bm.corruptReplicas.size).to.equal(0);
    expect([...blk.replicas.values()].map((r) => r.datanodeUuid).sort()).to.deep.equal(['dn-b', 'dn-c']);
    expect(bm.redundancy.needed.size).to.equal(0);
    // the replica queued for deletion does not come back as a location with a full block report
    t.ns.blocks.processReport(a, 'DS-dn-a', 'DISK', [{ blockId: blk.blockId, numBytes: 1000, generationStamp: blk.generationStamp, state: 'FINALIZED' }]);
    expect(blk.replicas.has('DS-dn-a')).to.equal(false);
  });

  it('a replica reported with an older generation stamp (corrupted during a write) is deleted at once while a good one is left', async () => {
    const blk = await fileOn('/g', 2, [a, b]);
    const stale = report(blk, a);
    stale.b = { ...stale.b, generationStamp: blk.generationStamp - 1 };
    reportBadBlocks(t.ns, [stale], '127.0.0.9');
    expect(a.invalidate).to.deep.equal([{ blockId: blk.blockId, generationStamp: blk.generationStamp - 1, numBytes: 1000 }]);
    expect(t.ns.blocks.corruptReplicas.size).to.equal(0);
    expect([...blk.replicas.values()].map((r) => r.datanodeUuid)).to.deep.equal(['dn-b']);
    expect(t.ns.blocks.redundancy.needed.priorityOf(blk)).to.equal(QUEUE_HIGHEST_PRIORITY);
  });

  it('a block report of a COMPLETE block with another length is a SIZE_MISMATCH corrupt replica; one of an older stamp is deleted at once (GENSTAMP_MISMATCH)', async () => {
    const blk = await fileOn('/r', 2, [a, b]);
    t.ns.blocks.processReport(c, 'DS-dn-c', 'DISK', [{ blockId: blk.blockId, numBytes: 999, generationStamp: blk.generationStamp, state: 'FINALIZED' }]);
    expect((await locs('/r')).locs!.map((l) => l.id.datanodeUuid).sort()).to.deep.equal(['dn-a', 'dn-b']);
    // live 2 + corrupt 1 > replication 2: hasMoreCorruptReplicas, so Hadoop deletes it at once
    expect(invalidates(c)).to.deep.equal([blk.blockId]);
    expect(t.ns.blocks.corruptReplicas.size).to.equal(0);
    const blk2 = await fileOn('/r2', 3, [a, b]);
    t.ns.blocks.processReport(c, 'DS-dn-c', 'DISK', [{ blockId: blk2.blockId, numBytes: 1000, generationStamp: blk2.generationStamp - 1, state: 'FINALIZED' }]);
    expect(c.invalidate.at(-1)).to.deep.equal({ blockId: blk2.blockId, generationStamp: blk2.generationStamp - 1, numBytes: 1000 });
    expect(blk2.replicas.has('DS-dn-c')).to.equal(false);
    const blk3 = await fileOn('/r3', 3, [a, b]);
    t.ns.blocks.processReport(c, 'DS-dn-c', 'DISK', [{ blockId: blk3.blockId, numBytes: 7, generationStamp: blk3.generationStamp, state: 'FINALIZED' }]);
    expect(t.ns.blocks.corruptReplicas.reason(blk3, 'dn-c')).to.equal('SIZE_MISMATCH'); // live 2 + corrupt 1 = 3: kept until a good copy exists
    expect(invalidates(c)).to.not.include(blk3.blockId);
  });

  it('every replica corrupt: all given with corrupt=true, the block is missing, and listCorruptFileBlocks names its file', async () => {
    const blk = await fileOn('/d/all', 2, [a, b]);
    reportBadBlocks(t.ns, [report(blk, a, b)], '127.0.0.9');
    const lb = await locs('/d/all');
    expect(lb.corrupt).to.equal(true);
    expect(lb.locs!.map((l) => l.id.datanodeUuid).sort()).to.deep.equal(['dn-a', 'dn-b']);
    expect(t.ns.blocks.redundancy.needed.priorityOf(blk)).to.equal(QUEUE_WITH_CORRUPT_BLOCKS);
    const stats = new ClusterStatus(t.ns).replicatedBlockStats();
    expect(stats.corrupt_blocks).to.equal(1);
    expect(stats.missing_blocks).to.equal(1);
    expect(new CorruptFiles(t.ns).listCorruptFileBlocks('/', undefined, hdfsUser).files).to.deep.equal(['/d/all']);
    expect(work()).to.equal(0); // nothing to copy from
    expect(invalidates(a)).to.deep.equal([]);
  });

  it('an unknown block or a node without the replica is ignored; an unknown DataNode is an IOException', async () => {
    const blk = await fileOn('/f', 2, [a, b]);
    reportBadBlocks(t.ns, [report(blk, c)], '127.0.0.9');
    reportBadBlocks(t.ns, [{ ...report(blk, a), b: { ...t.ns.blocks.extended(blk), blockId: 999_999 } }], '127.0.0.9');
    expect(t.ns.blocks.corruptReplicas.size).to.equal(0);
    const ghost = { ...a.toInfo(), id: { ...a.toInfo().id, datanodeUuid: 'dn-ghost', xferPort: 4242 } };
    const e = expectCode(() => reportBadBlocks(t.ns, [{ ...report(blk), locs: [ghost] }], '127.0.0.9'), 'FS_NOT_FOUND');
    expect(e.message).to.equal(`Cannot mark ${t.ns.blocks.blockPoolId}:blk_${blk.blockId}_${blk.generationStamp} as corrupt because datanode 127.0.0.1:4242 (dn-ghost) does not exist`);
  });

  it('a location whose uuid is known but whose transfer address is another node\'s is an UnregisteredNodeException; nothing is marked (DatanodeManager.getDatanode)', async () => {
    const blk = await fileOn('/f', 2, [a, b]);
    const moved = { ...a.toInfo(), id: { ...a.toInfo().id, xferPort: 4242 } };
    const e = expectCode(() => reportBadBlocks(t.ns, [{ ...report(blk), locs: [moved] }], '127.0.0.9'), 'DATANODE_UNREGISTERED');
    expect(e.details.exceptionClassName).to.equal('org.apache.hadoop.hdfs.protocol.UnregisteredNodeException');
    expect(e.message).to.equal('Data node 127.0.0.1:4242 is attempting to report storage ID dn-a. Node 127.0.0.1:1001 is expected to serve this storage.');
    expect(t.ns.blocks.corruptReplicas.size).to.equal(0);
  });

  it('storage IDs not one per location fail the whole call with an IllegalStateException before anything is marked (PBHelperClient.convertLocatedBlockProto)', async () => {
    const blk = await fileOn('/f', 2, [a, b]);
    const good = report(blk, a);
    const bad = { ...report(blk, a, b), storageIDs: ['DS-dn-a'] };
    const e = expectCode(() => reportBadBlocks(t.ns, [good, bad], '127.0.0.9'), 'FS_INVALID_ARGUMENT');
    expect(e.details.exceptionClassName).to.equal('java.lang.IllegalStateException');
    expect(e.message).to.contain('1 storage IDs for 2 locations');
    expect(t.ns.blocks.corruptReplicas.size).to.equal(0);
    // none at all is fine (a stock client sends none): the node's storage holding the replica is found
    reportBadBlocks(t.ns, [{ ...report(blk, b), storageIDs: [] }], '127.0.0.9');
    expect(t.ns.blocks.corruptReplicas.nodes(blk)).to.deep.equal(['dn-b']);
  });

  it('a copy RECEIVED with the block\'s stamp but another length ends its pending reconstruction before it is marked corrupt, so the block is queued again at once (BlockManager.addBlock)', async () => {
    const blk = await fileOn('/p', 2, [a, b]);
    reportBadBlocks(t.ns, [report(blk, a)], '127.0.0.9');
    expect(work()).to.equal(1); // b -> c
    const bm = t.ns.blocks;
    expect(bm.redundancy.pending.numReplicas(blk)).to.equal(1);
    received(c, { blockId: blk.blockId, generationStamp: blk.generationStamp, numBytes: 999 });
    expect(bm.corruptReplicas.isReplicaCorrupt(blk, 'dn-c')).to.equal(false); // live 1 + corrupt 2 > 2: deleted at once
    expect(invalidates(c)).to.deep.equal([blk.blockId]);
    expect(bm.redundancy.pending.numReplicas(blk)).to.equal(0);
    expect(bm.redundancy.needed.contains(blk)).to.equal(true);
  });

  it('a block report of a COMPLETE block\'s RBW / RWR replica of an older stamp (GENSTAMP_MISMATCH) or an RWR one of its stamp (INVALID_STATE) is corrupt and deleted; an RBW of its stamp is ignored (checkReplicaCorrupt)', async () => {
    const blk = await fileOn('/w', 2, [a, b]);
    const rep = (state: 'RBW' | 'RWR', generationStamp: number) => t.ns.blocks.processReport(c, 'DS-dn-c', 'DISK', [{ blockId: blk.blockId, numBytes: 500, generationStamp, state }]);
    rep('RBW', blk.generationStamp);
    expect(invalidates(c)).to.deep.equal([]); // HDFS-2791: a late report of the closed pipeline
    expect(blk.replicas.has('DS-dn-c')).to.equal(false);
    rep('RBW', blk.generationStamp - 1);
    expect(c.invalidate).to.deep.equal([{ blockId: blk.blockId, generationStamp: blk.generationStamp - 1, numBytes: 500 }]);
    expect(blk.replicas.has('DS-dn-c')).to.equal(false);
    c.invalidate.length = 0;
    rep('RWR', blk.generationStamp);
    expect(invalidates(c)).to.deep.equal([blk.blockId]); // live 2 >= replication 2: deleted at once
    expect(t.ns.blocks.corruptReplicas.size).to.equal(0);
    expect((await locs('/w')).locs!.map((l) => l.id.datanodeUuid).sort()).to.deep.equal(['dn-a', 'dn-b']);
  });

  it('a deleted file\'s corrupt replicas leave the map; a dead node\'s replica leaves it too', async () => {
    const blk = await fileOn('/f', 2, [a, b]);
    reportBadBlocks(t.ns, [report(blk, a)], '127.0.0.9');
    t.ns.blocks.removeReplicasOf(a);
    expect(t.ns.blocks.corruptReplicas.size).to.equal(0);
    const blk2 = await fileOn('/f2', 2, [a, b]);
    reportBadBlocks(t.ns, [report(blk2, b)], '127.0.0.9');
    expect(t.ns.blocks.corruptReplicas.size).to.equal(1);
    t.ns.blocks.scheduleDeletion([blk2]);
    expect(t.ns.blocks.corruptReplicas.size).to.equal(0);
  });
});
