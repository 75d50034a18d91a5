/**
 * Re-replication and excess-replica removal (the parts of Hadoop 3.4.1's BlockManager that keep
 * every complete block at its file's replication, for replicated blocks on one rack):
 *
 *  - counting (countNodes / checkReplicaOnStorage): a replica is CORRUPT when the corrupt
 *    replicas map names its node (corrupt-replicas-map.ts), else LIVE on a node in service, else
 *    DECOMMISSIONING / DECOMMISSIONED by the node's admin state, or EXCESS once chosen for
 *    deletion; replicas of dead nodes are gone from the block already (removeBlocksAssociatedTo);
 *  - the queue (updateNeededReconstructions): a complete block whose live plus pending replicas
 *    are below the expected number waits in LowRedundancyBlocks at its priority; it is checked
 *    when a replica is added or removed, when setReplication changes the factor, when a block
 *    completes, and for the blocks of a decommissioning node (DatanodeAdminDefaultMonitor);
 *  - the RedundancyMonitor's work (computeDatanodeWork -> computeReconstructionWorkForBlocks):
 *    up to dfs.namenode.replication.work.multiplier.per.iteration x live nodes blocks per run; per
 *    block a source (chooseSourceDatanodes: a live or decommissioning replica whose node has fewer
 *    than dfs.namenode.replication.max-streams transfers queued, the hard limit for the highest
 *    priority and decommissioning nodes; a decommissioned one only when nothing else is left),
 *    targets from the placement policy excluding every node holding the block or already a
 *    pending target, then the task on the source's queue (DatanodeDescriptor.addBlockToBeReplicated,
 *    sent as BlockCommand DNA_TRANSFER with its heartbeats) and the block in
 *    PendingReconstructionBlocks until the targets report it RECEIVED or the request times out;
 *  - extra redundancy (processExtraRedundancyBlock -> chooseExcessRedundancies): when a block has
 *    more live replicas than expected, replicas on nodes in service are chosen for deletion as
 *    BlockPlacementPolicyDefault.chooseReplicaToDelete does (the node whose heartbeat is older than
 *    dfs.namenode.tolerate.heartbeat.multiplier heartbeats, else the one with the least free space)
 *    and sent as INVALIDATE. Replicas on decommissioning or decommissioned nodes are never chosen:
 *    they are not live, and Hadoop leaves them to the node's operator.
 */
import { randomInt } from 'node:crypto';
import { getLogger } from '../../../lib/log/logger.ts';
import { blockString, type BlockInfo } from '../namespace/inode.ts';
import { effectiveStoragePolicyId } from '../namespace/storage-policy-id.ts';
import { policyById } from '../storage-policies.ts';
import type { Location } from './block-manager.ts';
import { chooseReplicationTargets } from './block-placement.ts';
import { CorruptReplicasMap } from './corrupt-replicas-map.ts';
import type { DatanodeDescriptor } from './datanode-descriptor.ts';
import { LowRedundancyBlocks, QUEUE_HIGHEST_PRIORITY } from './low-redundancy-blocks.ts';
import { PendingReconstructionBlocks } from './pending-reconstruction-blocks.ts';

/** The redundancy keys (defaults as Hadoop 3.4.1's hdfs-default.xml). */
export interface RedundancySettings {
  /** dfs.namenode.replication.work.multiplier.per.iteration (2) */
  workMultiplier: number;
  /** dfs.namenode.replication.max-streams (2) */
  maxReplicationStreams: number;
  /** dfs.namenode.replication.max-streams-hard-limit (4) */
  replicationStreamsHardLimit: number;
  /** dfs.namenode.reconstruction.pending.timeout-sec, in ms (300 s) */
  pendingTimeoutMs: number;
  /** dfs.heartbeat.interval x dfs.namenode.tolerate.heartbeat.multiplier, in ms (3 s x 4) */
  tolerateHeartbeatMs: number;
}

export const DEFAULT_REDUNDANCY_SETTINGS: RedundancySettings = {
  workMultiplier: 2, maxReplicationStreams: 2, replicationStreamsHardLimit: 4, pendingTimeoutMs: 300_000, tolerateHeartbeatMs: 12_000,
};

/** NumberReplicas for a replicated block. */
export interface NumberReplicas {
  live: number;
  decommissioning: number;
  decommissioned: number;
  excess: number;
  /** replicas in the corrupt replicas map (NumberReplicas.corruptReplicas) */
  corrupt: number;
}

/** One replica of a block with its node and state (checkReplicaOnStorage). */
interface StoredReplica {
  node: DatanodeDescriptor;
  storageUuid: string;
  state: 'LIVE' | 'DECOMMISSIONING' | 'DECOMMISSIONED' | 'EXCESS' | 'CORRUPT';
}

/** A block-to-targets task on a source DataNode's queue (DatanodeDescriptor.BlockTargetPair). */
export interface BlockTargetPair {
  block: BlockInfo;
  targets: Location[];
}

const log = getLogger('namenode.redundancy');

export class BlockReconstruction {
  readonly settings: RedundancySettings;
  /** neededReconstruction */
  readonly needed = new LowRedundancyBlocks();
  /** pendingReconstruction */
  readonly pending: PendingReconstructionBlocks;
  /** excessRedundancyMap: per block, the DataNodes whose replica was chosen for deletion */
  readonly #excess = new Map<BlockInfo, Set<string>>();
  /** postponedMisreplicatedBlocks: over-replicated blocks with a replica on a storage whose contents are stale */
  readonly #postponed = new Set<BlockInfo>();
  readonly #node: (uuid: string) => DatanodeDescriptor | undefined;
  readonly #now: () => number;
  /** BlockManager.corruptReplicas (shared with the block manager) */
  readonly corrupt: CorruptReplicasMap;

  /**
   * `node`: the DataNode of a uuid; `now`: the NameNode's clock (ms), which heartbeat times use
   * too; `corrupt`: the block manager's corrupt replicas map.
   */
  constructor(settings: RedundancySettings, node: (uuid: string) => DatanodeDescriptor | undefined, now: () => number, corrupt = new CorruptReplicasMap()) {
    this.settings = settings;
    this.corrupt = corrupt;
    this.pending = new PendingReconstructionBlocks(settings.pendingTimeoutMs);
    this.#node = node;
    this.#now = now;
  }

  /** BlockManager.getExpectedRedundancyNum: the file's replication (0 for a block no file owns). */
  expected(block: BlockInfo): number {
    return block.file?.replication ?? 0;
  }

  #replicas(block: BlockInfo): StoredReplica[] {
    const out: StoredReplica[] = [];
    const excess = this.#excess.get(block);
    for (const [storageUuid, r] of block.replicas) {
      const node = this.#node(r.datanodeUuid);
      if (!node?.alive) continue;
      const state = this.corrupt.isReplicaCorrupt(block, node.uuid) ? 'CORRUPT'
        : node.adminState === 'DECOMMISSION_INPROGRESS' ? 'DECOMMISSIONING'
        : node.adminState === 'DECOMMISSIONED' ? 'DECOMMISSIONED'
          : excess?.has(node.uuid) ? 'EXCESS' : 'LIVE';
      out.push({ node, storageUuid, state });
    }
    return out;
  }

  /** BlockManager.countNodes. */
  countNodes(block: BlockInfo): NumberReplicas {
    const n: NumberReplicas = { live: 0, decommissioning: 0, decommissioned: 0, excess: 0, corrupt: 0 };
    for (const r of this.#replicas(block)) {
      if (r.state === 'LIVE') n.live++;
      else if (r.state === 'CORRUPT') n.corrupt++;
      else if (r.state === 'DECOMMISSIONING') n.decommissioning++;
      else if (r.state === 'DECOMMISSIONED') n.decommissioned++;
      else n.excess++;
    }
    return n;
  }

  /** hasEnoughEffectiveReplicas (the placement policy is always satisfied on one rack). */
  #hasEnough(block: BlockInfo, num: NumberReplicas, pending: number): boolean {
    return num.live + pending >= this.expected(block);
  }

  /** BlockManager.isNeededReconstruction. */
  isNeededReconstruction(block: BlockInfo, num: NumberReplicas, pending = 0): boolean {
    return block.complete && block.file !== null && !this.#hasEnough(block, num, pending);
  }

  /** updateNeededReconstructions: queue, move or drop the block after a change. */
  updateNeeded(block: BlockInfo): void {
    if (!block.complete || !block.file) return;
    const num = this.countNodes(block);
    const pending = this.pending.numReplicas(block);
    if (!this.#hasEnough(block, num, pending)) this.needed.update(block, num.live + pending, num.decommissioning + num.decommissioned, this.expected(block));
    else this.needed.remove(block);
  }

  /**
   * addStoredBlock's redundancy part: a finalized replica on `node` (`received`: an incremental
   * RECEIVED, which ends that node's pending replication first, as BlockManager.addBlock does).
   */
  replicaAdded(block: BlockInfo, node: DatanodeDescriptor, received: boolean): void {
    if (received) this.pending.decrement(block, node.uuid);
    if (!block.complete || !block.file) return;
    this.updateNeeded(block);
    const expected = this.expected(block);
    if (this.countNodes(block).live > expected) this.processExtraRedundancy(block, expected);
  }

  /** removeStoredBlock's redundancy part: the replica on `datanodeUuid` is gone. */
  replicaRemoved(block: BlockInfo, datanodeUuid: string): void {
    const excess = this.#excess.get(block);
    if (excess?.delete(datanodeUuid) && excess.size === 0) this.#excess.delete(block);
    this.updateNeeded(block);
  }

  /** BlockManager.removeBlock: the block is deleted; nothing more is done for it. */
  blockRemoved(block: BlockInfo): void {
    this.#postponed.delete(block);
    this.corrupt.removeBlock(block);
    this.needed.remove(block);
    this.pending.remove(block);
    this.#excess.delete(block);
  }

  /** BlockManager.setReplication for each block of a file whose factor changed. */
  setReplication(oldRepl: number, newRepl: number, blocks: readonly BlockInfo[]): void {
    if (oldRepl === newRepl) return;
    for (const b of blocks) {
      this.updateNeeded(b);
      if (b.complete && this.countNodes(b).live > newRepl) this.processExtraRedundancy(b, newRepl);
    }
  }

  /**
   * BlockManager.addExpectedReplicasToPending: when the last block is committed, the pipeline
   * nodes that have not reported it yet count as pending, so the redundancy monitor does not copy
   * a replica that is still arriving.
   */
  addExpectedReplicasToPending(block: BlockInfo): void {
    const reported = new Set([...block.replicas.values()].map((r) => r.datanodeUuid));
    const pendingNodes = block.expected.map((e) => e.datanodeUuid).filter((u) => !reported.has(u));
    if (pendingNodes.length > 0) this.pending.increment(block, pendingNodes, this.#now());
  }

  /** BlockManager.checkRedundancy: a closed file's blocks are queued when short of replicas, trimmed when over. */
  checkRedundancy(blocks: readonly BlockInfo[]): void {
    for (const b of blocks) {
      if (!b.complete || !b.file) continue;
      const expected = this.expected(b);
      const num = this.countNodes(b);
      const pending = this.pending.numReplicas(b);
      if (!this.#hasEnough(b, num, pending)) this.needed.add(b, num.live + pending, num.decommissioning + num.decommissioned, expected);
      else if (num.live > expected) this.processExtraRedundancy(b, expected);
    }
  }

  /** DatanodeAdminDefaultMonitor.processBlocksInternal: a decommissioning node's block that needs replicas is queued. */
  checkDecommissioningBlock(block: BlockInfo): void {
    const num = this.countNodes(block);
    if (!this.isNeededReconstruction(block, num)) return;
    if (this.needed.contains(block) || this.pending.numReplicas(block) > 0) return;
    this.needed.add(block, num.live, num.decommissioning + num.decommissioned, this.expected(block));
  }

  // ---- the RedundancyMonitor --------------------------------------------------------------------

  /**
   * BlockManager.computeDatanodeWork's reconstruction half (deletions go with every heartbeat in
   * hsec): nothing in safe mode; else up to multiplier x live nodes blocks are scheduled.
   * Returns how many were.
   */
  computeDatanodeWork(live: readonly DatanodeDescriptor[], now: number, inSafeMode: boolean): number {
    if (inSafeMode) return 0;
    // Hadoop populates the replication queues once the start-up safe mode ends; hsec also waits
    // while a live DataNode has not sent its first full block report (its replicas are not known
    // yet), so a node that reports after the safe mode's extension causes no needless copies
    const unreported = live.filter((d) => d.alive && d.blockContentsStale);
    if (unreported.length > 0) {
      log.debug({ datanodes: unreported.map((d) => d.xferAddr) }, 'redundancy work waits for the first block reports of these DataNodes');
      return 0;
    }
    const blocksToProcess = live.filter((d) => d.alive).length * this.settings.workMultiplier;
    return this.computeReconstructionWorkForBlocks(this.needed.chooseLowRedundancyBlocks(blocksToProcess), live, now);
  }

  /** computeReconstructionWorkForBlocks: schedule, choose targets, validate, per block in priority order. */
  computeReconstructionWorkForBlocks(blocksToReconstruct: readonly (readonly BlockInfo[])[], live: readonly DatanodeDescriptor[], now: number): number {
    let scheduled = 0;
    blocksToReconstruct.forEach((blocks, priority) => {
      for (const block of blocks) {
        const work = this.#scheduleReconstruction(block, priority);
        if (!work) continue;
        const excluded = new Set<string>(work.containing.map((d) => d.uuid));
        for (const t of this.pending.targets(block)) excluded.add(t);
        // the file's storage policy, next to the storage types of the live replicas (ReplicationWork.chooseTargets)
        const policy = policyById(effectiveStoragePolicyId(block.file!))!;
        const liveTypes = this.#replicas(block).filter((r) => r.state === 'LIVE').map((r) => r.node.storages.get(r.storageUuid)?.storageType ?? 'DISK');
        const targets = chooseReplicationTargets(live, work.additional, block.numBytes, excluded, policy, liveTypes);
        if (targets.length === 0) continue;
        if (this.#validate(work, targets, now)) scheduled++;
      }
    });
    return scheduled;
  }

  /** scheduleReconstruction: the sources and how many more replicas, or nothing to do. */
  #scheduleReconstruction(block: BlockInfo, priority: number): { block: BlockInfo; source: DatanodeDescriptor; containing: DatanodeDescriptor[]; additional: number; priority: number } | undefined {
    if (!block.file || !(block.complete || block.state === 'COMMITTED')) {
      this.needed.remove(block);
      return undefined;
    }
    const { sources, containing, num } = this.chooseSourceDatanodes(block, priority);
    if (sources.length === 0) {
      log.debug({ block: block.blockId }, `Block ${blockString(block)} cannot be reconstructed from any node`);
      return undefined;
    }
    const pending = this.pending.numReplicas(block);
    if (this.#hasEnough(block, num, pending)) {
      this.needed.remove(block);
      log.debug({ block: block.blockId }, `BLOCK* Removing ${blockString(block)} from neededReconstruction as it has enough replicas`);
      return undefined;
    }
    const additional = this.expected(block) - num.live - pending;
    return { block, source: sources[0]!, containing, additional, priority };
  }

  /**
   * chooseSourceDatanodes for a replicated block: every node holding it is `containing`; corrupt
   * and excess replicas are no source; a decommissioned one only when no live replica and no
   * other source exist; a node at dfs.namenode.replication.max-streams queued transfers is skipped
   * unless the block is of the highest priority or the node is decommissioning, and one at the hard
   * limit always. Among the eligible, one is picked at random (a fair coin per further candidate).
   */
  chooseSourceDatanodes(block: BlockInfo, priority: number): { sources: DatanodeDescriptor[]; containing: DatanodeDescriptor[]; num: NumberReplicas } {
    const num = this.countNodes(block);
    const containing: DatanodeDescriptor[] = [];
    const sources: DatanodeDescriptor[] = [];
    let liveReplicaNodes = 0;
    let decommissionedSrc: DatanodeDescriptor | undefined;
    const { maxReplicationStreams, replicationStreamsHardLimit } = this.settings;
    for (const r of this.#replicas(block)) {
      const node = r.node;
      if (r.state === 'LIVE') liveReplicaNodes++;
      containing.push(node);
      if (r.state === 'EXCESS' || r.state === 'CORRUPT') continue;
      if (r.state === 'DECOMMISSIONED') {
        if (!decommissionedSrc || randomInt(2) === 1) decommissionedSrc = node;
        continue;
      }
      const queued = node.replicate.length;
      if (priority !== QUEUE_HIGHEST_PRIORITY && node.adminState !== 'DECOMMISSION_INPROGRESS' && queued >= maxReplicationStreams) continue;
      if (queued >= replicationStreamsHardLimit) continue;
      if (sources.length === 0) sources.push(node);
      else if (randomInt(2) === 1) sources[0] = node;
    }
    if (liveReplicaNodes === 0 && sources.length === 0 && decommissionedSrc) sources.push(decommissionedSrc);
    return { sources, containing, num };
  }

  /** validateReconstructionWork: the task goes to the source's queue and the block to pending. */
  #validate(work: { block: BlockInfo; source: DatanodeDescriptor }, targets: Location[], now: number): boolean {
    const { block } = work;
    const num = this.countNodes(block);
    const pending = this.pending.numReplicas(block);
    if (this.#hasEnough(block, num, pending)) {
      this.needed.remove(block);
      return false;
    }
    work.source.replicate.push({ block, targets });
    this.pending.increment(block, targets.map((t) => t.datanode.uuid), now);
    log.debug({ block: block.blockId, source: work.source.xferAddr, targets: targets.map((t) => t.datanode.xferAddr) },
      `BLOCK* ask ${work.source.xferAddr} to replicate ${blockString(block)} to datanode(s) ${targets.map((t) => t.datanode.xferAddr).join(' ')}`);
    if (num.live + pending + targets.length >= this.expected(block)) this.needed.remove(block);
    return true;
  }

  /** rescanPostponedMisreplicatedBlocks: postponed over-replicated blocks whose storages have all reported are trimmed now. */
  rescanPostponedMisreplicatedBlocks(): void {
    for (const block of [...this.#postponed]) {
      this.#postponed.delete(block);
      if (!block.complete || !block.file) continue;
      const expected = this.expected(block);
      if (this.countNodes(block).live > expected) this.processExtraRedundancy(block, expected);
    }
  }

  /** How many over-replicated blocks wait for block reports (getPostponedMisreplicatedBlocksCount). */
  get postponedCount(): number {
    return this.#postponed.size;
  }

  /** processPendingReconstructions: timed-out requests go back to the queue when still needed. */
  processPendingReconstructions(now: number): void {
    for (const block of this.pending.timedOut(now)) {
      if (!block.file) continue;
      log.warn({ block: block.blockId }, `PendingReconstructionMonitor timed out ${blockString(block)}`);
      const num = this.countNodes(block);
      if (this.isNeededReconstruction(block, num)) this.needed.add(block, num.live, num.decommissioning + num.decommissioned, this.expected(block));
    }
  }

  // ---- extra redundancy -------------------------------------------------------------------------

  /**
   * processExtraRedundancyBlock -> chooseExcessRedundancies: replicas on nodes in service beyond
   * `replication` are chosen for deletion (INVALIDATE with the node's next heartbeat) and count as
   * excess until the node reports them deleted. Hadoop's delete hint (a balancer move's source,
   * with the node that just reported the block) never applies: hsec has no balancer moves.
   */
  processExtraRedundancy(block: BlockInfo, replication: number): void {
    const replicas = this.#replicas(block);
    // processExtraRedundancyBlockWithoutPostpone: a replica on a storage not yet reported in full postpones the choice
    if (replicas.some((r) => r.node.storages.get(r.storageUuid)?.blockContentsStale)) {
      this.#postponed.add(block);
      log.debug({ block: block.blockId }, `BLOCK* processExtraRedundancyBlockWithoutPostpone: Postponing ${blockString(block)} since storage has stale block contents`);
      return;
    }
    const candidates = replicas.filter((r) => r.state === 'LIVE');
    const chosen: StoredReplica[] = [];
    while (candidates.length - replication > chosen.length) {
      const cur = this.#chooseReplicaToDelete(candidates.filter((c) => !chosen.includes(c)));
      if (!cur) break;
      chosen.push(cur);
    }
    for (const c of chosen) {
      let excess = this.#excess.get(block);
      if (!excess) this.#excess.set(block, (excess = new Set()));
      excess.add(c.node.uuid);
      c.node.invalidate.push({ blockId: block.blockId, generationStamp: block.generationStamp, numBytes: block.numBytes });
      log.debug({ block: block.blockId, datanode: c.node.xferAddr }, `BLOCK* chooseExcessRedundancies: (${c.node.xferAddr}, ${blockString(block)}) is added to invalidated blocks set`);
    }
  }

  /** BlockPlacementPolicyDefault.chooseReplicaToDelete on one rack: the oldest heartbeat past the tolerance, else the least free space. */
  #chooseReplicaToDelete(candidates: readonly StoredReplica[]): StoredReplica | undefined {
    let oldestHeartbeat = this.#now() - this.settings.tolerateHeartbeatMs;
    let oldest: StoredReplica | undefined;
    let minSpace = Number.MAX_SAFE_INTEGER;
    let minSpaceReplica: StoredReplica | undefined;
    for (const c of candidates) {
      const free = c.node.storages.get(c.storageUuid)?.remaining ?? 0;
      if (c.node.lastHeartbeat < oldestHeartbeat) {
        oldestHeartbeat = c.node.lastHeartbeat;
        oldest = c;
      }
      if (minSpace > free) {
        minSpace = free;
        minSpaceReplica = c;
      }
    }
    return oldest ?? minSpaceReplica;
  }
}
