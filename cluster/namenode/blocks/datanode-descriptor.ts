/**
 * What the NameNode knows about one DataNode (Hadoop's DatanodeDescriptor + DatanodeStorageInfo):
 * its registration (with the address the RPC came from), its storages with their last reported
 * space, when it last sent a heartbeat, which blocks each storage holds (from block reports), the
 * blocks it should delete (sent as BlockCommand INVALIDATE with the next heartbeat), the blocks
 * it should copy to other nodes (BlockCommand TRANSFER), the blocks
 * whose recovery it leads as primary (BlockRecoveryCommand) and whether it needs the current block
 * keys (KeyUpdateCommand); its admin state (DatanodeInfo.AdminStates: NORMAL, or
 * DECOMMISSION_INPROGRESS / DECOMMISSIONED after dfs.hosts.exclude named it) and whether a refresh
 * of the include list dropped it (DatanodeDescriptor.isDisallowed).
 */
import type { AdminState, DatanodeId, DatanodeInfo, StorageReport, StorageType } from '../../protocol/hdfs-types.ts';
import type { DatanodeRegistration } from '../../protocol/datanode-protocol.ts';
import type { BlockRecord } from '../namespace/edit-log.ts';
import type { BlockInfo } from '../namespace/inode.ts';
import type { BlockTargetPair } from './block-reconstruction.ts';

/** NetworkTopology.DEFAULT_RACK: hsec has no rack awareness. */
export const DEFAULT_RACK = '/default-rack';

export interface StorageState {
  readonly storageUuid: string;
  storageType: StorageType;
  failed: boolean;
  capacity: number;
  dfsUsed: number;
  remaining: number;
  blockPoolUsed: number;
  nonDfsUsed: number;
  /** ids of the blocks this storage holds a replica of */
  readonly blocks: Set<number>;
  /**
   * DatanodeStorageInfo.blockContentsStale: true until the storage's first full block report to
   * this NameNode (its replicas may be more than the NameNode knows of)
   */
  blockContentsStale: boolean;
}

export class DatanodeDescriptor {
  registration: DatanodeRegistration;
  readonly storages = new Map<string, StorageState>();
  /** ms (the NameNode's clock) of the last heartbeat or registration */
  lastHeartbeat: number;
  /** false once declared dead or replaced; a heartbeat then gets RegisterCommand */
  alive = true;
  needKeyUpdate = false;
  xceiverCount = 0;
  lastBlockReport = 0;
  /** the full-block-report lease granted in a heartbeat (0 = none) and when */
  reportLeaseId = 0;
  reportLeaseTime = 0;
  /** DatanodeDescriptor.bandwidth: a balancer bandwidth (bytes/s) to send with the next heartbeat (0 = none) */
  balancerBandwidth = 0;
  /** DatanodeInfo.adminState: NORMAL, DECOMMISSION_INPROGRESS or DECOMMISSIONED (no maintenance states in hsec) */
  adminState: AdminState = 'NORMAL';
  /** DatanodeDescriptor.disallowed: no longer in a non-empty include list; its next heartbeat is refused */
  disallowed = false;
  /** when decommissioning started (DatanodeInfo.decommissioningStartTime, Hadoop's monotonic ms; here the NameNode clock) */
  decommissionStartTime = 0;
  /** blocks to delete, sent with the next heartbeats */
  readonly invalidate: BlockRecord[] = [];
  /**
   * replications this node is the source of, sent as BlockCommand DNA_TRANSFER with the next
   * heartbeats (DatanodeDescriptor.replicateBlocks; getNumberOfBlocksToBeReplicated is its length)
   */
  readonly replicate: BlockTargetPair[] = [];
  /** blocks whose recovery this node leads, sent with the next heartbeat (addBlockToBeRecovered) */
  readonly recover: BlockInfo[] = [];

  constructor(registration: DatanodeRegistration, now: number) {
    this.registration = registration;
    this.lastHeartbeat = now;
  }

  get id(): DatanodeId {
    return this.registration.datanodeID;
  }

  get uuid(): string {
    return this.registration.datanodeID.datanodeUuid;
  }

  /** DatanodeID.getXferAddr: `ip:xferPort`, what clients connect to and what favoredNodes / excludeNodes name. */
  get xferAddr(): string {
    return `${this.id.ipAddr}:${this.id.xferPort}`;
  }

  /** Storage by uuid, created on first mention (DatanodeDescriptor.updateStorage). */
  storage(storageUuid: string, storageType: StorageType = 'DISK'): StorageState {
    let s = this.storages.get(storageUuid);
    if (!s) {
      s = { storageUuid, storageType, failed: false, capacity: 0, dfsUsed: 0, remaining: 0, blockPoolUsed: 0, nonDfsUsed: 0, blocks: new Set(), blockContentsStale: true };
      this.storages.set(storageUuid, s);
    }
    return s;
  }

  /** A heartbeat's storage reports (HeartbeatManager.updateHeartbeat). */
  updateStorages(reports: readonly StorageReport[]): void {
    for (const r of reports) {
      const uuid = r.storage?.storageUuid ?? r.storageUuid;
      const s = this.storage(uuid, r.storage?.storageType ?? 'DISK');
      if (r.storage?.storageType) s.storageType = r.storage.storageType;
      s.failed = r.failed ?? false;
      s.capacity = r.capacity ?? 0;
      s.dfsUsed = r.dfsUsed ?? 0;
      s.remaining = r.remaining ?? 0;
      s.blockPoolUsed = r.blockPoolUsed ?? 0;
      s.nonDfsUsed = r.nonDfsUsed ?? 0;
    }
  }

  /** The storage (of `type`, when given) with the most room of at least `bytes` (DatanodeDescriptor.chooseStorage4Block). */
  chooseStorage(bytes: number, type?: StorageType): StorageState | undefined {
    let best: StorageState | undefined;
    for (const s of this.storages.values()) {
      if (s.failed || s.remaining < bytes || (type !== undefined && s.storageType !== type)) continue;
      if (!best || s.remaining > best.remaining) best = s;
    }
    return best;
  }

  /** DatanodeInfo.isDecommissionInProgress / isDecommissioned: not a target for new replicas. */
  get decommissioning(): boolean {
    return this.adminState === 'DECOMMISSION_INPROGRESS' || this.adminState === 'DECOMMISSIONED';
  }

  /** The storage reports of the last heartbeat (DatanodeDescriptor.getStorageReports). */
  storageReports(): StorageReport[] {
    return [...this.storages.values()].map((s) => ({
      storageUuid: s.storageUuid, failed: s.failed, capacity: s.capacity, dfsUsed: s.dfsUsed, remaining: s.remaining, blockPoolUsed: s.blockPoolUsed,
      storage: { storageUuid: s.storageUuid, state: 'NORMAL', storageType: s.storageType }, nonDfsUsed: s.nonDfsUsed,
    }));
  }

  /** Some storage has not sent its first full block report yet (DatanodeStorageInfo.areBlockContentsStale). */
  get blockContentsStale(): boolean {
    for (const s of this.storages.values()) if (s.blockContentsStale) return true;
    return false;
  }

  get numBlocks(): number {
    let n = 0;
    for (const s of this.storages.values()) n += s.blocks.size;
    return n;
  }

  /** DatanodeInfoProto as located blocks and reports carry it. */
  toInfo(): DatanodeInfo {
    let capacity = 0;
    let dfsUsed = 0;
    let remaining = 0;
    let blockPoolUsed = 0;
    let nonDfsUsed = 0;
    for (const s of this.storages.values()) {
      capacity += s.capacity;
      dfsUsed += s.dfsUsed;
      remaining += s.remaining;
      blockPoolUsed += s.blockPoolUsed;
      nonDfsUsed += s.nonDfsUsed;
    }
    return {
      id: this.id, capacity, dfsUsed, remaining, blockPoolUsed, lastUpdate: this.lastHeartbeat, xceiverCount: this.xceiverCount,
      location: DEFAULT_RACK, nonDfsUsed, adminState: this.adminState, cacheCapacity: 0, cacheUsed: 0, lastUpdateMonotonic: this.lastHeartbeat,
      lastBlockReportTime: this.lastBlockReport, lastBlockReportMonotonic: this.lastBlockReport, numBlocks: this.numBlocks,
    };
  }
}
