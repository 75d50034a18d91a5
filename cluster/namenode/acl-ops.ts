/**
 * The ACL calls of ClientProtocol (Hadoop 3.4.1's FSDirAclOp behind FSNamesystem and
 * NameNodeRpcServer): modifyAclEntries, removeAclEntries, removeDefaultAcl, removeAcl, setAcl and
 * getAclStatus. Each first refuses when dfs.namenode.acls.enabled is false (AclException "The ACL
 * operation has been rejected.  Support for ACLs has been disabled by setting
 * dfs.namenode.acls.enabled to false."). A change resolves the path (traverse checks), needs the
 * caller to own the inode or be the superuser (FSDirectory.checkOwner, as chmod), computes the new
 * ACL from the inode's full logical ACL (namespace/acl-transformation.ts), stores it as permission
 * bits plus ACL feature (namespace/acl-storage.ts) and journals OP_SET_ACL; an unchanged ACL is
 * not journaled. An invalid ACL is refused with AclTransformation's or AclStorage's message and, as
 * FSDirAclOp rethrows it, " Path: <src>" after it (the ACLs-disabled refusal comes before and has
 * none). removeAcl (and setAcl with an empty spec) drops the feature and puts the owning
 * group's entry back into the group bits. getAclStatus needs only the traverse checks and answers
 * the owner, group, sticky bit, permission bits and the feature's entries ("cannot find <path>"
 * for a missing path).
 *
 * Audited as FSNamesystem does, under the operation's name: a change with the inode's status
 * afterwards, getAclStatus without one, a refusal (AccessControlException) as allowed=false; other
 * errors (AclException, FileNotFoundException) are not audited.
 */
import { AccessControlError, FileSystemError } from '../../lib/errors/index.ts';
import type { AclEntry, AclStatus } from '../protocol/acl-entry.ts';
import { logicalAcl, storedAcl, type StoredAcl } from './namespace/acl-storage.ts';
import {
  filterAclEntriesByAclSpec, filterDefaultAclEntries, mergeAclEntries, replaceAclEntries,
} from './namespace/acl-transformation.ts';
import { lastInode } from './namespace/fs-directory.ts';
import { aclError, fileNotFound, HadoopException } from './namespace/fs-errors.ts';
import type { INode } from './namespace/inode.ts';
import type { PermissionChecker } from './namespace/permission-checker.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

/** The audit command names (FSNamesystem's operationName of each call). */
export type AclCommand = 'modifyAclEntries' | 'removeAclEntries' | 'removeDefaultAcl' | 'removeAcl' | 'setAcl' | 'getAclStatus';

/** What FSNamesystem's ACL changes tell checkNameNodeSafeMode (the path follows). */
const SAFE_MODE_TEXT: Readonly<Record<Exclude<AclCommand, 'getAclStatus'>, string>> = {
  modifyAclEntries: 'Cannot modify ACL entries on ',
  removeAclEntries: 'Cannot remove ACL entries on ',
  removeDefaultAcl: 'Cannot remove default ACL entries on ',
  removeAcl: 'Cannot remove ACL on ',
  setAcl: 'Cannot set ACL on ',
};

/** FSDirAclOp.checkAclsConfigFlag's message. */
export const ACLS_DISABLED_MESSAGE = 'The ACL operation has been rejected.  Support for ACLs has been disabled by setting dfs.namenode.acls.enabled to false.';

export class AclOps {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** AclTransformation.mergeAclEntries: add or replace entries. */
  modifyAclEntries(src: string, spec: readonly AclEntry[], caller: CallerInfo): Promise<void> {
    return this.#change('modifyAclEntries', src, caller, (node, path) => storedAcl(node, mergeAclEntries(logicalAcl(node), spec), path));
  }

  /** AclTransformation.filterAclEntriesByAclSpec: remove entries by scope, type and name. */
  removeAclEntries(src: string, spec: readonly AclEntry[], caller: CallerInfo): Promise<void> {
    return this.#change('removeAclEntries', src, caller, (node, path) => storedAcl(node, filterAclEntriesByAclSpec(logicalAcl(node), spec), path));
  }

  /** AclTransformation.filterDefaultAclEntries: keep only the access ACL. */
  removeDefaultAcl(src: string, caller: CallerInfo): Promise<void> {
    return this.#change('removeDefaultAcl', src, caller, (node, path) => storedAcl(node, filterDefaultAclEntries(logicalAcl(node)), path));
  }

  /** FSDirAclOp.unprotectedRemoveAcl: back to the permission bits alone. */
  removeAcl(src: string, caller: CallerInfo): Promise<void> {
    return this.#change('removeAcl', src, caller, (node) => withoutAcl(node));
  }

  /** AclTransformation.replaceAclEntries (an empty spec removes the ACL, as FSDirAclOp.unprotectedSetAcl). */
  setAcl(src: string, spec: readonly AclEntry[], caller: CallerInfo): Promise<void> {
    return this.#change('setAcl', src, caller, (node, path) => (spec.length === 0 ? withoutAcl(node) : storedAcl(node, replaceAclEntries(logicalAcl(node), spec), path)));
  }

  /** FSDirAclOp.getAclStatus. */
  getAclStatus(src: string, caller: CallerInfo): AclStatus {
    const ns: FsNamesystem = this.#ns;
    this.#checkEnabled();
    let node: INode;
    try {
      const r = ns.resolve(ns.checker(caller), src, false);
      const last = lastInode(r);
      if (!last) throw fileNotFound(`cannot find ${r.path}`, r.path);
      node = last;
    } catch (e) {
      ns.auditRefusal(e, caller, 'getAclStatus', src);
    }
    ns.audit(caller, 'getAclStatus', src);
    return { owner: node.owner, group: node.group, stickyBit: (node.mode & 0o1000) !== 0, entries: [...node.acl], permission: node.mode };
  }

  #checkEnabled(): void {
    if (!this.#ns.settings.aclsEnabled) throw aclError(ACLS_DISABLED_MESSAGE, { configKey: 'dfs.namenode.acls.enabled' });
  }

  /** Under the write lock: the flag, the path, checkOwner, the new ACL, the journal (if it changed), the audit line. */
  #change(cmd: Exclude<AclCommand, 'getAclStatus'>, src: string, caller: CallerInfo, next: (node: INode, path: string) => StoredAcl): Promise<void> {
    const ns = this.#ns;
    return ns.write(async () => {
      ns.checkNameNodeSafeMode(`${SAFE_MODE_TEXT[cmd]}${src}`);
      this.#checkEnabled();
      let node: INode;
      try {
        const pc: PermissionChecker = ns.checker(caller);
        const r = ns.resolve(pc, src, false);
        pc.checkOwner(r);
        node = lastInode(r)!;
        let stored: StoredAcl;
        try {
          stored = next(node, r.path);
        } catch (e) {
          // FSDirAclOp: catch (AclException e) { throw new AclException(e.getMessage() + " Path: " + src, e); }
          // where src is the resolved path, except in setAcl, which never reassigns it
          throw withPath(e, cmd === 'setAcl' ? src : r.path);
        }
        if (stored.mode !== node.mode || !sameEntries(stored.entries, node.acl)) {
          await ns.commit([{ op: 'SET_ACL', path: r.path, mode: stored.mode, entries: stored.entries }], `${cmd} of ${r.path}`);
        }
      } catch (e) {
        if (e instanceof AccessControlError) ns.auditDenied(caller, cmd, src);
        throw e;
      }
      ns.audit(caller, cmd, src, node);
    });
  }
}

/** An AclException again with " Path: <src>" after its message (another error as it is). */
function withPath(e: unknown, src: string): unknown {
  if (!(e instanceof FileSystemError) || e.details['exceptionClassName'] !== HadoopException.ACL) return e;
  return aclError(`${e.message} Path: ${src}`, { ...e.details, path: src }, e);
}

/** unprotectedRemoveAcl: the owning group's entry goes back into the group bits (when there was an access ACL). */
function withoutAcl(node: INode): StoredAcl {
  const group = node.acl[0]?.scope === 'ACCESS' ? node.acl.find((e) => e.scope === 'ACCESS' && e.type === 'GROUP' && e.name === undefined) : undefined;
  return { mode: group ? (node.mode & ~0o070) | (group.permission << 3) : node.mode, entries: [] };
}

function sameEntries(a: readonly AclEntry[], b: readonly AclEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => e.scope === b[i]!.scope && e.type === b[i]!.type && e.name === b[i]!.name && e.permission === b[i]!.permission);
}
