/**
 * HMAC-SHA1 (RFC 2104 with FIPS 180-4 SHA-1) for one key and many short messages: the key's
 * inner and outer padded blocks are absorbed once, at construction, and each MAC then costs the
 * compressions of the message alone plus one for the outer hash (three for a 100-byte token
 * identifier), with no native call. This is what the JDK's Mac does after init(key) and what
 * makes token password checks run at JDK speed (docs/fast-privacy.md, "Token MACs"); measured by
 * bench/suites/token-hmac.ts. Results are identical to node:crypto's createHmac('sha1', key).
 */
import { createHash, createHmac } from 'node:crypto';
import { sha1CompressWords } from './sha1-compress.ts';
import { SHA1_BLOCK_BYTES, SHA1_DIGEST_BYTES, sha1Block, sha1Bytes, sha1CopyState, sha1Finish, sha1Init } from './sha1.ts';
import { sameBytes } from './same-bytes.ts';

const IPAD = 0x36;
const OPAD = 0x5c;

export class HmacSha1 {
  readonly #inner: Int32Array;
  readonly #outer: Int32Array;
  readonly #state = new Int32Array(5);
  /** The outer hash's one block as words: the inner digest (written per MAC), 0x80, zeros, the bit length of pad + digest. */
  readonly #outerWords = new Int32Array(16);

  constructor(key: Uint8Array) {
    // RFC 2104 section 2: a key longer than the block is hashed first; shorter keys are zero-padded.
    const k = key.length > SHA1_BLOCK_BYTES ? createHash('sha1').update(key).digest() : key;
    const pad = new Uint8Array(SHA1_BLOCK_BYTES);
    this.#inner = sha1Init();
    this.#outer = sha1Init();
    for (const [state, byte] of [[this.#inner, IPAD], [this.#outer, OPAD]] as const) {
      pad.fill(byte);
      for (let i = 0; i < k.length; i++) pad[i]! ^= k[i]!;
      sha1Block(state, pad, 0);
    }
    pad.fill(0);
    this.#outerWords[SHA1_DIGEST_BYTES / 4] = 0x80000000 | 0;
    this.#outerWords[15] = (SHA1_BLOCK_BYTES + SHA1_DIGEST_BYTES) * 8;
  }

  /** HMAC-SHA1(key, message): 20 bytes, or the first `length` bytes (e.g. 12 for HMAC-SHA1-96). */
  mac(message: Uint8Array, length = SHA1_DIGEST_BYTES): Uint8Array {
    const s = this.#state;
    sha1CopyState(s, this.#inner);
    sha1Finish(s, message, SHA1_BLOCK_BYTES);
    const w = this.#outerWords;
    sha1CopyState(w, s); // the inner digest is the outer block's first five words
    sha1CopyState(s, this.#outer);
    sha1CompressWords(s, w);
    return sha1Bytes(s, length);
  }
}

/**
 * Up to this many bytes the cached JavaScript HMAC is cheaper than a node:crypto HMAC object
 * (about 3.5 us fixed plus 0.6 ns/byte, against 3.2 ns/byte in JavaScript: they cross near 1.3 KiB).
 */
export const JS_HMAC_MAX_BYTES = 1280;

const cache = new WeakMap<Uint8Array, { readonly snapshot: Uint8Array; readonly mac: HmacSha1 }>();

/**
 * The HmacSha1 of `key`, cached on the key array (WeakMap: gone with the key) and rebuilt when the
 * array's bytes changed since it was made, so a reused buffer is never MACed under an old key.
 */
export function hmacSha1For(key: Uint8Array): HmacSha1 {
  const cached = cache.get(key);
  if (cached !== undefined && sameBytes(cached.snapshot, key)) return cached.mac;
  const mac = new HmacSha1(key);
  cache.set(key, { snapshot: Uint8Array.from(key), mac });
  return mac;
}

/**
 * HMAC-SHA1(key, data), optionally truncated to `length` bytes: the cached JavaScript HMAC for short
 * data, node:crypto for long data (same result).
 */
export function hmacSha1(key: Uint8Array, data: Uint8Array, length?: number): Uint8Array {
  if (data.length <= JS_HMAC_MAX_BYTES) return hmacSha1For(key).mac(data, length);
  const mac = createHmac('sha1', key).update(data).digest();
  return length === undefined ? mac : mac.subarray(0, length);
}
