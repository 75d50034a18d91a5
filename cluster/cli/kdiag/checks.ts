/**
 * The pure verdicts of `hsec kdiag`, apart from files and sockets so each is unit-tested: the key
 * length check (KDiag.validateKeyLength asks the JVM for its largest AES key; we ask Node's
 * OpenSSL and the Kerberos profiles hsec implements), a keytab's file mode, which keytab enctypes
 * krb5.conf lets a login use, the clock offset against krb5.conf clockskew, and the short name
 * check of --verifyshortname (KDiag.validateShortName: a result still holding `/` or `@`), and the
 * redaction of secret-looking JVM options before the environment is printed.
 */
import { getCiphers } from 'node:crypto';
import { enctypeName } from '../../../security/kerberos/crypto/enctype-names.ts';
import { getProfile, isSupportedEtype, supportedEtypes } from '../../../security/kerberos/crypto/registry.ts';

/** KDiag's default --keylen: what AES256 needs. */
export const DEFAULT_MIN_KEY_BITS = 256;

/** KDiag.nonSimplePattern: what a short name must not contain. */
export const NON_SIMPLE = /[/@]/;

/** Key length of an enctype in bits, or undefined for one hsec does not implement. */
export function keyBits(etype: number): number | undefined {
  return isSupportedEtype(etype) ? getProfile(etype).keyLength * 8 : undefined;
}

/**
 * The largest AES key this process can use for Kerberos: the longest key of the enctypes hsec
 * implements whose AES cipher Node's OpenSSL offers (the JVM's Cipher.getMaxAllowedKeyLength("AES")).
 */
export function maxAesKeyBits(ciphers: readonly string[] = getCiphers()): number {
  let max = 0;
  for (const etype of supportedEtypes) {
    const bits = keyBits(etype)!;
    if (ciphers.includes(`aes-${bits}-cbc`)) max = Math.max(max, bits);
  }
  return max;
}

/** A warning when a keytab's mode lets group or others read or write it, else undefined. */
export function keytabModeProblem(path: string, mode: number): string | undefined {
  const open = mode & 0o066;
  if (open === 0) return undefined;
  const who = [open & 0o060 ? 'its group' : '', open & 0o006 ? 'every user' : ''].filter(Boolean).join(' and ');
  return `keytab ${path} has mode 0${(mode & 0o777).toString(8)}: ${who} can ${open & 0o044 ? 'read' : 'write'} it, and a keytab's keys are the principal's password. Restrict it: chmod 600 ${path} (and chown it to the user that logs in with it)`;
}

/** The enctypes of `held` a login may use: those hsec implements and default_tkt_enctypes and permitted_enctypes allow. */
export function usableEnctypes(held: readonly number[], defaultTkt: readonly number[], permitted: readonly number[]): number[] {
  return [...new Set(held)].filter((e) => isSupportedEtype(e) && defaultTkt.includes(e) && permitted.includes(e));
}

export const enctypeList = (etypes: readonly number[]): string => (etypes.length ? etypes.map(enctypeName).join(', ') : '(none)');

/** Seconds with a sign, e.g. "+612 s", "-3 s", "+0.4 s". */
export function formatOffset(ms: number): string {
  const abs = Math.abs(ms);
  const s = abs < 10_000 ? (abs / 1000).toFixed(1) : String(Math.round(abs / 1000));
  return `${ms < 0 && s !== '0.0' ? '-' : '+'}${s} s`;
}

/** A failure text when the KDC's clock is further from ours than krb5.conf clockskew allows. */
export function clockSkewProblem(kdc: string, offsetMs: number, allowedMs: number): string | undefined {
  if (Math.abs(offsetMs) <= allowedMs) return undefined;
  return `clock offset to KDC ${kdc} is ${formatOffset(offsetMs)} (KDC ${offsetMs > 0 ? 'ahead of' : 'behind'} this host), more than the allowed skew of ${Math.round(allowedMs / 1000)} s (krb5.conf [libdefaults] clockskew): every login and service ticket will fail with "Clock skew too great". Synchronise this host's clock with the KDC's (chrony or ntpd; check with chronyc tracking)`;
}

/** --verifyshortname: a warning when the short name still holds `/` or `@`, else undefined. */
export function shortNameProblem(principal: string, shortName: string): string | undefined {
  return NON_SIMPLE.test(shortName) ? `${principal} short name: ${shortName} still contains @ or /` : undefined;
}

/** JVM `-Dname=value` options whose name says they hold a secret (keystore passwords and the like). */
const SECRET_PROPERTY = /(-D[^=\s]*(?:password|passwd|secret|credential)[^=\s]*=)("[^"]*"|\S+)/gi;

/** An option string (HADOOP_OPTS ...) with the values of secret-looking -D properties replaced. */
export function redactJvmOptions(text: string): string {
  return text.replace(SECRET_PROPERTY, '$1<redacted>');
}
