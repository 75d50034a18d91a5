/**
 * The contract of a Kerberos encryption profile (RFC 3961 section 3): string-to-key, random-to-key,
 * key-usage-based encrypt/decrypt with integrity, and the profile's keyed checksum. Each profile
 * (RFC 3962 AES-SHA1, RFC 8009 AES-SHA2) implements it in its own file; the registry in
 * ./registry.ts maps etype numbers to profiles. Callers (AS/TGS, GSS, keytab) know only this.
 */

/** RFC 3961 / 3962 / 8009 etype numbers. */
export const ETYPE = {
  AES128_CTS_HMAC_SHA1_96: 17,
  AES256_CTS_HMAC_SHA1_96: 18,
  AES128_CTS_HMAC_SHA256_128: 19,
  AES256_CTS_HMAC_SHA384_192: 20,
} as const;

export interface EncryptionProfile {
  /** etype number (17, 18, 19, 20). */
  readonly etype: number;
  /** MIT name, e.g. 'aes256-cts-hmac-sha1-96'. */
  readonly name: string;
  /** Protocol key length in bytes (16 or 32). */
  readonly keyLength: number;
  /** Checksum type number of the profile's mandatory keyed checksum (15, 16, 19, 20). */
  readonly checksumType: number;
  /** Length in bytes of that checksum / of the integrity tag appended by encrypt (12, 16 or 24). */
  readonly checksumLength: number;
  /** Confounder length in bytes prepended (before encryption) by encrypt: the cipher block size, 16. */
  readonly confounderLength: number;

  /**
   * string-to-key (RFC 3962 section 4 / RFC 8009 section 4). `params` is the s2kparams from
   * ETYPE-INFO2 (4-byte big-endian iteration count); absent means the profile's default.
   */
  stringToKey(password: string, salt: string | Uint8Array, params?: Uint8Array): Buffer;
  /** random-to-key: identity for AES; `bytes.length` must equal keyLength. */
  randomToKey(bytes: Uint8Array): Buffer;
  /**
   * encrypt(key, usage, plaintext): confounder | E(...) | truncated HMAC, as the profile defines.
   * `confounder` may be given for test vectors; otherwise random.
   */
  encrypt(key: Uint8Array, usage: number, plaintext: Uint8Array, confounder?: Uint8Array): Buffer;
  /**
   * encrypt() of the concatenation of `parts`, written after `prefix` into one new buffer
   * (prefix | ciphertext): RFC 4121 Wrap tokens build header and sealed body this way, without
   * concatenating the plaintext first or the token after.
   */
  encryptParts(key: Uint8Array, usage: number, parts: readonly Uint8Array[], prefix?: Uint8Array, confounder?: Uint8Array): Buffer;
  /** decrypt and verify integrity (constant time); throws KerberosError KRB_INTEGRITY on mismatch. Returns plaintext without the confounder. */
  decrypt(key: Uint8Array, usage: number, ciphertext: Uint8Array): Buffer;
  /** The profile's keyed checksum (get_mic) over `data` with key usage `usage`. */
  checksum(key: Uint8Array, usage: number, data: Uint8Array): Buffer;
  /** Verifies a checksum in constant time; returns false on mismatch. */
  verifyChecksum(key: Uint8Array, usage: number, data: Uint8Array, mac: Uint8Array): boolean;
  /** Output length in bytes of `prf`: 16 (aes-sha1), 32 (aes128-sha256) or 48 (aes256-sha384). */
  readonly prfLength: number;
  /**
   * pseudo-random(protocol-key, octet-string) of RFC 3961 section 3 (RFC 3962 section 6 /
   * RFC 8009 section 5), the building block of KRB-FX-CF2 (RFC 6113) and GSS_Pseudo_random (RFC 4402).
   */
  prf(key: Uint8Array, input: Uint8Array): Buffer;
}
