/**
 * The primary DataNode's part of block recovery (Hadoop 3.4.1 BlockRecoveryWorker with
 * RecoveryTaskContiguous), for each block of a BlockRecoveryCommand (DNA_RECOVERBLOCK):
 *
 *   1. initReplicaRecovery on every DataNode the command names: this one directly, the others
 *      through InterDatanodeProtocol (`peer`); a DataNode that fails is skipped, all failing ends
 *      the recovery ("All datanodes failed"), a newer recovery in progress ends it quietly;
 *   2. sync-plan.ts picks the length and the replicas that keep it (none: the block is deleted); a
 *      truncate's recovery (RecoveringBlockProto.truncateBlock of the same block id) takes the
 *      truncate block's length; copy-on-truncate (another block id) is refused before step 1;
 *   3. updateReplicaUnderRecovery on each of them (the ones that fail are left out; all failing
 *      ends the recovery);
 *   4. DatanodeProtocol.commitBlockSynchronization(block, recovery id, length, closeFile = true,
 *      deleteBlock, the DataNodes and storages that succeeded).
 *
 * A failed recovery is logged ("recover Block: ... FAILED"); the NameNode starts another once the
 * attempt times out. Blocks of one command are recovered one after the other, away from the
 * heartbeat loop.
 */
import { HsecError } from '../../../lib/errors/index.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import type { Block, DatanodeId, DatanodeInfo, ExtendedBlock, LocatedBlock } from '../../protocol/hdfs-types.ts';
import type { FsDataset } from '../storage/fs-dataset.ts';
import type { Replica } from '../storage/replica.ts';
import { initReplicaRecovery, updateReplicaUnderRecovery, type ReplicaRecoveryInfo } from '../storage/replica-recovery.ts';
import { candidates, syncPlan, type ReplicaAnswer } from './sync-plan.ts';

const log = getLogger('datanode.recovery');

/** RecoveringBlockProto as the command carries it. */
export interface RecoveringBlock {
  newGenStamp: number;
  block: LocatedBlock;
  /** a truncate's recovery (a stock NameNode's; hsec's has no truncate): the block as it is to become */
  truncateBlock?: Block;
}

/** InterDatanodeProtocol: what the primary asks of each replica's DataNode. */
export interface ReplicaRecoveryPeer {
  /** undefined when the DataNode has no replica */
  initReplicaRecovery(rb: RecoveringBlock): Promise<ReplicaRecoveryInfo | undefined>;
  /** returns the storage id of the recovered replica */
  updateReplicaUnderRecovery(oldBlock: ExtendedBlock, recoveryId: number, newBlockId: number, newLength: number): Promise<string>;
}

/** commitBlockSynchronization's request. */
export interface BlockSynchronizationRequest {
  block: ExtendedBlock;
  newGenStamp: number;
  newLength: number;
  closeFile: boolean;
  deleteBlock: boolean;
  newTaragets?: DatanodeId[];
  newTargetStorages?: string[];
}

export interface BlockRecoveryWorkerOptions {
  readonly dataset: FsDataset;
  /** dfs.datanode.xceiver.stop.timeout.millis */
  readonly writerStopTimeoutMs: number;
  /** InterDatanodeProtocol to another DataNode (block-recovery over IPC); this DataNode is served locally */
  readonly peer: (node: DatanodeInfo) => ReplicaRecoveryPeer;
  /** DatanodeProtocol.commitBlockSynchronization to the NameNode */
  readonly commit: (request: BlockSynchronizationRequest) => Promise<void>;
  /** notifyNamenodeReceivedBlock for a replica this DataNode recovered */
  readonly notifyReceived: (replica: Replica) => void;
}

/** The peer for another DataNode while no InterDatanodeProtocol client is configured: every call fails (that DataNode is skipped). */
export function unavailablePeer(node: DatanodeInfo): ReplicaRecoveryPeer {
  const refuse = (): Promise<never> => Promise.reject(new HsecError('REPLICA_RECOVERY', `Cannot reach DataNode ${nodeName(node)} for block recovery: this DataNode has no InterDatanodeProtocol client; only its own replica takes part`, {
    datanode: nodeName(node),
  }));
  return { initReplicaRecovery: refuse, updateReplicaUnderRecovery: refuse };
}

function blockName(b: ExtendedBlock): string {
  return `${b.poolId}:blk_${b.blockId}_${b.generationStamp}`;
}

function nodeName(n: DatanodeInfo): string {
  return `${n.id.ipAddr}:${n.id.xferPort}`;
}

export class BlockRecoveryWorker {
  readonly #o: BlockRecoveryWorkerOptions;

  constructor(options: BlockRecoveryWorkerOptions) {
    this.#o = options;
  }

  /** The InterDatanodeProtocol calls served by this DataNode for its own replicas. */
  readonly local: ReplicaRecoveryPeer = {
    initReplicaRecovery: (rb) => initReplicaRecovery(this.#o.dataset, rb.block.b.poolId, rb.block.b, rb.newGenStamp, this.#o.writerStopTimeoutMs),
    updateReplicaUnderRecovery: async (oldBlock, recoveryId, newBlockId, newLength) => {
      // FsDatasetImpl.updateReplicaUnderRecovery: another newBlockId is a copy-on-truncate (a stock primary's truncate recovery)
      if (newBlockId > 0 && newBlockId !== oldBlock.blockId) {
        throw new HsecError('REPLICA_RECOVERY', `Cannot update ${blockName(oldBlock)} to blk_${newBlockId}: copy-on-truncate is not supported by the hsec DataNode`, { blockId: oldBlock.blockId, newBlockId });
      }
      const r = await updateReplicaUnderRecovery(this.#o.dataset, oldBlock.poolId, { ...oldBlock, numBytes: oldBlock.numBytes ?? 0 }, recoveryId, newLength);
      this.#o.notifyReceived(r);
      return this.#o.dataset.storageId;
    },
  };

  /** BlockRecoveryWorker.recoverBlocks: each block in turn; resolves when all are done or failed (never rejects). */
  async recoverBlocks(who: string, blocks: readonly RecoveringBlock[]): Promise<void> {
    for (const rb of blocks) {
      const b = rb.block.b;
      const targets = (rb.block.locs ?? []).map(nodeName).join(', ');
      log.info({ block: blockName(b), recoveryId: rb.newGenStamp }, `BlockRecoveryWorker: ${who} calls recoverBlock(${blockName(b)}, targets=[${targets}], newGenerationStamp=${rb.newGenStamp}, newBlock=${rb.truncateBlock ? `blk_${rb.truncateBlock.blockId}_${rb.truncateBlock.genStamp}` : 'null'}, isStriped=false)`);
      try {
        await this.recover(rb);
      } catch (e) {
        log.warn({ block: blockName(b), err: e }, `recover Block: ${blockName(b)} FAILED: ${(e as Error).message}`);
      }
    }
  }

  /** RecoveryTaskContiguous.recover + syncBlock for one block. */
  async recover(rb: RecoveringBlock): Promise<void> {
    const block = rb.block.b;
    const recoveryId = rb.newGenStamp;
    const locs = rb.block.locs ?? [];
    const truncate = rb.truncateBlock;
    if (truncate && truncate.blockId !== block.blockId) {
      // copy-on-truncate (the old block kept for a snapshot): updateReplicaUnderRecovery would copy the replica to a new block id
      throw new HsecError('REPLICA_RECOVERY', `Cannot recover ${blockName(block)}: copy-on-truncate to blk_${truncate.blockId}_${truncate.genStamp} is not supported by the hsec DataNode`, { blockId: block.blockId });
    }
    const answers: ReplicaAnswer<{ node: DatanodeInfo; peer: ReplicaRecoveryPeer }>[] = [];
    let errors = 0;
    for (const node of locs) {
      const peer = node.id.datanodeUuid === this.#o.dataset.datanodeUuid ? this.local : this.#o.peer(node);
      try {
        const info = await peer.initReplicaRecovery(rb);
        if (info) answers.push({ node: { node, peer }, info });
        else log.debug({ block: blockName(block), datanode: nodeName(node) }, `Block recovery: DataNode: ${nodeName(node)} does not have replica for block: ${blockName(block)}`);
      } catch (e) {
        if (e instanceof HsecError && e.details['recoveryInProgress'] === true) {
          log.warn({ block: blockName(block), datanode: nodeName(node), err: e }, `Recovery for replica ${blockName(block)} on data-node ${nodeName(node)} is already in progress. Recovery id = ${recoveryId} is aborted.`);
          return;
        }
        errors++;
        log.warn({ block: blockName(block), datanode: nodeName(node), err: e }, `Failed to recover block (block=${blockName(block)}, datanode=${nodeName(node)})`);
      }
    }
    if (errors === locs.length) {
      throw new HsecError('REPLICA_RECOVERY', `All datanodes failed: block=${blockName(block)}, datanodeids=[${locs.map(nodeName).join(', ')}]`, { blockId: block.blockId });
    }
    const synced = syncPlan(candidates(answers, block.generationStamp, blockName(block)));
    // syncBlock: a truncate recovery keeps the truncate block's length (isTruncateRecovery)
    const plan = truncate && synced.kind === 'sync' ? { ...synced, newLength: truncate.numBytes ?? 0 } : synced;
    log.info({ block: blockName(block), plan: plan.kind }, `BlockRecoveryWorker: block=${blockName(block)} (length=${block.numBytes ?? 0}), syncList=[${answers.map((a) => `${nodeName(a.node.node)} ${a.info.originalState} ${a.info.numBytes}`).join(', ')}]`);
    if (plan.kind === 'delete') {
      log.debug({ block: blockName(block) }, `Block recovery: DataNodes do not have the replica for block: ${blockName(block)}`);
      await this.#o.commit({ block, newGenStamp: recoveryId, newLength: 0, closeFile: true, deleteBlock: true, newTaragets: [], newTargetStorages: [] });
      return;
    }
    log.info({ block: blockName(block), newLength: plan.newLength }, `BlockRecoveryWorker: block=${blockName(block)} (length=${block.numBytes ?? 0}), bestState=${plan.bestState}, newBlock=${block.poolId}:blk_${block.blockId}_${recoveryId} (length=${plan.newLength}), participatingList=[${plan.participants.map((p) => nodeName(p.node.node)).join(', ')}]`);
    const succeeded: { id: DatanodeId; storage: string }[] = [];
    const failed: string[] = [];
    for (const p of plan.participants) {
      const old: ExtendedBlock = { poolId: block.poolId, blockId: p.info.blockId, generationStamp: p.info.genStamp, numBytes: p.info.numBytes };
      try {
        const storage = await p.node.peer.updateReplicaUnderRecovery(old, recoveryId, block.blockId, plan.newLength);
        succeeded.push({ id: p.node.node.id, storage });
      } catch (e) {
        failed.push(nodeName(p.node.node));
        log.warn({ block: blockName(block), datanode: nodeName(p.node.node), err: e }, `Failed to updateBlock (newblock=${block.poolId}:blk_${block.blockId}_${recoveryId}, datanode=${nodeName(p.node.node)})`);
      }
    }
    if (succeeded.length === 0) {
      throw new HsecError('REPLICA_RECOVERY', `Cannot recover ${blockName(block)}, the following datanodes failed: [${failed.join(', ')}]`, { blockId: block.blockId });
    }
    await this.#o.commit({
      block, newGenStamp: recoveryId, newLength: plan.newLength, closeFile: true, deleteBlock: false,
      newTaragets: succeeded.map((s) => s.id), newTargetStorages: succeeded.map((s) => s.storage),
    });
    log.info({ block: blockName(block), newLength: plan.newLength }, `BlockRecoveryWorker: ${blockName(block)} recovered at length ${plan.newLength} with stamp ${recoveryId}`);
  }
}
