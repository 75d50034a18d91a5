/**
 * The single-path queries of ClientProtocol a stock 3.4.1 client makes besides getFileInfo, and the
 * symlink calls, as Hadoop 3.4.1's NameNodeRpcServer / FSNamesystem / FSDirStatAndListingOp /
 * FSDirAttrOp answer them:
 *  - isFileClosed (FSNamesystem.isFileClosed, DistributedFileSystem.isFileClosed): the traverse
 *    check, then INodeFile.valueOf (FileNotFoundException "File does not exist: <src>" / "Path is
 *    not a file: <src>", with the path as given), then whether the file is not under construction.
 *    An AccessControlException is audited as refused; only a closed file (true) is audited as
 *    "isFileClosed", an open one (false) is not audited, as Hadoop logs `if (success)`;
 *  - getPreferredBlockSize (FSDirAttrOp.getPreferredBlockSize): the traverse check, then the file
 *    (INodeFile.valueOf with the resolved path: a directory is "Path is not a file: /d", a missing
 *    path "File does not exist: /p"), then its preferred block size. Not audited at all;
 *  - getLocatedFileInfo (NameNodeRpcServer.getLocatedFileInfo -> FSNamesystem.getFileInfo with
 *    needLocation): getFileInfo's status with the file's block locations, as getListing with
 *    needLocation builds them (namesystem.ts), plus READ block tokens when needBlockToken; audited
 *    as "open" when tokens were asked (the caller can then read the blocks, as after
 *    getBlockLocations) and as "getfileinfo" otherwise. A directory has no locations; a missing
 *    path is an empty response;
 *  - createSymlink (NameNodeRpcServer.createSymlink, FSNamesystem.createSymlink): the link's path
 *    length first (IOException "Symlink path exceeds 8000 character limit"; 1000 levels too, as
 *    checkPathLength counts them), then UnsupportedOperationException "Symlinks not supported":
 *    FileSystem.areSymlinksEnabled() is false in Hadoop 3 (HADOOP-10020), before safe mode,
 *    permissions or the audit log are looked at;
 *  - getLinkTarget (NameNodeRpcServer.getLinkTarget): getFileInfo without resolving a last link
 *    (audited as "getfileinfo"), then FileNotFoundException "File does not exist: <path>" when
 *    nothing is there, else IOException "Path <path> is not a symbolic link": hsec stores no
 *    symlinks, so there is never a target to answer.
 */
import type { FsPermission, HdfsFileStatus } from '../protocol/hdfs-types.ts';
import { fileOf, type CallerInfo, type FsNamesystem } from './namesystem.ts';
import { lastInode } from './namespace/fs-directory.ts';
import { fileNotFound, fsError, HadoopException, ioError } from './namespace/fs-errors.ts';
import { MAX_PATH_LENGTH, withinPathLimits } from './namespace/paths.ts';

export class FileQueries {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSNamesystem.isFileClosed: whether `src` is a file that is not being written. */
  isFileClosed(src: string, caller: CallerInfo): boolean {
    const ns = this.#ns;
    let closed = false;
    try {
      const r = ns.resolve(ns.checker(caller), src, false);
      closed = fileOf(lastInode(r), src).uc === null;
    } catch (e) {
      ns.auditRefusal(e, caller, 'isFileClosed', src);
    }
    if (closed) ns.audit(caller, 'isFileClosed', src);
    return closed;
  }

  /** FSDirAttrOp.getPreferredBlockSize: the file's block size, bytes (no audit). */
  getPreferredBlockSize(src: string, caller: CallerInfo): number {
    const ns = this.#ns;
    const r = ns.resolve(ns.checker(caller), src, false);
    return fileOf(lastInode(r), r.path).blockSize;
  }

  /** FSNamesystem.getFileInfo(src, true, true, needBlockToken): undefined when `src` does not exist. */
  getLocatedFileInfo(src: string, needBlockToken: boolean, caller: CallerInfo): HdfsFileStatus | undefined {
    const ns = this.#ns;
    const operationName = needBlockToken ? 'open' : 'getfileinfo';
    let status: HdfsFileStatus | undefined;
    try {
      status = ns.fileInfo(ns.checker(caller), src, true, needBlockToken ? 'READ' : null);
    } catch (e) {
      ns.auditRefusal(e, caller, operationName, src);
    }
    ns.audit(caller, operationName, src);
    return status;
  }

  /** NameNodeRpcServer.createSymlink: always refused (symlinks are disabled in Hadoop 3). */
  createSymlink(_target: string, link: string, _dirPerm: FsPermission, _createParent: boolean): never {
    if (!withinPathLimits(link)) throw ioError('FS_INVALID_PATH', `Symlink path exceeds ${MAX_PATH_LENGTH} character limit`, { length: link.length });
    throw fsError('FS_UNSUPPORTED', HadoopException.UNSUPPORTED, 'Symlinks not supported', { path: link });
  }

  /** NameNodeRpcServer.getLinkTarget: never a target, as no path is a symlink here. */
  getLinkTarget(path: string, caller: CallerInfo): never {
    const status = this.#ns.getFileInfo(path, caller);
    if (!status) throw fileNotFound(`File does not exist: ${path}`, path);
    throw ioError('FS_INVALID_ARGUMENT', `Path ${path} is not a symbolic link`, { path });
  }
}
