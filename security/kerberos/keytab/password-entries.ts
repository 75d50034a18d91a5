/**
 * Keytab entries derived from a password, as MIT `ktutil addent -password` and `kadmin` do: one
 * entry per enctype, the key from the profile's string-to-key over the password and the salt, the
 * default salt being the realm followed by every name component (RFC 4120 section 4, MIT
 * krb5_principal2salt). The enctype's default s2kparams apply unless given.
 */
import type { Principal } from '../types.ts';
import { getProfile, supportedEtypes } from '../crypto/registry.ts';
import type { KeytabEntry } from './keytab-format.ts';
import { toPrincipal } from './principal-text.ts';

/** The default salt of `principal`: REALM + components, no separators. */
export function defaultSalt(principal: Principal): string {
  return principal.realm + principal.name.components.join('');
}

export interface PasswordEntryOptions {
  /** Key version number (required: it must match the KDC's kvno for the principal). */
  readonly kvno: number;
  /** Enctypes to derive, default every supported AES enctype, strongest first. */
  readonly etypes?: readonly number[];
  /** Salt override (e.g. from ETYPE-INFO2); default the principal's default salt. */
  readonly salt?: string | Uint8Array;
  /** s2kparams override (4-byte iteration count); default each enctype's default. */
  readonly s2kParams?: Uint8Array;
  /** Entry timestamp in ms (default now). */
  readonly timestamp?: number;
}

/** Keytab entries for `principal` derived from `password`. */
export function keytabEntriesFromPassword(principal: Principal | string, password: string, opts: PasswordEntryOptions): KeytabEntry[] {
  const p = toPrincipal(principal);
  const salt = opts.salt ?? defaultSalt(p);
  const timestamp = opts.timestamp ?? Date.now();
  return (opts.etypes ?? supportedEtypes).map((etype) => ({
    principal: p,
    timestamp,
    kvno: opts.kvno,
    key: { etype, value: getProfile(etype).stringToKey(password, salt, opts.s2kParams) },
  }));
}
