/**
 * How an inode's extended attributes change (Hadoop 3.4.1's FSDirXAttrOp.setINodeXAttrs and
 * filterINodeXAttrs, XAttrSetFlag.validate, XAttrStorage / XAttrFeature): pure functions from the
 * inode's list to the new one, with Hadoop's IOException messages. A set puts the new attribute
 * first and keeps the others after it in their order; the user-visible ones (user and trusted
 * namespaces) may number at most dfs.namenode.fs-limits.max-xattrs-per-inode. A zero-length value
 * is stored as no value (XAttrFormat writes none for it). `security.hdfs.unreadable.by.superuser`
 * cannot be removed once set.
 */
import { illegalArgument, permissionDenied, xattrError } from './fs-errors.ts';
import { prefixedName, sameXAttr, SECURITY_XATTR_UNREADABLE_BY_SUPERUSER, XAttrSetFlag, type XAttr } from '../../protocol/xattr.ts';

const isUserVisible = (x: XAttr): boolean => x.namespace === 'USER' || x.namespace === 'TRUSTED';

/** XAttrSetFlag.validate: CREATE for a new name, REPLACE for an existing one (both bits allow either). */
export function validateSetFlag(name: string, exists: boolean, flag: number): void {
  if ((flag & (XAttrSetFlag.CREATE | XAttrSetFlag.REPLACE)) === 0) throw illegalArgument('A flag must be specified.');
  if (exists && !(flag & XAttrSetFlag.REPLACE)) throw xattrError(`XAttr: ${name} already exists. The REPLACE flag must be specified.`, { xattr: name });
  if (!exists && !(flag & XAttrSetFlag.CREATE)) throw xattrError(`XAttr: ${name} does not exist. The CREATE flag must be specified.`, { xattr: name });
}

/** FSDirXAttrOp.checkXAttrSize: the name's UTF-8 bytes (no prefix) plus the value's. */
export function checkXAttrSize(x: XAttr, maxSize: number): void {
  const size = Buffer.byteLength(x.name, 'utf8') + (x.value?.length ?? 0);
  if (size > maxSize) {
    throw illegalArgument(`The XAttr is too big. The maximum combined size of the name and value is ${maxSize}, but the total size is ${size}`, { xattr: prefixedName(x) });
  }
}

/** XAttrFormat: a zero-length value is stored as none. */
function stored(x: XAttr): XAttr {
  return x.value !== undefined && x.value.length === 0 ? { namespace: x.namespace, name: x.name } : x;
}

/**
 * FSDirXAttrOp.setINodeXAttrs for one xattr: the flag checked against whether the name exists,
 * the new one first, then the existing others; more user-visible ones than `limit` is refused.
 */
export function setINodeXAttr(existing: readonly XAttr[], x: XAttr, flag: number, limit: number): XAttr[] {
  validateSetFlag(x.name, existing.some((a) => sameXAttr(a, x)), flag);
  const next = [stored(x), ...existing.filter((a) => !sameXAttr(a, x))];
  if (next.filter(isUserVisible).length > limit) throw xattrError(`Cannot add additional XAttr to inode, would exceed limit of ${limit}`, { limit });
  return next;
}

/**
 * FSDirXAttrOp.filterINodeXAttrs for one xattr: the list without it, or undefined when it is not
 * there. Naming `security.hdfs.unreadable.by.superuser` is an AccessControlException whenever the
 * inode has any xattr (Hadoop checks it while walking the list).
 */
export function removeINodeXAttr(existing: readonly XAttr[], x: XAttr): XAttr[] | undefined {
  if (existing.length === 0) return undefined;
  if (prefixedName(x) === SECURITY_XATTR_UNREADABLE_BY_SUPERUSER) {
    throw permissionDenied(`The xattr '${SECURITY_XATTR_UNREADABLE_BY_SUPERUSER}' can not be deleted.`, { xattr: prefixedName(x) });
  }
  const kept = existing.filter((a) => !sameXAttr(a, x));
  return kept.length === existing.length ? undefined : kept;
}
