// Block recovery on the DataNode: the sync-length rules of BlockRecoveryWorker.syncBlock (pure),
// truncateBlock's arithmetic, and initReplicaRecovery / updateReplicaUnderRecovery on a real
// FsDataset in a temp directory (RBW -> RUR -> finalized under the recovery id, cut to the agreed
// length with the last chunk's CRC computed again; refusals in FsDatasetImpl's words; a write in
// progress stopped), the InterDatanodeProtocol handlers' messages, then the worker recovering a
// local replica and what it commits.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockRecoveryWorker, unavailablePeer, type BlockSynchronizationRequest } from '../../../cluster/datanode/recovery/block-recovery-worker.ts';
import { interDatanodeHandlers } from '../../../cluster/datanode/recovery/inter-datanode.ts';
import { candidates, syncPlan, type ReplicaAnswer } from '../../../cluster/datanode/recovery/sync-plan.ts';
import { INTER_DATANODE_PROTOCOL_CODEC } from '../../../cluster/protocol/inter-datanode-protocol.ts';
import { FsDataset } from '../../../cluster/datanode/storage/fs-dataset.ts';
import { initReplicaRecovery, updateReplicaUnderRecovery, type ReplicaRecoveryInfo } from '../../../cluster/datanode/storage/replica-recovery.ts';
import { truncatePlan } from '../../../cluster/datanode/storage/truncate-block.ts';
import { computeChecksums } from '../../../cluster/protocol/datatransfer/checksum.ts';
import type { ChecksumSpec } from '../../../cluster/protocol/datatransfer/messages.ts';
import type { DatanodeInfo } from '../../../cluster/protocol/hdfs-types.ts';
import { EMPTY_TOKEN } from '../../../cluster/protocol/hdfs-types.ts';
import { rejectsCode, throwsCode } from '../../support/errors.ts';

const CRC: ChecksumSpec = { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 };
const NS = { blockPoolID: 'BP-1-127.0.0.1-1', namespaceID: 7, clusterID: 'CID-a', cTime: 0 };
const BP = NS.blockPoolID;

const answer = (node: string, originalState: ReplicaRecoveryInfo['originalState'], numBytes: number, genStamp = 1001): ReplicaAnswer<string> =>
  ({ node, info: { blockId: 1, numBytes, genStamp, originalState } });

describe('datanode/block recovery: the length to keep (BlockRecoveryWorker.syncBlock)', () => {
  it('finalized replicas win: their length, with the RBW replicas of that very length', () => {
    const plan = syncPlan([answer('a', 'RBW', 900), answer('b', 'FINALIZED', 700), answer('c', 'RBW', 700), answer('d', 'RWR', 700)]);
    expect(plan).to.deep.include({ kind: 'sync', bestState: 'FINALIZED', newLength: 700 });
    expect(plan.kind === 'sync' && plan.participants.map((p) => p.node)).to.deep.equal(['b', 'c']);
    throwsCode(() => syncPlan([answer('a', 'FINALIZED', 700), answer('b', 'FINALIZED', 800)]), 'REPLICA_RECOVERY');
  });

  it('else the shortest RBW replica; RWR only when there is no RBW one; nothing at all deletes the block', () => {
    const rbw = syncPlan([answer('a', 'RBW', 900), answer('b', 'RBW', 650), answer('c', 'RWR', 100)]);
    expect(rbw).to.deep.include({ kind: 'sync', bestState: 'RBW', newLength: 650 });
    expect(rbw.kind === 'sync' && rbw.participants.map((p) => p.node)).to.deep.equal(['a', 'b']);
    const rwr = syncPlan([answer('a', 'RWR', 900), answer('b', 'RWR', 400)]);
    expect(rwr).to.deep.include({ kind: 'sync', bestState: 'RWR', newLength: 400 });
    expect(syncPlan([])).to.deep.equal({ kind: 'delete' });
  });

  it('candidates: an older stamp or no bytes is left out; replicas only in a worse state than RWR are an error', () => {
    const kept = candidates([answer('a', 'RBW', 0), answer('b', 'RBW', 10, 1000), answer('c', 'RBW', 10, 1002), answer('d', 'FINALIZED', 5)], 1001, 'blk_1_1001');
    expect(kept.map((k) => k.node)).to.deep.equal(['c', 'd']);
    expect(candidates([answer('a', 'RBW', 0)], 1001, 'b')).to.deep.equal([]);
    const rur = { node: 'x', info: { blockId: 1, numBytes: 10, genStamp: 1001, originalState: 'RUR' as never } };
    throwsCode(() => candidates([rur], 1001, 'blk_1_1001'), 'REPLICA_RECOVERY');
  });

  it('truncateBlock keeps one checksum per remaining chunk and recomputes the last one', () => {
    expect(truncatePlan(CRC, 1400)).to.deep.equal({ metaLength: 7 + 3 * 4, lastChunk: { offset: 1024, length: 376 } });
    expect(truncatePlan(CRC, 1024)).to.deep.equal({ metaLength: 7 + 2 * 4, lastChunk: { offset: 512, length: 512 } });
    expect(truncatePlan({ type: 'CHECKSUM_NULL', bytesPerChecksum: 512 }, 1400)).to.deep.equal({ metaLength: 7, lastChunk: undefined });
  });
});

describe('datanode/block recovery: replicas on a real FsDataset', () => {
  let dir: string;
  let ds: FsDataset;
  const data = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7) % 251));
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dn-recovery-'));
    ds = await FsDataset.open(dir);
    await ds.attachBlockPool(NS);
  });
  afterEach(async () => {
    await ds.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An RBW replica whose writer went away after `n` bytes (written as packets of whole chunks plus the rest). */
  async function unfinished(blockId: number, n: number, genStamp = 1001): Promise<void> {
    const { replica, writer } = await ds.createRbw(BP, blockId, genStamp, CRC, `blk_${blockId}`);
    await writer.write(0, data.subarray(0, n), computeChecksums(CRC, data.subarray(0, n)));
    replica.numBytes = writer.numBytes;
    await ds.keepRbw(BP, replica, writer);
  }

  it('RBW -> RUR -> finalized under the recovery id at the agreed length, the meta file trimmed to match; found again after a restart', async () => {
    await unfinished(5, 2000);
    const info = await initReplicaRecovery(ds, BP, { blockId: 5, generationStamp: 1001 }, 1005, 1000);
    expect(info).to.deep.equal({ blockId: 5, numBytes: 2000, genStamp: 1001, originalState: 'RBW' });
    expect(ds.getReplica(BP, 5)).to.deep.include({ state: 'RUR', recovery: { recoveryId: 1005, originalState: 'RBW' } });
    expect(ds.report(BP)).to.deep.equal([{ blockId: 5, numBytes: 2000, generationStamp: 1001, state: 'RUR' }]);
    const r = await updateReplicaUnderRecovery(ds, BP, { blockId: 5, generationStamp: 1001, numBytes: 2000 }, 1005, 1400);
    expect(r).to.deep.include({ state: 'FINALIZED', genStamp: 1005, numBytes: 1400 });
    expect(r.metaFile).to.match(/finalized\/subdir0\/subdir0\/blk_5_1005\.meta$/);
    expect(readFileSync(r.blockFile)).to.deep.equal(data.subarray(0, 1400));
    expect(readFileSync(r.metaFile).subarray(7)).to.deep.equal(Buffer.from(computeChecksums(CRC, data.subarray(0, 1400))));
    await ds.close();
    ds = await FsDataset.open(dir);
    await ds.attachBlockPool(NS);
    expect(ds.report(BP)).to.deep.equal([{ blockId: 5, numBytes: 1400, generationStamp: 1005, state: 'FINALIZED' }]);
  });

  it('refusals in FsDatasetImpl\'s words: an older replica, a recovery id not newer, a newer recovery in progress, update with another id or a longer length', async () => {
    await unfinished(6, 1000, 1003);
    expect(await initReplicaRecovery(ds, BP, { blockId: 99, generationStamp: 1 }, 1010, 1000), 'no replica').to.equal(undefined);
    const older = await rejectsCode(initReplicaRecovery(ds, BP, { blockId: 6, generationStamp: 1004 }, 1010, 1000), 'REPLICA_RECOVERY');
    expect(older.message).to.match(/^replica\.getGenerationStamp\(\) < block\.getGenerationStamp\(\)/);
    const notNewer = await rejectsCode(initReplicaRecovery(ds, BP, { blockId: 6, generationStamp: 1003 }, 1003, 1000), 'REPLICA_RECOVERY');
    expect(notNewer.message).to.match(/^THIS IS NOT SUPPOSED TO HAPPEN: replica\.getGenerationStamp\(\) >= recoveryId = 1003/);
    await initReplicaRecovery(ds, BP, { blockId: 6, generationStamp: 1003 }, 1010, 1000);
    const inProgress = await rejectsCode(initReplicaRecovery(ds, BP, { blockId: 6, generationStamp: 1003 }, 1009, 1000), 'REPLICA_RECOVERY');
    expect([inProgress.message, inProgress.details['recoveryInProgress']]).to.deep.equal([`rur.getRecoveryID() >= recoveryId = 1009, block=blk_6_1003, rur=RUR blk_6_1003, numBytes=1000, recoveryId=1010, original=RBW`, true]);
    // a newer recovery takes the replica over
    expect((await initReplicaRecovery(ds, BP, { blockId: 6, generationStamp: 1003 }, 1011, 1000))!.originalState).to.equal('RBW');
    const old = { blockId: 6, generationStamp: 1003, numBytes: 1000 };
    expect((await rejectsCode(updateReplicaUnderRecovery(ds, BP, old, 1010, 900), 'REPLICA_RECOVERY')).message).to.match(/^rur\.getRecoveryID\(\) != recoveryId = 1010/);
    expect((await rejectsCode(updateReplicaUnderRecovery(ds, BP, old, 1011, 1001), 'REPLICA_RECOVERY')).message).to.match(/^rur\.getNumBytes\(\) < newlength = 1001/);
    expect((await rejectsCode(updateReplicaUnderRecovery(ds, BP, { ...old, numBytes: 999 }, 1011, 900), 'REPLICA_RECOVERY')).message).to.match(/replica\.getBytesOnDisk\(\) != block\.getNumBytes\(\), block=BP-1-127\.0\.0\.1-1:blk_6_1003, /);
    expect((await rejectsCode(updateReplicaUnderRecovery(ds, BP, { ...old, blockId: 99 }, 1011, 900), 'REPLICA_NOT_FOUND')).message).to.equal('Replica not found for BP-1-127.0.0.1-1:blk_99_1003');
    expect(await updateReplicaUnderRecovery(ds, BP, old, 1011, 1000)).to.deep.include({ state: 'FINALIZED', genStamp: 1011, numBytes: 1000 });
  });

  it('a write still in progress is stopped before the replica is taken; one that will not stop within the timeout fails the recovery', async () => {
    const { replica, writer } = await ds.createRbw(BP, 7, 1001, CRC, 'blk_7');
    await writer.write(0, data.subarray(0, 512), computeChecksums(CRC, data.subarray(0, 512)));
    replica.numBytes = writer.numBytes;
    const over = ds.beginWrite(BP, 7, () => void ds.keepRbw(BP, replica, writer).then(() => over()));
    expect((await initReplicaRecovery(ds, BP, { blockId: 7, generationStamp: 1001 }, 1002, 1000))!.numBytes).to.equal(512);
    const stuck = await ds.createRbw(BP, 8, 1001, CRC, 'blk_8');
    ds.beginWrite(BP, 8, () => undefined);
    const e = await rejectsCode(initReplicaRecovery(ds, BP, { blockId: 8, generationStamp: 1001 }, 1002, 50), 'REPLICA_RECOVERY');
    expect(e.message).to.match(/timed out after 50 ms \(dfs\.datanode\.xceiver\.stop\.timeout\.millis\)$/);
    await stuck.writer.close();
  });

  it('InterDatanodeProtocol handlers: replicaFound with the state before recovery and the block on disk; RecoveryInProgressException for a newer recovery; the storage id after the update', async () => {
    await unfinished(11, 900);
    const worker = new BlockRecoveryWorker({ dataset: ds, writerStopTimeoutMs: 1000, peer: unavailablePeer, commit: async () => undefined, notifyReceived: () => undefined });
    const h = interDatanodeHandlers(worker.local);
    const ctx = {} as never;
    const rb = (blockId: number, newGenStamp: number) => ({ block: { newGenStamp, block: { b: { poolId: BP, blockId, generationStamp: 1001, numBytes: 0 }, offset: -1, corrupt: false, blockToken: EMPTY_TOKEN } } });
    const init = async (blockId: number, id: number) => INTER_DATANODE_PROTOCOL_CODEC.decodeResponse('initReplicaRecovery', await h['initReplicaRecovery']!(INTER_DATANODE_PROTOCOL_CODEC.encodeRequest('initReplicaRecovery', rb(blockId, id)), ctx));
    expect(await init(12, 1005)).to.deep.equal({ replicaFound: false });
    expect(await init(11, 1005)).to.deep.equal({ replicaFound: true, state: 'RBW', block: { blockId: 11, genStamp: 1001, numBytes: 900 } });
    const e = await Promise.resolve(h['initReplicaRecovery']!(INTER_DATANODE_PROTOCOL_CODEC.encodeRequest('initReplicaRecovery', rb(11, 1004)), ctx)).then(() => undefined, (x: Error & { details: Record<string, unknown> }) => x);
    expect(e!.details['exceptionClassName']).to.equal('org.apache.hadoop.hdfs.protocol.RecoveryInProgressException');
    // a stock primary's copy-on-truncate names another newBlockId: refused, the replica stays RUR
    const copy = INTER_DATANODE_PROTOCOL_CODEC.encodeRequest('updateReplicaUnderRecovery', { block: { poolId: BP, blockId: 11, generationStamp: 1001, numBytes: 900 }, recoveryId: 1005, newLength: 800, newBlockId: 12 });
    const refused = await Promise.resolve(h['updateReplicaUnderRecovery']!(copy, ctx)).then(() => undefined, (x: Error & { code: string }) => x);
    expect([refused?.code, refused?.message]).to.deep.equal(['REPLICA_RECOVERY', `Cannot update ${BP}:blk_11_1001 to blk_12: copy-on-truncate is not supported by the hsec DataNode`]);
    expect(ds.getReplica(BP, 11)).to.deep.include({ state: 'RUR', numBytes: 900 });
    // Hadoop's primary names the block's own id as newBlockId
    const update = INTER_DATANODE_PROTOCOL_CODEC.encodeRequest('updateReplicaUnderRecovery', { block: { poolId: BP, blockId: 11, generationStamp: 1001, numBytes: 900 }, recoveryId: 1005, newLength: 800, newBlockId: 11 });
    expect(INTER_DATANODE_PROTOCOL_CODEC.decodeResponse('updateReplicaUnderRecovery', await h['updateReplicaUnderRecovery']!(update, ctx))).to.deep.equal({ storageUuid: ds.storageId });
    expect(ds.getReplica(BP, 11)).to.deep.include({ state: 'FINALIZED', genStamp: 1005, numBytes: 800 });
  });

  it('the worker recovers its own replica and commits the agreed length; another DataNode it cannot reach is skipped; no bytes anywhere deletes the block', async () => {
    await unfinished(9, 1500);
    const commits: BlockSynchronizationRequest[] = [];
    const received: number[] = [];
    const worker = new BlockRecoveryWorker({
      dataset: ds, writerStopTimeoutMs: 1000, peer: unavailablePeer,
      commit: async (r) => void commits.push(r), notifyReceived: (r) => void received.push(r.numBytes),
    });
    const node = (uuid: string, port: number): DatanodeInfo => ({ id: { ipAddr: '127.0.0.1', hostName: 'localhost', datanodeUuid: uuid, xferPort: port, infoPort: 0, ipcPort: 0 } });
    const b = { poolId: BP, blockId: 9, generationStamp: 1001, numBytes: 1200 };
    await worker.recoverBlocks('NameNode at 127.0.0.1:8020', [{ newGenStamp: 1004, block: { b, offset: -1, locs: [node('other', 9870), node(ds.datanodeUuid, 9866)], corrupt: false, blockToken: EMPTY_TOKEN } }]);
    expect(commits).to.have.length(1);
    expect(commits[0]).to.deep.include({ block: b, newGenStamp: 1004, newLength: 1500, closeFile: true, deleteBlock: false, newTargetStorages: [ds.storageId] });
    expect(commits[0]!.newTaragets!.map((t) => t.datanodeUuid)).to.deep.equal([ds.datanodeUuid]);
    expect(received).to.deep.equal([1500]);
    expect(ds.getReplica(BP, 9)).to.deep.include({ state: 'FINALIZED', genStamp: 1004, numBytes: 1500 });

    commits.length = 0;
    await worker.recover({ newGenStamp: 1006, block: { b: { ...b, blockId: 10 }, offset: -1, locs: [node(ds.datanodeUuid, 9866)], corrupt: false, blockToken: EMPTY_TOKEN } });
    expect(commits[0]).to.deep.include({ newGenStamp: 1006, newLength: 0, closeFile: true, deleteBlock: true });
    await rejectsCode(worker.recover({ newGenStamp: 1007, block: { b, offset: -1, locs: [node('other', 9870)], corrupt: false, blockToken: EMPTY_TOKEN } }), 'REPLICA_RECOVERY');
  });

  it('a truncate recovery from a stock NameNode (RecoveringBlockProto.truncateBlock): the length is the truncate block\'s (syncBlock isTruncateRecovery); copy-on-truncate is refused before any replica is touched', async () => {
    await unfinished(12, 1800);
    const commits: BlockSynchronizationRequest[] = [];
    const worker = new BlockRecoveryWorker({
      dataset: ds, writerStopTimeoutMs: 1000, peer: unavailablePeer,
      commit: async (r) => void commits.push(r), notifyReceived: () => undefined,
    });
    const here: DatanodeInfo = { id: { ipAddr: '127.0.0.1', hostName: 'localhost', datanodeUuid: ds.datanodeUuid, xferPort: 9866, infoPort: 0, ipcPort: 0 } };
    const b = { poolId: BP, blockId: 12, generationStamp: 1001, numBytes: 1800 };
    const located = { b, offset: -1, locs: [here], corrupt: false, blockToken: EMPTY_TOKEN };
    await rejectsCode(worker.recover({ newGenStamp: 1008, block: located, truncateBlock: { blockId: 13, genStamp: 1008, numBytes: 700 } }), 'REPLICA_RECOVERY');
    expect(ds.getReplica(BP, 12), 'untouched').to.deep.include({ state: 'RBW', genStamp: 1001, numBytes: 1800 });
    await worker.recover({ newGenStamp: 1008, block: located, truncateBlock: { blockId: 12, genStamp: 1008, numBytes: 700 } });
    expect(commits[0]).to.deep.include({ block: b, newGenStamp: 1008, newLength: 700, closeFile: true, deleteBlock: false });
    const r = ds.getReplica(BP, 12)!;
    expect(r).to.deep.include({ state: 'FINALIZED', genStamp: 1008, numBytes: 700 });
    expect(readFileSync(r.blockFile)).to.deep.equal(data.subarray(0, 700));
  });
});
