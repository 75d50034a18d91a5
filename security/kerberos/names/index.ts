/**
 * Kerberos principal names: parsing and formatting, `_HOST` substitution, auth_to_local mapping.
 */
export { KerberosName, substituteHost, canonicalHostName, HOSTNAME_PATTERN } from './kerberos-name.ts';
export { AuthToLocal, DEFAULT_RULES_KERBEROS, DEFAULT_RULES_SIMPLE, type AuthToLocalMechanism, type AuthToLocalOptions } from './auth-to-local.ts';
export { compileJavaRegex, javaReplace, translateJavaRegex } from './java-regex.ts';
