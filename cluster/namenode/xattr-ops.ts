/**
 * The extended attribute calls of ClientProtocol (HDFS-2006; Hadoop 3.4.1's FSDirXAttrOp behind
 * FSNamesystem and NameNodeRpcServer): setXAttr, getXAttrs, listXAttrs and removeXAttr. Each first
 * refuses when dfs.namenode.xattrs.enabled is false (IOException "The XAttr operation has been
 * rejected.  Support for XAttrs has been disabled by setting dfs.namenode.xattrs.enabled to
 * false."). Then, in FSDirXAttrOp's order:
 *
 * - setXAttr: the size limit (name + value bytes, dfs.namenode.fs-limits.max-xattr-size), the
 *   namespace rule (namespace/xattr-permission-filter.ts), the path (traverse checks),
 *   checkXAttrChangeAccess (user namespace only, with permissions on: WRITE on the inode, or in a
 *   sticky directory its owner or the superuser), then the CREATE/REPLACE flag, the per-inode limit
 *   (namespace/xattr-storage.ts) and "cannot find <path>" for a missing inode; journaled as
 *   SET_XATTRS with the inode's whole new list.
 * - getXAttrs: the namespace rule for each name asked for, the path, READ on the inode; all the
 *   caller may see when no name is given, else each name must be there and visible
 *   (XAttrNotFoundException "At least one of the attributes provided was not found.").
 * - listXAttrs: the path and READ on the inode (3.4.1; older releases asked EXECUTE on the parent),
 *   the names the caller may see (the values travel too; clients keep the names).
 * - removeXAttr: the namespace rule, the path, checkXAttrChangeAccess, then IOException "No
 *   matching attributes found for remove operation" when the inode does not have it.
 *
 * hsec serves no /.reserved/raw paths, so `raw.*` is refused as Hadoop refuses it elsewhere.
 * Audited as FSNamesystem does under the operation's name: a change with the inode's status,
 * getXAttrs and listXAttrs without one, an AccessControlException as allowed=false; other errors
 * are not audited.
 */
import { AccessControlError } from '../../lib/errors/index.ts';
import type { XAttr } from '../protocol/xattr.ts';
import { lastInode, type ResolvedPath } from './namespace/fs-directory.ts';
import { fileNotFound, illegalArgument, xattrError, xattrNotFound } from './namespace/fs-errors.ts';
import type { INode } from './namespace/inode.ts';
import { FsAction, type PermissionChecker } from './namespace/permission-checker.ts';
import { checkPermissionForApi, filterXAttrsForApi } from './namespace/xattr-permission-filter.ts';
import { checkXAttrSize, removeINodeXAttr, setINodeXAttr } from './namespace/xattr-storage.ts';
import { prefixedName, SECURITY_XATTR_UNREADABLE_BY_SUPERUSER, sameXAttr } from '../protocol/xattr.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

/** The audit command names (FSNamesystem's operationName of each call). */
export type XAttrCommand = 'setXAttr' | 'getXAttrs' | 'listXAttrs' | 'removeXAttr';

/** FSDirXAttrOp.checkXAttrsConfigFlag's message. */
export const XATTRS_DISABLED_MESSAGE = 'The XAttr operation has been rejected.  Support for XAttrs has been disabled by setting dfs.namenode.xattrs.enabled to false.';

/** hsec has no /.reserved/raw paths (FSDirectory.isReservedRawName is always false). */
const IS_RAW_PATH = false;

const STICKY = 0o1000;

export class XAttrOps {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSDirXAttrOp.setXAttr; `flag` holds XAttrSetFlag bits. */
  setXAttr(src: string, x: XAttr | undefined, flag: number, caller: CallerInfo): Promise<void> {
    const ns = this.#ns;
    return ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot set XAttr on ${src}`);
      this.#checkEnabled();
      const xattr = requireXAttr(x);
      checkXAttrSize(xattr, ns.settings.maxXAttrSize);
      await this.#change('setXAttr', src, xattr, caller, async (node, path) => {
        const next = setINodeXAttr(node.xattrs, xattr, flag, ns.settings.maxXAttrsPerInode);
        if (node.kind !== 'file' && next.some((a) => prefixedName(a) === SECURITY_XATTR_UNREADABLE_BY_SUPERUSER)) {
          throw xattrError(`Can only set '${SECURITY_XATTR_UNREADABLE_BY_SUPERUSER}' on a file.`, { path });
        }
        await ns.commit([{ op: 'SET_XATTRS', path, xattrs: next }], `setXAttr of ${path}`);
      });
    });
  }

  /** FSDirXAttrOp.removeXAttr. */
  removeXAttr(src: string, x: XAttr | undefined, caller: CallerInfo): Promise<void> {
    const ns = this.#ns;
    return ns.write(async () => {
      ns.checkNameNodeSafeMode(`Cannot remove XAttr entry on ${src}`);
      this.#checkEnabled();
      const xattr = requireXAttr(x);
      await this.#change('removeXAttr', src, xattr, caller, async (node, path) => {
        const next = removeINodeXAttr(node.xattrs, xattr);
        if (!next) throw xattrError('No matching attributes found for remove operation', { path, xattr: prefixedName(xattr) });
        await ns.commit([{ op: 'SET_XATTRS', path, xattrs: next }], `removeXAttr of ${path}`);
      });
    });
  }

  /** FSDirXAttrOp.getXAttrs: all visible ones for an empty `names`, else exactly those (stored values). */
  getXAttrs(src: string, names: readonly XAttr[], caller: CallerInfo): XAttr[] {
    const ns: FsNamesystem = this.#ns;
    this.#checkEnabled();
    let visible: XAttr[];
    try {
      const pc = ns.checker(caller);
      for (const x of names) checkPermissionForApi(pc.superUser, x, IS_RAW_PATH);
      visible = this.#readable(pc, src);
    } catch (e) {
      ns.auditRefusal(e, caller, 'getXAttrs', src);
    }
    let result = visible;
    if (names.length > 0) {
      if (visible.length === 0) throw xattrNotFound(src);
      result = names.map((x) => visible.find((a) => sameXAttr(a, x)) ?? raise(xattrNotFound(src)));
    }
    ns.audit(caller, 'getXAttrs', src);
    return result;
  }

  /** FSDirXAttrOp.listXAttrs. */
  listXAttrs(src: string, caller: CallerInfo): XAttr[] {
    const ns: FsNamesystem = this.#ns;
    this.#checkEnabled();
    let visible: XAttr[];
    try {
      visible = this.#readable(ns.checker(caller), src);
    } catch (e) {
      ns.auditRefusal(e, caller, 'listXAttrs', src);
    }
    ns.audit(caller, 'listXAttrs', src);
    return visible;
  }

  #checkEnabled(): void {
    if (!this.#ns.settings.xattrsEnabled) throw xattrError(XATTRS_DISABLED_MESSAGE, { configKey: 'dfs.namenode.xattrs.enabled' });
  }

  /** resolvePath(READ), checkPathAccess(READ), resolveLastINode, filterXAttrsForApi. */
  #readable(pc: PermissionChecker, src: string): XAttr[] {
    const r = this.#ns.resolve(pc, src, false);
    pc.check(r, { access: FsAction.READ });
    const node = lastInode(r);
    if (!node) throw fileNotFound(`cannot find ${r.path}`, r.path);
    return filterXAttrsForApi(pc.superUser, node.xattrs, IS_RAW_PATH);
  }

  /** Inside the write lock: the namespace rule, the path, checkXAttrChangeAccess, the inode, `apply`, the audit line. */
  async #change(cmd: XAttrCommand, src: string, x: XAttr, caller: CallerInfo, apply: (node: INode, path: string) => Promise<void>): Promise<void> {
    const ns = this.#ns;
    let node: INode;
    try {
      const pc = ns.checker(caller);
      checkPermissionForApi(pc.superUser, x, IS_RAW_PATH);
      const r = ns.resolve(pc, src, false);
      checkXAttrChangeAccess(pc, r, x);
      const last = lastInode(r);
      if (!last) throw fileNotFound(`cannot find ${r.path}`, r.path);
      node = last;
      await apply(node, r.path);
    } catch (e) {
      if (e instanceof AccessControlError) ns.auditDenied(caller, cmd, src);
      throw e;
    }
    ns.audit(caller, cmd, src, node);
  }
}

/**
 * FSDirXAttrOp.checkXAttrChangeAccess: with permissions on, a user-namespace change needs WRITE on
 * the inode, except on a directory with the sticky bit, where only its owner (or the superuser) may.
 */
function checkXAttrChangeAccess(pc: PermissionChecker, r: ResolvedPath, x: XAttr): void {
  if (!pc.enabled || x.namespace !== 'USER') return;
  const node = lastInode(r);
  if (node && node.kind === 'directory' && node.mode & STICKY) pc.checkOwner(r);
  else pc.check(r, { access: FsAction.WRITE });
}

/** A stock client always sends the xattr; a request without one names nothing that could be set. */
function requireXAttr(x: XAttr | undefined): XAttr {
  if (!x) throw illegalArgument('XAttr name cannot be empty.');
  return x;
}

function raise(e: Error): never {
  throw e;
}
