/**
 * Which extended attributes a caller may name and see (Hadoop 3.4.1's XAttrPermissionFilter):
 * `user.*` anyone (the file's permission bits decide, in xattr-ops.ts); `trusted.*` only the
 * superuser; `security.*` only `security.hdfs.unreadable.by.superuser`, and never with a value;
 * `system.*` nobody; `raw.*` only under /.reserved/raw, which hsec does not serve, so nobody.
 * Naming one the caller may not is an AccessControlException ("User doesn't have permission for
 * xattr: trusted.a"); a listing silently leaves out the ones the caller may not see.
 */
import { prefixedName, SECURITY_XATTR_UNREADABLE_BY_SUPERUSER, type XAttr } from '../../protocol/xattr.ts';
import { permissionDenied } from './fs-errors.ts';

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
