/**
 * The snapshot calls of ClientProtocol (`hdfs dfs -createSnapshot / -deleteSnapshot /
 * -renameSnapshot`, `hdfs lsSnapshottableDir / lsSnapshot / snapshotDiff`, `hdfs dfsadmin
 * -allowSnapshot / -disallowSnapshot`) answered by a NameNode that keeps no snapshots, as a stock
 * Hadoop 3.4.1 NameNode with no snapshottable directory answers them (NameNodeRpcServer,
 * FSNamesystem, FSDirSnapshotOp, SnapshotManager, DirectorySnapshottableFeature), in Hadoop's
 * order of checks, with its exception classes, messages and audit lines.
 *
 * Hadoop's root directory is snapshottable with a snapshot quota of 0 (FSDirectory.createRoot), yet
 * is not among SnapshotManager's snapshottable directories (no listing names it); every other
 * directory is not snapshottable. So, after the checks below:
 *  - getSnapshottableDirListing: none (null; the translator sends an empty response);
 *    audited as "listSnapshottableDirectory";
 *  - allowSnapshot: superuser, safe mode ("Cannot allow snapshot for /p"), the directory
 *    (INodeDirectory.valueOf: "Directory does not exist: /p", "`/p': Is not a directory"), then
 *    refused with hsec's own SnapshotException "hsec has no snapshots: ..." (nothing journaled);
 *  - disallowSnapshot: the same checks, then nothing to do (SnapshotManager.resetSnapshottable of a
 *    directory that is not snapshottable; the root's quota stays 0); audited;
 *  - createSnapshot: the path's length (checkPathLength), safe mode, the traverse check, "/.snapshot"
 *    (a read-only snapshot), the owner check (dfs.permissions.enabled; "Directory/File does not
 *    exist /p" first), the name (DFSUtil.isValidNameForComponent: InvalidPathException "Invalid path
 *    name Invalid snapshot name: a:b"; FSDirSnapshotOp.verifySnapshotName: ".snapshot" reserved,
 *    dfs.namenode.fs-limits.max-component-length), then SnapshotManager.getSnapshottableRoot:
 *    "/" -> "Failed to add snapshot: there are already 0 snapshot(s) and the snapshot quota is 0",
 *    another directory -> "Directory is not a snapshottable directory: /p";
 *  - deleteSnapshot: an empty name (IOException "The snapshot name is null or empty."), safe mode,
 *    traverse, "/.snapshot", owner, then "/" -> "Cannot delete snapshot s from path /: the
 *    snapshot does not exist.", another directory -> not snapshottable;
 *  - renameSnapshot: an empty new name, safe mode, traverse, "/.snapshot", owner, the new name
 *    (verifySnapshotName: 'Snapshot name cannot contain "/"', ".snapshot", length), then "/" ->
 *    "The snapshot s does not exist for directory /", another directory -> not snapshottable;
 *  - getSnapshotListing ("ListSnapshot"): the simple traverse (ParentNotDirectoryException), then
 *    with permissions on EXECUTE along the path and READ on it, then "/" -> no snapshots (an empty
 *    listing), another directory -> not snapshottable;
 *  - getSnapshotDiffReport / getSnapshotDiffReportListing ("computeSnapshotDiff"): traverse, with
 *    permissions on READ on `<p>/.snapshot/<from>` and `<p>/.snapshot/<to>` (missing, so only the
 *    traverse of p counts), then SnapshotManager.diff: with
 *    dfs.namenode.snapshotdiff.allow.snap-root-descendant (default true) the directory or, for a
 *    file or missing path, its parent must be snapshottable ("The path /p is neither snapshottable
 *    nor under a snapshot root!"), so only "/" and paths right under it pass; with false the path
 *    itself (getSnapshottableRoot); then the path must be a directory; then each named snapshot must exist ("Cannot find the snapshot of directory / with
 *    name s"). The current tree against itself is an empty report (and an empty listing).
 * An AccessControlException is audited as allowed=false where FSNamesystem does so; other refusals
 * are not audited. Nothing here is journaled, so the retry cache has nothing to replay.
 */
import { AccessControlError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { SnapshotDiffReport, SnapshotDiffReportListing, SnapshotStatus, SnapshottableDirectoryStatus } from '../protocol/client-protocol.ts';
import { checkSuperuserPrivilege } from './cluster-status.ts';
import { lastInode, type ResolvedPath } from './namespace/fs-directory.ts';
import { fileNotFound, fsError, HadoopException, illegalArgument, invalidPath, ioError, parentNotDirectory } from './namespace/fs-errors.ts';
import type { INode } from './namespace/inode.ts';
import { checkPathLength, joinPath } from './namespace/paths.ts';
import { FsAction } from './namespace/permission-checker.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

const log = getLogger('namenode.namesystem');

/** HdfsConstants.DOT_SNAPSHOT_DIR */
const DOT_SNAPSHOT = '.snapshot';
/** HdfsServerConstants.RESERVED_PATH_COMPONENTS */
const RESERVED_COMPONENTS = new Set([DOT_SNAPSHOT, '.reserved']);

/** Snapshot.getSnapshotPath: `<dir>/.snapshot/<name>` ("/" not doubled). */
export function snapshotPath(dir: string, name: string): string {
  return `${dir.endsWith('/') ? dir : `${dir}/`}${DOT_SNAPSHOT}/${name}`;
}

/** DFSUtil.isValidNameForComponent. */
function isValidNameForComponent(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes(':') && !name.includes('/') && !RESERVED_COMPONENTS.has(name);
}

const snapshotError = (message: string, path: string) => fsError('FS_UNSUPPORTED', HadoopException.SNAPSHOT, message, { path });

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
   * NameNodeRpcServer.createSnapshot's checkPathLength, then FSNamesystem.createSnapshot /
   * FSDirSnapshotOp.createSnapshot: refused (the root's quota is 0, no other directory is
   * snapshottable). An absent or empty name would be generated (Snapshot.generateDefaultSnapshotName)
   * and is always valid, so it is not made.
   */
  async createSnapshot(snapshotRoot: string, snapshotName: string | undefined, caller: CallerInfo): Promise<string> {
    const ns = this.#ns;
    checkPathLength('createSnapshot', snapshotRoot);
    return ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot create snapshot for ${snapshotRoot}`);
      const r = this.#resolveForWrite(snapshotRoot, caller, 'createSnapshot', snapshotRoot);
      if (snapshotName && !isValidNameForComponent(snapshotName)) throw invalidPath(`Invalid snapshot name: ${snapshotName}`, snapshotRoot);
      if (snapshotName) this.#verifySnapshotName(snapshotName, snapshotRoot);
      // SnapshotManager.createSnapshot -> INodeDirectory.addSnapshot (DirectorySnapshottableFeature)
      this.#snapshottableRoot(r);
      throw snapshotError('Failed to add snapshot: there are already 0 snapshot(s) and the snapshot quota is 0', r.path);
    });
  }

  /** NameNodeRpcServer.deleteSnapshot, FSNamesystem.deleteSnapshot, SnapshotManager.deleteSnapshot: no snapshot exists. */
  async deleteSnapshot(snapshotRoot: string, snapshotName: string, caller: CallerInfo): Promise<void> {
    const ns = this.#ns;
    if (!snapshotName) throw ioError('FS_INVALID_ARGUMENT', 'The snapshot name is null or empty.', { path: snapshotRoot });
    await ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot delete snapshot for ${snapshotRoot}`);
      const r = this.#resolveForWrite(snapshotRoot, caller, 'deleteSnapshot', snapshotPath(snapshotRoot, snapshotName));
      this.#snapshottableRoot(r);
      // DirectorySnapshottableFeature.removeSnapshot: the root's full path name
      throw snapshotError(`Cannot delete snapshot ${snapshotName} from path /: the snapshot does not exist.`, r.path);
    });
  }

  /** NameNodeRpcServer.renameSnapshot, FSNamesystem.renameSnapshot, FSDirSnapshotOp.renameSnapshot: no snapshot exists. */
  async renameSnapshot(path: string, oldName: string, newName: string, caller: CallerInfo): Promise<void> {
    const ns = this.#ns;
    if (!newName) throw ioError('FS_INVALID_ARGUMENT', 'The new snapshot name is null or empty.', { path });
    await ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot rename snapshot for ${path}`);
      const r = this.#resolveForWrite(path, caller, 'renameSnapshot', snapshotPath(path, oldName), snapshotPath(path, newName));
      this.#verifySnapshotName(newName, path);
      this.#snapshottableRoot(r);
      // DirectorySnapshottableFeature.renameSnapshot names the path as the caller gave it
      throw snapshotError(`The snapshot ${oldName} does not exist for directory ${path}`, r.path);
    });
  }

  /** FSNamesystem.getSnapshotListing ("ListSnapshot"): the root's snapshots (none), or refused. */
  getSnapshotListing(snapshotRoot: string, caller: CallerInfo): SnapshotStatus[] {
    const ns = this.#ns;
    const r = this.#audited(caller, 'ListSnapshot', snapshotRoot, undefined, () => {
      // FSDirectory.getINodesInPath (no permission checker), then checkPathAccess(READ)
      const resolved = ns.fsd.resolve(snapshotRoot);
      simpleTraverse(resolved);
      if (ns.settings.permissions.enabled) {
        const pc = ns.checker(caller);
        pc.checkTraverse(resolved, false);
        pc.check(resolved, { access: FsAction.READ });
      }
      return resolved;
    });
    this.#snapshottableRoot(r);
    ns.audit(caller, 'ListSnapshot', snapshotRoot);
    return [];
  }

  /** FSNamesystem.getSnapshotDiffReport: "/" between the current tree and itself is empty; all else is refused. */
  getSnapshotDiffReport(path: string, fromSnapshot: string, toSnapshot: string, caller: CallerInfo): SnapshotDiffReport {
    const started = performance.now();
    this.#diff(path, fromSnapshot, toSnapshot, caller);
    // Time.monotonicNow() differences in whole milliseconds, printed as Java prints a double
    const seconds = javaSeconds(Math.floor(performance.now() - started));
    log.info({ snapshotRoot: path }, `SnapshotDiffReport '${fromSnapshot}' to '${toSnapshot}'. Total comparison dirs: 0/0, files: 0/0. Time snapChildrenListing: 0.0s, actual: ${seconds}s, total: ${seconds}s.`);
    return { snapshotRoot: path, fromSnapshot, toSnapshot, diffReportEntries: [] };
  }

  /**
   * FSNamesystem.getSnapshotDiffReportListing: as getSnapshotDiffReport; an empty listing whose
   * cursor (empty start path, index -1) tells the client it is complete.
   */
  getSnapshotDiffReportListing(path: string, fromSnapshot: string, toSnapshot: string, caller: CallerInfo): SnapshotDiffReportListing {
    this.#diff(path, fromSnapshot, toSnapshot, caller);
    return { modifiedEntries: [], createdEntries: [], deletedEntries: [], isFromEarlier: false, cursor: { startPath: new Uint8Array(0), index: -1 } };
  }

  /**
   * FSDirSnapshotOp.getSnapshotDiffReport(Listing) and SnapshotManager.diff up to the snapshot
   * look-ups (DirectorySnapshottableFeature.getSnapshotByName, `from` first), which only the current
   * tree ("") passes: the report returns early when both are current, the listing compares the two
   * after looking both up.
   */
  #diff(path: string, from: string, to: string, caller: CallerInfo): void {
    const ns = this.#ns;
    const fromRoot = from ? snapshotPath(path, from) : path;
    const toRoot = to ? snapshotPath(path, to) : path;
    const r = this.#audited(caller, 'computeSnapshotDiff', fromRoot, toRoot, () => {
      const pc = ns.checker(caller);
      const resolved = ns.resolve(pc, path, false);
      if (ns.settings.permissions.enabled) {
        // checkSubtreeReadPermission: the RPC's names are never null, so always the .snapshot path
        for (const name of [from, to]) pc.check(ns.resolve(pc, snapshotPath(path, name), false), { access: FsAction.READ, subtree: FsAction.READ });
      }
      return resolved;
    });
    const last = lastInode(r);
    if (ns.settings.snapshotDiffAllowSnapRootDescendant ?? true) {
      // SnapshotManager.checkAndGetSnapshottableAncestorDir: the directory, or a file's or missing path's parent
      const dir = last?.kind === 'directory' ? last : directoryOf(r.inodes[r.inodes.length - 2], joinPath(r.components, r.components.length - 1));
      if (dir !== ns.fsd.root) throw snapshotError(`The path ${r.path} is neither snapshottable nor under a snapshot root!`, r.path);
    } else {
      this.#snapshottableRoot(r);
    }
    directoryOf(last, path);
    const missing = from || to;
    if (missing) throw snapshotError(`Cannot find the snapshot of directory / with name ${missing}`, r.path);
    ns.audit(caller, 'computeSnapshotDiff', fromRoot, undefined, toRoot);
  }

  /**
   * FSDirectory.resolvePath(pc, src, DirOp.WRITE) and checkOwner (with dfs.permissions.enabled) of
   * create / delete / renameSnapshot; an AccessControlException is audited with `auditSrc` / `auditDst`.
   */
  #resolveForWrite(src: string, caller: CallerInfo, cmd: string, auditSrc: string, auditDst?: string): ResolvedPath {
    const ns = this.#ns;
    return this.#audited(caller, cmd, auditSrc, auditDst, () => {
      const pc = ns.checker(caller);
      const r = ns.resolve(pc, src, false);
      // FSDirectory.checkTraverse: a path through the root's ".snapshot" is inside a snapshot
      if (r.components[0] === DOT_SNAPSHOT) {
        throw new AccessControlError('ACCESS_DENIED', 'Modification on a read-only snapshot is disallowed', { path: r.path, exceptionClassName: HadoopException.SNAPSHOT_ACCESS_CONTROL });
      }
      if (ns.settings.permissions.enabled) pc.checkOwner(r);
      return r;
    });
  }

  /** FSNamesystem's `catch (AccessControlException ace) { logAuditEvent(false, ...) }` around `fn`. */
  #audited<T>(caller: CallerInfo, cmd: string, src: string, dst: string | undefined, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      return this.#ns.auditRefusal(e, caller, cmd, src, dst);
    }
  }

  /** FSDirSnapshotOp.verifySnapshotName: no '/', then FSDirectory.verifyINodeName and verifyMaxComponentLength. */
  #verifySnapshotName(name: string, path: string): void {
    if (name.includes('/')) throw illegalArgument('Snapshot name cannot contain "/"', { path });
    this.#ns.verifyName(path, name);
  }

  /**
   * SnapshotManager.getSnapshottableRoot: the path must be a directory, and a snapshottable one;
   * only the root is (the caller says what its quota of 0 or its lack of snapshots answers).
   */
  #snapshottableRoot(r: ResolvedPath): void {
    const node = directoryOf(lastInode(r), r.path);
    if (node !== this.#ns.fsd.root) throw snapshotError(`Directory is not a snapshottable directory: ${r.path}`, r.path);
  }

  /** INodeDirectory.valueOf(iip.getLastINode(), path) of SnapshotManager.setSnapshottable / resetSnapshottable. */
  #directory(path: string): INode {
    return directoryOf(lastInode(this.#ns.fsd.resolve(path)), path);
  }
}

/** INodeDirectory.valueOf: FileNotFoundException or PathIsNotDirectoryException naming `path`. */
function directoryOf(node: INode | undefined, path: string): INode {
  if (!node) throw fileNotFound(`Directory does not exist: ${path}`, path);
  if (node.kind !== 'directory') throw fsError('FS_INVALID_PATH', HadoopException.PATH_IS_NOT_DIRECTORY, `\`${path}': Is not a directory`, { path });
  return node;
}

/** `ms / 1000.0` as Java's Double.toString prints it (below 10^7): "0.0", "0.002", "1.5". */
function javaSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? s.toFixed(1) : String(s);
}

/** FSPermissionChecker.checkSimpleTraverse: every existing ancestor must be a directory. */
function simpleTraverse(r: ResolvedPath): void {
  for (let i = 0; i < r.inodes.length - 1; i++) {
    const inode = r.inodes[i];
    if (!inode) return;
    if (inode.kind !== 'directory') throw parentNotDirectory(`${joinPath(r.components, i)} (is not a directory)`, r.path);
  }
}
