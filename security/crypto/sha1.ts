/**
 * SHA-1 (FIPS 180-4 sections 5 and 6.1) over byte arrays, in JavaScript, for short messages whose
 * cost a node:crypto call would dominate (a native hash object costs more to create than three
 * compressions of the 100-byte messages token checks hash). A state can resume from a midstate
 * that has already absorbed whole blocks, which is what HMAC with cached padded keys needs
 * (hmac-sha1.ts). Long messages belong to node:crypto. Synchronous and not re-entrant: the final
 * block buffer is shared.
 */
import { sha1CompressWords } from './sha1-compress.ts';

/** H(0) of FIPS 180-4 section 5.3.1 as signed 32-bit words. */
const IV = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0);

export const SHA1_BLOCK_BYTES = 64;
export const SHA1_DIGEST_BYTES = 20;

/** The block being compressed, as words: a whole block of the message, or the last block(s) with the tail, 0x80, zeros and the bit length (section 5.1.1). */
const words = new Int32Array(16);

/** A fresh state (H(0)). */
export function sha1Init(): Int32Array {
  return Int32Array.from(IV);
}

/** Absorbs one 64-byte block of `bytes` starting at `offset`. */
export function sha1Block(state: Int32Array, bytes: Uint8Array, offset: number): void {
  const w = words;
  for (let i = 0, o = offset; i < 16; i++, o += 4) w[i] = (bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!;
  sha1CompressWords(state, w);
}

/**
 * Absorbs `message` and the final padding (section 5.1.1) into `state`, which has already absorbed
 * `prefixBytes` bytes (a multiple of 64). `state` then holds the digest as five words.
 */
export function sha1Finish(state: Int32Array, message: Uint8Array, prefixBytes = 0): void {
  const n = message.length;
  let off = 0;
  for (; off + SHA1_BLOCK_BYTES <= n; off += SHA1_BLOCK_BYTES) sha1Block(state, message, off);
  // The tail is packed into big-endian words directly: building padded bytes only for the
  // compression to read them back costs about as much as a third of a compression.
  const w = words;
  const rest = n - off;
  let i = 0;
  for (const whole = rest >> 2; i < whole; i++, off += 4) w[i] = (message[off]! << 24) | (message[off + 1]! << 16) | (message[off + 2]! << 8) | message[off + 3]!;
  const partial = rest & 3;
  let last = 0x80 << (24 - 8 * partial);
  for (let k = 0; k < partial; k++) last |= message[off + k]! << (24 - 8 * k);
  w[i++] = last;
  if (i > 14) {
    // no room for the 64-bit length: it goes in a block of its own
    for (; i < 16; i++) w[i] = 0;
    sha1CompressWords(state, w);
    i = 0;
  }
  for (; i < 14; i++) w[i] = 0;
  const bits = (prefixBytes + n) * 8;
  w[14] = Math.floor(bits / 0x100000000);
  w[15] = bits | 0; // ToInt32: the low 32 bits
  sha1CompressWords(state, w);
}

/** Copies five state words (cheaper than TypedArray.prototype.set for five elements). */
export function sha1CopyState(to: Int32Array, from: Int32Array): void {
  to[0] = from[0]!;
  to[1] = from[1]!;
  to[2] = from[2]!;
  to[3] = from[3]!;
  to[4] = from[4]!;
}

/**
 * The five state words as 20 big-endian bytes (or the first `length` of them). The 20-byte case is
 * written out store by store: a token check returns one of these, and the loop cost a tenth of it.
 */
export function sha1Bytes(state: Int32Array, length = SHA1_DIGEST_BYTES): Uint8Array {
  if (length !== SHA1_DIGEST_BYTES) {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = state[i >> 2]! >>> (24 - 8 * (i & 3));
    return out;
  }
  const out = new Uint8Array(SHA1_DIGEST_BYTES);
  let v = state[0]!;
  out[0] = v >>> 24; out[1] = v >>> 16; out[2] = v >>> 8; out[3] = v;
  v = state[1]!;
  out[4] = v >>> 24; out[5] = v >>> 16; out[6] = v >>> 8; out[7] = v;
  v = state[2]!;
  out[8] = v >>> 24; out[9] = v >>> 16; out[10] = v >>> 8; out[11] = v;
  v = state[3]!;
  out[12] = v >>> 24; out[13] = v >>> 16; out[14] = v >>> 8; out[15] = v;
  v = state[4]!;
  out[16] = v >>> 24; out[17] = v >>> 16; out[18] = v >>> 8; out[19] = v;
  return out;
}

/** SHA-1 of `message` (for tests and one-off uses; prefer node:crypto for long inputs). */
export function sha1(message: Uint8Array): Uint8Array {
  if (message.length >= 0x20000000) throw new RangeError('sha1.ts hashes messages under 512 MiB; use node:crypto');
  const state = sha1Init();
  sha1Finish(state, message);
  return sha1Bytes(state);
}
