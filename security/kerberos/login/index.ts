/**
 * Kerberos logins that last: keytab, password and ticket-cache logins with automatic refresh and
 * a service-ticket cache; diagnostics_channel events hsec:kerberos:login / hsec:kerberos:relogin.
 */
export { KerberosLogin, loginFromKeytab, loginFromPassword, loginFromCcache, type LoginOptions } from './kerberos-login.ts';
export { DEFAULT_REFRESH_POLICY, refreshAt, refreshDelay, isFresh, isValid, type RefreshPolicy } from './refresh-policy.ts';
export { loginChannel, reloginChannel, type LoginEvent, type ReloginEvent, type LoginSource } from './events.ts';
export { defaultClientKeytabPath, defaultKeytabPath, keytabPath, readTgt, storeInitialTicket } from './ccache-store.ts';
export { ccacheNameFor, resolveCredentialCache } from '../ccache/index.ts';
