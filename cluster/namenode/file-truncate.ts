/**
 * ClientProtocol.truncate (HDFS-3107; Hadoop 3.4.1 FSNamesystem.truncate and FSDirTruncateOp
 * .truncate / unprotectedTruncate / prepareFileForTruncate): a closed file is cut to a shorter
 * length. The blocks wholly past the new length are removed at once and their replicas deleted on
 * the DataNodes. On a block boundary that is all: the file stays closed and the answer is true.
 * Otherwise the file is reopened under the caller's lease and its new last block is cut in place
 * by block recovery (lease-recovery.ts): a new generation stamp is the recovery id, the block goes
 * UNDER_RECOVERY with the length it keeps, its primary DataNode gets a BlockRecoveryCommand whose
 * RecoveringBlock carries the truncate block, and commitBlockSynchronization closes the file at
 * the new length; the answer is false (the client waits for the file to close before writing to
 * it again). Until then the file's length still counts the whole last block, as Hadoop's does (the
 * block keeps its length until the recovery commits it; FsShell's `-truncate -w` waits for the
 * length to become the new one). hsec has no snapshots, rolling upgrades or striped blocks, so the
 * truncate is never copy-on-truncate; a file under the LAZY_PERSIST storage policy is refused
 * (UnsupportedOperationException "Cannot truncate lazy persist file /p"). Checks in Hadoop's order, with its
 * exception classes and messages (safe mode first: "Cannot truncate for /p"); OP_TRUNCATE is one
 * journaled op (edit-log.ts), replayed by the same code.
 */
import { getLogger } from '../../lib/log/logger.ts';
import { lastInode } from './namespace/fs-directory.ts';
import { fsError, HadoopException, illegalArgument } from './namespace/fs-errors.ts';
import { blockString, type INodeFile } from './namespace/inode.ts';
import { FsAction } from './namespace/permission-checker.ts';
import { effectiveStoragePolicyId, LAZY_PERSIST_POLICY_ID } from './namespace/storage-policy-id.ts';
import { recoverLeaseMessage, type LeaseRecovery } from './lease-recovery.ts';
import { verifyQuota } from './namespace/quota.ts';
import { fileOf, type CallerInfo, type FsNamesystem } from './namesystem.ts';

const log = getLogger('namenode.writes');

export class FileTruncates {
  readonly #ns: FsNamesystem;
  readonly #recovery: LeaseRecovery;

  constructor(ns: FsNamesystem, recovery: LeaseRecovery) {
    this.#ns = ns;
    this.#recovery = recovery;
  }

  /**
   * FSNamesystem.truncate: true when the file is closed at `newLength` now, false when block
   * recovery cuts its last block. Audited as "truncate" with the file's status; an
   * AccessControlException as allowed=false.
   */
  truncate(src: string, newLength: number, clientName: string, caller: CallerInfo): Promise<boolean> {
    const ns: FsNamesystem = this.#ns; // typed, so auditRefusal's `never` ends the catch block
    log.info({ src, newLength }, `DIR* NameSystem.truncate: src=${src} newLength=${newLength}`);
    if (newLength < 0) return Promise.reject(illegalArgument(`Cannot truncate to a negative file size: ${newLength}.`, { path: src }));
    return ns.write(async () => {
      let done: { result: boolean; file: INodeFile };
      try {
        ns.checkNameNodeSafeMode(`Cannot truncate for ${src}`);
        done = await this.#truncate(src, newLength, clientName, caller);
      } catch (e) {
        ns.auditRefusal(e, caller, 'truncate', src);
      }
      ns.audit(caller, 'truncate', src, done.file);
      return done.result;
    });
  }

  /** FSDirTruncateOp.truncate, inside the write lock. */
  async #truncate(srcArg: string, newLength: number, clientName: string, caller: CallerInfo): Promise<{ result: boolean; file: INodeFile }> {
    const ns = this.#ns;
    const pc = ns.checker(caller);
    const r = ns.resolve(pc, srcArg, false);
    const src = r.path;
    pc.check(r, { access: FsAction.WRITE });
    const file = fileOf(lastInode(r), src);
    // a file whose effective policy is LAZY_PERSIST is not truncated
    if (effectiveStoragePolicyId(file) === LAZY_PERSIST_POLICY_ID) throw fsError('FS_UNSUPPORTED', HadoopException.UNSUPPORTED, `Cannot truncate lazy persist file ${src}`, { path: src });
    // a truncate already under way: the same one again waits with it, another is refused
    const last = file.lastBlock;
    if (last?.state === 'UNDER_RECOVERY' && last.truncateLength !== null) {
      if (newLength === file.length(false) + last.truncateLength) return { result: false, file };
      throw fsError('FS_LEASE', HadoopException.ALREADY_BEING_CREATED, recoverLeaseMessage('TRUNCATE_FILE', src, clientName, caller.address, `${src} is being truncated.`), { path: src });
    }
    // a file open for writing: refused, or closed for its holder once past the soft limit
    await this.#recovery.recoverLeaseInternal('TRUNCATE_FILE', file, src, clientName, caller.address, false);
    const oldLength = file.length();
    if (oldLength === newLength) return { result: true, file };
    if (oldLength < newLength) throw illegalArgument(`Cannot truncate to a larger file size. Current size: ${oldLength}, truncate size: ${newLength}.`, { path: src });
    // INodeFile.collectBlocksBeyondMax: the fewest blocks holding more than newLength bytes stay
    let kept = 0;
    let size = 0;
    for (; kept < file.blocks.length && newLength > size; kept++) size += file.blocks[kept]!.numBytes;
    const onBoundary = size === newLength;
    const cut = file.blocks[kept - 1];
    // prepareFileForTruncate: in place, the same block id under a new generation stamp (the recovery id)
    const truncateBlock = onBoundary || !cut ? undefined : { blockId: cut.blockId, generationStamp: ns.fsd.generationStamp + 1, numBytes: cut.numBytes - (size - newLength) };
    // verifyQuotaForTruncate (INodeFile.computeQuotaDeltaForTruncate): the blocks past the new
    // length are freed; a block cut in place counts as a whole preferred block until recovered
    const keptBytes = file.blocks.slice(0, kept).reduce((n, b, i, all) => n + (i === all.length - 1 && !onBoundary ? file.blockSize : b.numBytes), 0);
    const inodes = ns.fsd.resolveInode(file).inodes;
    verifyQuota(inodes, inodes.length - 1, { ns: 0, ss: keptBytes * file.replication - file.accountedSpace });
    const now = ns.clock.now();
    await ns.commit([{ op: 'TRUNCATE', path: src, clientName, clientMachine: caller.address, newLength, mtime: now, ...(truncateBlock ? { truncateBlock } : {}) }], `truncate of ${src}`);
    if (truncateBlock) {
      ns.leases.add(clientName, file.id, now);
      this.#recovery.startTruncateRecovery(file.lastBlock!, truncateBlock.generationStamp);
      log.info({ src, block: blockString(cut), newSize: truncateBlock.numBytes, recoveryId: truncateBlock.generationStamp },
        `BLOCK* prepareFileForTruncate: ${blockString(cut)} Scheduling in-place block truncate to new size ${truncateBlock.numBytes}`);
    }
    return { result: onBoundary, file };
  }
}
