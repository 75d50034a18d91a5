/**
 * The DIGEST-MD5 confidentiality ciphers (RFC 2831 section 2.4) as the JDK implements them
 * (com.sun.security.sasl.digest.DigestMD5Base): the cipher tokens in the JDK's order with their
 * strengths (3des and rc4 high, des and rc4-56 medium, rc4-40 low), how many bytes of H(A1) feed
 * the key derivation (5 for rc4-40, 7 for rc4-56, 16 otherwise), the DES key expansion (7 key bytes
 * -> 8 with odd parity in the low bit; 3des = K1,K2,K1 from Kc[0..7] and Kc[7..14]), the DES IV
 * (Kc[8..16]) and CBC or RC4 state that continues across messages.
 *
 * Availability: Node 20's OpenSSL 3 has DES-EDE3-CBC in its default provider but single DES and RC4
 * only in the legacy provider (`node --openssl-legacy-provider`). We need neither: single DES is
 * DES-EDE3 with three equal keys (E_K(D_K(E_K(x))) = E_K(x)) and RC4 falls back to ./rc4.ts. So all
 * five ciphers are always available; OpenSSL's RC4 is used when present because it is faster.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Cipher, Decipher } from 'node:crypto';
import { Rc4 } from './rc4.ts';

export type DigestCipherName = '3des' | 'rc4' | 'des' | 'rc4-56' | 'rc4-40';
export type CipherStrength = 'high' | 'medium' | 'low';

export interface DigestCipherSpec {
  readonly name: DigestCipherName;
  readonly strength: CipherStrength;
  /** Bytes of H(A1) hashed into Kcc/Kcs (RFC 2831 2.4: n). */
  readonly keyBytes: number;
  /** 8 for the DES family, 1 for RC4 (no padding). */
  readonly blockSize: number;
}

/** In the JDK's order (DigestMD5Base.CIPHER_TOKENS): within one strength the earlier wins. */
export const DIGEST_CIPHERS: readonly DigestCipherSpec[] = [
  { name: '3des', strength: 'high', keyBytes: 16, blockSize: 8 },
  { name: 'rc4', strength: 'high', keyBytes: 16, blockSize: 1 },
  { name: 'des', strength: 'medium', keyBytes: 16, blockSize: 8 },
  { name: 'rc4-56', strength: 'medium', keyBytes: 7, blockSize: 1 },
  { name: 'rc4-40', strength: 'low', keyBytes: 5, blockSize: 1 },
];

export const ALL_CIPHER_NAMES: readonly DigestCipherName[] = DIGEST_CIPHERS.map((c) => c.name);
export const DEFAULT_STRENGTHS: readonly CipherStrength[] = ['high', 'medium', 'low'];

export function cipherSpec(name: string): DigestCipherSpec | undefined {
  return DIGEST_CIPHERS.find((c) => c.name === name);
}

let opensslRc4: boolean | undefined;
/** Whether this process's OpenSSL offers RC4 (true only with the legacy provider loaded). */
export function opensslHasRc4(): boolean {
  if (opensslRc4 === undefined) {
    try {
      createCipheriv('rc4', Buffer.alloc(16), null);
      opensslRc4 = true;
    } catch {
      opensslRc4 = false;
    }
  }
  return opensslRc4;
}

/** Which implementation serves a cipher here: 'openssl' or 'builtin' (./rc4.ts). */
export function cipherBackend(name: DigestCipherName): 'openssl' | 'builtin' {
  return name.startsWith('rc4') && !opensslHasRc4() ? 'builtin' : 'openssl';
}

/**
 * Expands 7 key bytes into an 8-byte DES key: the 56 bits in order, 7 per byte in the high bits,
 * the low bit set for odd parity (RFC 2831 2.4; JDK addDesParity + setParityBit).
 */
export function addDesParity(seven: Uint8Array): Buffer {
  let bits = 0n;
  for (const b of seven.subarray(0, 7)) bits = (bits << 8n) | BigInt(b);
  const out = Buffer.alloc(8);
  for (let i = 7; i >= 0; i--) {
    let b = Number(bits & 0x7fn) << 1;
    bits >>= 7n;
    let ones = 0;
    for (let v = b; v; v >>= 1) ones += v & 1;
    if (ones % 2 === 0) b |= 1;
    out[i] = b;
  }
  return out;
}

/** A running cipher in one direction; `update` continues the CBC chain or RC4 keystream. */
export interface StreamCipher {
  readonly blockSize: number;
  update(data: Uint8Array): Buffer;
}

/** Creates the running cipher for `name` from a 16-byte Kc (Kcc or Kcs). */
export function createDigestCipher(name: DigestCipherName, kc: Uint8Array, direction: 'encrypt' | 'decrypt'): StreamCipher {
  if (name === '3des' || name === 'des') {
    const k1 = addDesParity(kc.subarray(0, 7));
    const key = name === '3des' ? Buffer.concat([k1, addDesParity(kc.subarray(7, 14)), k1]) : Buffer.concat([k1, k1, k1]);
    const iv = kc.subarray(8, 16);
    const c: Cipher | Decipher = direction === 'encrypt' ? createCipheriv('des-ede3-cbc', key, iv) : createDecipheriv('des-ede3-cbc', key, iv);
    c.setAutoPadding(false);
    return { blockSize: 8, update: (data) => c.update(data) };
  }
  if (opensslHasRc4()) {
    const c = direction === 'encrypt' ? createCipheriv('rc4', kc, null) : createDecipheriv('rc4', kc, null);
    return { blockSize: 1, update: (data) => c.update(data) };
  }
  const rc4 = new Rc4(kc);
  return { blockSize: 1, update: (data) => rc4.update(data) };
}

/**
 * The client's cipher choice (JDK DigestMD5Client.findCipherAndStrength): for each strength in
 * the preference order, the first cipher in DIGEST_CIPHERS order that the server offered and we
 * allow. Undefined when there is none.
 */
export function chooseCipher(
  offered: readonly string[],
  allowed: readonly DigestCipherName[] = ALL_CIPHER_NAMES,
  strengths: readonly CipherStrength[] = DEFAULT_STRENGTHS,
): DigestCipherName | undefined {
  for (const strength of strengths) {
    const hit = DIGEST_CIPHERS.find((c) => c.strength === strength && offered.includes(c.name) && allowed.includes(c.name));
    if (hit) return hit.name;
  }
  return undefined;
}
