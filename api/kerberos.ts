/**
 * `hsec/kerberos`: Kerberos on node:crypto, no native code. Logins that keep themselves fresh
 * (keytab, password, ticket cache), keytab and credential-cache files in MIT's formats, krb5.conf,
 * principal names and Hadoop's auth_to_local rules. See docs/kerberos.md.
 */
export { KerberosLogin, loginFromKeytab, loginFromPassword, loginFromCcache, type LoginOptions } from '../security/kerberos/login/index.ts';
export { defaultKeytabPath } from '../security/kerberos/login/index.ts';
export { resolveCredentialCache, openCredentialCache, ccacheNameFor, type CredentialCache } from '../security/kerberos/ccache/index.ts';
export { Keytab, readKeytab, readKeytabSync, writeKeytab, keytabEntriesFromPassword, type KeytabEntry } from '../security/kerberos/keytab/index.ts';
export { readCcache, readCcacheSync, tickets, findTgt, type Ccache } from '../security/kerberos/ccache/index.ts';
export { loadKrb5Config, parseKrb5Conf, type Krb5Config } from '../security/kerberos/config/index.ts';
export { KerberosName, AuthToLocal, substituteHost } from '../security/kerberos/names/index.ts';
export { principalToString, type Principal, type Credential } from '../security/kerberos/types.ts';
