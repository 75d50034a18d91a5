/**
 * n-fold (RFC 3961 section 5.1): stretches or shrinks a byte string to `outLen` bytes. The input is
 * repeated lcm(inLen, outLen) / inLen times, each copy rotated 13 bits to the right of the previous
 * one, and the concatenation is cut into outLen-byte blocks that are added together with
 * ones'-complement (end-around carry) addition. Used by DK/DR of the simplified profile (RFC 3961
 * section 5.3) to turn a 5-byte usage constant into a cipher block.
 */

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes).toString('hex'));
}

function fromBigInt(value: bigint, len: number): Buffer {
  return Buffer.from(value.toString(16).padStart(len * 2, '0'), 'hex');
}

/** Rotates a `bits`-wide big-endian bit string right by `by` bits. */
function rotateRight(value: bigint, bits: number, by: number): bigint {
  const width = BigInt(bits);
  const shift = BigInt(by % bits);
  const mask = (1n << width) - 1n;
  return ((value >> shift) | (value << (width - shift))) & mask;
}

/** RFC 3961 5.1 n-fold of `input` to `outLen` bytes (outLen = n / 8). */
export function nfold(input: Uint8Array, outLen: number): Buffer {
  if (input.length === 0 || outLen <= 0) throw new RangeError('n-fold needs a non-empty input and a positive output length');
  const inBits = input.length * 8;
  const copies = outLen / gcd(input.length, outLen); // lcm / inLen
  // Build the lcm-length string: copy i is the input rotated right by 13 * i bits.
  let stretched = 0n;
  let copy = toBigInt(input);
  for (let i = 0; i < copies; i++) {
    stretched = (stretched << BigInt(inBits)) | copy;
    copy = rotateRight(copy, inBits, 13);
  }
  // Ones'-complement sum of the outLen-byte blocks: add, then fold every carry back in at the bottom.
  const outBits = BigInt(outLen * 8);
  const mask = (1n << outBits) - 1n;
  let sum = 0n;
  while (stretched !== 0n) {
    sum += stretched & mask;
    stretched >>= outBits;
  }
  while (sum > mask) sum = (sum & mask) + (sum >> outBits);
  return fromBigInt(sum, outLen);
}
