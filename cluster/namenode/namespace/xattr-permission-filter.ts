/**
 * Which extended attributes a caller may name and see (Hadoop 3.4.1's XAttrPermissionFilter):
 * `user.*` anyone (the file's permission bits decide, in xattr-ops.ts); `trusted.*` only the
 * superuser; `security.*` only `security.hdfs.unreadable.by.superuser`, and never with a value;
 * `system.*` nobody; `raw.*` only under /.reserved/raw, which hsec does not serve, so nobody.
 * Naming one the caller may not is an AccessControlException ("User doesn't have permission for
 * xattr: trusted.a"); a listing silently leaves out the ones the caller may not see. A file
 * marked `security.hdfs.unreadable.by.superuser` cannot be opened by the superuser
 * (FSDirectory.checkUnreadableBySuperuser, with permissions on).
 */
import { prefixedName, SECURITY_XATTR_UNREADABLE_BY_SUPERUSER, type XAttr } from '../../protocol/xattr.ts';
import { permissionDenied } from './fs-errors.ts';
import type { INode } from './inode.ts';

/** XAttrPermissionFilter.checkPermissionForApi for one xattr. */
export function checkPermissionForApi(superUser: boolean, x: XAttr, isRawPath: boolean): void {
  if (x.namespace === 'USER' || (x.namespace === 'TRUSTED' && superUser)) return;
  if (x.namespace === 'RAW' && isRawPath) return;
  const name = prefixedName(x);
  if (name === SECURITY_XATTR_UNREADABLE_BY_SUPERUSER) {
    if (x.value !== undefined) {
      throw permissionDenied(`Attempt to set a value for '${SECURITY_XATTR_UNREADABLE_BY_SUPERUSER}'. Values are not allowed for this xattr.`, { xattr: name });
    }
    return;
  }
  throw permissionDenied(`User doesn't have permission for xattr: ${name}`, { xattr: name });
}

/** XAttrPermissionFilter.filterXAttrsForApi: the ones the caller may see, in order. */
export function filterXAttrsForApi(superUser: boolean, xattrs: readonly XAttr[], isRawPath: boolean): XAttr[] {
  return xattrs.filter((x) =>
    x.namespace === 'USER'
    || (x.namespace === 'TRUSTED' && superUser)
    || (x.namespace === 'RAW' && isRawPath)
    || prefixedName(x) === SECURITY_XATTR_UNREADABLE_BY_SUPERUSER);
}

/** FSDirectory.checkUnreadableBySuperuser: getBlockLocations of a marked file by the superuser. */
export function checkUnreadableBySuperuser(superUser: boolean, user: string, node: INode, path: string): void {
  if (superUser && node.xattrs.some((x) => prefixedName(x) === SECURITY_XATTR_UNREADABLE_BY_SUPERUSER)) {
    throw permissionDenied(`Access is denied for ${user} since the superuser is not allowed to perform this operation.`, { user, path });
  }
}
