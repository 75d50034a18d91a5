/**
 * SHA-1 (FIPS 180-4 sections 5 and 6.1) over byte arrays, in JavaScript, for short messages whose
 * cost a node:crypto call would dominate (a native hash object costs more to create than three
 * compressions of the 100-byte messages token checks hash). A state can resume from a midstate
 * that has already absorbed whole blocks, which is what HMAC with cached padded keys needs
 * (hmac-sha1.ts). Long messages belong to node:crypto. Synchronous and not re-entrant: the block
 * buffer is shared.
 */
import { sha1Compress } from './sha1-compress.ts';

/** H(0) of FIPS 180-4 section 5.3.1 as signed 32-bit words. */
const IV = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0);

export const SHA1_BLOCK_BYTES = 64;
export const SHA1_DIGEST_BYTES = 20;

const block = new Int32Array(16);

/** A fresh state (H(0)). */
export function sha1Init(): Int32Array {
  return Int32Array.from(IV);
}

/** Absorbs one 64-byte block of `bytes` starting at `offset`. */
export function sha1Block(state: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let t = 0, o = offset; t < 16; t++, o += 4) {
    block[t] = (bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!;
  }
  sha1Compress(state, block);
}

/**
 * Absorbs `message` and the final padding (section 5.1.1) into `state`, which has already absorbed
 * `prefixBytes` bytes (a multiple of 64). `state` then holds the digest as five words.
 */
export function sha1Finish(state: Int32Array, message: Uint8Array, prefixBytes = 0): void {
  const n = message.length;
  let off = 0;
  for (; off + SHA1_BLOCK_BYTES <= n; off += SHA1_BLOCK_BYTES) sha1Block(state, message, off);
  block.fill(0);
  const rest = n - off;
  let i = 0;
  for (let o = off; i + 4 <= rest; i += 4, o += 4) block[i >> 2] = (message[o]! << 24) | (message[o + 1]! << 16) | (message[o + 2]! << 8) | message[o + 3]!;
  for (; i < rest; i++) block[i >> 2]! |= message[off + i]! << (24 - 8 * (i & 3));
  block[rest >> 2]! |= 0x80 << (24 - 8 * (rest & 3));
  if (rest >= 56) {
    sha1Compress(state, block);
    block.fill(0);
  }
  const bits = (prefixBytes + n) * 8;
  block[14] = Math.floor(bits / 0x100000000);
  block[15] = bits >>> 0;
  sha1Compress(state, block);
}

/** Absorbs the final block of a 20-byte message given as the five words of another digest. */
export function sha1FinishDigest(state: Int32Array, digest: Int32Array, prefixBytes: number): void {
  block.set(digest);
  block[5] = 0x80000000 | 0;
  block.fill(0, 6, 14);
  block[14] = 0;
  block[15] = (prefixBytes + SHA1_DIGEST_BYTES) * 8;
  sha1Compress(state, block);
}

/** The five state words as 20 big-endian bytes (or the first `length` of them). */
export function sha1Bytes(state: Int32Array, length = SHA1_DIGEST_BYTES): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = state[i >> 2]! >>> (24 - 8 * (i & 3));
  return out;
}

/** SHA-1 of `message` (for tests and one-off uses; prefer node:crypto for long inputs). */
export function sha1(message: Uint8Array): Uint8Array {
  const state = sha1Init();
  sha1Finish(state, message);
  return sha1Bytes(state);
}
