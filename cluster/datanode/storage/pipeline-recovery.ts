/**
 * A replica's side of write-pipeline recovery (Hadoop 3.4.1 FsDatasetImpl.recoverRbw,
 * recoverAppend, recoverClose and convertTemporaryToRbw), what DataXceiver.writeBlock calls for the
 * recovery and transfer stages of a client whose pipeline lost a DataNode:
 *
 *   recoverRbw(b, newGS, minBytesRcvd, maxBytesRcvd)   PIPELINE_SETUP_STREAMING_RECOVERY: the RBW
 *       replica (its writer stopped) of a stamp in [b's, newGS], with bytesAcked >= minBytesRcvd and
 *       numBytes <= maxBytesRcvd, is cut back to its acknowledged bytes and takes newGS; writing
 *       continues at that length;
 *   recoverAppend(b, newGS, expectedLength)   PIPELINE_SETUP_APPEND_RECOVERY: recoverCheck, then a
 *       FINALIZED replica is reopened as by append, an RBW one takes newGS;
 *   recoverClose(b, newGS, expectedLength)    PIPELINE_CLOSE_RECOVERY: recoverCheck, newGS, and an
 *       RBW replica is finalized;
 *   convertTemporaryToRbw(b)    the end of a TRANSFER_RBW: the copy becomes an RBW replica whose
 *       bytes are all acknowledged.
 *
 * recoverCheck: a FINALIZED or RBW replica of a stamp in [b's, newGS]; an RBW one's writer is
 * stopped and its received, on-disk and acknowledged lengths must agree; its length must be the
 * expected one.
 *
 * Each recovery becomes the replica's writer before it changes anything (ReplicaInPipeline
 * .attemptToSetWriter under FsDatasetImpl's lock: FsDataset.claimWriter), so that a second
 * recovery of the same replica, or a block recovery, started meanwhile stops it and waits for it
 * rather than truncating and renaming the files under its writer; recoverRbw and recoverAppend hand
 * the claim (`release`) to the write that follows, recoverClose releases it when done.
 *
 * Refusals carry FsDatasetImpl's messages (ReplicaNotFoundException,
 * ReplicaAlreadyExistsException, IOException).
 */
import { stat } from 'node:fs/promises';
import { getLogger } from '../../../lib/log/logger.ts';
import type { FsDataset } from './fs-dataset.ts';
import { bytesAcked, describeReplica, ReplicaError, type Replica } from './replica.ts';
import type { ReplicaWriter } from './replica-writer.ts';
import { truncateBlock } from './truncate-block.ts';

const log = getLogger('datanode.storage');

/** ReplicaNotFoundException's message prefixes (hadoop-hdfs-client ReplicaNotFoundException). */
export const NON_RBW_REPLICA = 'Cannot recover a non-RBW replica ';
export const UNFINALIZED_AND_NONRBW_REPLICA = "Cannot recover append/close to a replica that's not FINALIZED and not RBW ";
export const NON_EXISTENT_REPLICA = 'Replica does not exist ';
export const UNEXPECTED_GS_REPLICA = 'Cannot append to a replica with unexpected generation stamp ';

/** The block a recovery request names: the client's block with its old stamp (ExtendedBlock). */
export interface RecoveredBlock {
  readonly poolId: string;
  readonly blockId: number;
  readonly generationStamp: number;
  /** ExtendedBlock.toString, for messages */
  readonly name: string;
}

export interface PipelineRecoveryContext {
  readonly dataset: FsDataset;
  /** dfs.datanode.xceiver.stop.timeout.millis: how long to wait for the writer being stopped */
  readonly writerStopTimeoutMs: number;
  /** ends the op doing this recovery (its connection's input), when a later recovery stops it */
  readonly stop?: () => void;
}

/** FsDatasetImpl.getReplicaInfo(bpid, blockId). */
function replicaOf(ctx: PipelineRecoveryContext, b: RecoveredBlock): Replica {
  const r = ctx.dataset.getReplica(b.poolId, b.blockId);
  if (!r) throw new ReplicaError('REPLICA_NOT_FOUND', `${NON_EXISTENT_REPLICA}${b.poolId}:${b.blockId}`, { blockId: b.blockId });
  return r;
}

/**
 * ReplicaInPipeline.attemptToSetWriter failing -> stopWriter: a write still under way on the
 * replica ends first, then this recovery is its writer; `release` ends that.
 */
async function claimWriter(ctx: PipelineRecoveryContext, b: RecoveredBlock): Promise<() => void> {
  return ctx.dataset.claimWriter(b.poolId, b.blockId, ctx.stop ?? (() => undefined), ctx.writerStopTimeoutMs);
}

/** Runs `work` as the replica's writer: on failure the claim is released. */
async function claimed<T>(release: () => void, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    release();
    throw e;
  }
}

function describe(ctx: PipelineRecoveryContext, r: Replica): string {
  return describeReplica(r, ctx.dataset.dataDir);
}

/** FsDatasetImpl.recoverRbw + recoverRbwImpl. Returns the replica under newGS and a writer at its length. */
export async function recoverRbw(
  ctx: PipelineRecoveryContext, b: RecoveredBlock, newGS: number, minBytesRcvd: number, maxBytesRcvd: number,
): Promise<{ replica: Replica; writer: ReplicaWriter; release: () => void }> {
  log.info({ block: b.name, newGS }, `Recover RBW replica ${b.name}`);
  const first = replicaOf(ctx, b);
  if (first.state !== 'RBW') throw new ReplicaError('REPLICA_NOT_FOUND', `${NON_RBW_REPLICA}${describe(ctx, first)}`, { blockId: b.blockId, state: first.state });
  const release = await claimWriter(ctx, b);
  return claimed(release, async () => ({ ...(await recoverRbwImpl(ctx, b, newGS, minBytesRcvd, maxBytesRcvd)), release }));
}

/** FsDatasetImpl.recoverRbwImpl, as the replica's writer. */
async function recoverRbwImpl(
  ctx: PipelineRecoveryContext, b: RecoveredBlock, newGS: number, minBytesRcvd: number, maxBytesRcvd: number,
): Promise<{ replica: Replica; writer: ReplicaWriter }> {
  const rbw = replicaOf(ctx, b);
  if (rbw.state !== 'RBW') throw new ReplicaError('REPLICA_NOT_FOUND', `${NON_RBW_REPLICA}${describe(ctx, rbw)}`, { blockId: b.blockId, state: rbw.state });
  log.info({ block: b.name }, `Recovering ${describe(ctx, rbw)}`);
  if (rbw.genStamp < b.generationStamp || rbw.genStamp > newGS) {
    throw new ReplicaError('REPLICA_NOT_FOUND', `${UNEXPECTED_GS_REPLICA}${b.name}. Expected GS range is [${b.generationStamp}, ${newGS}].`, { blockId: b.blockId, genStamp: rbw.genStamp });
  }
  const acked = bytesAcked(rbw);
  const numBytes = rbw.numBytes;
  if (acked < minBytesRcvd || numBytes > maxBytesRcvd) {
    throw new ReplicaError('REPLICA_NOT_FOUND', `Unmatched length replica ${describe(ctx, rbw)}: BytesAcked = ${acked} BytesRcvd = ${numBytes} are not in the range of [${minBytesRcvd}, ${maxBytesRcvd}].`, {
      blockId: b.blockId, bytesAcked: acked, numBytes, minBytesRcvd, maxBytesRcvd,
    });
  }
  let onDisk = numBytes;
  const dataLength = await stat(rbw.blockFile).then((s) => s.size, () => numBytes);
  if (onDisk !== dataLength) {
    log.info({ block: b.name }, `Resetting bytesOnDisk to match blockDataLength (=${dataLength}) for replica ${describe(ctx, rbw)}`);
    onDisk = dataLength;
  }
  if (onDisk < acked) throw new ReplicaError('REPLICA_NOT_FOUND', `Found fewer bytesOnDisk than bytesAcked for replica ${describe(ctx, rbw)}`, { blockId: b.blockId });
  // the bytes past the acknowledged length may be corrupt when the last node of the pipeline was lost
  if (onDisk > acked) {
    await truncateBlock(rbw.blockFile, rbw.metaFile, rbw.checksum, onDisk, acked);
    rbw.numBytes = acked;
  }
  const replica = await ctx.dataset.bumpGenerationStamp(b.poolId, rbw, newGS);
  replica.bytesAcked = acked;
  return { replica, writer: await ctx.dataset.reopenRbw(replica, b.name) };
}

/** FsDatasetImpl.recoverCheck: the replica a failed append or close is recovered on. */
async function recoverCheck(ctx: PipelineRecoveryContext, b: RecoveredBlock, newGS: number, expectedLength: number): Promise<{ r: Replica; release: () => void }> {
  const checkStateAndStamp = (x: Replica): void => {
    if (x.state !== 'FINALIZED' && x.state !== 'RBW') throw new ReplicaError('REPLICA_NOT_FOUND', `${UNFINALIZED_AND_NONRBW_REPLICA}${describe(ctx, x)}`, { blockId: b.blockId, state: x.state });
    if (x.genStamp < b.generationStamp || x.genStamp > newGS) {
      throw new ReplicaError('REPLICA_NOT_FOUND', `${UNEXPECTED_GS_REPLICA}${x.genStamp}. Expected GS range is [${b.generationStamp}, ${newGS}].`, { blockId: b.blockId, genStamp: x.genStamp });
    }
  };
  checkStateAndStamp(replicaOf(ctx, b));
  // the write under way stops; the replica is checked again as it was left (Hadoop's loop)
  const release = await claimWriter(ctx, b);
  return claimed(release, async () => ({ r: recoverCheckClaimed(ctx, b, expectedLength, checkStateAndStamp), release }));
}

function recoverCheckClaimed(ctx: PipelineRecoveryContext, b: RecoveredBlock, expectedLength: number, checkStateAndStamp: (x: Replica) => void): Replica {
  const r = replicaOf(ctx, b);
  checkStateAndStamp(r);
  if (r.state === 'RBW' && r.numBytes !== bytesAcked(r)) {
    throw new ReplicaError('REPLICA_ALREADY_EXISTS', `RBW replica ${describe(ctx, r)}bytesRcvd(${r.numBytes}), bytesOnDisk(${r.numBytes}), and bytesAcked(${bytesAcked(r)}) are not the same.`, { blockId: b.blockId });
  }
  if (r.numBytes !== expectedLength) {
    throw new ReplicaError('REPLICA_CORRUPT', `Corrupted replica ${describe(ctx, r)} with a length of ${r.numBytes} expected length is ${expectedLength}`, { blockId: b.blockId, numBytes: r.numBytes, expectedLength });
  }
  return r;
}

/** FsDatasetImpl.recoverAppend. Returns the RBW replica under newGS and a writer at its length. */
export async function recoverAppend(ctx: PipelineRecoveryContext, b: RecoveredBlock, newGS: number, expectedLength: number): Promise<{ replica: Replica; writer: ReplicaWriter; release: () => void }> {
  log.info({ block: b.name, newGS }, `Recover failed append to ${b.name}`);
  const { r, release } = await recoverCheck(ctx, b, newGS, expectedLength);
  return claimed(release, async () => {
    if (r.state === 'FINALIZED') return { ...(await ctx.dataset.append(b.poolId, b.blockId, r.genStamp, newGS, r.numBytes, b.name)), release };
    const replica = await ctx.dataset.bumpGenerationStamp(b.poolId, r, newGS);
    return { replica, writer: await ctx.dataset.reopenRbw(replica, b.name), release };
  });
}

/** FsDatasetImpl.recoverClose. Returns the finalized replica under newGS. */
export async function recoverClose(ctx: PipelineRecoveryContext, b: RecoveredBlock, newGS: number, expectedLength: number): Promise<Replica> {
  log.info({ block: b.name, newGS, expectedLength }, `Recover failed close ${b.name}, new GS:${newGS}, expectedBlockLen:${expectedLength}`);
  const { r, release } = await recoverCheck(ctx, b, newGS, expectedLength);
  try {
    const replica = await ctx.dataset.bumpGenerationStamp(b.poolId, r, newGS);
    if (replica.state === 'RBW') await ctx.dataset.finalizeReplica(b.poolId, replica);
    return replica;
  } finally {
    release();
  }
}

/**
 * FsDatasetImpl.convertTemporaryToRbw: the replica a TRANSFER_RBW wrote (its files closed) stays
 * RBW with all its bytes acknowledged, at least `visible` of them.
 */
export function convertTemporaryToRbw(ctx: PipelineRecoveryContext, b: RecoveredBlock, replica: Replica, visible: number): Replica {
  log.info({ block: b.name, visible }, `Convert ${b.name} from Temporary to RBW, visible length=${visible}`);
  const r = ctx.dataset.getReplica(b.poolId, b.blockId);
  if (!r) throw new ReplicaError('REPLICA_NOT_FOUND', `${NON_EXISTENT_REPLICA}${b.name}`, { blockId: b.blockId });
  if (r !== replica) throw new ReplicaError('REPLICA_ALREADY_EXISTS', `r.getState() != ReplicaState.TEMPORARY, r=${describe(ctx, r)}`, { blockId: b.blockId });
  if (r.genStamp !== b.generationStamp) throw new ReplicaError('REPLICA_ALREADY_EXISTS', `temp.getGenerationStamp() != expectedGs = ${b.generationStamp}, temp=${describe(ctx, r)}`, { blockId: b.blockId });
  if (r.numBytes < visible) throw new ReplicaError('REPLICA_CORRUPT', `${r.numBytes} = numBytes < visible = ${visible}, temp=${describe(ctx, r)}`, { blockId: b.blockId });
  r.state = 'RBW';
  r.bytesAcked = r.numBytes;
  return r;
}
