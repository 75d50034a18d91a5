/**
 * AES in CBC mode with ciphertext stealing, as RFC 3962 section 5 defines it for Kerberos (the
 * "CBC-CS3" variant of NIST SP 800-38A addendum: the last two blocks are always swapped). Input of
 * exactly one block is plain CBC; an exact multiple of the block size is CBC with the last two
 * ciphertext blocks swapped; otherwise the last partial block is zero-padded, CBC-encrypted, the
 * last two blocks swapped and the output truncated to the input length. RFC 8009 uses the same mode.
 * Only node:crypto AES-CBC / AES-ECB without padding is used underneath.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

const BLOCK = 16;
const ZERO_IV = Buffer.alloc(BLOCK);

function cipherName(key: Uint8Array, mode: 'cbc' | 'ecb'): string {
  if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES key must be 16 or 32 bytes, got ${key.length}`);
  return `aes-${key.length * 8}-${mode}`;
}

function cbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const c = createCipheriv(cipherName(key, 'cbc'), key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

function cbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const d = createDecipheriv(cipherName(key, 'cbc'), key, iv);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(data), d.final()]);
}

function ecbDecryptBlock(key: Uint8Array, block: Uint8Array): Buffer {
  const d = createDecipheriv(cipherName(key, 'ecb'), key, null);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(block), d.final()]);
}

/** AES encryption of one block (used by DR, RFC 3961 5.1, as the profile's E with a zero IV). */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Buffer {
  return cbcEncrypt(key, ZERO_IV, block);
}

/** AES-CTS encryption (RFC 3962 section 5). Input must be at least one block long. */
export function ctsEncrypt(key: Uint8Array, plaintext: Uint8Array, iv: Uint8Array = ZERO_IV): Buffer {
  const n = plaintext.length;
  if (n < BLOCK) throw new RangeError(`AES-CTS input must be at least ${BLOCK} bytes, got ${n}`);
  if (n === BLOCK) return cbcEncrypt(key, iv, plaintext);
  const padded = Buffer.alloc(Math.ceil(n / BLOCK) * BLOCK);
  padded.set(plaintext);
  const c = cbcEncrypt(key, iv, padded);
  const lastStart = c.length - BLOCK;
  const prevStart = lastStart - BLOCK;
  const tail = n - lastStart; // bytes of the final (partial or full) block, 1..16
  // Output: C1..C(n-2) | Cn (full) | first `tail` bytes of C(n-1).
  return Buffer.concat([c.subarray(0, prevStart), c.subarray(lastStart), c.subarray(prevStart, prevStart + tail)]);
}

/** AES-CTS decryption (RFC 3962 section 5), the inverse of ctsEncrypt. */
export function ctsDecrypt(key: Uint8Array, ciphertext: Uint8Array, iv: Uint8Array = ZERO_IV): Buffer {
  const n = ciphertext.length;
  if (n < BLOCK) throw new RangeError(`AES-CTS input must be at least ${BLOCK} bytes, got ${n}`);
  if (n === BLOCK) return cbcDecrypt(key, iv, ciphertext);
  const blocks = Math.ceil(n / BLOCK);
  const headLen = (blocks - 2) * BLOCK;
  const tail = n - headLen - BLOCK; // 1..16
  const head = ciphertext.subarray(0, headLen);
  const lastFull = ciphertext.subarray(headLen, headLen + BLOCK); // Cn, encrypted from the padded last block
  const stolen = ciphertext.subarray(headLen + BLOCK); // the first `tail` bytes of C(n-1)
  // D = Pn(padded) XOR C(n-1); its bytes past `tail` are C(n-1)'s stolen-away bytes (the pad was zero).
  const d = ecbDecryptBlock(key, lastFull);
  const prevCipher = Buffer.concat([stolen, d.subarray(tail)]);
  const lastPlain = Buffer.alloc(tail);
  for (let i = 0; i < tail; i++) lastPlain[i] = d[i]! ^ stolen[i]!;
  // C1..C(n-2) | C(n-1) are ordinary CBC.
  const chainIv = headLen === 0 ? iv : head.subarray(headLen - BLOCK);
  const front = headLen === 0 ? Buffer.alloc(0) : cbcDecrypt(key, iv, head);
  const prevPlain = cbcDecrypt(key, chainIv, prevCipher);
  return Buffer.concat([front, prevPlain, lastPlain]);
}
