/**
 * AES/CTR/NoPadding as Hadoop's CryptoCodec runs it (Hadoop's CipherSuite,
 * AesCtrCryptoCodec / JceCtrCryptoCodec.calculateIV, CryptoInputStream / CryptoOutputStream): a
 * stream position p maps to counter floor(p / 16) and to p mod 16 keystream bytes skipped in the
 * first block; the IV for a counter is the initial IV plus the counter as one 128-bit big-endian
 * addition with carry (the form since HADOOP-11343; the 2014 code did not carry into the first 8
 * bytes). That is exactly OpenSSL's AES-CTR counter, so a stream that starts at position 0 is plain
 * `aes-<bits>-ctr` with the initial IV, and one cipher object serves the whole stream.
 */
import { createCipheriv, type Cipher } from 'node:crypto';
import { ProtocolError } from '../../lib/errors/index.ts';

/** Hadoop's CipherSuite.AES_CTR_NOPADDING name (the value of dfs.encrypt.data.transfer.cipher.suites). */
export const AES_CTR_NOPADDING = 'AES/CTR/NoPadding';
/** AES block size and IV length (CipherSuite.getAlgorithmBlockSize()). */
export const AES_BLOCK_SIZE = 16;
/** The AES key lengths Hadoop accepts (dfs.encrypt.data.transfer.cipher.key.bitlength), in bytes. */
export const AES_KEY_LENGTHS: readonly number[] = [16, 24, 32];

const MASK_128 = (1n << 128n) - 1n;

/**
 * The IV for `counter` blocks past `initIV` (JceCtrCryptoCodec.calculateIV): initIV + counter as a
 * 128-bit big-endian sum, wrapping modulo 2^128. `counter` is Hadoop's long, 0 <= counter < 2^63.
 */
export function calculateIV(initIV: Uint8Array, counter: bigint): Buffer {
  checkIv(initIV);
  if (counter < 0n || counter >= 1n << 63n) throw new RangeError(`AES/CTR counter ${counter} is outside Hadoop's long range`);
  let value = (BigInt(`0x${Buffer.from(initIV).toString('hex')}`) + counter) & MASK_128;
  const iv = Buffer.alloc(AES_BLOCK_SIZE);
  for (let i = AES_BLOCK_SIZE - 1; i >= 0; i--) {
    iv[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return iv;
}

/** Validates an AES key length; the error names the lengths Hadoop allows. */
export function checkKey(key: Uint8Array): void {
  if (!AES_KEY_LENGTHS.includes(key.length)) {
    throw new ProtocolError('DATA_TRANSFER_CIPHER', `AES/CTR key of ${key.length} bytes; expected 16, 24 or 32 (128, 192 or 256 bits)`, { keyLength: key.length });
  }
}

function checkIv(iv: Uint8Array): void {
  if (iv.length !== AES_BLOCK_SIZE) {
    throw new ProtocolError('DATA_TRANSFER_CIPHER', `AES/CTR IV of ${iv.length} bytes; expected ${AES_BLOCK_SIZE}`, { ivLength: iv.length });
  }
}

/**
 * One direction of an AES/CTR stream from stream position `position` (default 0), as a Hadoop
 * CryptoInputStream or CryptoOutputStream positioned there. Encryption and decryption are the same
 * operation; `update` returns exactly as many bytes as it is given and advances the position.
 */
export class AesCtrCipher {
  readonly #cipher: Cipher;
  #position: number;

  /** `position` is a byte offset in the stream (a safe integer). */
  constructor(key: Uint8Array, initIV: Uint8Array, position = 0) {
    checkKey(key);
    checkIv(initIV);
    if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`AES/CTR stream position ${position} is not a non-negative safe integer`);
    const counter = BigInt(Math.floor(position / AES_BLOCK_SIZE));
    const padding = position % AES_BLOCK_SIZE;
    this.#cipher = createCipheriv(`aes-${key.length * 8}-ctr`, key, calculateIV(initIV, counter));
    if (padding > 0) this.#cipher.update(Buffer.alloc(padding)); // skip into the first block, as CryptoInputStream's padding
    this.#position = position;
  }

  /** Bytes processed so far plus the starting position. */
  get position(): number {
    return this.#position;
  }

  /** Encrypts (or decrypts) the next bytes of the stream. */
  update(data: Uint8Array): Buffer {
    this.#position += data.length;
    return this.#cipher.update(data);
  }
}
