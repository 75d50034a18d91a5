/**
 * Token passwords and master-key generation as Hadoop's `SecretManager` does them (hadoop-common
 * security/token/SecretManager.java): password = HMAC-SHA1(key = master key
 * bytes, message = exact identifier bytes), 20 bytes; keys come from a 64-bit KeyGenerator, i.e.
 * 8 random bytes. Password checks use crypto.timingSafeEqual. Shared by delegation, block and
 * job tokens.
 *
 * HMAC-SHA1 runs through a per-key HmacSha1 (security/crypto/hmac-sha1.ts) whose padded key
 * blocks are absorbed once, as the JDK's Mac keeps them after init(key): a token check then costs
 * three SHA-1 compressions in JavaScript instead of a native HMAC object per call, about five
 * times fewer cycles for a 100-byte identifier (bench/suites/token-hmac.ts). The cache hangs off
 * the key's byte array (WeakMap: gone with the key) and is used only while those bytes are
 * unchanged. Other algorithms go through node:crypto.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hmacSha1For } from '../../crypto/hmac-sha1.ts';

/** Default HMAC algorithm (Java `HmacSHA1`). */
export const DEFAULT_HMAC_ALGORITHM = 'sha1';
/** Default key length in bits (Java `KeyGenerator.init(64)`). */
export const DEFAULT_KEY_LENGTH_BITS = 64;

/** Source of random bytes; injected so tests can be deterministic. */
export type RandomSource = (size: number) => Uint8Array;
export const cryptoRandom: RandomSource = (size) => new Uint8Array(randomBytes(size));

/** `SecretManager.createPassword(identifier, key)`. */
export function createPassword(identifier: Uint8Array, key: Uint8Array, algorithm = DEFAULT_HMAC_ALGORITHM): Uint8Array {
  if (algorithm === DEFAULT_HMAC_ALGORITHM || algorithm.toLowerCase() === DEFAULT_HMAC_ALGORITHM) return hmacSha1For(key).mac(identifier);
  return new Uint8Array(createHmac(algorithm, key).update(identifier).digest());
}

/** `SecretManager.generateSecret()`: `lengthBits / 8` random bytes. */
export function generateSecret(random: RandomSource = cryptoRandom, lengthBits = DEFAULT_KEY_LENGTH_BITS): Uint8Array {
  return random(lengthBits / 8);
}

/** Constant-time equality (`MessageDigest.isEqual`); false for different lengths. */
export function passwordsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
