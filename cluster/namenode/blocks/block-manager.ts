/**
 * Where blocks live (Hadoop's BlockManager, for a single NameNode on one rack): replica locations
 * from full and incremental block reports, completing a committed block once a DataNode reported a
 * finalized replica of its length and generation stamp (dfs.namenode.replication.min = 1),
 * deleting replicas of removed blocks or of blocks no file owns (BlockCommand INVALIDATE through
 * the DataNode's heartbeats), keeping complete blocks at their file's replication
 * (block-reconstruction.ts: the low-redundancy queues, the redundancy monitor's DNA_TRANSFER work,
 * pending replications, excess replicas chosen for deletion), choosing write pipelines
 * (block-placement.ts), corrupt replicas reported by clients and DataNodes or found by block
 * reports of complete blocks (corrupt-replicas-map.ts:
 * findAndMarkBlockAsCorrupt, markBlockAsCorrupt, invalidateCorruptReplicas), and the LocatedBlocks
 * clients read and write with, each carrying a block
 * token for its mode (READ for getBlockLocations, WRITE for addBlock) naming the caller, the block
 * and the storages of its locations.
 *
 * Locations are runtime state: after a restart they come back with the DataNodes' block reports,
 * as in Hadoop.
 */
import { getLogger } from '../../../lib/log/logger.ts';
import type { BlockTokenSecretManager } from '../../../security/token/block-token-secret-manager.ts';
import type { AccessMode, BlockStorageType } from '../../../security/token/block-token-identifier.ts';
import type { ReplicaStateName, ReportedReplica } from '../../protocol/block-list-as-longs.ts';
import type { ReceivedDeletedBlockInfo } from '../../protocol/datanode-protocol.ts';
import { EMPTY_TOKEN, type DatanodeInfo, type ExtendedBlock, type LocatedBlock, type LocatedBlocks, type StorageType } from '../../protocol/hdfs-types.ts';
import { fsError, HadoopException, ioError } from '../namespace/fs-errors.ts';
import type { FsDirectory } from '../namespace/fs-directory.ts';
import { blockString, type BlockInfo, type INodeFile, type StorageRef } from '../namespace/inode.ts';
import { systemClock, type Clock } from '../../../lib/time/clock.ts';
import { BlockReconstruction, DEFAULT_REDUNDANCY_SETTINGS, type NumberReplicas, type RedundancySettings } from './block-reconstruction.ts';
import { CorruptReplicasMap, type CorruptReason } from './corrupt-replicas-map.ts';
import type { DatanodeDescriptor } from './datanode-descriptor.ts';
import type { StartupSafeMode } from './startup-safe-mode.ts';

export interface BlockManagerOptions {
  /** null when dfs.block.access.token.enable is false: located blocks carry an empty token */
  tokens: BlockTokenSecretManager | null;
  /** the redundancy keys (default: Hadoop's defaults) */
  redundancy?: RedundancySettings;
  /** the NameNode's clock (heartbeat times, pending replications); default the system clock */
  clock?: Clock;
}

/** Where a located block's replicas are: a DataNode and one of its storages. */
export interface Location {
  datanode: DatanodeDescriptor;
  storageUuid: string;
  storageType: StorageType;
}

const log = getLogger('namenode.blocks');
/** NameNode.blockStateChangeLog (BlockStateChange) */
const blockLog = getLogger('namenode.block-state-change');
/** NameNode.stateChangeLog */
const stateLog = getLogger('namenode.state');

export class BlockManager {
  readonly tokens: BlockTokenSecretManager | null;
  /** BlockManager.bmSafeMode: told when a complete block's live replicas change (the namesystem sets it at load) */
  safeMode: StartupSafeMode | undefined;
  #fsd: FsDirectory | undefined;
  #datanodes: (uuid: string) => DatanodeDescriptor | undefined = () => undefined;
  /** re-replication and excess replicas (neededReconstruction, pendingReconstruction, the RedundancyMonitor's work) */
  readonly redundancy: BlockReconstruction;
  /** corruptReplicas: the replicas clients or DataNodes reported corrupt */
  readonly corruptReplicas = new CorruptReplicasMap();

  constructor(options: BlockManagerOptions) {
    this.tokens = options.tokens;
    const clock = options.clock ?? systemClock;
    this.redundancy = new BlockReconstruction(options.redundancy ?? DEFAULT_REDUNDANCY_SETTINGS, (uuid) => this.#datanodes(uuid), () => clock.now(), this.corruptReplicas);
  }

  /** Wires the loaded namespace and the DataNode lookup (the namesystem does it at start). */
  attach(fsd: FsDirectory, datanodes: (uuid: string) => DatanodeDescriptor | undefined): void {
    this.#fsd = fsd;
    this.#datanodes = datanodes;
  }

  get #dir(): FsDirectory {
    if (!this.#fsd) throw new Error('block manager used before the namespace was loaded');
    return this.#fsd;
  }

  get blockPoolId(): string {
    return this.#dir.identity.blockPoolId;
  }

  extended(b: BlockInfo): ExtendedBlock {
    return { poolId: this.blockPoolId, blockId: b.blockId, generationStamp: b.generationStamp, numBytes: b.numBytes };
  }

  // ---- replicas -----------------------------------------------------------------------------

  /**
   * A full block report of one storage (BlockManager.processReport / reportDiff): finalized
   * replicas of known blocks become locations, replicas being written join their block's
   * pipeline, replicas of unknown blocks are deleted, and replicas the storage no longer reports
   * are forgotten.
   */
  processReport(dn: DatanodeDescriptor, storageUuid: string, storageType: StorageType, replicas: readonly ReportedReplica[]): void {
    const storage = dn.storage(storageUuid, storageType);
    const before = new Set(storage.blocks);
    let unknown = 0;
    for (const r of replicas) {
      before.delete(r.blockId);
      if (!this.#reported(dn, storageUuid, r.blockId, r.numBytes, r.generationStamp, r.state === 'FINALIZED', false, r.state)) unknown++;
    }
    for (const id of before) this.#removeReplica(dn, storageUuid, id);
    storage.blockContentsStale = false; // DatanodeStorageInfo.receivedBlockReport
    log.info({ datanode: dn.xferAddr, storage: storageUuid, replicas: replicas.length, invalidated: unknown, forgotten: before.size }, 'processed a block report');
    this.safeMode?.datanodesChanged(); // a reporting node is live: dfs.namenode.safemode.min.datanodes may be met now
  }

  /** blockReceivedAndDeleted (processIncrementalBlockReport). */
  processIncremental(dn: DatanodeDescriptor, storageUuid: string, storageType: StorageType, items: readonly ReceivedDeletedBlockInfo[]): void {
    dn.storage(storageUuid, storageType);
    for (const { block, status } of items) {
      if (status === 'DELETED') this.#removeReplica(dn, storageUuid, block.blockId);
      else this.#reported(dn, storageUuid, block.blockId, block.numBytes ?? 0, block.genStamp, status === 'RECEIVED', status === 'RECEIVED');
    }
  }

  /**
   * One reported replica; returns false when no file owns the block (it is then deleted on that
   * DataNode). `received`: an incremental RECEIVED (it ends a pending replication to the node).
   */
  #reported(dn: DatanodeDescriptor, storageUuid: string, blockId: number, numBytes: number, generationStamp: number, finalized: boolean, received: boolean, state: ReplicaStateName = finalized ? 'FINALIZED' : 'RBW'): boolean {
    const block = this.#dir.block(blockId);
    if (!block) {
      dn.invalidate.push({ blockId, generationStamp, numBytes });
      return false;
    }
    const storage = dn.storage(storageUuid);
    // processReportedBlock: a replica already queued for deletion on this node is not a location again
    if (dn.invalidate.some((i) => i.blockId === blockId)) return true;
    if (!finalized) {
      // checkReplicaCorrupt for a COMPLETE block: an RBW / RWR replica of another stamp, or an RWR
      // one of its stamp, is corrupt (an RBW one of its stamp is a late report of the closed pipeline)
      if (block.complete && block.file && (state === 'RBW' || state === 'RWR')) {
        const reason: [CorruptReason, string] | null = generationStamp !== block.generationStamp
          ? ['GENSTAMP_MISMATCH', `reported ${state} replica with genstamp ${generationStamp} does not match COMPLETE block's genstamp in block map ${block.generationStamp}`]
          : state === 'RWR' ? ['INVALID_STATE', `reported replica has invalid state ${state}`] : null;
        if (reason) {
          this.#markBlockAsCorrupt(block, { poolId: this.blockPoolId, blockId, generationStamp, numBytes }, dn, storageUuid, reason[1], '', reason[0]);
          return true;
        }
      }
      // a replica being written: the block's pipeline (BlockUnderConstructionFeature.addReplicaIfNotPresent)
      if (!block.complete && !block.expected.some((e) => e.storageUuid === storageUuid)) block.expected.push({ datanodeUuid: dn.uuid, storageUuid });
      return true;
    }
    if (block.complete && block.file) {
      // checkReplicaCorrupt for a COMPLETE block: a replica of another stamp or length is corrupt
      const reason: [CorruptReason, string] | null = generationStamp !== block.generationStamp
        ? ['GENSTAMP_MISMATCH', `block is COMPLETE and reported genstamp ${generationStamp} does not match genstamp in block map ${block.generationStamp}`]
        : numBytes !== block.numBytes ? ['SIZE_MISMATCH', `block is COMPLETE and reported length ${numBytes} does not match length in block map ${block.numBytes}`] : null;
      if (reason) {
        // BlockManager.addBlock: a RECEIVED replica of the block's stamp ends its pending copy first
        if (received && generationStamp === block.generationStamp) this.redundancy.pending.decrement(block, dn.uuid);
        const reported = { poolId: this.blockPoolId, blockId, generationStamp, numBytes };
        this.#markBlockAsCorrupt(block, reported, dn, storageUuid, reason[1], '', reason[0]);
        return true;
      }
    }
    if (generationStamp < block.generationStamp || (!block.beingWritten && numBytes !== block.numBytes)) {
      // a stale or wrong-length replica of a block not complete (Hadoop marks it corrupt): not a location
      log.warn({ datanode: dn.xferAddr, blockId, generationStamp, numBytes, expected: { generationStamp: block.generationStamp, numBytes: block.numBytes } }, 'ignoring a corrupt replica');
      return true;
    }
    const wasComplete = block.complete;
    block.replicas.set(storageUuid, { datanodeUuid: dn.uuid, numBytes, generationStamp });
    storage.blocks.add(blockId);
    if (!block.complete && !block.expected.some((e) => e.storageUuid === storageUuid)) block.expected.push({ datanodeUuid: dn.uuid, storageUuid });
    this.tryComplete(block);
    // addStoredBlock: only a block complete before this replica counts towards safe mode (completeBlock does not)
    if (wasComplete) this.safeMode?.liveReplicasChanged(blockId, this.liveReplicaCount(blockId));
    this.redundancy.replicaAdded(block, dn, received);
    // addStoredBlock: once the block has enough usable replicas, its corrupt ones are deleted
    if (block.complete && block.file && this.corruptReplicas.numCorruptReplicas(block) > 0) {
      const num = this.redundancy.countNodes(block);
      if (num.live + num.decommissioning >= block.file.replication) this.#invalidateCorruptReplicas(block, num);
    }
    return true;
  }

  #removeReplica(dn: DatanodeDescriptor, storageUuid: string, blockId: number): void {
    dn.storages.get(storageUuid)?.blocks.delete(blockId);
    const block = this.#dir.block(blockId);
    if (!block) return;
    const had = block.replicas.delete(storageUuid);
    this.corruptReplicas.remove(block, dn.uuid); // removeStoredBlock
    block.expected = block.expected.filter((e) => e.storageUuid !== storageUuid);
    if (block.complete) this.safeMode?.liveReplicasChanged(blockId, this.liveReplicaCount(blockId)); // removeStoredBlock
    if (had) this.redundancy.replicaRemoved(block, dn.uuid);
  }

  /** NumberReplicas.liveReplicas of a block (BlockManager.countNodes: replicas on live DataNodes in service, not excess). */
  liveReplicaCount(blockId: number): number {
    const block = this.#dir.block(blockId);
    return block ? this.redundancy.countNodes(block).live : 0;
  }

  /** BlockManager.numOfUnderReplicatedBlocks: the blocks queued for reconstruction (neededReconstruction.size). */
  underReplicatedCount(): number {
    return this.redundancy.needed.size;
  }

  /** A dead or replaced DataNode's replicas are no longer locations (removeBlocksAssociatedTo). */
  removeReplicasOf(dn: DatanodeDescriptor): void {
    for (const [storageUuid, s] of dn.storages) {
      for (const id of [...s.blocks]) this.#removeReplica(dn, storageUuid, id);
    }
  }

  /** BlockManager.hasMinStorage: a replica of the block's stamp is reported (dfs.namenode.replication.min = 1). */
  hasMinStorage(block: BlockInfo): boolean {
    for (const r of block.replicas.values()) if (r.generationStamp >= block.generationStamp) return true;
    return false;
  }

  /**
   * The blocks no live replica holds (Hadoop's LowRedundancyBlocks.QUEUE_WITH_CORRUPT_BLOCKS, whose
   * size is BlockManager.getMissingBlocksCount): complete blocks of files with no finalized replica
   * on a live DataNode that is not corrupt, as `hdfs dfsadmin -report` counts them missing
   * (cluster-status.ts). A block whose every replica is corrupt (in the corrupt replicas map, or
   * a stale replica of a block not yet complete: not a location) is among these, as in Hadoop. In block map
   * order (Hadoop's: the order blocks entered the queue).
   */
  *missingBlocks(): Generator<BlockInfo> {
    for (const b of this.#dir.allBlocks()) if (b.complete && b.file && this.locations(b).length === 0) yield b;
  }

  /** COMMITTED -> COMPLETE once a finalized replica has the committed length and stamp. */
  tryComplete(block: BlockInfo): boolean {
    if (block.state !== 'COMMITTED') return block.complete;
    for (const r of block.replicas.values()) {
      if (r.numBytes === block.numBytes && r.generationStamp === block.generationStamp) {
        this.redundancy.addExpectedReplicasToPending(block);
        block.state = 'COMPLETE';
        block.expected = [];
        // FSDirectory.updateSpaceForCompleteBlock: the quota counts take the block's length instead of a whole block
        if (block.file) this.#fsd?.refreshUsage(block.file);
        // BlockManager.checkRedundancy: a block completing with fewer replicas than its file asks for is queued
        this.redundancy.updateNeeded(block);
        return true;
      }
    }
    return false;
  }

  /** The replicas of removed blocks are deleted on their DataNodes (addToInvalidates). */
  scheduleDeletion(blocks: readonly BlockInfo[]): void {
    for (const b of blocks) {
      const holders = new Map<string, string>(); // datanodeUuid -> storageUuid
      for (const [storageUuid, r] of b.replicas) holders.set(r.datanodeUuid, storageUuid);
      for (const e of b.expected) if (!holders.has(e.datanodeUuid)) holders.set(e.datanodeUuid, e.storageUuid);
      for (const [uuid, storageUuid] of holders) {
        const dn = this.#datanodes(uuid);
        if (!dn) continue;
        dn.storages.get(storageUuid)?.blocks.delete(b.blockId);
        dn.invalidate.push({ blockId: b.blockId, generationStamp: b.generationStamp, numBytes: b.numBytes });
      }
      b.replicas.clear();
      b.expected = [];
      this.redundancy.blockRemoved(b);
    }
  }

  /** BlockManager.getStoredBlock by id (undefined before the namespace is loaded or for an unknown id). */
  storedBlock(blockId: number): BlockInfo | undefined {
    return this.#fsd?.block(blockId);
  }

  /**
   * DatanodeAdminManager.isSufficient for a block on a decommissioning node: enough live replicas
   * on DataNodes in service (live replicas exclude decommissioning and decommissioned nodes, as
   * NumberReplicas.liveReplicas does): the file's replication for a complete block, the minimum
   * replication for a file's last block still being written. A block no file owns holds nothing up.
   */
  sufficientWithout(block: BlockInfo): boolean {
    if (!block.file) return true;
    if (!block.complete) {
      let live = 0;
      for (const l of this.locations(block)) if (!l.datanode.decommissioning) live++;
      return live >= 1;
    }
    return this.redundancy.countNodes(block).live >= block.file.replication;
  }

  // ---- corrupt replicas ------------------------------------------------------------------------

  /**
   * BlockManager.findAndMarkBlockAsCorrupt: `dn`'s replica of `eb` (on `storageId`, else whichever
   * storage of the node holds it) is corrupt. An unknown block or a node without the replica is
   * ignored (a DataNode's scanner may report before its block report); an unknown DataNode is an
   * IOException, a known uuid at another transfer address an UnregisteredNodeException.
   */
  findAndMarkBlockAsCorrupt(eb: ExtendedBlock, dn: DatanodeInfo, storageId: string | null, reason: string, by = ''): void {
    const stored = this.storedBlock(eb.blockId);
    const name = `${eb.poolId}:${blockString(eb)}`;
    if (!stored) {
      blockLog.debug({ block: eb.blockId }, `BLOCK* findAndMarkBlockAsCorrupt: ${name} not found`);
      return;
    }
    const xfer = `${dn.id.ipAddr}:${dn.id.xferPort}`;
    const node = this.#datanodes(dn.id.datanodeUuid);
    if (!node) throw ioError('FS_NOT_FOUND', `Cannot mark ${name} as corrupt because datanode ${xfer} (${dn.id.datanodeUuid}) does not exist`, { blockId: eb.blockId });
    // DatanodeManager.getDatanode(DatanodeID): the uuid's node must be at the transfer address named
    if (node.xferAddr !== xfer) {
      const message = `Data node ${xfer} is attempting to report storage ID ${dn.id.datanodeUuid}. Node ${node.xferAddr} is expected to serve this storage.`;
      stateLog.error({ datanode: xfer, uuid: dn.id.datanodeUuid }, `BLOCK* NameSystem.getDatanode: ${message}`);
      throw fsError('DATANODE_UNREGISTERED', HadoopException.UNREGISTERED_NODE, message, { datanodeUuid: dn.id.datanodeUuid, blockId: eb.blockId });
    }
    let storageUuid = storageId !== null && node.storages.has(storageId) ? storageId : undefined;
    if (storageUuid === undefined) {
      for (const [s, r] of stored.replicas) if (r.datanodeUuid === node.uuid) storageUuid = s;
    }
    if (storageUuid === undefined) {
      blockLog.debug({ block: eb.blockId, datanode: xfer }, `BLOCK* findAndMarkBlockAsCorrupt: ${name} not found on ${xfer}`);
      return;
    }
    this.#markBlockAsCorrupt(stored, eb, node, storageUuid, reason, by);
  }

  /**
   * BlockManager.markBlockAsCorrupt (reason CORRUPTION_REPORTED): the replica joins the corrupt
   * map; it is deleted at once when the block has enough usable replicas, when live and corrupt
   * ones exceed the file's replication, or when it is of an older generation stamp (corrupted
   * during a write); otherwise the block is queued for reconstruction from a good replica and the
   * corrupt one waits for the new copy (invalidateCorruptReplicas).
   */
  #markBlockAsCorrupt(stored: BlockInfo, reported: ExtendedBlock, node: DatanodeDescriptor, storageUuid: string, reason: string, by: string, reasonCode: CorruptReason = 'CORRUPTION_REPORTED'): void {
    const corrupted = { blockId: reported.blockId, generationStamp: reported.generationStamp, numBytes: reported.numBytes ?? stored.numBytes };
    if (!stored.file) {
      blockLog.debug({ block: stored.blockId }, `BLOCK markBlockAsCorrupt: ${blockString(corrupted)} cannot be marked as corrupt as it does not belong to any file`);
      node.invalidate.push(corrupted);
      return;
    }
    const expected = stored.file.replication;
    // storageInfo.addBlock: the replica becomes one of the block's if it was not
    if (!stored.replicas.has(storageUuid)) {
      stored.replicas.set(storageUuid, { datanodeUuid: node.uuid, numBytes: corrupted.numBytes, generationStamp: corrupted.generationStamp });
      node.storage(storageUuid).blocks.add(stored.blockId);
    }
    this.corruptReplicas.add(stored, node.uuid, reason, reasonCode, node.xferAddr, by);
    const num = this.redundancy.countNodes(stored);
    const usable = num.live + num.decommissioning;
    const minReplicationSatisfied = usable >= 1; // hasMinStorage, dfs.namenode.replication.min = 1
    const hasMoreCorruptReplicas = minReplicationSatisfied && num.live + num.corrupt > expected;
    const corruptedDuringWrite = minReplicationSatisfied && stored.generationStamp > corrupted.generationStamp;
    if (usable >= expected || hasMoreCorruptReplicas || corruptedDuringWrite) this.#invalidateBlock(stored, corrupted, node);
    else this.redundancy.updateNeeded(stored);
  }

  /**
   * BlockManager.invalidateBlock: the replica is deleted on its DataNode (INVALIDATE with its next
   * heartbeat) and stops being one of the block's (removeStoredBlock, which also drops it from the
   * corrupt map). dfs.namenode.corrupt.block.delete.immediately.enabled is true by default: no
   * postponing for nodes with stale block reports.
   */
  #invalidateBlock(stored: BlockInfo, corrupted: { blockId: number; generationStamp: number; numBytes: number }, node: DatanodeDescriptor): void {
    blockLog.debug({ block: stored.blockId, datanode: node.xferAddr }, `BLOCK* invalidateBlock: ${blockString(corrupted)}(stored=${blockString(stored)}) on ${node.xferAddr}`);
    node.invalidate.push(corrupted);
    for (const [storageUuid, r] of [...stored.replicas]) if (r.datanodeUuid === node.uuid) this.#removeReplica(node, storageUuid, stored.blockId);
    blockLog.debug({ block: stored.blockId, datanode: node.xferAddr }, `BLOCK* invalidateBlocks: ${blockString(corrupted)}(stored=${blockString(stored)}) on ${node.xferAddr} listed for deletion.`);
  }

  /** BlockManager.invalidateCorruptReplicas: the block has enough live replicas; its corrupt ones are deleted. */
  #invalidateCorruptReplicas(block: BlockInfo, _num: NumberReplicas): void {
    for (const uuid of this.corruptReplicas.nodes(block)) {
      const node = this.#datanodes(uuid);
      if (node) this.#invalidateBlock(block, { blockId: block.blockId, generationStamp: block.generationStamp, numBytes: block.numBytes }, node);
    }
    this.corruptReplicas.removeBlock(block);
  }

  // ---- located blocks -------------------------------------------------------------------------

  /**
   * Live locations of a block: its finalized replicas that are not corrupt when complete, else its
   * pipeline (createLocatedBlock).
   */
  locations(b: BlockInfo): Location[] {
    return this.#liveLocations(b).filter((l) => !b.complete || !this.corruptReplicas.isReplicaCorrupt(b, l.datanode.uuid));
  }

  /**
   * createLocatedBlock's locations for a reader: the good replicas; when every replica of a complete
   * block is corrupt, all of them with the block marked corrupt.
   */
  readLocations(b: BlockInfo): { locations: Location[]; corrupt: boolean } {
    const good = this.locations(b);
    if (!b.complete || good.length > 0 || this.corruptReplicas.numCorruptReplicas(b) === 0) return { locations: good, corrupt: false };
    return { locations: this.#liveLocations(b), corrupt: true };
  }

  #liveLocations(b: BlockInfo): Location[] {
    const refs: StorageRef[] = b.complete
      ? [...b.replicas].map(([storageUuid, r]) => ({ storageUuid, datanodeUuid: r.datanodeUuid }))
      : b.expected;
    const out: Location[] = [];
    for (const ref of refs) {
      const dn = this.#datanodes(ref.datanodeUuid);
      if (!dn?.alive) continue;
      out.push({ datanode: dn, storageUuid: ref.storageUuid, storageType: dn.storages.get(ref.storageUuid)?.storageType ?? 'DISK' });
    }
    return out;
  }

  /**
   * A LocatedBlock at `offset` with `locations` and, when block tokens are on and a `mode` is
   * given, a token for `user` (listings carry none: BlockManager.setBlockToken is not called).
   */
  located(b: BlockInfo, offset: number, locations: readonly Location[], user: string, mode: AccessMode | null, corrupt = false): LocatedBlock {
    const eb = this.extended(b);
    const storageIDs = locations.map((l) => l.storageUuid);
    const storageTypes = locations.map((l) => l.storageType);
    const token = this.tokens && mode ? this.tokens.generateToken(user, eb, [mode], storageTypes as BlockStorageType[], storageIDs).toProto() : EMPTY_TOKEN;
    return {
      b: eb, offset, locs: locations.map((l) => l.datanode.toInfo()), corrupt, blockToken: token,
      isCached: locations.map(() => false), storageTypes, storageIDs,
    };
  }

  /**
   * getBlockLocations' LocatedBlocks (BlockManager.createLocatedBlocks): the blocks overlapping
   * [offset, offset + length), the file length without an incomplete last block, and the last block.
   */
  locatedBlocks(file: INodeFile, offset: number, length: number, user: string, mode: AccessMode | null = 'READ'): LocatedBlocks {
    const blocks = file.blocks;
    const underConstruction = file.uc !== null;
    if (blocks.length === 0) return { fileLength: 0, blocks: [], underConstruction, isLastBlockComplete: false };
    const fileLength = file.length(false);
    const list: LocatedBlock[] = [];
    let i = 0;
    let pos = 0;
    const counted = blocks[0]!.numBytes === 0 ? 0 : blocks.length;
    for (; i < counted; i++) {
      if (pos + blocks[i]!.numBytes > offset) break;
      pos += blocks[i]!.numBytes;
    }
    if (!(counted > 0 && i === counted)) {
      const end = offset + length;
      do {
        const b = blocks[i]!;
        const r = this.readLocations(b);
        list.push(this.located(b, pos, r.locations, user, mode, r.corrupt));
        pos += b.numBytes;
        i++;
      } while (pos < end && i < blocks.length);
    }
    const last = blocks[blocks.length - 1]!;
    const lastPos = last.complete ? fileLength - last.numBytes : fileLength;
    const lastLocations = this.readLocations(last);
    return {
      fileLength, blocks: list, underConstruction, isLastBlockComplete: last.complete,
      lastBlock: this.located(last, lastPos, lastLocations.locations, user, mode, lastLocations.corrupt),
    };
  }
}
