/**
 * The NameNode's side of DataNode membership (Hadoop's DatanodeManager + HeartbeatManager,
 * NameNodeRpcServer's registerDatanode / sendHeartbeat / verifyRequest):
 *
 *  - registration checks the DataNode's software version (dfs.namenode.min.supported.datanode.version,
 *    and an equal cTime when the versions differ), records the address the call came from as the
 *    node's IP, replaces an older node at the same transfer address, and answers with the current
 *    block keys (ExportedBlockKeys; dummy keys when block tokens are off);
 *  - every later call must carry this namespace's registration id (`NS-<nsid>-<clusterid>-<ctime>`,
 *    else UnregisteredNodeException) from a node that is registered and alive;
 *  - a heartbeat updates the node's storages and returns its commands: the blocks whose recovery
 *    it leads (BlockRecoveryCommand, DNA_RECOVERBLOCK), blocks to copy to other nodes (BlockCommand
 *    TRANSFER, at most dfs.namenode.replication.max-streams less its running transfers), blocks to
 *    delete (BlockCommand INVALIDATE, at most dfs.block.invalidate.limit at a time), then the block keys
 *    when they changed (KeyUpdateCommand), plus a full-block-report lease when asked
 *    (BlockReportLeaseManager: one per node, replaced by a new request, valid for
 *    dfs.namenode.full.block.report.lease.length.ms; lease id 0 in a report bypasses it); an unknown
 *    or dead node gets RegisterCommand;
 *  - the monitor declares nodes dead after 2 x dfs.namenode.heartbeat.recheck-interval +
 *    10 x dfs.heartbeat.interval without a heartbeat (their replicas stop being locations) and
 *    marks every node for a key update after the block keys roll;
 *  - the include and exclude lists (dfs.hosts, dfs.hosts.exclude: host-file-manager.ts), read at
 *    start and by refreshNodes: a node not in a non-empty include list is refused at registration
 *    and, when already registered, at its next heartbeat (DisallowedDatanodeException, which stops
 *    the DataNode's link); a node in the exclude list is decommissioned (datanode-admin-manager.ts),
 *    one that left it goes back in service (DatanodeManager.refreshDatanodes).
 */
import { randomInt } from 'node:crypto';
import { getLogger } from '../../../lib/log/logger.ts';
import type { BlockTokenSecretManager } from '../../../security/token/block-token-secret-manager.ts';
import { dummyExportedBlockKeys, type ExportedBlockKeys } from '../../../security/token/keys/exported-block-keys.ts';
import { exportedBlockKeysToProto, keyUpdateCommand, REGISTER_COMMAND } from '../../protocol/datanode-protocol.ts';
import type { DatanodeCommand, DatanodeRegistration, HeartbeatRequest, HeartbeatResponse, StorageInfo } from '../../protocol/datanode-protocol.ts';
import { EMPTY_TOKEN } from '../../protocol/hdfs-types.ts';
import { fsError, HadoopException } from '../namespace/fs-errors.ts';
import type { NamespaceIdentity } from '../namespace/edit-log.ts';
import type { BlockManager } from './block-manager.ts';
import { DatanodeAdminManager } from './datanode-admin-manager.ts';
import { DatanodeDescriptor } from './datanode-descriptor.ts';
import { HostFileManager, type HostFiles, type HostResolver } from './host-file-manager.ts';

export interface DatanodeManagerOptions {
  blocks: BlockManager;
  tokens: BlockTokenSecretManager | null;
  /** ms: 2 x dfs.namenode.heartbeat.recheck-interval + 10 x dfs.heartbeat.interval */
  heartbeatExpireMs: number;
  /** ms: dfs.namenode.stale.datanode.interval (default 30 s) */
  staleIntervalMs?: number;
  /** dfs.namenode.full.block.report.lease.length.ms */
  reportLeaseMs: number;
  /** dfs.block.invalidate.limit */
  invalidateLimit: number;
  /** dfs.namenode.min.supported.datanode.version */
  minDatanodeVersion: string;
  /** this NameNode's software version (3.4.1) */
  softwareVersion: string;
  /** how dfs.hosts / dfs.hosts.exclude names resolve (default: the system resolver) */
  hostResolver?: HostResolver;
}

/** Where a DataNode call came from (the RPC peer). */
export interface Peer {
  address: string;
}

const log = getLogger('namenode.datanodes');

export class DatanodeManager {
  readonly #o: DatanodeManagerOptions;
  readonly #byUuid = new Map<string, DatanodeDescriptor>();
  #identity: NamespaceIdentity | undefined;
  #nextLeaseId = randomInt(1, 2 ** 31);
  /** HostConfigManager: the include and exclude lists */
  readonly hosts: HostFileManager;
  /** DatanodeAdminManager: decommissioning */
  readonly admin: DatanodeAdminManager;

  constructor(options: DatanodeManagerOptions) {
    this.#o = options;
    this.hosts = new HostFileManager(options.hostResolver);
    this.admin = new DatanodeAdminManager(options.blocks);
  }

  /** Every node the NameNode knows, live and dead, by uuid (DatanodeManager.datanodeMap). */
  all(): DatanodeDescriptor[] {
    return [...this.#byUuid.values()];
  }

  /**
   * DatanodeManager.refreshNodes: reads the host files again (a failure leaves the old lists and
   * changes nothing), then applies them to every known node (refreshDatanodes).
   */
  async refreshNodes(files: HostFiles, now: number): Promise<void> {
    await this.hosts.refresh(files);
    this.refreshDatanodes(now);
  }

  /**
   * DatanodeManager.refreshDatanodes: the include and exclude lists as last read applied to every
   * known node. Hadoop reads the files (and resolves their names) before it takes the namesystem
   * lock, and holds the lock only for this part.
   */
  refreshDatanodes(now: number): void {
    for (const dn of this.#byUuid.values()) {
      const { ipAddr, xferPort } = dn.id;
      if (!this.hosts.isIncluded(ipAddr, xferPort)) dn.disallowed = true;
      else if (this.hosts.isExcluded(ipAddr, xferPort)) this.admin.startDecommission(dn, now);
      else this.admin.stopDecommission(dn);
    }
    log.info({ includes: this.hosts.includes.entries(), excludes: this.hosts.excludes.entries() }, 'refreshed the DataNode include and exclude lists');
  }

  /** The namespace whose registration id DataNodes must carry (set once it is loaded). */
  attach(identity: NamespaceIdentity): void {
    this.#identity = identity;
  }

  get(uuid: string): DatanodeDescriptor | undefined {
    return this.#byUuid.get(uuid);
  }

  /** Registered, alive DataNodes. */
  live(): DatanodeDescriptor[] {
    return [...this.#byUuid.values()].filter((d) => d.alive);
  }

  /** Registered DataNodes declared dead (they stay listed until they register again, as in DatanodeManager's map). */
  dead(): DatanodeDescriptor[] {
    return [...this.#byUuid.values()].filter((d) => !d.alive);
  }

  /** Storage.getRegistrationID of this namespace. */
  get registrationId(): string {
    const id = this.#identity!;
    return `NS-${id.namespaceId}-${id.clusterId}-${id.cTime}`;
  }

  /** The block keys DataNodes verify with (BlockManager.getBlockKeys). */
  blockKeys(): ExportedBlockKeys {
    return this.#o.tokens ? this.#o.tokens.exportKeys() : dummyExportedBlockKeys();
  }

  /** registerDatanode: checks, records, and returns the registration with the NameNode's keys. */
  register(reg: DatanodeRegistration, peer: Peer, now: number): DatanodeRegistration {
    this.#verifySoftwareVersion(reg);
    const registered: DatanodeRegistration = {
      ...reg,
      datanodeID: { ...reg.datanodeID, ipAddr: peer.address },
      keys: exportedBlockKeysToProto(this.blockKeys()),
    };
    // DatanodeManager.registerDatanode: a host not in a non-empty include list may not register
    if (!this.hosts.isIncluded(peer.address, reg.datanodeID.xferPort)) throw disallowed(registrationString(registered), reg.datanodeID.datanodeUuid);
    const uuid = reg.datanodeID.datanodeUuid;
    const xfer = `${peer.address}:${reg.datanodeID.xferPort}`;
    for (const other of this.#byUuid.values()) {
      if (other.uuid !== uuid && other.xferAddr === xfer) {
        log.info({ old: other.uuid, new: uuid, xfer }, 'a new DataNode took over the transfer address of an old one; removing the old one');
        this.#remove(other);
        this.#byUuid.delete(other.uuid);
      }
    }
    let dn = this.#byUuid.get(uuid);
    if (dn) {
      dn.registration = registered;
      dn.alive = true;
      dn.lastHeartbeat = now;
    } else {
      dn = new DatanodeDescriptor(registered, now);
      this.#byUuid.set(uuid, dn);
    }
    dn.needKeyUpdate = false; // the registration carries the current keys
    dn.disallowed = false;
    // DatanodeManager.startAdminOperationIfNecessary: an excluded node decommissions (a node keeps its
    // state otherwise: only refreshNodes takes one back into service)
    if (this.hosts.isExcluded(peer.address, reg.datanodeID.xferPort)) this.admin.startDecommission(dn, now);
    log.info({ datanode: dn.xferAddr, uuid, version: reg.softwareVersion }, 'registered DataNode');
    return registered;
  }

  /** NameNodeRpcServer.verifySoftwareVersion. */
  #verifySoftwareVersion(reg: DatanodeRegistration): void {
    const dnVersion = reg.softwareVersion;
    if (compareVersions(dnVersion, this.#o.minDatanodeVersion) < 0) {
      throw fsError('DATANODE_VERSION', HadoopException.INCORRECT_VERSION,
        `The reported DataNode version is too low to communicate with this NameNode. DataNode version: '${dnVersion}' Minimum DataNode version: '${this.#o.minDatanodeVersion}'`,
        { version: dnVersion });
    }
    const nnCTime = this.#identity!.cTime;
    if (dnVersion !== this.#o.softwareVersion && reg.storageInfo.cTime !== nnCTime) {
      throw fsError('DATANODE_VERSION', HadoopException.INCORRECT_VERSION,
        `Reported DataNode version '${dnVersion}' of DN ${registrationString(reg)} does not match NameNode version '${this.#o.softwareVersion}' ` +
          `and CTime of DN ('${reg.storageInfo.cTime}') does not match CTime of NN ('${nnCTime}')`, { version: dnVersion });
    }
  }

  /** verifyRequest: the registration belongs to this namespace (else UnregisteredNodeException). */
  verify(reg: DatanodeRegistration): void {
    if (registrationId(reg.storageInfo) !== this.registrationId) {
      log.warn({ id: registrationId(reg.storageInfo), expected: this.registrationId }, 'Registration IDs mismatched');
      throw unregistered(reg);
    }
  }

  /** The registered, alive node of a report, or undefined (the caller answers RegisterCommand or logs). */
  reporting(reg: DatanodeRegistration): DatanodeDescriptor | undefined {
    this.verify(reg);
    const dn = this.#byUuid.get(reg.datanodeID.datanodeUuid);
    return dn?.alive ? dn : undefined;
  }

  /**
   * BlockReportLeaseManager.checkLease: lease id 0 bypasses the rate limit; otherwise it must be
   * the node's current, unexpired lease (else InvalidBlockReportLeaseException). `last` (the last
   * RPC of the report) ends the lease.
   */
  checkReportLease(dn: DatanodeDescriptor, reportId: number, leaseId: number, now: number, last: boolean): void {
    if (leaseId === 0) return;
    if (dn.reportLeaseId !== leaseId || now - dn.reportLeaseTime > this.#o.reportLeaseMs) {
      if (dn.reportLeaseId === leaseId) dn.reportLeaseId = 0;
      throw fsError('DATANODE_UNREGISTERED', HadoopException.INVALID_BLOCK_REPORT_LEASE,
        `Block report 0x${reportId.toString(16)} was rejected as lease 0x${leaseId.toString(16)} is invalid`, { datanodeUuid: dn.uuid });
    }
    if (last) dn.reportLeaseId = 0;
  }

  /** DatanodeManager.setBalancerBandwidth: every known DataNode gets `bandwidth` with its next heartbeat. */
  setBalancerBandwidth(bandwidth: number): void {
    for (const dn of this.#byUuid.values()) dn.balancerBandwidth = bandwidth;
  }

  /** sendHeartbeat (DatanodeManager.handleHeartbeat); `inSafeMode`: FSNamesystem.isInSafeMode. */
  heartbeat(req: HeartbeatRequest, now: number, txid: number, inSafeMode = false): HeartbeatResponse {
    this.verify(req.registration);
    const haStatus = { state: 'ACTIVE' as const, txid };
    const dn = this.#byUuid.get(req.registration.datanodeID.datanodeUuid);
    if (!dn?.alive) return { cmds: [REGISTER_COMMAND], haStatus };
    // DatanodeManager.handleHeartbeat: a node a refresh dropped from the include list is told to stop
    if (dn.disallowed) {
      this.#remove(dn);
      throw disallowed(dn.xferAddr, dn.uuid);
    }
    dn.lastHeartbeat = now;
    dn.xceiverCount = req.xceiverCount ?? 0;
    dn.updateStorages(req.reports ?? []);
    // "If we are in safemode, do not send back any recovery / replication requests. Don't even
    // drain the existing queue of work." (no key update or bandwidth either: they come after it)
    if (inSafeMode) return { cmds: [], haStatus };
    const cmds: DatanodeCommand[] = [];
    const recovery = this.#recoveryCommand(dn, now);
    if (recovery) cmds.push(recovery);
    const transfer = this.#replicationCommand(dn, req.xmitsInProgress ?? 0);
    if (transfer) cmds.push(transfer);
    if (dn.invalidate.length > 0) {
      const blocks = dn.invalidate.splice(0, this.#o.invalidateLimit);
      cmds.push({
        cmdType: 'BlockCommand',
        blkCmd: { action: 'INVALIDATE', blockPoolId: this.#identity!.blockPoolId, blocks: blocks.map((b) => ({ blockId: b.blockId, genStamp: b.generationStamp, numBytes: b.numBytes })) },
      });
    }
    // DatanodeManager.handleHeartbeat: a new balancer bandwidth goes once, as DNA_BALANCERBANDWIDTHUPDATE
    if (dn.balancerBandwidth > 0) {
      cmds.push({ cmdType: 'BalancerBandwidthCommand', balancerCmd: { bandwidth: dn.balancerBandwidth } });
      dn.balancerBandwidth = 0;
    }
    if (this.#o.tokens && dn.needKeyUpdate) {
      cmds.push(keyUpdateCommand(this.blockKeys()));
      dn.needKeyUpdate = false;
    }
    if (!req.requestFullBlockReportLease) return { cmds, haStatus };
    dn.reportLeaseId = this.#nextLeaseId++;
    dn.reportLeaseTime = now;
    return { cmds, haStatus, fullBlockReportLeaseId: dn.reportLeaseId };
  }

  /**
   * DatanodeManager.handleHeartbeat's replication tasks: up to dfs.namenode.replication.max-streams
   * less the transfers the node says are running (xmitsInProgress) from its queue
   * (DatanodeDescriptor.getReplicationCommand), skipping blocks deleted meanwhile, as one
   * BlockCommand DNA_TRANSFER: per block its targets, their storage types and storage ids.
   */
  #replicationCommand(dn: DatanodeDescriptor, xmitsInProgress: number): DatanodeCommand | undefined {
    if (dn.replicate.length === 0) return undefined;
    const maxTransfers = this.#o.blocks.redundancy.settings.maxReplicationStreams - xmitsInProgress;
    if (maxTransfers <= 0) return undefined;
    const tasks = dn.replicate.splice(0, maxTransfers).filter((t) => t.block.file !== null);
    if (tasks.length === 0) return undefined;
    return {
      cmdType: 'BlockCommand',
      blkCmd: {
        action: 'TRANSFER',
        blockPoolId: this.#identity!.blockPoolId,
        blocks: tasks.map(({ block: b }) => ({ blockId: b.blockId, genStamp: b.generationStamp, numBytes: b.numBytes })),
        targets: tasks.map((t) => ({ datanodes: t.targets.map((l) => l.datanode.toInfo()) })),
        targetStorageUuids: tasks.map((t) => ({ storageUuids: t.targets.map((l) => l.storageUuid) })),
        targetStorageTypes: tasks.map((t) => ({ storageTypes: t.targets.map((l) => l.storageType) })),
      },
    };
  }

  /**
   * DatanodeManager.getBlockRecoveryCommand: the blocks whose recovery this node leads, each with
   * its recovery id and the DataNodes of its expected replicas (RecoveringBlock: offset -1, no
   * token); those still UNDER_RECOVERY only (a block closed meanwhile needs nothing). A truncate's
   * block (in place) also carries the truncate block: the same id, the recovery id as its stamp, the
   * length it is cut to (RecoveringBlock(b, locs, recoveryBlock); PBHelper sets truncateBlock).
   */
  #recoveryCommand(dn: DatanodeDescriptor, now: number): DatanodeCommand | undefined {
    const blocks = dn.recover.splice(0).filter((b) => b.state === 'UNDER_RECOVERY' && b.file);
    if (blocks.length === 0) return undefined;
    const bpid = this.#identity!.blockPoolId;
    return {
      cmdType: 'BlockRecoveryCommand',
      recoveryCmd: {
        blocks: blocks.map((b) => {
          const nodes = b.expected.map((e) => this.#byUuid.get(e.datanodeUuid)).filter((d): d is DatanodeDescriptor => d !== undefined);
          // stale nodes (DatanodeDescriptor.isStale: no heartbeat for the stale interval; the dead too) are left out unless that leaves one or none
          const stale = this.#o.staleIntervalMs ?? 30_000;
          const fresh = nodes.filter((d) => d.alive && now - d.lastHeartbeat < stale);
          if (fresh.length > 1 && fresh.length !== nodes.length) log.info({ block: b.blockId, skipped: nodes.length - fresh.length }, `Skipped stale nodes for recovery : ${nodes.length - fresh.length}`);
          const locs = (fresh.length > 1 ? fresh : nodes).map((d) => d.toInfo());
          return {
            newGenStamp: b.recoveryId,
            block: {
              b: { poolId: bpid, blockId: b.blockId, generationStamp: b.generationStamp, numBytes: b.numBytes },
              offset: -1, locs, corrupt: false, blockToken: EMPTY_TOKEN, isCached: locs.map(() => false),
            },
            ...(b.truncateLength !== null ? { truncateBlock: { blockId: b.blockId, genStamp: b.recoveryId, numBytes: b.truncateLength } } : {}),
          };
        }),
      },
    };
  }

  /**
   * HeartbeatManager.Monitor: dead nodes (returns them); `keysRolled` marks every node for a key
   * update. Also the decommission monitor's tick (DatanodeAdminManager).
   */
  check(now: number, keysRolled: boolean): DatanodeDescriptor[] {
    this.admin.check(this.#byUuid.values());
    const dead: DatanodeDescriptor[] = [];
    for (const dn of this.#byUuid.values()) {
      if (keysRolled) dn.needKeyUpdate = true;
      if (dn.alive && now - dn.lastHeartbeat > this.#o.heartbeatExpireMs) {
        log.warn({ datanode: dn.xferAddr, uuid: dn.uuid, lastHeartbeat: dn.lastHeartbeat }, 'DataNode is dead: no heartbeat within the expiry interval');
        this.#remove(dn);
        dead.push(dn);
      }
    }
    return dead;
  }

  /** errorReport FATAL_DISK_ERROR / a replaced node: its replicas stop being locations. */
  remove(reg: DatanodeRegistration): void {
    const dn = this.#byUuid.get(reg.datanodeID.datanodeUuid);
    if (dn) this.#remove(dn);
  }

  #remove(dn: DatanodeDescriptor): void {
    dn.alive = false;
    this.#o.blocks.removeReplicasOf(dn);
    dn.invalidate.length = 0;
    dn.replicate.length = 0; // DatanodeDescriptor.resetBlocks: its replications time out in pendingReconstruction
  }
}

function registrationId(s: StorageInfo): string {
  return `NS-${s.namespceID}-${s.clusterID}-${s.cTime}`;
}

/** DatanodeRegistration.toString. */
export function registrationString(reg: DatanodeRegistration): string {
  const id = reg.datanodeID;
  const s = reg.storageInfo;
  return `DatanodeRegistration(${id.ipAddr}:${id.xferPort}, datanodeUuid=${id.datanodeUuid}, infoPort=${id.infoPort}, ` +
    `infoSecurePort=${id.infoSecurePort ?? 0}, ipcPort=${id.ipcPort}, storageInfo=lv=${s.layoutVersion};cid=${s.clusterID};nsid=${s.namespceID};c=${s.cTime})`;
}

/** DisallowedDatanodeException(nodeID): `who` is the DatanodeID's toString (the registration, or ip:xferPort). */
export function disallowed(who: string, datanodeUuid: string): Error {
  return fsError('DATANODE_DISALLOWED', HadoopException.DISALLOWED_DATANODE,
    `Datanode denied communication with namenode because the host is not in the include-list: ${who}`, { datanodeUuid, configKey: 'dfs.hosts' });
}

/** UnregisteredNodeException: the DataNode registers again when it sees it. */
export function unregistered(reg: DatanodeRegistration): Error {
  return fsError('DATANODE_UNREGISTERED', HadoopException.UNREGISTERED_NODE, `Unregistered server: ${registrationString(reg)}`, { datanodeUuid: reg.datanodeID.datanodeUuid });
}

/**
 * VersionUtil.compareVersions (Maven's ComparableVersion, simplified): numeric components compare
 * as numbers, others as text; a qualifier ("-beta") or a "-SNAPSHOT" suffix sorts before the release.
 */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/-SNAPSHOT$/i, '').split(/[.-]/);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return /^\d+$/.test(y!) ? -1 : 1;
    if (y === undefined) return /^\d+$/.test(x) ? 1 : -1;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    const c = !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : !Number.isNaN(nx) ? 1 : !Number.isNaN(ny) ? -1 : x.localeCompare(y);
    if (c !== 0) return Math.sign(c);
  }
  const snapA = /-SNAPSHOT$/i.test(a);
  const snapB = /-SNAPSHOT$/i.test(b);
  return snapA === snapB ? 0 : snapA ? -1 : 1;
}
