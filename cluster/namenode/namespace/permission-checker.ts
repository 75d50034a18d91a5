/**
 * HDFS permission checks (Hadoop's FSPermissionChecker, FsAction, FsPermission), POSIX-style: the
 * owner class if the caller owns the inode, else the group class if the caller is in the inode's
 * group, else other. An inode with an access ACL is checked as FSPermissionChecker.hasAclPermission
 * does: the owner bits for the owner; else a named user entry for that user, or the owning group
 * and named group entries the caller belongs to (any that grants), each limited by the mask (the
 * group bits); else, only if no entry matched, the other bits. The superuser (the NameNode's own user, or a member of
 * dfs.permissions.superusergroup) passes every check. Refusals are AccessControlException with
 * Hadoop's message: `Permission denied: user=alice, access=WRITE, inode="/d":hdfs:supergroup:drwxr-xr-x`.
 *
 * `checkTraverse` also enforces that every ancestor is a directory (ParentNotDirectoryException
 * "<path> (is not a directory)"), which FSDirectory.resolvePath does even with permissions off.
 * `checkOwner` (chmod, chown, chgrp) applies whether permissions are on or off, as Hadoop's does.
 */
import { fileNotFound, parentNotDirectory, permissionDenied } from './fs-errors.ts';
import type { INode } from './inode.ts';
import type { ResolvedPath } from './fs-directory.ts';
import { joinPath } from './paths.ts';

/** FsAction bits: READ 4, WRITE 2, EXECUTE 1. */
export const FsAction = { NONE: 0, EXECUTE: 1, WRITE: 2, WRITE_EXECUTE: 3, READ: 4, READ_EXECUTE: 5, READ_WRITE: 6, ALL: 7 } as const;
export type FsActionName = keyof typeof FsAction;
const ACTION_NAMES = Object.fromEntries(Object.entries(FsAction).map(([k, v]) => [v, k])) as Record<number, FsActionName>;

const STICKY = 0o1000;

/** FsPermission.toString: `rwxr-xr-x`, the last x as t/T with the sticky bit. */
export function permissionString(mode: number): string {
  const sym = (a: number) => `${a & 4 ? 'r' : '-'}${a & 2 ? 'w' : '-'}${a & 1 ? 'x' : '-'}`;
  let s = sym((mode >> 6) & 7) + sym((mode >> 3) & 7) + sym(mode & 7);
  if (mode & STICKY) s = s.slice(0, 8) + (mode & 1 ? 't' : 'T');
  return s;
}

/** The caller of a namespace operation. */
export interface Caller {
  /** short user name (UGI.getShortUserName) */
  user: string;
  groups: readonly string[];
}

export interface PermissionPolicy {
  /** dfs.permissions.enabled */
  enabled: boolean;
  /** the NameNode's own short user name */
  superUser: string;
  /** dfs.permissions.superusergroup */
  superGroup: string;
}

/** The checks of one operation: which inodes along the path need which access (FSDirectory.checkPermission's arguments). */
export interface AccessRequest {
  /** the last existing inode before the target (creating ops) */
  ancestor?: number;
  /** the target's parent */
  parent?: number;
  /** the target itself */
  access?: number;
  /** every directory of the subtree under the target, the target included (recursive delete, getQuotaUsage) */
  subtree?: number;
  /** skip empty directories in the subtree check (delete asks this; Hadoop's default is false) */
  ignoreEmptyDir?: boolean;
}

export class PermissionChecker {
  readonly caller: Caller;
  readonly #policy: PermissionPolicy;
  readonly superUser: boolean;

  constructor(caller: Caller, policy: PermissionPolicy) {
    this.caller = caller;
    this.#policy = policy;
    this.superUser = caller.user === policy.superUser || caller.groups.includes(policy.superGroup);
  }

  get enabled(): boolean {
    return this.#policy.enabled && !this.superUser;
  }

  /**
   * FSDirectory.resolvePath's traverse check: every existing ancestor must be a directory and
   * (with permissions on) searchable. `create` ops report a file ancestor as
   * ParentNotDirectoryException, others as AccessControlException with the same text.
   */
  checkTraverse(r: ResolvedPath, create: boolean): void {
    const last = r.inodes.length - 2;
    for (let i = 0; i <= last; i++) {
      const inode = r.inodes[i];
      if (!inode) break;
      if (inode.kind !== 'directory') {
        const message = `${joinPath(r.components, i)} (is not a directory)`;
        throw create ? parentNotDirectory(message, r.path) : permissionDenied(message, { path: r.path });
      }
      if (this.enabled) this.#check(r, i, FsAction.EXECUTE);
    }
  }

  /** FSPermissionChecker.checkPermission (after the traverse check). */
  check(r: ResolvedPath, req: AccessRequest): void {
    if (this.enabled) this.#checkRequest(r, req);
  }

  #checkRequest(r: ResolvedPath, req: AccessRequest): void {
    const n = r.inodes.length;
    let ancestorIndex = n - 2;
    while (ancestorIndex >= 0 && !r.inodes[ancestorIndex]) ancestorIndex--;
    if (req.parent !== undefined && (req.parent & FsAction.WRITE) && n > 1 && r.inodes[n - 1]) this.#checkStickyBit(r, n - 2);
    if (req.ancestor !== undefined && n > 1) this.#check(r, ancestorIndex, req.ancestor);
    if (req.parent !== undefined && n > 1) this.#check(r, n - 2, req.parent);
    if (req.access !== undefined) this.#check(r, n - 1, req.access);
    if (req.subtree !== undefined) this.#checkSubtree(r, req.subtree, req.ignoreEmptyDir ?? false);
  }

  /**
   * FSPermissionChecker.checkPermission(INode, snapshotId, access): one inode at `path`, no
   * traverse check (getContentSummary checks each directory as it counts it).
   */
  checkInode(inode: INode, path: string, access: number): void {
    if (this.enabled && !this.#allows(inode, access)) throw this.#denied(inode, path, access);
  }

  /** FSPermissionChecker.isMemberOfGroup. */
  isMemberOfGroup(group: string): boolean {
    return this.caller.groups.includes(group);
  }

  /**
   * FSDirectory.checkOwner: the target must exist (FileNotFoundException "Directory/File does not
   * exist /p"); then, unless the caller is the superuser, every ancestor must be searchable and the
   * caller must own the target. dfs.permissions.enabled does not turn this off: Hadoop calls the
   * checker for it without asking isPermissionEnabled.
   */
  checkOwner(r: ResolvedPath): void {
    const n = r.inodes.length;
    const target = r.inodes[n - 1];
    if (!target) throw fileNotFound(`Directory/File does not exist ${r.path}`, r.path);
    if (this.superUser) return;
    for (let i = 0; i < n - 1; i++) this.#check(r, i, FsAction.EXECUTE);
    if (target.owner !== this.caller.user) {
      throw permissionDenied(`Permission denied. user=${this.caller.user} is not the owner of inode=${r.path}`, { user: this.caller.user, path: r.path });
    }
  }

  #allows(inode: INode, access: number): boolean {
    // a default ACL alone (no access entries first) does not change the checks
    if (inode.acl[0]?.scope === 'ACCESS') return this.#allowsByAcl(inode, access);
    let granted: number;
    if (this.caller.user === inode.owner) granted = (inode.mode >> 6) & 7;
    else if (this.caller.groups.includes(inode.group)) granted = (inode.mode >> 3) & 7;
    else granted = inode.mode & 7;
    return (granted & access) === access;
  }

  /** FSPermissionChecker.hasAclPermission. */
  #allowsByAcl(inode: INode, access: number): boolean {
    const implies = (bits: number) => (bits & access) === access;
    if (this.caller.user === inode.owner) return implies((inode.mode >> 6) & 7);
    const mask = (inode.mode >> 3) & 7;
    let matched = false;
    for (const e of inode.acl) {
      if (e.scope === 'DEFAULT') break;
      if (e.type === 'USER' && e.name === this.caller.user) return implies(e.permission & mask);
      if (e.type === 'GROUP' && this.caller.groups.includes(e.name ?? inode.group)) {
        if (implies(e.permission & mask)) return true;
        matched = true;
      }
    }
    return !matched && implies(inode.mode & 7);
  }

  #check(r: ResolvedPath, i: number, access: number): void {
    const inode = i >= 0 ? r.inodes[i] : undefined;
    if (inode && !this.#allows(inode, access)) throw this.#denied(inode, joinPath(r.components, i), access);
  }

  #denied(inode: INode, path: string, access: number): Error {
    return permissionDenied(
      `Permission denied: user=${this.caller.user}, access=${ACTION_NAMES[access]}, inode="${path}":${describe(inode)}`,
      { user: this.caller.user, path, access: ACTION_NAMES[access] },
    );
  }

  /** The sticky bit on a parent: only the owner of the child or of the parent may remove or rename it. */
  #checkStickyBit(r: ResolvedPath, parentIndex: number): void {
    const parent = r.inodes[parentIndex];
    const child = r.inodes[parentIndex + 1];
    if (!parent || !child) return;
    this.#stickyBit(parent, joinPath(r.components, parentIndex), child, joinPath(r.components, parentIndex + 1), r.path);
  }

  /** FSPermissionChecker.isStickyBitViolated / throwStickyBitException for one parent and child. */
  #stickyBit(parent: INode, parentPath: string, child: INode, childPath: string, path: string): void {
    if (!(parent.mode & STICKY) || parent.owner === this.caller.user || child.owner === this.caller.user) return;
    throw permissionDenied(
      `Permission denied by sticky bit: user=${this.caller.user}, path="${childPath}":${describe(child)}, parent="${parentPath}":${describe(parent)}`,
      { user: this.caller.user, path },
    );
  }

  /**
   * checkSubAccess: every directory of the subtree needs `access` (with ignoreEmptyDir, every
   * non-empty one), and in such a directory with the sticky bit each entry must be the caller's or
   * the directory must be (a recursive delete or a move to trash cannot take others' files out of a
   * sticky directory inside the tree).
   */
  #checkSubtree(r: ResolvedPath, access: number, ignoreEmptyDir: boolean): void {
    const root = r.inodes[r.inodes.length - 1];
    if (root?.kind !== 'directory') return;
    const stack: { dir: typeof root; path: string }[] = [{ dir: root, path: r.path }];
    while (stack.length > 0) {
      const { dir, path } = stack.pop()!;
      const childPath = (c: INode): string => (path === '/' ? `/${c.name}` : `${path}/${c.name}`);
      if (!(dir.children.length === 0 && ignoreEmptyDir)) {
        if (!this.#allows(dir, access)) throw this.#denied(dir, path, access);
        for (const c of dir.children) this.#stickyBit(dir, path, c, childPath(c), r.path);
      }
      for (const c of dir.children) if (c.kind === 'directory') stack.push({ dir: c, path: childPath(c) });
    }
  }
}

/** `owner:group:drwxr-xr-x` as the denial message shows an inode. */
function describe(inode: INode): string {
  return `${inode.owner}:${inode.group}:${inode.kind === 'directory' ? 'd' : '-'}${permissionString(inode.mode)}`;
}
