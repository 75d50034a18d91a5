/**
 * The snapshot calls of ClientProtocol that a stock client or `hdfs dfsadmin` / `hdfs
 * lsSnapshottableDir` makes, answered by a NameNode that has no snapshots (Hadoop 3.4.1
 * FSNamesystem.getSnapshottableDirListing / allowSnapshot / disallowSnapshot / createSnapshot,
 * FSDirSnapshotOp, SnapshotManager), in Hadoop's order of checks and with its messages:
 *  - getSnapshottableDirListing: no snapshottable directory, so no listing (the server translator
 *    answers null with an empty response); audited as "listSnapshottableDirectory";
 *  - allowSnapshot: superuser (checkSuperuserPrivilege, audited as refused), safe mode ("Cannot
 *    allow snapshot for /p"), the directory (FileNotFoundException "Directory does not exist: /p",
 *    PathIsNotDirectoryException "`/p': Is not a directory"), then refused: SnapshotException
 *    "hsec has no snapshots: ..." (nothing is changed or journaled);
 *  - disallowSnapshot: the same checks ("Cannot disallow snapshot for /p"), then nothing to do, as
 *    SnapshotManager.resetSnapshottable does for a directory that is not snapshottable; audited;
 *  - createSnapshot: the path's length (NameNodeRpcServer.checkPathLength: 8000 characters, 1000
 *    levels, IOException "createSnapshot: Pathname too long.  Limit 8000 characters, 1000 levels."), safe mode ("Cannot create snapshot for /p"), the traverse check, the owner
 *    check when dfs.permissions.enabled (an AccessControlException is audited as refused), the
 *    directory, then SnapshotException "Directory is not a snapshottable directory: /p"
 *    (SnapshotManager.getSnapshottableRoot): no directory is snapshottable here. The snapshot name
 *    is not validated (every call is refused before a name would matter, except for Hadoop's
 *    "Invalid snapshot name" text, which comes first there).
 * Hadoop's root directory is snapshottable with a snapshot quota of 0; hsec's is not, so
 * createSnapshot of "/" says it is not snapshottable where Hadoop says the quota is 0.
 */
import type { SnapshottableDirectoryStatus } from '../protocol/client-protocol.ts';
import { checkSuperuserPrivilege } from './cluster-status.ts';
import { lastInode } from './namespace/fs-directory.ts';
import { fileNotFound, fsError, HadoopException } from './namespace/fs-errors.ts';
import type { INode } from './namespace/inode.ts';
import { checkPathLength } from './namespace/paths.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

export class SnapshotOps {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSNamesystem.getSnapshottableDirListing: undefined (Hadoop's null), as no directory is snapshottable. */
  getSnapshottableDirListing(caller: CallerInfo): SnapshottableDirectoryStatus[] | undefined {
    this.#ns.audit(caller, 'listSnapshottableDirectory', null);
    return undefined;
  }

  /** FSNamesystem.allowSnapshot: refused after Hadoop's checks. */
  async allowSnapshot(path: string, caller: CallerInfo): Promise<void> {
    const ns = this.#ns;
    checkSuperuserPrivilege(ns, caller, 'allowSnapshot', path);
    await ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot allow snapshot for ${path}`);
      this.#directory(path);
      throw fsError('FS_UNSUPPORTED', HadoopException.SNAPSHOT,
        `hsec has no snapshots: cannot allow snapshot for ${path}; this NameNode keeps no snapshots of directories, so none can be made snapshottable`, { path });
    });
  }

  /** FSNamesystem.disallowSnapshot: a directory that is not snapshottable stays so; nothing is journaled. */
  async disallowSnapshot(path: string, caller: CallerInfo): Promise<void> {
    const ns = this.#ns;
    checkSuperuserPrivilege(ns, caller, 'disallowSnapshot', path);
    await ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot disallow snapshot for ${path}`);
      this.#directory(path);
    });
    ns.audit(caller, 'disallowSnapshot', path);
  }

  /**
   * NameNodeRpcServer.createSnapshot's checkPathLength, then FSNamesystem.createSnapshot: refused,
   * the directory not being snapshottable.
   */
  async createSnapshot(snapshotRoot: string, caller: CallerInfo): Promise<string> {
    const ns = this.#ns;
    checkPathLength('createSnapshot', snapshotRoot);
    return ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot create snapshot for ${snapshotRoot}`);
      let path = snapshotRoot;
      try {
        const pc = ns.checker(caller);
        const r = ns.resolve(pc, snapshotRoot, false);
        path = r.path;
        if (ns.settings.permissions.enabled) pc.checkOwner(r);
      } catch (e) {
        ns.auditRefusal(e, caller, 'createSnapshot', snapshotRoot);
      }
      // SnapshotManager.getSnapshottableRoot
      this.#directory(path);
      throw fsError('FS_UNSUPPORTED', HadoopException.SNAPSHOT, `Directory is not a snapshottable directory: ${path}`, { path });
    });
  }

  /** INodeDirectory.valueOf(iip.getLastINode(), path) of SnapshotManager.setSnapshottable / resetSnapshottable. */
  #directory(path: string): INode {
    const node = lastInode(this.#ns.fsd.resolve(path));
    if (!node) throw fileNotFound(`Directory does not exist: ${path}`, path);
    if (node.kind !== 'directory') throw fsError('FS_INVALID_PATH', HadoopException.PATH_IS_NOT_DIRECTORY, `\`${path}': Is not a directory`, { path });
    return node;
  }
}
