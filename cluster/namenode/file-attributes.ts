/**
 * File attributes (Hadoop 3.4.1's FSDirAttrOp.setPermission / setOwner behind FSNamesystem and
 * NameNodeRpcServer): chmod, chown and chgrp of one inode. The caller must own the inode or be the
 * superuser (FSDirectory.checkOwner, which Hadoop applies even with dfs.permissions.enabled=false);
 * only the superuser may give an inode to another user, and an owner may change the group only to
 * one of their own groups. The mode keeps the bits FsPermission.toShort keeps (0o1777: rwx for
 * user, group and other, and the sticky bit; setuid and setgid are dropped). An unchanged attribute
 * is not journaled (FSDirAttrOp logs the edit only when the inode changed); every call is audited,
 * and a refused one (AccessControlException) is audited as allowed=false, as FSNamesystem does.
 *
 * An empty owner or group name means "unchanged", as a null one does: Hadoop's SetOwnerOp writes
 * null as "" and reads "" back as null (FSImageSerialization.readString_EmptyAsNull), so an empty
 * name could never survive a restart; hsec applies that rule to the call itself, so what a call
 * does and what a replay rebuilds are the same.
 *
 * setTimes and setReplication (FSDirAttrOp.setTimes / setReplication) need WRITE on the inode
 * itself (checkPathAccess), not ownership. setTimes refuses an access time when access times are
 * off (dfs.namenode.accesstime.precision = 0), sets each time that is not -1 and journals OP_TIMES;
 * a missing path is FileNotFoundException "File/Directory /p does not exist.". setReplication
 * checks the factor against dfs.replication.max and the minimum first, answers false for a
 * directory or a missing path (no audit line then), and for a file records the factor (OP_SET_REPLICATION,
 * journaled even when unchanged, as Hadoop logs it) and answers true. hsec's NameNode does not
 * re-replicate or remove replicas after the change: the factor governs new blocks, the status and
 * the space counted by getContentSummary.
 */
import { AccessControlError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { FsPermission } from '../protocol/hdfs-types.ts';
import type { EditOp } from './namespace/edit-log.ts';
import { lastInode, type ResolvedPath } from './namespace/fs-directory.ts';
import { fileNotFound, invalidPath, ioError, permissionDenied } from './namespace/fs-errors.ts';
import { FsAction, type PermissionChecker } from './namespace/permission-checker.ts';
import type { INode } from './namespace/inode.ts';
import { fileSizeWithLastUcBlock, verifyQuota } from './namespace/quota.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

const log = getLogger('namenode.namesystem');

/** FsPermission.toShort: the bits an inode keeps. */
export const PERMISSION_MASK = 0o1777;

/** FSDirectory.DOT_RESERVED_PATH_PREFIX: the exact name is refused (isExactReservedName). */
const RESERVED = '/.reserved';

export class FileAttributes {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSNamesystem.setPermission: the owner or the superuser sets the permission bits. */
  setPermission(src: string, permission: FsPermission, caller: CallerInfo): Promise<void> {
    return this.#change('setPermission', src, caller, (_pc, r, node) => {
      const mode = permission.perm & PERMISSION_MASK;
      return node.mode === mode ? [] : [{ op: 'SET_PERMISSIONS', path: r.path, mode }];
    });
  }

  /**
   * FSNamesystem.setOwner: `owner` and `group` undefined or '' leave that attribute as it is. The
   * superuser may set both to anything; the owner may name only themself as owner, and only a
   * group they belong to.
   */
  setOwner(src: string, owner: string | undefined, group: string | undefined, caller: CallerInfo): Promise<void> {
    const user = owner || undefined;
    const grp = group || undefined;
    return this.#change('setOwner', src, caller, (pc, r, node) => {
      if (!pc.superUser) {
        if (user !== undefined && user !== pc.caller.user) {
          throw permissionDenied(`User ${pc.caller.user} is not a super user (non-super user cannot change owner).`, { user: pc.caller.user, path: r.path });
        }
        if (grp !== undefined && !pc.isMemberOfGroup(grp)) {
          throw permissionDenied(`User ${pc.caller.user} does not belong to ${grp}`, { user: pc.caller.user, path: r.path });
        }
      }
      const changed = (user !== undefined && user !== node.owner) || (grp !== undefined && grp !== node.group);
      return changed ? [{ op: 'SET_OWNER', path: r.path, owner: user ?? '', group: grp ?? '' }] : [];
    });
  }

  /** FSNamesystem.setTimes: mtime and atime in ms since epoch, -1 = leave as it is. */
  setTimes(src: string, mtime: number, atime: number, caller: CallerInfo): Promise<void> {
    const ns = this.#ns;
    return ns.write(() => this.#audited('setTimes', src, caller, async (pc) => {
      ns.checkNameNodeSafeMode(`Cannot set times ${src}`);
      if (ns.settings.accessTimePrecision <= 0 && atime !== -1) {
        throw ioError('FS_INVALID_ARGUMENT', 'Access time for hdfs is not configured.  Please set dfs.namenode.accesstime.precision configuration parameter.', { path: src });
      }
      const r = ns.resolve(pc, src, false);
      pc.check(r, { access: FsAction.WRITE });
      const node = lastInode(r);
      if (!node) throw fileNotFound(`File/Directory ${r.path} does not exist.`, r.path);
      // unprotectedSetTimes(force = true): every time given is set, and then journaled
      const times = { mtime: mtime >= 0 ? mtime : -1, atime: atime >= 0 ? atime : -1 };
      if (times.mtime >= 0 || times.atime >= 0) await ns.commit([{ op: 'TIMES', path: r.path, ...times }], `times of ${r.path}`);
      ns.audit(caller, 'setTimes', src, node);
    }));
  }

  /** FSNamesystem.setReplication: true when `src` is a file (its factor is now `replication`). */
  setReplication(src: string, replication: number, caller: CallerInfo): Promise<boolean> {
    const ns = this.#ns;
    return ns.write(() => this.#audited('setReplication', src, caller, async (pc) => {
      ns.checkNameNodeSafeMode(`Cannot set replication for ${src}`);
      ns.verifyReplication(src, replication);
      const r = ns.resolve(pc, src, false);
      pc.check(r, { access: FsAction.WRITE });
      const node = lastInode(r);
      if (node?.kind !== 'file') return false;
      const old = node.replication;
      // FSDirAttrOp.unprotectedSetReplication: a higher factor must fit the quotas (computeFileSize(true, true) per replica)
      if (old < replication) verifyQuota(r.inodes, r.inodes.length - 1, { ns: 0, ss: fileSizeWithLastUcBlock(node) * (replication - old) });
      await ns.commit([{ op: 'SET_REPLICATION', path: r.path, replication }], `replication of ${r.path}`);
      // FSDirAttrOp.unprotectedSetReplication -> BlockManager.setReplication per block: queue or trim replicas
      ns.blocks.redundancy.setReplication(old, replication, node.blocks);
      const change = old > replication ? `Decreasing replication from ${old} to ${replication}` : old < replication ? `Increasing replication from ${old} to ${replication}` : `Replication remains unchanged at ${old}`;
      log.info({ path: r.path, old, replication }, `${change} for ${r.path}`);
      ns.audit(caller, 'setReplication', src);
      return true;
    }));
  }

  /** Runs `fn`; an AccessControlException is audited as allowed=false (FSNamesystem's catch blocks). */
  async #audited<T>(cmd: string, src: string, caller: CallerInfo, fn: (pc: PermissionChecker) => Promise<T>): Promise<T> {
    try {
      return await fn(this.#ns.checker(caller));
    } catch (e) {
      if (e instanceof AccessControlError) this.#ns.auditDenied(caller, cmd, src);
      throw e;
    }
  }

  /**
   * The steps setPermission and setOwner share, under the write lock: the reserved name, the path (traverse
   * checks), checkOwner, the call's own checks and ops, the journal, the audit line.
   */
  #change(cmd: 'setPermission' | 'setOwner', src: string, caller: CallerInfo,
    ops: (pc: PermissionChecker, r: ResolvedPath, node: INode) => EditOp[]): Promise<void> {
    const ns = this.#ns;
    return ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot set ${cmd === 'setPermission' ? 'permission' : 'owner'} for ${src}`);
      if (src === RESERVED) throw invalidPath(src, src);
      await this.#audited(cmd, src, caller, async (pc) => {
        const r = ns.resolve(pc, src, false);
        pc.checkOwner(r);
        const node = lastInode(r)!;
        const edits = ops(pc, r, node);
        if (edits.length > 0) await ns.commit(edits, `${cmd} of ${r.path}`);
        ns.audit(caller, cmd, src, node);
      });
    });
  }
}
