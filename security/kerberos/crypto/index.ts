/**
 * The public face of the Kerberos crypto folder: profiles by etype or name, key usages, random
 * keys, and the RFC 3961/8009 building blocks (n-fold, DK/DR, KDF-HMAC-SHA2, AES-CTS) for tests
 * and for the GSS layer.
 */
export type { EncryptionProfile } from './profile.ts';
export { ETYPE } from './profile.ts';
export { getProfile, profileByName, profileByChecksumType, isSupportedEtype, supportedEtypes } from './registry.ts';
export { KEY_USAGE } from './key-usage.ts';
export type { KeyUsageName } from './key-usage.ts';
export { randomKey } from './random.ts';
export type { RandomSource } from './random.ts';
export { nfold } from './nfold.ts';
export { deriveKey, deriveRandom, kdfHmacSha2, usageConstant, KEY_PURPOSE } from './derive.ts';
export { ctsEncrypt, ctsDecrypt } from './cts.ts';
export { s2kParams } from './aes-common.ts';
export { AES_SHA1_DEFAULT_ITERATIONS } from './aes-sha1.ts';
export { AES_SHA2_DEFAULT_ITERATIONS } from './aes-sha2.ts';
