/**
 * What `hdfs dfsadmin -report`, `-printTopology`, `-safemode` and `-saveNamespace` ask the NameNode
 * (Hadoop 3.4.1 FSNamesystem.getStats / getReplicatedBlockStats / getECBlockGroupStats /
 * datanodeReport / slowDataNodesReport / setSafeMode / saveNamespace behind NameNodeRpcServer):
 *  - capacity figures summed over the live DataNodes' storage reports;
 *  - replicated block counts from the blocks map: a complete block without a live finalized
 *    replica that is not corrupt is missing, one with fewer live good replicas than its file's
 *    replication is low redundancy (highest priority with a single replica left); the corrupt
 *    blocks are those with a replica in the corrupt replicas map (CorruptReplicasMap.size, which
 *    `dfsadmin -report` prints as "Blocks with corrupt replicas"); pending deletions are the
 *    replicas queued for the DataNodes' next heartbeats. hsec has no erasure coding, so those
 *    counts are 0;
 *  - the DataNode report by DatanodeReportType (a superuser call: "Access denied for user U.
 *    Superuser privilege is required", audited as refused); DECOMMISSIONING lists the nodes in
 *    DECOMMISSION_INPROGRESS (dfs.hosts.exclude, namenode-admin-ops.ts), no node is ever in
 *    maintenance here, and no slow-peer tracking runs (Hadoop's answer with dfs.datanode.peer.stats
 *    off: none);
 *  - safe mode (FSNamesystem.setSafeMode): GET answers whether the NameNode is in safe mode, for
 *    any user; ENTER, LEAVE and FORCE_EXIT need the superuser ("Access denied for user U. Superuser
 *    privilege is required", audited as refused) and turn the manual safe mode on or off
 *    (namesystem.ts: while it is on, every namespace change refuses with SafeModeException); GET
 *    also sees the start-up safe mode and LEAVE ends it. hsec has no bytes in future, so
 *    FORCE_EXIT leaves as LEAVE does. Audited as "safemode_get", "safemode_enter", ...;
 *  - saveNamespace (FSNamesystem.saveNamespace): superuser, then only in safe mode ("Safe mode should
 *    be turned ON in order to create namespace image."); it writes a snapshot of the namespace now
 *    and starts a new journal (namespace-store.ts), unless a time window or transaction gap says the
 *    newest snapshot is recent enough. As NameNodeRpcServer.saveNamespace, the call answers true
 *    either way; only the log says whether an image was written;
 *  - rollEdits (FSNamesystem.rollEditLog): superuser, then refused in safe mode ("Log not rolled");
 *    the namespace store finishes its journal and continues in a new one, with no snapshot
 *    (namespace-store.ts `roll`), and the answer is the new segment's first transaction id (see
 *    FsNamesystem.rollEditLog for how hsec counts them). Audited as "rollEditLog".
 * Every call is audited as FSNamesystem's logAuditEvent does.
 */
import { getLogger } from '../../lib/log/logger.ts';
import type { DatanodeReportType, ECBlockGroupStats, GetFsStatsResponse, ReplicatedBlockStats, SafeModeAction } from '../protocol/client-protocol.ts';
import type { DatanodeInfo } from '../protocol/hdfs-types.ts';
import { datanodesForReport } from './namenode-admin-ops.ts';
import { permissionDenied } from './namespace/fs-errors.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

const log = getLogger('namenode.state');

export class ClusterStatus {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSNamesystem.getStats: capacity, used and remaining of the live DataNodes, and the block counts. */
  fsStats(): GetFsStatsResponse {
    let capacity = 0;
    let used = 0;
    let remaining = 0;
    for (const dn of this.#ns.datanodes.live()) {
      const info = dn.toInfo();
      capacity += info.capacity ?? 0;
      used += info.dfsUsed ?? 0;
      remaining += info.remaining ?? 0;
    }
    const b = this.replicatedBlockStats();
    return {
      capacity, used, remaining, under_replicated: b.low_redundancy, corrupt_blocks: b.corrupt_blocks, missing_blocks: b.missing_blocks,
      missing_repl_one_blocks: b.missing_repl_one_blocks, blocks_in_future: b.blocks_in_future, pending_deletion_blocks: b.pending_deletion_blocks,
    };
  }

  /** FSNamesystem.getReplicatedBlockStats (see the file comment for what is counted). */
  replicatedBlockStats(): ReplicatedBlockStats {
    let low = 0;
    let highest = 0;
    let missing = 0;
    let missingReplOne = 0;
    for (const block of this.#ns.fsd.allBlocks()) {
      if (!block.complete || !block.file) continue;
      const live = this.#ns.blocks.locations(block).length;
      const expected = block.file.replication;
      if (live === 0) {
        missing++;
        if (expected === 1) missingReplOne++;
      } else if (live < expected) {
        low++;
        if (live === 1) highest++;
      }
    }
    let pending = 0;
    for (const dn of this.#ns.datanodes.live()) pending += dn.invalidate.length;
    return {
      low_redundancy: low, corrupt_blocks: this.#ns.blocks.corruptReplicas.size, missing_blocks: missing, missing_repl_one_blocks: missingReplOne,
      blocks_in_future: 0, pending_deletion_blocks: pending, highest_prio_low_redundancy_blocks: highest,
    };
  }

  /** FSNamesystem.getECBlockGroupStats: hsec stores no erasure-coded files. */
  ecBlockGroupStats(): ECBlockGroupStats {
    return { low_redundancy: 0, corrupt_blocks: 0, missing_blocks: 0, blocks_in_future: 0, pending_deletion_blocks: 0, highest_prio_low_redundancy_blocks: 0 };
  }

  /** FSNamesystem.datanodeReport: superuser only. */
  datanodeReport(type: DatanodeReportType, caller: CallerInfo): DatanodeInfo[] {
    this.#checkSuperuser(caller, 'datanodeReport');
    const nodes = datanodesForReport(this.#ns, type);
    this.#ns.audit(caller, 'datanodeReport', null);
    return nodes.map((dn) => dn.toInfo());
  }

  /** FSNamesystem.slowDataNodesReport: no slow-peer tracking runs, so none. */
  slowDatanodeReport(caller: CallerInfo): DatanodeInfo[] {
    this.#ns.audit(caller, 'slowDataNodesReport', null);
    return [];
  }

  /** FSNamesystem.setSafeMode: resolves whether the NameNode is in safe mode afterwards. */
  async setSafeMode(action: SafeModeAction, caller: CallerInfo): Promise<boolean> {
    const operationName = action.toLowerCase();
    if (action !== 'SAFEMODE_GET') {
      this.#checkSuperuser(caller, operationName);
      if (action === 'SAFEMODE_ENTER') await this.#ns.enterSafeMode();
      else await this.#ns.leaveSafeMode(action === 'SAFEMODE_FORCE_EXIT');
    }
    this.#ns.audit(caller, operationName, null);
    return this.#ns.isInSafeMode();
  }

  /** FSNamesystem.saveNamespace: whether an image was written (the RPC answers true regardless). */
  async saveNamespace(timeWindowSec: number, txGap: number, caller: CallerInfo): Promise<boolean> {
    this.#checkSuperuser(caller, 'saveNamespace');
    const saved = await this.#ns.saveNamespace(timeWindowSec, txGap);
    if (saved) log.info({ user: caller.user }, 'New namespace image has been created');
    this.#ns.audit(caller, 'saveNamespace', null);
    return saved;
  }

  /** FSNamesystem.rollEditLog: the first transaction id of the new segment. */
  async rollEdits(caller: CallerInfo): Promise<number> {
    this.#checkSuperuser(caller, 'rollEditLog');
    const txid = await this.#ns.rollEditLog(caller.address);
    this.#ns.audit(caller, 'rollEditLog', null);
    return txid;
  }

  #checkSuperuser(caller: CallerInfo, operationName: string): void {
    checkSuperuserPrivilege(this.#ns, caller, operationName, null);
  }
}

/** FSNamesystem.checkSuperuserPrivilege(operationName, path): refused calls are audited. */
export function checkSuperuserPrivilege(ns: FsNamesystem, caller: CallerInfo, operationName: string, path: string | null): void {
  const pc = ns.checker(caller);
  if (!ns.settings.permissions.enabled || pc.superUser) return;
  ns.auditDenied(caller, operationName, path);
  throw permissionDenied(`Access denied for user ${caller.user}. Superuser privilege is required`, { user: caller.user });
}
