/**
 * ClientProtocol.concat (HDFS-222; Hadoop 3.4.1 FSNamesystem.concat and FSDirConcatOp): closed
 * files in one directory are appended, block list after block list, to a closed target file in the
 * same directory, and then no longer exist. No byte moves: the sources' blocks become the target's
 * last blocks (INodeFile.concatBlocks), under the target's replication, and the DataNodes keep their
 * replicas. Checks in Hadoop's order with its exception classes and messages: safe mode ("Cannot
 * concat /t"), the argument checks (Guava's Preconditions: java.lang.IllegalArgumentException),
 * `/.reserved/raw` and `/.reserved/.inodes` paths, WRITE on the target, READ on each source and
 * WRITE on its directory (all only when dfs.permissions.enabled is on: 3.4.1's verifySrcFiles
 * guards the source checks with isPermissionEnabled, which Hadoop 2's did not), then the shapes of target and
 * sources, and the quotas of the target's directories (a source of another replication changes the
 * space it takes). hsec has no encryption zones, snapshots or erasure coding, so those refusals cannot
 * arise. Journaled as one CONCAT op (edit-log.ts); the audit line is "concat" with the sources as
 * Java prints an array (`[/d/a, /d/b]`) and the target as dst.
 */
import { AccessControlError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { lastInode } from './namespace/fs-directory.ts';
import { fsError, HadoopException, illegalArgument, ioError } from './namespace/fs-errors.ts';
import type { INodeFile } from './namespace/inode.ts';
import { FsAction } from './namespace/permission-checker.ts';
import { verifyQuota } from './namespace/quota.ts';
import { fileOf, type CallerInfo, type FsNamesystem } from './namesystem.ts';

const log = getLogger('namenode.writes');

/** FSDirectory.isReservedRawName / isReservedInodesName. */
function isReservedRawOrInodes(path: string): boolean {
  return path.startsWith('/.reserved/raw') || path.startsWith('/.reserved/.inodes');
}

export class FileConcats {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /**
   * FSNamesystem.concat: `srcs`' blocks, in order, to the end of `target`; the sources are gone.
   * An AccessControlException is audited as allowed=false.
   */
  concat(target: string, srcs: readonly string[], caller: CallerInfo): Promise<void> {
    const ns = this.#ns;
    // Arrays.toString, built only for an audit line: a request may name a million sources, and a
    // refusal that is not audited (a missing source, a bad argument) must not pay for joining them
    const sources = (): string => `[${srcs.join(', ')}]`;
    return ns.write(async () => {
      let file: INodeFile;
      try {
        ns.checkNameNodeSafeMode(`Cannot concat ${target}`);
        file = await this.#concat(target, srcs, caller);
      } catch (e) {
        if (e instanceof AccessControlError) ns.auditDenied(caller, 'concat', sources(), target);
        throw e;
      }
      ns.audit(caller, 'concat', sources(), file, target);
    });
  }

  /** FSDirConcatOp.concat, inside the write lock. */
  async #concat(target: string, srcs: readonly string[], caller: CallerInfo): Promise<INodeFile> {
    const ns = this.#ns;
    // validatePath
    if (target === '') throw fsError('FS_INVALID_ARGUMENT', HadoopException.JAVA_ILLEGAL_ARGUMENT, 'Target file name is empty', {});
    if (srcs.length === 0) throw fsError('FS_INVALID_ARGUMENT', HadoopException.JAVA_ILLEGAL_ARGUMENT, 'No sources given', { path: target });
    for (const p of [target, ...srcs]) {
      if (isReservedRawOrInodes(p)) throw ioError('FS_INVALID_PATH', `Concat operation doesn't support .reserved relative path : ${p}`, { path: p });
    }
    const debug = log.isLevelEnabled('debug'); // stateChangeLog.isDebugEnabled(): no joined sources otherwise
    if (debug) log.debug({ target, srcs }, `concat [${srcs.join(', ')}] to ${target}`);
    const pc = ns.checker(caller);
    const t = ns.resolve(pc, target, false);
    pc.check(t, { access: FsAction.WRITE });
    // verifyTargetFile
    const targetFile = fileOf(lastInode(t), target);
    if (targetFile.uc) throw illegalArgument(`concat: target file ${target} is under construction`, { path: target });
    // verifySrcFiles
    const files: INodeFile[] = [];
    for (const src of srcs) {
      const r = ns.resolve(pc, src, false);
      pc.check(r, { access: FsAction.READ }); // read the file
      pc.check(r, { parent: FsAction.WRITE }); // for delete
      const file = fileOf(lastInode(r), src);
      if (file.parent !== targetFile.parent) throw illegalArgument(`Source file ${src} is not in the same directory with the target ${t.path}`, { path: src });
      if (file === targetFile) throw illegalArgument(`concat: the src file ${src} is the same with the target file ${t.path}`, { path: src });
      if (file.uc || file.blocks.length === 0) throw illegalArgument(`concat: source file ${src} is invalid or empty or underConstruction`, { path: src });
      if (file.blockSize > targetFile.blockSize) {
        throw illegalArgument(`concat: source file ${src} has preferred block size ${file.blockSize} which is greater than the target file's preferred block size ${targetFile.blockSize}`, { path: src });
      }
      files.push(file);
    }
    if (new Set(files).size < srcs.length) throw illegalArgument('concat: at least two of the source files are the same', { path: target });
    // computeQuotaDeltas / verifyQuota: one name less per source; a source whose replication differs
    // from the target's is charged (target - source) replicas of its length
    const spaceDelta = files.reduce((sum, f) => sum + (f.replication === targetFile.replication ? 0 : f.length() * (targetFile.replication - f.replication)), 0);
    verifyQuota(t.inodes, t.inodes.length - 1, { ns: -files.length, ss: spaceDelta });
    if (debug) log.debug({ target: t.path }, `DIR* NameSystem.concat: [${srcs.join(', ')}] to ${target}`);
    const paths = files.map((f) => ns.fsd.resolveInode(f).path);
    await ns.commit([{ op: 'CONCAT', target: t.path, srcs: paths, mtime: ns.clock.now() }], `concat to ${t.path}`);
    return targetFile;
  }
}
