/**
 * Keytab files (MIT format) and the principal text form used to look entries up.
 */
export { Keytab, parseKeytab, readKeytab, readKeytabSync, serializeKeytab, writeKeytab, writeKeytabSync } from './keytab.ts';
export type { KeytabEntry } from './keytab.ts';
export { KEYTAB_VERSION_1, KEYTAB_VERSION_2 } from './keytab-format.ts';
export { parsePrincipal, samePrincipal, toPrincipal } from './principal-text.ts';
export { defaultSalt, keytabEntriesFromPassword } from './password-entries.ts';
export type { PasswordEntryOptions } from './password-entries.ts';
