/**
 * `hadoop.security.authentication`, read in one place (Hadoop's SecurityUtil.getAuthenticationMethod
 * and UserGroupInformation.isSecurityEnabled): `simple` (no authentication) or `kerberos`. The
 * registry validates the value when the configuration is loaded; Hadoop's other names (token,
 * certificate, kerberos_ssl, proxy) are not login methods a process can be configured with here.
 */
import type { Configuration } from '../../lib/config/index.ts';

export type AuthenticationMethod = 'simple' | 'kerberos';

/** The configured authentication method (default simple, as core-default.xml). */
export function authenticationMethod(conf: Configuration): AuthenticationMethod {
  return conf.getEnum('hadoop.security.authentication', 'simple') === 'kerberos' ? 'kerberos' : 'simple';
}

/** UserGroupInformation.isSecurityEnabled: Kerberos authentication is on. */
export function isSecurityEnabled(conf: Configuration): boolean {
  return authenticationMethod(conf) === 'kerberos';
}
