/**
 * The registry from etype number (RFC 3961 section 8 / IANA "Kerberos Encryption Type Numbers")
 * and MIT enctype name (krb5.conf `permitted_enctypes` spelling, with MIT's short aliases) to the
 * EncryptionProfile implementing it. Only the AES families exist: RC4 and DES are deliberately
 * absent. Unknown etypes raise KerberosError KRB_ENCTYPE_UNSUPPORTED naming the supported list.
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import type { EncryptionProfile } from './profile.ts';
import { aes128CtsHmacSha196, aes256CtsHmacSha196 } from './aes-sha1.ts';
import { aes128CtsHmacSha256128, aes256CtsHmacSha384192 } from './aes-sha2.ts';

/** Strongest first: the order a client should offer them in. */
const PROFILES: readonly EncryptionProfile[] = [aes256CtsHmacSha384192, aes128CtsHmacSha256128, aes256CtsHmacSha196, aes128CtsHmacSha196];

const BY_ETYPE = new Map(PROFILES.map((p) => [p.etype, p]));
const BY_CHECKSUM = new Map(PROFILES.map((p) => [p.checksumType, p]));

/** MIT's aliases (lib/crypto/krb/etypes.c) mapped to canonical names. */
const ALIASES: Readonly<Record<string, string>> = {
  'aes256-cts': 'aes256-cts-hmac-sha1-96',
  'aes128-cts': 'aes128-cts-hmac-sha1-96',
  'aes256-sha1': 'aes256-cts-hmac-sha1-96',
  'aes128-sha1': 'aes128-cts-hmac-sha1-96',
  'aes256-sha2': 'aes256-cts-hmac-sha384-192',
  'aes128-sha2': 'aes128-cts-hmac-sha256-128',
};
const BY_NAME = new Map(PROFILES.map((p) => [p.name, p]));

/** Supported etype numbers, strongest first: [20, 19, 18, 17]. */
export const supportedEtypes: readonly number[] = Object.freeze(PROFILES.map((p) => p.etype));

function supportedList(): string {
  return PROFILES.map((p) => `${p.etype} (${p.name})`).join(', ');
}

/** True if `etype` has a profile here. */
export function isSupportedEtype(etype: number): boolean {
  return BY_ETYPE.has(etype);
}

/** The profile for an etype number; throws KRB_ENCTYPE_UNSUPPORTED otherwise. */
export function getProfile(etype: number): EncryptionProfile {
  const p = BY_ETYPE.get(etype);
  if (p === undefined) {
    throw new KerberosError('KRB_ENCTYPE_UNSUPPORTED', `Kerberos etype ${etype} is not supported; supported etypes: ${supportedList()}. Configure the KDC and keytab with an AES enctype`, {
      etype,
      supported: PROFILES.map((x) => x.name),
    });
  }
  return p;
}

/** The profile by MIT name or alias ('aes256-cts-hmac-sha1-96', 'aes256-cts', 'aes128-sha2'); case-insensitive. */
export function profileByName(name: string): EncryptionProfile {
  const lower = name.trim().toLowerCase();
  const p = BY_NAME.get(ALIASES[lower] ?? lower);
  if (p === undefined) {
    throw new KerberosError('KRB_ENCTYPE_UNSUPPORTED', `Kerberos enctype '${name}' is not supported; supported enctypes: ${supportedList()}`, {
      enctype: name,
      supported: PROFILES.map((x) => x.name),
    });
  }
  return p;
}

/** The profile whose mandatory checksum type is `cksumtype` (15, 16, 19, 20). */
export function profileByChecksumType(cksumtype: number): EncryptionProfile {
  const p = BY_CHECKSUM.get(cksumtype);
  if (p === undefined) {
    throw new KerberosError('KRB_ENCTYPE_UNSUPPORTED', `Kerberos checksum type ${cksumtype} is not supported; supported: ${PROFILES.map((x) => `${x.checksumType} (${x.name})`).join(', ')}`, {
      cksumtype,
    });
  }
  return p;
}
