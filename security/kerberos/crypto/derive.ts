/**
 * Key derivation for the AES profiles. DR / DK are RFC 3961 section 5.1 (the simplified profile's
 * derivation, used by RFC 3962 aes-sha1): the n-folded constant is encrypted repeatedly under the
 * base key until enough bytes exist; for AES random-to-key is the identity. KDF-HMAC-SHA2 is
 * RFC 8009 section 3 (SP 800-108 counter mode with HMAC-SHA-256/384), used by aes-sha2 for
 * Ke / Ki / Kc and the final step of string-to-key. `usageConstant` builds the 5-byte
 * usage | 0x99 / 0xAA / 0x55 constants of RFC 3961 section 5.3 / RFC 8009 section 5.
 */
import { createHmac } from 'node:crypto';
import { nfold } from './nfold.ts';
import { aesEncryptBlock } from './cts.ts';

const BLOCK = 16;

/** Derived-key purposes (RFC 3961 5.3): checksum 0x99, encryption 0xAA, integrity 0x55. */
export const KEY_PURPOSE = { CHECKSUM: 0x99, ENCRYPTION: 0xaa, INTEGRITY: 0x55 } as const;

/** The 5-byte constant: 32-bit big-endian key usage followed by the purpose byte. */
export function usageConstant(usage: number, purpose: number): Buffer {
  if (!Number.isInteger(usage) || usage < 0 || usage > 0xffffffff) throw new RangeError(`key usage must be a 32-bit unsigned integer, got ${usage}`);
  const c = Buffer.alloc(5);
  c.writeUInt32BE(usage, 0);
  c[4] = purpose;
  return c;
}

/** DR(Key, Constant) of RFC 3961 5.1 with AES as E: `length` pseudo-random bytes. */
export function deriveRandom(key: Uint8Array, constant: Uint8Array, length: number): Buffer {
  let block = constant.length === BLOCK ? Buffer.from(constant) : nfold(constant, BLOCK);
  const out: Buffer[] = [];
  let have = 0;
  while (have < length) {
    block = aesEncryptBlock(key, block);
    out.push(block);
    have += BLOCK;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** DK(Key, Constant) = random-to-key(DR(Key, Constant)); random-to-key is the identity for AES. */
export function deriveKey(key: Uint8Array, constant: Uint8Array): Buffer {
  return deriveRandom(key, constant, key.length);
}

/**
 * KDF-HMAC-SHA2(key, label, [context,] k) of RFC 8009 section 3: k-truncate of
 * HMAC(key, i | label | 0x00 | [context |] k), counter i from 1 as needed, k in bits (32-bit BE).
 */
export function kdfHmacSha2(hash: 'sha256' | 'sha384', key: Uint8Array, label: Uint8Array, bits: number, context: Uint8Array = Buffer.alloc(0)): Buffer {
  const bytes = Math.ceil(bits / 8);
  const kBits = Buffer.alloc(4);
  kBits.writeUInt32BE(bits, 0);
  const parts: Buffer[] = [];
  let have = 0;
  for (let i = 1; have < bytes; i++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(i, 0);
    const k = createHmac(hash, key).update(counter).update(label).update(Buffer.of(0)).update(context).update(kBits).digest();
    parts.push(k);
    have += k.length;
  }
  return Buffer.concat(parts).subarray(0, bytes);
}
