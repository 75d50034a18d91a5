/**
 * aes128-cts-hmac-sha256-128 (etype 19, checksum 19) and aes256-cts-hmac-sha384-192 (etype 20,
 * checksum 20): RFC 8009. Keys are derived with KDF-HMAC-SHA2 (section 3): Ke from usage|0xAA,
 * Ki from usage|0x55, Kc from usage|0x99. string-to-key (section 4): saltp = enctype name | 0x00 |
 * salt, tkey = PBKDF2-HMAC-SHA256/384(password, saltp, iterations, keylen), key =
 * KDF-HMAC-SHA2(tkey, "kerberos", keylen); default 32768 iterations. encrypt (section 5):
 * C = AES-CTS(Ke, confounder | plaintext, IV = 0), H = HMAC(Ki, IV | C) truncated; output C | H.
 */
import { createHmac, pbkdf2Sync } from 'node:crypto';
import type { EncryptionProfile } from './profile.ts';
import { ETYPE } from './profile.ts';
import { ctsDecrypt, ctsEncryptPadded } from './cts.ts';
import { kdfHmacSha2, KEY_PURPOSE, usageConstant } from './derive.ts';
import { derivedKey, derivedKeyId } from './derived-key-cache.ts';
import { checkKey, confoundedPlaintext, integrityError, iterationsFrom, tagsEqual, toBytes, tooShortError } from './aes-common.ts';

const BLOCK = 16;
const ZERO_IV = Buffer.alloc(BLOCK);
const NO_BYTES = new Uint8Array(0);
const KERBEROS = Buffer.from('kerberos', 'ascii');
const PRF_LABEL = Buffer.from('prf', 'ascii');

/** RFC 8009 section 4 default iteration count (s2kparams 00 00 80 00). */
export const AES_SHA2_DEFAULT_ITERATIONS = 32768;

class AesSha2Profile implements EncryptionProfile {
  readonly confounderLength = BLOCK;
  readonly etype: number;
  readonly name: string;
  readonly keyLength: number;
  readonly checksumType: number;
  readonly checksumLength: number;
  readonly prfLength: number;
  readonly #hash: 'sha256' | 'sha384';

  constructor(etype: number, name: string, keyLength: number, checksumType: number, macLength: number, hash: 'sha256' | 'sha384') {
    this.etype = etype;
    this.name = name;
    this.keyLength = keyLength;
    this.checksumType = checksumType;
    this.checksumLength = macLength;
    this.#hash = hash;
    this.prfLength = hash === 'sha256' ? 32 : 48;
  }

  stringToKey(password: string, salt: string | Uint8Array, params?: Uint8Array): Buffer {
    const iterations = iterationsFrom(params, AES_SHA2_DEFAULT_ITERATIONS, this.name);
    const saltp = Buffer.concat([Buffer.from(this.name, 'ascii'), Buffer.of(0), toBytes(salt)]);
    const tkey = pbkdf2Sync(toBytes(password), saltp, iterations, this.keyLength, this.#hash);
    return kdfHmacSha2(this.#hash, tkey, KERBEROS, this.keyLength * 8);
  }

  randomToKey(bytes: Uint8Array): Buffer {
    checkKey(bytes, this.keyLength, this.name);
    return Buffer.from(bytes);
  }

  /** Ke: 128 bits for aes128, 256 for aes256. */
  #ke(key: Uint8Array, usage: number): Buffer {
    return derivedKey(key, derivedKeyId(this.etype, usage, KEY_PURPOSE.ENCRYPTION), () => kdfHmacSha2(this.#hash, key, usageConstant(usage, KEY_PURPOSE.ENCRYPTION), this.keyLength * 8));
  }

  /** Ki / Kc: as long as the truncated HMAC (128 or 192 bits). */
  #macKey(key: Uint8Array, usage: number, purpose: number): Buffer {
    return derivedKey(key, derivedKeyId(this.etype, usage, purpose), () => kdfHmacSha2(this.#hash, key, usageConstant(usage, purpose), this.checksumLength * 8));
  }

  encrypt(key: Uint8Array, usage: number, plaintext: Uint8Array, confounder?: Uint8Array): Buffer {
    return this.encryptParts(key, usage, [plaintext], undefined, confounder);
  }

  encryptParts(key: Uint8Array, usage: number, parts: readonly Uint8Array[], prefix: Uint8Array = NO_BYTES, confounder?: Uint8Array): Buffer {
    checkKey(key, this.keyLength, this.name);
    const { padded, length: n } = confoundedPlaintext(parts, confounder, BLOCK);
    const out = Buffer.allocUnsafe(prefix.length + n + this.checksumLength);
    out.set(prefix, 0);
    ctsEncryptPadded(this.#ke(key, usage), padded, n, out, prefix.length, ZERO_IV);
    const c = out.subarray(prefix.length, prefix.length + n);
    const ki = this.#macKey(key, usage, KEY_PURPOSE.INTEGRITY);
    const h = createHmac(this.#hash, ki).update(ZERO_IV).update(c).digest();
    h.copy(out, prefix.length + n, 0, this.checksumLength);
    return out;
  }

  decrypt(key: Uint8Array, usage: number, ciphertext: Uint8Array): Buffer {
    checkKey(key, this.keyLength, this.name);
    const minimum = BLOCK + this.checksumLength;
    if (ciphertext.length < minimum) throw tooShortError(this.name, usage, ciphertext.length, minimum);
    const c = ciphertext.subarray(0, ciphertext.length - this.checksumLength);
    const h = ciphertext.subarray(ciphertext.length - this.checksumLength);
    const ki = this.#macKey(key, usage, KEY_PURPOSE.INTEGRITY);
    const expected = createHmac(this.#hash, ki).update(ZERO_IV).update(c).digest().subarray(0, this.checksumLength);
    // Encrypt-then-MAC: verify before decrypting.
    if (!tagsEqual(expected, h)) throw integrityError(this.name, usage);
    return ctsDecrypt(this.#ke(key, usage), c, ZERO_IV).subarray(BLOCK);
  }

  checksum(key: Uint8Array, usage: number, data: Uint8Array): Buffer {
    checkKey(key, this.keyLength, this.name);
    const kc = this.#macKey(key, usage, KEY_PURPOSE.CHECKSUM);
    return createHmac(this.#hash, kc).update(data).digest().subarray(0, this.checksumLength);
  }

  verifyChecksum(key: Uint8Array, usage: number, data: Uint8Array, mac: Uint8Array): boolean {
    return tagsEqual(this.checksum(key, usage, data), mac);
  }

  /** RFC 8009 section 5: KDF-HMAC-SHA2(key, "prf", input, 256 or 384). */
  prf(key: Uint8Array, input: Uint8Array): Buffer {
    checkKey(key, this.keyLength, this.name);
    return kdfHmacSha2(this.#hash, key, PRF_LABEL, this.prfLength * 8, input);
  }
}

export const aes128CtsHmacSha256128: EncryptionProfile = new AesSha2Profile(ETYPE.AES128_CTS_HMAC_SHA256_128, 'aes128-cts-hmac-sha256-128', 16, 19, 16, 'sha256');
export const aes256CtsHmacSha384192: EncryptionProfile = new AesSha2Profile(ETYPE.AES256_CTS_HMAC_SHA384_192, 'aes256-cts-hmac-sha384-192', 32, 20, 24, 'sha384');
