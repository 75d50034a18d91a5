/**
 * AES in CBC mode with ciphertext stealing, as RFC 3962 section 5 defines it for Kerberos (the
 * "CBC-CS3" variant of NIST SP 800-38A addendum: the last two blocks are always swapped). Input of
 * exactly one block is plain CBC; an exact multiple of the block size is CBC with the last two
 * ciphertext blocks swapped; otherwise the last partial block is zero-padded, CBC-encrypted, the
 * last two blocks swapped and the output truncated to the input length. RFC 8009 uses the same mode.
 * Only node:crypto AES-CBC / AES-ECB without padding is used underneath.
 *
 * Creating a node:crypto cipher costs more than encrypting a 1 KiB message, and a GSS context
 * encrypts every message under the same few derived keys, so each key keeps one CBC encryptor, one
 * CBC decryptor and one ECB decryptor for its life (CbcChain, cached per key array as
 * derived-key-cache.ts does). A CBC cipher that is never finalized chains on from the last block
 * it processed; CBC under any IV is recovered from it by XORing the first block with that last
 * block and the IV (before encryption, after decryption), which costs 16 byte operations.
 */
import { createCipheriv, createDecipheriv, type Cipher, type Decipher } from 'node:crypto';

const BLOCK = 16;
const ZERO_IV = Buffer.alloc(BLOCK);
/** Up to this many bytes, CTS decryption copies the head to make one cipher call instead of two. */
const SHORT_HEAD_BYTES = 8192;

function cipherName(key: Uint8Array, mode: 'cbc' | 'ecb'): string {
  if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES key must be 16 or 32 bytes, got ${key.length}`);
  return `aes-${key.length * 8}-${mode}`;
}

function xorBlock(target: Uint8Array, at: number, mask: Uint8Array): void {
  for (let i = 0; i < BLOCK; i++) target[at + i]! ^= mask[i]!;
}

/** The chained AES-CBC / ECB ciphers of one key (the decryptors made on first use: DR only encrypts). */
class CbcChain {
  readonly #key: Buffer;
  readonly #enc: Cipher;
  #dec: Decipher | undefined;
  #ecb: Decipher | undefined;
  /** The chaining value each CBC cipher continues from: the last ciphertext block it produced / consumed. */
  readonly #encLast = Buffer.alloc(BLOCK);
  readonly #decLast = Buffer.alloc(BLOCK);

  constructor(key: Uint8Array) {
    this.#key = Buffer.from(key);
    this.#enc = createCipheriv(cipherName(key, 'cbc'), key, ZERO_IV).setAutoPadding(false);
  }

  /** CBC encryption of `blocks` (a non-empty multiple of 16 bytes, whose first block is changed in place) under `iv`. */
  encrypt(blocks: Buffer, iv: Uint8Array): Buffer {
    xorBlock(blocks, 0, this.#encLast);
    xorBlock(blocks, 0, iv);
    const out = this.#enc.update(blocks);
    out.copy(this.#encLast, 0, out.length - BLOCK);
    return out;
  }

  /** CBC decryption under `iv` of the concatenation of `parts` (each a multiple of 16 bytes): one output per part. */
  decrypt(parts: readonly Uint8Array[], iv: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    for (const part of parts) {
      if (part.length === 0) continue;
      this.#dec ??= createDecipheriv(cipherName(this.#key, 'cbc'), this.#key, ZERO_IV).setAutoPadding(false);
      const plain = this.#dec.update(part);
      if (out.length === 0) {
        xorBlock(plain, 0, this.#decLast);
        xorBlock(plain, 0, iv);
      }
      this.#decLast.set(part.subarray(part.length - BLOCK));
      out.push(plain);
    }
    return out;
  }

  /** AES decryption of one block (no chaining). */
  decryptBlock(block: Uint8Array): Buffer {
    this.#ecb ??= createDecipheriv(cipherName(this.#key, 'ecb'), this.#key, null).setAutoPadding(false);
    return this.#ecb.update(block);
  }
}

const chains = new WeakMap<Uint8Array, { readonly snapshot: Buffer; readonly chain: CbcChain }>();

/** The cached ciphers of `key`, rebuilt when the array's bytes changed since they were made. */
function chainFor(key: Uint8Array): CbcChain {
  const cached = chains.get(key);
  if (cached !== undefined && cached.snapshot.equals(key)) return cached.chain;
  const chain = new CbcChain(key);
  chains.set(key, { snapshot: Buffer.from(key), chain });
  return chain;
}

/** AES encryption of one block (used by DR, RFC 3961 5.1, as the profile's E with a zero IV). */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Buffer {
  if (block.length !== BLOCK) throw new RangeError(`AES block must be ${BLOCK} bytes, got ${block.length}`);
  return chainFor(key).encrypt(Buffer.from(block), ZERO_IV);
}

/** The length of the zero-padded buffer ctsEncryptPadded takes for `length` plaintext bytes. */
export function ctsPaddedLength(length: number): number {
  return Math.ceil(length / BLOCK) * BLOCK;
}

/**
 * AES-CTS encryption of the first `length` bytes of `padded` (zero-padded to ctsPaddedLength;
 * its first block is overwritten), written into `target` at `offset` (`length` bytes). This is
 * ctsEncrypt without the copies, for callers that build the plaintext and the output themselves.
 */
export function ctsEncryptPadded(key: Uint8Array, padded: Buffer, length: number, target: Uint8Array, offset: number, iv: Uint8Array = ZERO_IV): void {
  if (length < BLOCK) throw new RangeError(`AES-CTS input must be at least ${BLOCK} bytes, got ${length}`);
  const c = chainFor(key).encrypt(padded, iv);
  if (length === BLOCK) {
    target.set(c, offset);
    return;
  }
  const lastStart = c.length - BLOCK;
  const prevStart = lastStart - BLOCK;
  const tail = length - lastStart; // bytes of the final (partial or full) block, 1..16
  // Output: C1..C(n-2) | Cn (full) | first `tail` bytes of C(n-1).
  target.set(c.subarray(0, prevStart), offset);
  target.set(c.subarray(lastStart), offset + prevStart);
  target.set(c.subarray(prevStart, prevStart + tail), offset + lastStart);
}

/** AES-CTS encryption (RFC 3962 section 5). Input must be at least one block long. */
export function ctsEncrypt(key: Uint8Array, plaintext: Uint8Array, iv: Uint8Array = ZERO_IV): Buffer {
  const n = plaintext.length;
  if (n < BLOCK) throw new RangeError(`AES-CTS input must be at least ${BLOCK} bytes, got ${n}`);
  const padded = Buffer.alloc(ctsPaddedLength(n));
  padded.set(plaintext);
  const out = Buffer.allocUnsafe(n);
  ctsEncryptPadded(key, padded, n, out, 0, iv);
  return out;
}

/**
 * AES-CTS decryption (RFC 3962 section 5) as the pieces of the plaintext, in order: the CBC
 * decryption of all but the last two blocks, then that of the reconstructed C(n-1), then the final
 * partial block. The caller concatenates them (or MACs them as they are).
 */
export function ctsDecryptParts(key: Uint8Array, ciphertext: Uint8Array, iv: Uint8Array = ZERO_IV): Buffer[] {
  const n = ciphertext.length;
  if (n < BLOCK) throw new RangeError(`AES-CTS input must be at least ${BLOCK} bytes, got ${n}`);
  const chain = chainFor(key);
  if (n === BLOCK) return chain.decrypt([ciphertext], iv);
  if (n % BLOCK === 0 && n <= SHORT_HEAD_BYTES) {
    // A whole number of blocks: CTS only swapped the last two, so swapping them back in a copy
    // leaves plain CBC, one cipher call (a 1 KiB GSS Wrap token is such a message).
    const swapped = Buffer.allocUnsafe(n);
    swapped.set(ciphertext.subarray(0, n - 2 * BLOCK), 0);
    swapped.set(ciphertext.subarray(n - BLOCK), n - 2 * BLOCK);
    swapped.set(ciphertext.subarray(n - 2 * BLOCK, n - BLOCK), n - BLOCK);
    return chain.decrypt([swapped], iv);
  }
  const blocks = Math.ceil(n / BLOCK);
  const headLen = (blocks - 2) * BLOCK;
  const tail = n - headLen - BLOCK; // 1..16
  const lastFull = ciphertext.subarray(headLen, headLen + BLOCK); // Cn, encrypted from the padded last block
  const stolen = ciphertext.subarray(headLen + BLOCK); // the first `tail` bytes of C(n-1)
  // D = Pn(padded) XOR C(n-1); its bytes past `tail` are C(n-1)'s stolen-away bytes (the pad was zero).
  const d = chain.decryptBlock(lastFull);
  const prevCipher = Buffer.allocUnsafe(BLOCK);
  prevCipher.set(stolen, 0);
  prevCipher.set(d.subarray(tail), tail);
  const lastPlain = Buffer.allocUnsafe(tail);
  for (let i = 0; i < tail; i++) lastPlain[i] = d[i]! ^ stolen[i]!;
  // C1..C(n-2) | C(n-1) are ordinary CBC: one cipher call for a short head (copying it costs less
  // than a second call), two for a long one.
  const head = ciphertext.subarray(0, headLen);
  if (headLen > SHORT_HEAD_BYTES) return [...chain.decrypt([head, prevCipher], iv), lastPlain];
  const joined = Buffer.allocUnsafe(headLen + BLOCK);
  joined.set(head, 0);
  joined.set(prevCipher, headLen);
  return [...chain.decrypt([joined], iv), lastPlain];
}

/** AES-CTS decryption (RFC 3962 section 5), the inverse of ctsEncrypt. */
export function ctsDecrypt(key: Uint8Array, ciphertext: Uint8Array, iv: Uint8Array = ZERO_IV): Buffer {
  const parts = ctsDecryptParts(key, ciphertext, iv);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, ciphertext.length);
}
