/**
 * A replica's side of block recovery (Hadoop 3.4.1 FsDatasetImpl.initReplicaRecovery and
 * updateReplicaUnderRecovery, the two InterDatanodeProtocol calls):
 *
 *   initReplicaRecovery(block, recoveryId)   a write in progress is stopped; the replica (of the
 *       block's stamp or newer, older than the recovery id) becomes RUR under the recovery id and
 *       its state before (FINALIZED, RBW, RWR) and length are returned; an RUR replica of an older
 *       recovery takes the new id, one of the same or a newer id refuses (RecoveryInProgress);
 *       undefined when there is no replica;
 *   updateReplicaUnderRecovery(old, recoveryId, newLength)   the RUR replica of that recovery, with
 *       the length initReplicaRecovery reported, takes the recovery id as its stamp, is cut to the
 *       agreed length (never longer) with its checksums, and is finalized.
 */
import { getLogger } from '../../../lib/log/logger.ts';
import type { FsDataset } from './fs-dataset.ts';
import { ReplicaError, type Replica, type ReplicaState } from './replica.ts';

const log = getLogger('datanode.recovery');

/** ReplicaRecoveryInfo: the replica as initReplicaRecovery found it. */
export interface ReplicaRecoveryInfo {
  blockId: number;
  /** bytes on disk */
  numBytes: number;
  genStamp: number;
  originalState: Exclude<ReplicaState, 'RUR'>;
}

/** ReplicaInfo.toString, shortened: what the messages name. */
function describe(r: Replica): string {
  return `${r.state} blk_${r.blockId}_${r.genStamp}, numBytes=${r.numBytes}${r.recovery ? `, recoveryId=${r.recovery.recoveryId}, original=${r.recovery.originalState}` : ''}`;
}

/** FsDatasetImpl.initReplicaRecovery. `block` is the block as the NameNode knows it. */
export async function initReplicaRecovery(
  dataset: FsDataset, blockPoolId: string, block: { blockId: number; generationStamp: number }, recoveryId: number, writerStopTimeoutMs: number,
): Promise<ReplicaRecoveryInfo | undefined> {
  const name = `blk_${block.blockId}_${block.generationStamp}`;
  let replica = dataset.getReplica(blockPoolId, block.blockId);
  log.info({ block: name, recoveryId, replica: replica && describe(replica) }, `initReplicaRecovery: ${name}, recoveryId=${recoveryId}, replica=${replica ? describe(replica) : 'null'}`);
  if (!replica) return undefined;
  if (replica.state === 'RBW') {
    await dataset.stopWriter(blockPoolId, block.blockId, writerStopTimeoutMs);
    replica = dataset.getReplica(blockPoolId, block.blockId);
    if (!replica) return undefined; // the write held nothing and was deleted
  }
  if (replica.genStamp < block.generationStamp) {
    throw new ReplicaError('REPLICA_RECOVERY', `replica.getGenerationStamp() < block.getGenerationStamp(), block=${name}, replica=${describe(replica)}`, { blockId: block.blockId });
  }
  if (replica.genStamp >= recoveryId) {
    throw new ReplicaError('REPLICA_RECOVERY', `THIS IS NOT SUPPOSED TO HAPPEN: replica.getGenerationStamp() >= recoveryId = ${recoveryId}, block=${name}, replica=${describe(replica)}`, { blockId: block.blockId });
  }
  let rur: Replica;
  if (replica.state === 'RUR') {
    const old = replica.recovery!.recoveryId;
    if (old >= recoveryId) {
      throw new ReplicaError('REPLICA_RECOVERY', `rur.getRecoveryID() >= recoveryId = ${recoveryId}, block=${name}, rur=${describe(replica)}`, { blockId: block.blockId, recoveryInProgress: true });
    }
    rur = { ...replica, recovery: { recoveryId, originalState: replica.recovery!.originalState } };
    log.info({ block: name }, `initReplicaRecovery: update recovery id for ${name} from ${old} to ${recoveryId}`);
  } else {
    rur = { ...replica, state: 'RUR', recovery: { recoveryId, originalState: replica.state } };
    log.info({ block: name }, `initReplicaRecovery: changing replica state for ${name} from ${replica.state} to RUR`);
  }
  dataset.replace(blockPoolId, rur);
  return { blockId: rur.blockId, numBytes: rur.numBytes, genStamp: rur.genStamp, originalState: rur.recovery!.originalState };
}

/** FsDatasetImpl.updateReplicaUnderRecovery. `old` is the replica as initReplicaRecovery reported it. */
export async function updateReplicaUnderRecovery(
  dataset: FsDataset, blockPoolId: string, old: { blockId: number; generationStamp: number; numBytes: number }, recoveryId: number, newLength: number,
): Promise<Replica> {
  const name = `${blockPoolId}:blk_${old.blockId}_${old.generationStamp}`; // ExtendedBlock.toString, as Hadoop's messages print oldBlock
  const replica = dataset.getReplica(blockPoolId, old.blockId);
  log.info({ block: name, recoveryId, newLength }, `updateReplica: ${name}, recoveryId=${recoveryId}, length=${newLength}, replica=${replica ? describe(replica) : 'null'}`);
  if (!replica) throw new ReplicaError('REPLICA_NOT_FOUND', `Replica not found for ${name}`, { blockId: old.blockId, exceptionClassName: 'org.apache.hadoop.hdfs.server.datanode.ReplicaNotFoundException' });
  if (replica.state !== 'RUR' || !replica.recovery) throw new ReplicaError('REPLICA_RECOVERY', `replica.getState() != RUR, replica=${describe(replica)}`, { blockId: old.blockId });
  if (replica.numBytes !== old.numBytes) {
    throw new ReplicaError('REPLICA_RECOVERY', `THIS IS NOT SUPPOSED TO HAPPEN: replica.getBytesOnDisk() != block.getNumBytes(), block=${name}, replica=${describe(replica)}`, { blockId: old.blockId });
  }
  if (replica.recovery.recoveryId !== recoveryId) {
    throw new ReplicaError('REPLICA_RECOVERY', `rur.getRecoveryID() != recoveryId = ${recoveryId}, rur=${describe(replica)}`, { blockId: old.blockId });
  }
  if (replica.numBytes < newLength) {
    throw new ReplicaError('REPLICA_RECOVERY', `rur.getNumBytes() < newlength = ${newLength}, rur=${describe(replica)}`, { blockId: old.blockId });
  }
  return dataset.finalizeRecovered(blockPoolId, replica, recoveryId, newLength);
}
