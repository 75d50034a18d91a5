/**
 * How an inode keeps its ACL (Hadoop 3.4.1's AclStorage and AclFeature): the owner and other
 * entries are the permission's user and other bits; with an extended ACL the group bits hold the
 * mask, and the inode's ACL feature holds the rest: the named users, the owning group, the named
 * groups, then the whole default ACL (sorted as AclTransformation sorts). An inode without a
 * feature has the minimal ACL its bits stand for. A chmod of an inode with an ACL therefore
 * changes its mask, as POSIX wants.
 *
 * `storedAcl` turns a full logical ACL into the bits and feature entries an edit op records (the
 * sticky bit kept; only a directory may have a default ACL). `inheritedAcl` is
 * copyINodeDefaultAcl: a new file or directory under a directory with a default ACL gets it as its
 * access ACL (owner, mask and other filtered by the create mode; the group too when the default ACL
 * is minimal), and a new directory also gets it as its own default ACL.
 */
import { compareAclEntries, isMinimalAcl, minimalAcl, type AclEntry } from '../../protocol/acl-entry.ts';
import { aclError } from './fs-errors.ts';
import type { INode } from './inode.ts';

const STICKY = 0o1000;

/** An inode's ACL as stored: the permission bits and the ACL feature's entries (empty = no feature). */
export interface StoredAcl {
  mode: number;
  entries: AclEntry[];
}

/** AclStorage.readINodeLogicalAcl: the full ACL of an inode. */
export function logicalAcl(node: Pick<INode, 'mode' | 'acl'>): AclEntry[] {
  const { mode, acl } = node;
  if (acl.length === 0) return minimalAcl(mode);
  const access = acl.filter((e) => e.scope === 'ACCESS');
  const defaults = acl.filter((e) => e.scope === 'DEFAULT');
  const head: AclEntry[] = access.length === 0 ? minimalAcl(mode) : [
    { scope: 'ACCESS', type: 'USER', permission: (mode >> 6) & 7 },
    ...access,
    { scope: 'ACCESS', type: 'MASK', permission: (mode >> 3) & 7 },
    { scope: 'ACCESS', type: 'OTHER', permission: mode & 7 },
  ];
  return [...head, ...defaults];
}

/** AclStorage.updateINodeAcl without the mutation: the bits and feature entries of `acl` (validated and sorted) on `node`. */
export function storedAcl(node: Pick<INode, 'mode' | 'kind'>, acl: readonly AclEntry[], path: string): StoredAcl {
  const sticky = node.mode & STICKY;
  if (isMinimalAcl(acl)) return { mode: sticky | bits(acl[0]!, acl[1]!, acl[2]!), entries: [] };
  const access = acl.filter((e) => e.scope === 'ACCESS');
  const defaults = acl.filter((e) => e.scope === 'DEFAULT');
  if (defaults.length > 0 && node.kind !== 'directory') throw aclError(`Invalid ACL: only directories may have a default ACL. Path: ${path}`, { path });
  return { mode: sticky | extendedBits(access), entries: featureEntries(access, defaults) };
}

/**
 * AclStorage.copyINodeDefaultAcl: what a new inode created with `mode` under a parent whose ACL
 * feature is `parentAcl` gets, or undefined when the parent has no default ACL.
 */
export function inheritedAcl(parentAcl: readonly AclEntry[], kind: INode['kind'], mode: number): StoredAcl | undefined {
  const parentDefault = parentAcl.filter((e) => e.scope === 'DEFAULT');
  if (parentDefault.length === 0) return undefined;
  const minimalDefault = isMinimalAcl(parentDefault);
  const access: AclEntry[] = parentDefault.map((e) => {
    let permission = e.permission;
    if (e.type === 'USER' && e.name === undefined) permission &= (mode >> 6) & 7;
    else if (e.type === 'GROUP' && minimalDefault) permission &= (mode >> 3) & 7;
    else if (e.type === 'MASK') permission &= (mode >> 3) & 7;
    else if (e.type === 'OTHER') permission &= mode & 7;
    return { scope: 'ACCESS', type: e.type, ...(e.name !== undefined ? { name: e.name } : {}), permission };
  });
  access.sort(compareAclEntries);
  const defaults = kind === 'directory' ? [...parentDefault] : [];
  const sticky = mode & STICKY;
  if (!isMinimalAcl(access) || defaults.length > 0) return { mode: sticky | extendedBits(access), entries: featureEntries(access, defaults) };
  return { mode: sticky | bits(access[0]!, access[1]!, access[2]!), entries: [] };
}

/** createAclFeature: the access entries between the owner and the mask/other pair, then the default ACL. */
function featureEntries(access: readonly AclEntry[], defaults: readonly AclEntry[]): AclEntry[] {
  return [...(isMinimalAcl(access) ? [] : access.slice(1, access.length - 2)), ...defaults];
}

/** createFsPermissionForExtendedAcl: owner, then the mask (or group) as the group bits, then other. */
function extendedBits(access: readonly AclEntry[]): number {
  return bits(access[0]!, access[access.length - 2]!, access[access.length - 1]!);
}

function bits(user: AclEntry, group: AclEntry, other: AclEntry): number {
  return (user.permission << 6) | (group.permission << 3) | other.permission;
}
