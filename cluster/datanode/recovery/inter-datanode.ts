/**
 * InterDatanodeProtocol on both ends (Hadoop's DataNode.initReplicaRecovery /
 * updateReplicaUnderRecovery behind InterDatanodeProtocolServerSideTranslatorPB, and
 * InterDatanodeProtocolTranslatorPB for the primary): `interDatanodeHandlers` serves this
 * DataNode's replicas to a recovery's primary (the worker's local peer), `remotePeer` is the
 * primary's view of another DataNode. A missing replica is `replicaFound = false`; a refusal
 * travels as Hadoop's exception (RecoveryInProgressException for a newer recovery in progress).
 */
import type { MethodHandler, ProtocolHandlers } from '../../../lib/rpc/call-context.ts';
import type { InterDatanodeProtocolClient } from '../../protocol/inter-datanode-protocol-client.ts';
import { INTER_DATANODE_PROTOCOL_CODEC } from '../../protocol/inter-datanode-protocol.ts';
import type { ReplicaRecoveryInfo } from '../storage/replica-recovery.ts';
import type { ReplicaRecoveryPeer } from './block-recovery-worker.ts';

/** The Java class of a refusal because a newer recovery holds the replica. */
const RECOVERY_IN_PROGRESS = 'org.apache.hadoop.hdfs.protocol.RecoveryInProgressException';

/** The handlers to register under INTER_DATANODE_PROTOCOL. */
export function interDatanodeHandlers(local: ReplicaRecoveryPeer): ProtocolHandlers {
  const init: MethodHandler = async (bytes) => {
    const req = INTER_DATANODE_PROTOCOL_CODEC.decodeRequest('initReplicaRecovery', bytes);
    const info = await asRemote(local.initReplicaRecovery({ newGenStamp: req.block.newGenStamp, block: req.block.block }));
    return INTER_DATANODE_PROTOCOL_CODEC.encodeResponse('initReplicaRecovery', info
      ? { replicaFound: true, state: info.originalState, block: { blockId: info.blockId, genStamp: info.genStamp, numBytes: info.numBytes } }
      : { replicaFound: false });
  };
  const update: MethodHandler = async (bytes) => {
    const req = INTER_DATANODE_PROTOCOL_CODEC.decodeRequest('updateReplicaUnderRecovery', bytes);
    const storageUuid = await local.updateReplicaUnderRecovery(req.block, req.recoveryId, req.newBlockId ?? 0, req.newLength);
    return INTER_DATANODE_PROTOCOL_CODEC.encodeResponse('updateReplicaUnderRecovery', { storageUuid });
  };
  return { initReplicaRecovery: init, updateReplicaUnderRecovery: update };
}

/** A newer recovery in progress goes back as RecoveryInProgressException, as FsDatasetImpl throws it. */
async function asRemote<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    const details = (e as { details?: Record<string, unknown> }).details;
    if (details?.['recoveryInProgress'] === true) details['exceptionClassName'] = RECOVERY_IN_PROGRESS;
    throw e;
  }
}

/** The primary's view of another DataNode's replica, over InterDatanodeProtocol. */
export function remotePeer(client: InterDatanodeProtocolClient): ReplicaRecoveryPeer {
  return {
    initReplicaRecovery: async (rb) => {
      let r;
      try {
        r = await client.call('initReplicaRecovery', { block: { newGenStamp: rb.newGenStamp, block: rb.block } });
      } catch (e) {
        const details = (e as { details?: Record<string, unknown> }).details;
        if (details?.['exceptionClassName'] === RECOVERY_IN_PROGRESS) details['recoveryInProgress'] = true;
        throw e;
      }
      if (!r.replicaFound || !r.block || !r.state) return undefined;
      // a state no recovery keeps (RUR, TEMPORARY) is passed on: sync-plan.ts's candidates leave it out
      return { blockId: r.block.blockId, numBytes: r.block.numBytes ?? 0, genStamp: r.block.genStamp, originalState: r.state as ReplicaRecoveryInfo['originalState'] };
    },
    updateReplicaUnderRecovery: async (oldBlock, recoveryId, newBlockId, newLength) =>
      (await client.call('updateReplicaUnderRecovery', { block: oldBlock, recoveryId, newLength, newBlockId })).storageUuid ?? '',
  };
}
