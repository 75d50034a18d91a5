/**
 * aes128-cts-hmac-sha1-96 (etype 17, checksum 15) and aes256-cts-hmac-sha1-96 (etype 18,
 * checksum 16): RFC 3962, built on the simplified profile of RFC 3961 section 5.3.
 * string-to-key: tkey = PBKDF2-HMAC-SHA1(password, salt, iterations, keylen) and key =
 * DK(tkey, "kerberos"); default 4096 iterations. encrypt: Ke = DK(base, usage|0xAA),
 * Ki = DK(base, usage|0x55); output AES-CTS(Ke, confounder | plaintext) | HMAC-SHA1-96(Ki,
 * confounder | plaintext). checksum: HMAC-SHA1-96 under Kc = DK(base, usage|0x99).
 */
import { createHash, pbkdf2Sync } from 'node:crypto';
import { hmacSha1 } from '../../crypto/hmac-sha1.ts';
import type { EncryptionProfile } from './profile.ts';
import { ETYPE } from './profile.ts';
import { aesEncryptBlock, ctsDecrypt, ctsEncryptPadded } from './cts.ts';
import { deriveKey, KEY_PURPOSE, usageConstant } from './derive.ts';
import { derivedKey, derivedKeyId } from './derived-key-cache.ts';
import { checkKey, confoundedPlaintext, integrityError, iterationsFrom, tagsEqual, toBytes, tooShortError } from './aes-common.ts';

const BLOCK = 16;
const HMAC_LENGTH = 12;
const KERBEROS = Buffer.from('kerberos', 'ascii');
const PRF_CONSTANT = Buffer.from('prf', 'ascii');
const NO_BYTES = new Uint8Array(0);

/** RFC 3962 section 4 default iteration count (s2kparams 00 00 10 00). */
export const AES_SHA1_DEFAULT_ITERATIONS = 4096;

class AesSha1Profile implements EncryptionProfile {
  readonly checksumLength = HMAC_LENGTH;
  readonly confounderLength = BLOCK;
  readonly prfLength = BLOCK;
  readonly etype: number;
  readonly name: string;
  readonly keyLength: number;
  readonly checksumType: number;

  constructor(etype: number, name: string, keyLength: number, checksumType: number) {
    this.etype = etype;
    this.name = name;
    this.keyLength = keyLength;
    this.checksumType = checksumType;
  }

  stringToKey(password: string, salt: string | Uint8Array, params?: Uint8Array): Buffer {
    const iterations = iterationsFrom(params, AES_SHA1_DEFAULT_ITERATIONS, this.name);
    const tkey = pbkdf2Sync(toBytes(password), toBytes(salt), iterations, this.keyLength, 'sha1');
    return deriveKey(tkey, KERBEROS);
  }

  /** DK(base, usage | purpose), memoized per base key. */
  #derive(key: Uint8Array, usage: number, purpose: number): Buffer {
    return derivedKey(key, derivedKeyId(this.etype, usage, purpose), () => deriveKey(key, usageConstant(usage, purpose)));
  }

  randomToKey(bytes: Uint8Array): Buffer {
    checkKey(bytes, this.keyLength, this.name);
    return Buffer.from(bytes);
  }

  encrypt(key: Uint8Array, usage: number, plaintext: Uint8Array, confounder?: Uint8Array): Buffer {
    return this.encryptParts(key, usage, [plaintext], undefined, confounder);
  }

  encryptParts(key: Uint8Array, usage: number, parts: readonly Uint8Array[], prefix: Uint8Array = NO_BYTES, confounder?: Uint8Array): Buffer {
    checkKey(key, this.keyLength, this.name);
    const { padded, length: n } = confoundedPlaintext(parts, confounder, BLOCK);
    const ke = this.#derive(key, usage, KEY_PURPOSE.ENCRYPTION);
    const ki = this.#derive(key, usage, KEY_PURPOSE.INTEGRITY);
    // The MAC first: CTS overwrites the first block of `padded`.
    const mac = hmacSha1(ki, padded.subarray(0, n), HMAC_LENGTH);
    const out = Buffer.allocUnsafe(prefix.length + n + HMAC_LENGTH);
    out.set(prefix, 0);
    ctsEncryptPadded(ke, padded, n, out, prefix.length);
    out.set(mac, prefix.length + n);
    return out;
  }

  decrypt(key: Uint8Array, usage: number, ciphertext: Uint8Array): Buffer {
    checkKey(key, this.keyLength, this.name);
    if (ciphertext.length < BLOCK + HMAC_LENGTH) throw tooShortError(this.name, usage, ciphertext.length, BLOCK + HMAC_LENGTH);
    const body = ciphertext.subarray(0, ciphertext.length - HMAC_LENGTH);
    const mac = ciphertext.subarray(ciphertext.length - HMAC_LENGTH);
    const ke = this.#derive(key, usage, KEY_PURPOSE.ENCRYPTION);
    const ki = this.#derive(key, usage, KEY_PURPOSE.INTEGRITY);
    const data = ctsDecrypt(ke, body);
    if (!tagsEqual(hmacSha1(ki, data, HMAC_LENGTH), mac)) throw integrityError(this.name, usage);
    return data.subarray(BLOCK);
  }

  checksum(key: Uint8Array, usage: number, data: Uint8Array): Buffer {
    checkKey(key, this.keyLength, this.name);
    const kc = this.#derive(key, usage, KEY_PURPOSE.CHECKSUM);
    return Buffer.from(hmacSha1(kc, data, HMAC_LENGTH));
  }

  verifyChecksum(key: Uint8Array, usage: number, data: Uint8Array, mac: Uint8Array): boolean {
    return tagsEqual(this.checksum(key, usage, data), mac);
  }

  /** RFC 3962 section 6: E(DK(key, "prf"), truncate-to-block(SHA-1(input))), zero initial state. */
  prf(key: Uint8Array, input: Uint8Array): Buffer {
    checkKey(key, this.keyLength, this.name);
    const tmp = createHash('sha1').update(input).digest().subarray(0, BLOCK);
    return aesEncryptBlock(derivedKey(key, `${this.etype}:prf`, () => deriveKey(key, PRF_CONSTANT)), tmp);
  }
}

export const aes128CtsHmacSha196: EncryptionProfile = new AesSha1Profile(ETYPE.AES128_CTS_HMAC_SHA1_96, 'aes128-cts-hmac-sha1-96', 16, 15);
export const aes256CtsHmacSha196: EncryptionProfile = new AesSha1Profile(ETYPE.AES256_CTS_HMAC_SHA1_96, 'aes256-cts-hmac-sha1-96', 32, 16);
