/**
 * The encryption-zone listings of ClientProtocol, answered by a NameNode that has no encryption
 * zones (Hadoop 3.4.1 FSNamesystem.listEncryptionZones / listReencryptionStatus, with
 * EncryptionZoneManager's answer before any zone was created: an empty batch, hasMore false).
 * Both are superuser calls: checkSuperuserPrivilege with the root directory's path
 * ("Access denied for user U. Superuser privilege is required", audited as refused with src=/),
 * then audited as allowed without a path (src=null); with dfs.permissions.enabled false anyone may.
 *
 * DistributedFileSystem.getTrashRoots (`hdfs dfs -expunge`, the trash emptier) calls
 * listEncryptionZones to find the zones' trash roots: a superuser gets the empty batch; any other
 * user gets the AccessControlException, which the stock client logs as the warning "Cannot get all
 * encrypted trash roots" and goes on, exactly as against a stock NameNode.
 */
import type { EncryptionZone, ZoneReencryptionStatus } from '../protocol/client-protocol.ts';
import { checkSuperuserPrivilege } from './cluster-status.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

export interface Batch<T> {
  entries: T[];
  hasMore: boolean;
}

export class EncryptionZoneOps {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSNamesystem.listEncryptionZones: the zones after zone id `prevId`; none here. */
  listEncryptionZones(_prevId: number, caller: CallerInfo): Batch<EncryptionZone> {
    return this.#empty('listEncryptionZones', caller);
  }

  /** FSNamesystem.listReencryptionStatus: the re-encryption status of the zones after `prevId`; none here. */
  listReencryptionStatus(_prevId: number, caller: CallerInfo): Batch<ZoneReencryptionStatus> {
    return this.#empty('listReencryptionStatus', caller);
  }

  #empty<T>(operationName: string, caller: CallerInfo): Batch<T> {
    checkSuperuserPrivilege(this.#ns, caller, operationName, '/');
    this.#ns.audit(caller, operationName, null);
    return { entries: [], hasMore: false };
  }
}
