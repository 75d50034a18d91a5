/**
 * The `hdfs dfsadmin` and Balancer calls about the NameNode itself (Hadoop 3.4.1
 * NameNodeRpcServer + FSNamesystem), each superuser check refused with "Access denied for user U.
 * Superuser privilege is required" and audited as refused, each success audited as Hadoop does:
 *  - finalizeUpgrade (FSNamesystem.finalizeUpgrade -> FSImage.finalizeUpgrade): hsec never runs an
 *    upgrade (no `previous` directories to remove), so after the superuser check it only logs
 *    "Finalizing upgrade for local dirs." and marks the upgrade finalized, as a 3.4.1 NameNode with
 *    no upgrade in progress does; audited;
 *  - upgradeStatus (NameNodeRpcServer.upgradeStatus -> isUpgradeFinalized): true, for any user, not
 *    audited (hsec's storage is never mid-upgrade);
 *  - restoreFailedStorage (FSNamesystem.restoreFailedStorage): "check" answers the flag, "true" sets
 *    it, anything else clears it; audited as checkRestoreFailedStorage / enableRestoreFailedStorage /
 *    disableRestoreFailedStorage (the superuser refusal under the same name). The flag starts as
 *    dfs.namenode.name.dir.restore and lives in memory (NNStorage.restoreFailedStorage); hsec has
 *    one name directory and nothing acts on the flag;
 *  - metaSave (FSNamesystem.metaSave): the file `filename` under the NameNode's log directory
 *    (hadoop.log.dir: HADOOP_LOG_DIR), overwritten, in Hadoop's sections (meta-save.ts); audited;
 *  - getDatanodeStorageReport (FSNamesystem.getDatanodeStorageReport): each DataNode of the report
 *    type with the storage reports its last heartbeat carried; audited;
 *  - getCurrentEditLogTxid (NameNodeRpcServer.getCurrentEditLogTxid): the last transaction id
 *    written (FsNamesystem.txid, counted on across restarts); not audited;
 *  - getEditsFromTxid (NameNodeRpcServer.getEditsFromTxid, HDFS inotify): refused after the superuser
 *    check. Hadoop reads its edit-log segments back from `txid` (FSEditLog.selectInputStreams) and
 *    turns each op into events (InotifyFSEditLogOpTranslator). hsec's namespace store keeps no such
 *    history: saveNamespace and compaction fold the journal into a snapshot, and what a journal
 *    holds are hsec's own records, not the edit-log ops the events are built from. It cannot answer
 *    "every change since transaction N" truthfully, so an IOException says so rather than an empty
 *    or invented batch;
 *  - refreshNodes (FSNamesystem.refreshNodes -> DatanodeManager.refreshNodes): the configuration
 *    loaded again (Hadoop's `new HdfsConfiguration()`), dfs.hosts and dfs.hosts.exclude read and
 *    their names resolved (outside the namesystem lock, as Hadoop's refreshHostsReader), then every
 *    DataNode's admin state updated under it (blocks/datanode-manager.ts); audited.
 */
import { writeFile } from 'node:fs/promises';
import type { Configuration } from '../../lib/config/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { DatanodeReportType, DatanodeStorageReport } from '../protocol/client-protocol.ts';
import type { DatanodeDescriptor } from './blocks/datanode-descriptor.ts';
import type { HostFiles } from './blocks/host-file-manager.ts';
import { checkSuperuserPrivilege } from './cluster-status.ts';
import { metaSaveText } from './meta-save.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';
import { ioError, javaFile, nioFileError, nulInPath } from './namespace/fs-errors.ts';

const log = getLogger('namenode.admin');

export interface NameNodeAdminOpsOptions {
  /** hadoop.log.dir: where metaSave writes */
  readonly logDir: string;
  /** dfs.namenode.name.dir.restore: the restoreFailedStorage flag at start */
  readonly restoreFailedStorage: boolean;
  /** Loads the configuration again (refreshNodes reads dfs.hosts / dfs.hosts.exclude from it). */
  readonly reloadConfiguration: () => Configuration;
}

/** The include and exclude file names a configuration names (DFSConfigKeys.DFS_HOSTS, DFS_HOSTS_EXCLUDE). */
export function hostFilesOf(conf: Configuration): HostFiles {
  return { includes: conf.getTrimmed('dfs.hosts') ?? '', excludes: conf.getTrimmed('dfs.hosts.exclude') ?? '' };
}

/** The DataNodes of a report type (DatanodeManager.getDatanodeListForReport). */
export function datanodesForReport(ns: FsNamesystem, type: DatanodeReportType): DatanodeDescriptor[] {
  const dm = ns.datanodes;
  switch (type) {
    case 'ALL': return [...dm.live(), ...dm.dead()];
    case 'LIVE': return dm.live();
    case 'DEAD': return dm.dead();
    case 'DECOMMISSIONING': return dm.all().filter((d) => d.adminState === 'DECOMMISSION_INPROGRESS');
    default: return []; // ENTERING_MAINTENANCE, IN_MAINTENANCE: hsec has no maintenance states
  }
}

export class NameNodeAdminOps {
  readonly #ns: FsNamesystem;
  readonly #o: NameNodeAdminOpsOptions;
  #restoreFailedStorage: boolean;
  #upgradeFinalized = true;

  constructor(ns: FsNamesystem, options: NameNodeAdminOpsOptions) {
    this.#ns = ns;
    this.#o = options;
    this.#restoreFailedStorage = options.restoreFailedStorage;
  }

  /** FSNamesystem.finalizeUpgrade. */
  async finalizeUpgrade(caller: CallerInfo): Promise<void> {
    checkSuperuserPrivilege(this.#ns, caller, 'finalizeUpgrade', null);
    await this.#ns.write(async () => {
      // FSImage.finalizeUpgrade: the layout version and cTime are named only when the version is set
      const { cTime } = this.#ns.fsd.identity;
      log.info({ cTime }, 'Finalizing upgrade for local dirs. ');
      this.#upgradeFinalized = true;
    });
    this.#ns.audit(caller, 'finalizeUpgrade', null);
  }

  /** NameNodeRpcServer.upgradeStatus: FSImage.isUpgradeFinalized. */
  upgradeStatus(): boolean {
    return this.#upgradeFinalized;
  }

  /** FSNamesystem.restoreFailedStorage: the flag after the call. */
  async restoreFailedStorage(arg: string, caller: CallerInfo): Promise<boolean> {
    const operationName = arg === 'check' ? 'checkRestoreFailedStorage' : arg === 'true' ? 'enableRestoreFailedStorage' : 'disableRestoreFailedStorage';
    checkSuperuserPrivilege(this.#ns, caller, operationName, null);
    const val = await this.#ns.write(async () => {
      if (arg === 'check') return this.#restoreFailedStorage;
      this.#restoreFailedStorage = arg === 'true';
      return this.#restoreFailedStorage;
    });
    this.#ns.audit(caller, operationName, null);
    return val;
  }

  /**
   * FSNamesystem.metaSave: `new File(System.getProperty("hadoop.log.dir"), filename)`, opened with
   * Files.newOutputStream (created or truncated). The superuser names any file the NameNode's user
   * may write, "../" and absolute names included, exactly as in Hadoop; its failures are java.nio's.
   */
  async metaSave(filename: string, caller: CallerInfo): Promise<void> {
    checkSuperuserPrivilege(this.#ns, caller, 'metaSave', null);
    const file = javaFile(this.#o.logDir, filename);
    const nul = nulInPath(file);
    if (nul) throw nul;
    try {
      await writeFile(file, metaSaveText(this.#ns), 'utf8');
    } catch (e) {
      throw nioFileError(e, file);
    }
    log.info({ file, user: caller.user }, `Saved NameNode metadata to ${file}`);
    this.#ns.audit(caller, 'metaSave', null);
  }

  /** FSNamesystem.getDatanodeStorageReport. */
  datanodeStorageReport(type: DatanodeReportType, caller: CallerInfo): DatanodeStorageReport[] {
    checkSuperuserPrivilege(this.#ns, caller, 'getDatanodeStorageReport', null);
    const reports = datanodesForReport(this.#ns, type).map((dn) => ({ datanodeInfo: dn.toInfo(), storageReports: dn.storageReports() }));
    this.#ns.audit(caller, 'getDatanodeStorageReport', null);
    return reports;
  }

  /** NameNodeRpcServer.getCurrentEditLogTxid: FSEditLog.getLastWrittenTxId. */
  currentEditLogTxid(caller: CallerInfo): number {
    checkSuperuserPrivilege(this.#ns, caller, 'getCurrentEditLogTxid', null);
    return this.#ns.txid;
  }

  /** NameNodeRpcServer.getEditsFromTxid: refused (see the file comment). */
  editsFromTxid(txid: number, caller: CallerInfo): never {
    checkSuperuserPrivilege(this.#ns, caller, 'getEditsFromTxid', null);
    throw ioError('FS_UNSUPPORTED', `Cannot read edits from txid ${txid}: hsec does not serve HDFS inotify (getEditsFromTxid). Its namespace journal is folded ` +
      'into snapshots and keeps no edit-log segments to read back, so it cannot list every change since a transaction id', { txid });
  }

  /** FSNamesystem.refreshNodes. */
  async refreshNodes(caller: CallerInfo): Promise<void> {
    checkSuperuserPrivilege(this.#ns, caller, 'refreshNodes', null);
    const files = hostFilesOf(this.#o.reloadConfiguration());
    // DatanodeManager.refreshNodes: refreshHostsReader (the files read, their names resolved) outside
    // the namesystem lock, so a slow lookup holds up no namespace change; then refreshDatanodes under it
    const dm = this.#ns.datanodes;
    await dm.hosts.refresh(files);
    await this.#ns.write(async () => dm.refreshDatanodes(this.#ns.clock.now()));
    this.#ns.audit(caller, 'refreshNodes', null);
  }
}

