// Write-pipeline recovery of a replica on a real FsDataset in a temp directory (FsDatasetImpl.recoverRbw,
// recoverAppend, recoverClose, createTemporary, convertTemporaryToRbw): the state and stamp each
// leaves the replica in, where its files go, the cut back to the acknowledged bytes with the last
// chunk's CRC computed again, a write in progress stopped first, and each refusal in Hadoop's words.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsDataset } from '../../../cluster/datanode/storage/fs-dataset.ts';
import {
  convertTemporaryToRbw, recoverAppend, recoverClose, recoverRbw, type PipelineRecoveryContext, type RecoveredBlock,
} from '../../../cluster/datanode/storage/pipeline-recovery.ts';
import { computeChecksums } from '../../../cluster/protocol/datatransfer/checksum.ts';
import type { ChecksumSpec } from '../../../cluster/protocol/datatransfer/messages.ts';
import { rejectsCode } from '../../support/errors.ts';

const CRC: ChecksumSpec = { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 };
const NS = { blockPoolID: 'BP-9-127.0.0.1-1', namespaceID: 9, clusterID: 'CID-p', cTime: 0 };
const BP = NS.blockPoolID;

describe('datanode/pipeline recovery: replica state transitions (FsDatasetImpl)', () => {
  let dir: string;
  let ds: FsDataset;
  let ctx: PipelineRecoveryContext;
  const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 13) % 251));
  const block = (blockId: number, generationStamp = 1001): RecoveredBlock => ({ poolId: BP, blockId, generationStamp, name: `${BP}:blk_${blockId}_${generationStamp}` });
  const sums = (n: number) => Buffer.from(computeChecksums(CRC, data.subarray(0, n)));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dn-pipeline-'));
    ds = await FsDataset.open(dir);
    await ds.attachBlockPool(NS);
    ctx = { dataset: ds, writerStopTimeoutMs: 2000 };
  });
  afterEach(async () => {
    await ds.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An RBW replica whose pipeline broke: `written` bytes on disk, `acked` of them acknowledged upstream. */
  async function broken(blockId: number, written: number, acked: number, genStamp = 1001): Promise<void> {
    const { replica, writer } = await ds.createRbw(BP, blockId, genStamp, CRC, `blk_${blockId}`);
    await writer.write(0, data.subarray(0, written), computeChecksums(CRC, data.subarray(0, written)));
    replica.numBytes = writer.numBytes;
    replica.bytesAcked = acked;
    await ds.keepRbw(BP, replica, writer);
  }

  async function finalized(blockId: number, n: number, genStamp = 1001): Promise<void> {
    const { replica, writer } = await ds.createRbw(BP, blockId, genStamp, CRC, `blk_${blockId}`);
    await writer.write(0, data.subarray(0, n), computeChecksums(CRC, data.subarray(0, n)));
    await ds.finalize(BP, replica, writer);
  }

  it('recoverRbw: the RBW replica is cut back to its acknowledged bytes (last CRC recomputed), takes the new stamp, and writing goes on from there to finalization', async () => {
    await broken(1, 2000, 1300);
    const { replica, writer } = await recoverRbw(ctx, block(1), 1002, 1024, 2048);
    expect(replica).to.deep.include({ state: 'RBW', genStamp: 1002, numBytes: 1300, bytesAcked: 1300 });
    expect(replica.metaFile).to.match(/\/rbw\/blk_1_1002\.meta$/);
    expect(existsSync(join(dir, 'current', BP, 'current', 'rbw', 'blk_1_1001.meta'))).to.equal(false);
    expect(readFileSync(replica.blockFile)).to.deep.equal(data.subarray(0, 1300));
    expect(readFileSync(replica.metaFile).subarray(7)).to.deep.equal(sums(1300));
    expect(ds.getReplica(BP, 1)).to.equal(replica);
    // the client resends from its own acknowledged length (1024), inside what the replica has
    await writer.write(1024, data.subarray(1024, 2500), computeChecksums(CRC, data.subarray(1024, 2500)));
    await ds.finalize(BP, replica, writer);
    expect(replica).to.deep.include({ state: 'FINALIZED', numBytes: 2500, genStamp: 1002 });
    expect(readFileSync(replica.blockFile)).to.deep.equal(data.subarray(0, 2500));
    expect(readFileSync(replica.metaFile).subarray(7)).to.deep.equal(sums(2500));
    expect(ds.report(BP)).to.deep.equal([{ blockId: 1, numBytes: 2500, generationStamp: 1002, state: 'FINALIZED' }]);
  });

  it('recoverRbw refusals (ReplicaNotFoundException): no replica, not RBW, a stamp outside [b, newGS], acked bytes below minBytesRcvd or received bytes above maxBytesRcvd', async () => {
    let e = await rejectsCode(recoverRbw(ctx, block(9), 1002, 0, 0), 'REPLICA_NOT_FOUND');
    expect(e.message).to.equal(`Replica does not exist ${BP}:9`);
    await finalized(2, 700);
    e = await rejectsCode(recoverRbw(ctx, block(2), 1002, 700, 700), 'REPLICA_NOT_FOUND');
    expect(e.message).to.match(/^Cannot recover a non-RBW replica FinalizedReplica, blk_2_1001, FINALIZED\n {2}getNumBytes\(\) {5}= 700\n/);
    await broken(3, 1024, 1024, 1003);
    e = await rejectsCode(recoverRbw(ctx, block(3, 1004), 1005, 0, 1024), 'REPLICA_NOT_FOUND');
    expect(e.message).to.equal(`Cannot append to a replica with unexpected generation stamp ${BP}:blk_3_1004. Expected GS range is [1004, 1005].`);
    e = await rejectsCode(recoverRbw(ctx, block(3, 1001), 1002, 0, 1024), 'REPLICA_NOT_FOUND');
    expect(e.message).to.equal(`Cannot append to a replica with unexpected generation stamp ${BP}:blk_3_1001. Expected GS range is [1001, 1002].`);
    e = await rejectsCode(recoverRbw(ctx, block(3, 1003), 1004, 1500, 2048), 'REPLICA_NOT_FOUND');
    expect(e.message).to.match(/^Unmatched length replica ReplicaBeingWritten, blk_3_1003, RBW\n[^]*\n {2}bytesAcked=1024\n {2}bytesOnDisk=1024: BytesAcked = 1024 BytesRcvd = 1024 are not in the range of \[1500, 2048\]\.$/);
    e = await rejectsCode(recoverRbw(ctx, block(3, 1003), 1004, 0, 1000), 'REPLICA_NOT_FOUND');
    expect(e.message).to.match(/BytesAcked = 1024 BytesRcvd = 1024 are not in the range of \[0, 1000\]\.$/);
    // nothing changed by a refusal
    expect(ds.getReplica(BP, 3)).to.deep.include({ state: 'RBW', genStamp: 1003, numBytes: 1024 });
    expect(readFileSync(ds.getReplica(BP, 3)!.blockFile).length).to.equal(1024);
  });

  it('recoverRbw stops the write still under way on the replica first (ReplicaInPipeline.stopWriter)', async () => {
    const { replica, writer } = await ds.createRbw(BP, 4, 1001, CRC, 'blk_4');
    await writer.write(0, data.subarray(0, 1024), computeChecksums(CRC, data.subarray(0, 1024)));
    replica.numBytes = 1024;
    replica.bytesAcked = 512;
    let stopped = false;
    const over = ds.beginWrite(BP, 4, () => {
      stopped = true;
      // the stopped write closes its replica as write-block.ts does, then says it is over
      void ds.keepRbw(BP, replica, writer).then(over);
    });
    const { replica: r, writer: w } = await recoverRbw(ctx, block(4), 1002, 512, 1024);
    expect(stopped).to.equal(true);
    expect(r).to.deep.include({ genStamp: 1002, numBytes: 512, bytesAcked: 512 });
    await w.close();
  });

  it('recoverClose: an RBW replica whose bytes are all acknowledged is finalized under the new stamp; a finalized one only takes it', async () => {
    await broken(5, 1500, 1500);
    const r = await recoverClose(ctx, block(5), 1002, 1500);
    expect(r).to.deep.include({ state: 'FINALIZED', genStamp: 1002, numBytes: 1500 });
    expect(r.metaFile).to.match(/finalized\/subdir0\/subdir0\/blk_5_1002\.meta$/);
    expect(readFileSync(r.blockFile)).to.deep.equal(data.subarray(0, 1500));
    expect(ds.getReplica(BP, 5)).to.equal(r);
    await finalized(6, 800);
    const f = await recoverClose(ctx, block(6), 1003, 800);
    expect(f).to.deep.include({ state: 'FINALIZED', genStamp: 1003, numBytes: 800 });
    expect(f.metaFile).to.match(/finalized\/subdir0\/subdir0\/blk_6_1003\.meta$/);
    await ds.close();
    ds = await FsDataset.open(dir);
    await ds.attachBlockPool(NS);
    expect(ds.report(BP).sort((a, b) => a.blockId - b.blockId)).to.deep.equal([
      { blockId: 5, numBytes: 1500, generationStamp: 1002, state: 'FINALIZED' },
      { blockId: 6, numBytes: 800, generationStamp: 1003, state: 'FINALIZED' },
    ]);
  });

  it('recoverCheck refusals: lengths that disagree (ReplicaAlreadyExistsException), another length (Corrupted replica), an RWR replica, an unexpected stamp', async () => {
    await broken(7, 1500, 1024);
    let e = await rejectsCode(recoverClose(ctx, block(7), 1002, 1500), 'REPLICA_ALREADY_EXISTS');
    expect(e.message).to.match(/^RBW replica ReplicaBeingWritten, blk_7_1001, RBW\n[^]*bytesRcvd\(1500\), bytesOnDisk\(1500\), and bytesAcked\(1024\) are not the same\.$/);
    await finalized(8, 900);
    e = await rejectsCode(recoverClose(ctx, block(8), 1002, 1000), 'REPLICA_CORRUPT');
    expect(e.message).to.match(/^Corrupted replica FinalizedReplica, blk_8_1001, FINALIZED\n[^]* with a length of 900 expected length is 1000$/);
    e = await rejectsCode(recoverAppend(ctx, block(8, 1002), 1003, 900), 'REPLICA_NOT_FOUND');
    expect(e.message).to.equal('Cannot append to a replica with unexpected generation stamp 1001. Expected GS range is [1002, 1003].');
    ds.replace(BP, { ...ds.getReplica(BP, 8)!, state: 'RWR' });
    e = await rejectsCode(recoverClose(ctx, block(8), 1002, 900), 'REPLICA_NOT_FOUND');
    expect(e.message).to.match(/^Cannot recover append\/close to a replica that's not FINALIZED and not RBW ReplicaWaitingToBeRecovered, blk_8_1001, RWR\n/);
  });

  it('recoverAppend: a finalized replica reopens in rbw/ as by append; an RBW one takes the new stamp and goes on at its length', async () => {
    await finalized(10, 700);
    const a = await recoverAppend(ctx, block(10), 1002, 700);
    expect(a.replica).to.deep.include({ state: 'RBW', genStamp: 1002, numBytes: 700, bytesAcked: 700 });
    expect(a.replica.metaFile).to.match(/\/rbw\/blk_10_1002\.meta$/);
    await a.writer.close();
    await broken(11, 1024, 1024);
    const b = await recoverAppend(ctx, block(11), 1005, 1024);
    expect(b.replica).to.deep.include({ state: 'RBW', genStamp: 1005, numBytes: 1024 });
    await b.writer.write(1024, data.subarray(1024, 1100), computeChecksums(CRC, data.subarray(1024, 1100)));
    await ds.finalize(BP, b.replica, b.writer);
    expect(readFileSync(b.replica.metaFile).subarray(7)).to.deep.equal(sums(1100));
  });

  it('createTemporary (a transfer destination): a replica of the same or a newer stamp refuses, an older one is replaced; convertTemporaryToRbw leaves it RBW, all bytes acknowledged', async () => {
    await finalized(12, 600, 1002);
    const e = await rejectsCode(ds.createTemporary(BP, 12, 1002, CRC, `${BP}:blk_12_1002`, 2000), 'REPLICA_ALREADY_EXISTS');
    expect(e.message).to.equal(`Block ${BP}:blk_12_1002 already exists in state FINALIZED and thus cannot be created.`);
    const t = await ds.createTemporary(BP, 12, 1003, CRC, `${BP}:blk_12_1003`, 2000);
    expect(existsSync(join(dir, 'current', BP, 'current', 'finalized', 'subdir0', 'subdir0', 'blk_12'))).to.equal(false);
    await t.writer.write(0, data.subarray(0, 1200), computeChecksums(CRC, data.subarray(0, 1200)));
    await t.writer.close();
    t.replica.numBytes = t.writer.numBytes;
    const r = convertTemporaryToRbw(ctx, block(12, 1003), t.replica, 1200);
    expect(r).to.deep.include({ state: 'RBW', genStamp: 1003, numBytes: 1200, bytesAcked: 1200 });
    expect(() => convertTemporaryToRbw(ctx, block(12, 1004), t.replica, 1200)).to.throw(/^temp.getGenerationStamp\(\) != expectedGs = 1004, temp=ReplicaBeingWritten, blk_12_1003, RBW/);
  });

  it('concurrent recoveries of one replica: the later one stops the earlier and waits for it, so two writers never share the files (FsDatasetImpl.recoverRbw: attemptToSetWriter / MustStopExistingWriter)', async () => {
    await broken(20, 2000, 1300);
    let stoppedA = false;
    const a = recoverRbw({ ...ctx, stop: () => (stoppedA = true) }, block(20), 1002, 0, 3000);
    // the second recovery arrives while the first is still opening its writer (stamp already bumped)
    while (ds.getReplica(BP, 20)?.genStamp !== 1002) await new Promise((r) => setImmediate(r));
    let bDone = false;
    const b = recoverRbw({ ...ctx, stop: () => undefined }, block(20), 1003, 0, 3000).finally(() => (bDone = true));
    const ra = await a;
    await new Promise((r) => setTimeout(r, 50));
    expect(stoppedA, 'the first recovery (now the writer) is stopped').to.equal(true);
    expect(bDone, 'the second waits for the first write to end').to.equal(false);
    expect(readdirSync(join(dir, 'current', BP, 'current', 'rbw')).sort()).to.deep.equal(['blk_20', 'blk_20_1002.meta']);
    // the stopped write ends as write-block.ts ends it: the replica stays RBW, then its claim goes
    await ds.keepRbw(BP, ra.replica, ra.writer);
    ra.release();
    const rb = await b;
    expect(rb.replica).to.deep.include({ state: 'RBW', genStamp: 1003, numBytes: 1300 });
    expect(readdirSync(join(dir, 'current', BP, 'current', 'rbw')).sort()).to.deep.equal(['blk_20', 'blk_20_1003.meta']);
    await rb.writer.close();
    rb.release();
  });

  it('createTemporary checks the stamp again once the write under way stopped: a replica that became newer meanwhile is kept (FsDatasetImpl.createTemporary\'s loop)', async () => {
    await broken(21, 1024, 1024, 1001);
    const old = ds.getReplica(BP, 21)!;
    // the write under way was a recovery that gave the replica stamp 1003 before it stopped
    const over = ds.beginWrite(BP, 21, () => {
      ds.replace(BP, { ...old, genStamp: 1003 });
      over();
    });
    const e = await rejectsCode(ds.createTemporary(BP, 21, 1002, CRC, `${BP}:blk_21_1002`, 2000), 'REPLICA_ALREADY_EXISTS');
    expect(e.message).to.equal(`Block ${BP}:blk_21_1002 already exists in state RBW and thus cannot be created.`);
    expect(ds.getReplica(BP, 21)).to.deep.include({ genStamp: 1003, numBytes: 1024 });
    expect(existsSync(old.blockFile)).to.equal(true);
  });
});
