/**
 * Which replicas a block recovery keeps and at what length (Hadoop 3.4.1
 * BlockRecoveryWorker.RecoveryTaskContiguous.recover and syncBlock), pure:
 *
 *   - a replica takes part only if it has the block's stamp or newer, holds bytes, and was
 *     FINALIZED, RBW or RWR before the recovery (`candidates`);
 *   - none at all: the block is deleted (commitBlockSynchronization with deleteBlock);
 *   - the best state wins: FINALIZED over RBW over RWR. With finalized replicas (which must agree
 *     on their length) the length is theirs, and the finalized replicas plus the RBW replicas of
 *     that very length take part; otherwise the shortest replica of the best state sets the length
 *     and every replica of that state takes part.
 */
import { ReplicaError } from '../storage/replica.ts';
import type { ReplicaRecoveryInfo } from '../storage/replica-recovery.ts';

/** ReplicaState values: lower is better. */
const RANK = { FINALIZED: 0, RBW: 1, RWR: 2 } as const;

export interface ReplicaAnswer<N> {
  node: N;
  info: ReplicaRecoveryInfo;
}

export type SyncPlan<N> =
  | { kind: 'delete' }
  | { kind: 'sync'; bestState: ReplicaRecoveryInfo['originalState']; newLength: number; participants: ReplicaAnswer<N>[] };

/**
 * recover()'s filter: the answers that may take part. Throws when some replica had bytes of a
 * good stamp but none was RWR or better (`blockName` for the message).
 */
export function candidates<N>(answers: readonly ReplicaAnswer<N>[], blockGenStamp: number, blockName: string): ReplicaAnswer<N>[] {
  const usable = answers.filter((a) => a.info.genStamp >= blockGenStamp && a.info.numBytes > 0);
  const kept = usable.filter((a) => a.info.originalState in RANK);
  if (usable.length > 0 && kept.length === 0) {
    throw new ReplicaError('REPLICA_RECOVERY', `Found ${usable.length} replica(s) for block ${blockName} but none is in RWR or better state.`, { candidates: usable.length });
  }
  return kept;
}

/** syncBlock's choice of state, length and participants. */
export function syncPlan<N>(syncList: readonly ReplicaAnswer<N>[]): SyncPlan<N> {
  if (syncList.length === 0) return { kind: 'delete' };
  let bestState: keyof typeof RANK = 'RWR';
  let finalizedLength = -1;
  for (const { info } of syncList) {
    const state = info.originalState as keyof typeof RANK;
    if (RANK[state] < RANK[bestState]) bestState = state;
    if (state === 'FINALIZED') {
      if (finalizedLength > 0 && finalizedLength !== info.numBytes) {
        throw new ReplicaError('REPLICA_RECOVERY', `Inconsistent size of finalized replicas. Replica blk_${info.blockId}_${info.genStamp} (numBytes=${info.numBytes}) expected size: ${finalizedLength}`, { numBytes: info.numBytes, expected: finalizedLength });
      }
      finalizedLength = info.numBytes;
    }
  }
  if (bestState === 'FINALIZED') {
    const participants = syncList.filter((a) => a.info.originalState === 'FINALIZED' || (a.info.originalState === 'RBW' && a.info.numBytes === finalizedLength));
    return { kind: 'sync', bestState, newLength: finalizedLength, participants };
  }
  const participants = syncList.filter((a) => a.info.originalState === bestState);
  const newLength = Math.min(...participants.map((a) => a.info.numBytes));
  return { kind: 'sync', bestState, newLength, participants };
}
