/**
 * Composing CRCs of consecutive data ranges into the CRC of their concatenation, as Hadoop's
 * COMPOSITE_CRC file checksums do (hadoop-common util/CrcUtil.java and CrcComposer.java, Hadoop
 * 3.4.1). With the CRC's polynomial `m` in reflected form (bit 31 = x^0) and the CRC of A and of B,
 * CRC(A || B) = CRC(A) * x^(8 * |B|) mod m  XOR  CRC(B): `getMonomial` computes x^(8n) mod m by
 * squaring, `galoisFieldMultiply` multiplies in GF(2)[x]/m. A `CrcComposer` folds a sequence of
 * (crc, length) pairs into one CRC per stripe of `stripeLength` bytes and hands them out as 4-byte
 * big-endian values. Pure: numbers in, numbers and bytes out.
 */
import { ProtocolError } from '../../../lib/errors/index.ts';
import type { ChecksumType } from '../hdfs-types.ts';
import { CRC32C_POLYNOMIAL, CRC32_POLYNOMIAL } from './crc32c.ts';

/** CrcUtil.MULTIPLICATIVE_IDENTITY: the polynomial 1 (x^0 in the top bit). */
const IDENTITY = 0x80000000;
const CRC_SIZE = 4;

/** DataChecksum.getCrcPolynomialForType: CRC32 and CRC32C have one; NULL has none. */
export function crcPolynomial(type: ChecksumType): number {
  if (type === 'CHECKSUM_CRC32') return CRC32_POLYNOMIAL;
  if (type === 'CHECKSUM_CRC32C') return CRC32C_POLYNOMIAL;
  throw new ProtocolError('PROTOCOL_MALFORMED', `No CRC polynomial could be associated with type: ${type.slice('CHECKSUM_'.length)} (COMPOSITE_CRC needs CRC32 or CRC32C chunk checksums)`, { crcType: type });
}

/** CrcUtil.galoisFieldMultiply: p * q mod m, all reflected, as unsigned 32-bit values. */
export function galoisFieldMultiply(p: number, q: number, m: number): number {
  let sum = 0;
  let px = p >>> 0;
  for (let term = IDENTITY; term !== 0; term >>>= 1) {
    if ((q & term) !== 0) sum ^= px;
    // multiply px by x: the bottom bit is the highest degree, which wraps around through m
    const carry = px & 1;
    px >>>= 1;
    if (carry) px = (px ^ m) >>> 0;
  }
  return sum >>> 0;
}

/** CrcUtil.getMonomial: x^(8 * lengthBytes) mod m (lengthBytes >= 0, up to 2^53). */
export function getMonomial(lengthBytes: number, m: number): number {
  if (lengthBytes === 0) return IDENTITY;
  if (!(lengthBytes > 0) || !Number.isSafeInteger(lengthBytes)) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `lengthBytes must be positive, got ${lengthBytes}`, { lengthBytes });
  }
  // x^degree = product of x^(2^i) over the set bits of degree; start at x^8 since lengths are in bytes
  let multiplier = IDENTITY >>> 8;
  let product = IDENTITY;
  for (let degree = lengthBytes; degree > 0; degree = Math.floor(degree / 2)) {
    if (degree % 2 === 1) product = product === IDENTITY ? multiplier : galoisFieldMultiply(product, multiplier, m);
    multiplier = galoisFieldMultiply(multiplier, multiplier, m);
  }
  return product;
}

/** CrcUtil.composeWithMonomial: the CRC of A || B from CRC(A), CRC(B) and x^(8|B|) mod m. */
export function composeWithMonomial(crcA: number, crcB: number, monomial: number, m: number): number {
  return (galoisFieldMultiply(crcA, monomial, m) ^ crcB) >>> 0;
}

/** CrcUtil.compose: the CRC of A || B where B is `lengthB` bytes long. */
export function composeCrc(crcA: number, crcB: number, lengthB: number, m: number): number {
  return composeWithMonomial(crcA, crcB, getMonomial(lengthB, m), m);
}

/** CrcComposer: CRCs of consecutive ranges in, one composed CRC per stripe out. */
export class CrcComposer {
  readonly #m: number;
  readonly #monomialForHint: number;
  readonly #bytesPerCrcHint: number;
  readonly #stripeLength: number;
  #current = 0;
  #positionInStripe = 0;
  #digest: number[] = [];

  private constructor(type: ChecksumType, bytesPerCrcHint: number, stripeLength: number) {
    this.#m = crcPolynomial(type);
    this.#monomialForHint = getMonomial(bytesPerCrcHint, this.#m);
    this.#bytesPerCrcHint = bytesPerCrcHint;
    this.#stripeLength = stripeLength;
  }

  /** CrcComposer.newCrcComposer: everything into one CRC (stripeLength Long.MAX_VALUE). */
  static single(type: ChecksumType, bytesPerCrcHint: number): CrcComposer {
    return new CrcComposer(type, bytesPerCrcHint, Number.POSITIVE_INFINITY);
  }

  /** CrcComposer.newStripedCrcComposer: one CRC per `stripeLength` bytes (the last may cover fewer). */
  static striped(type: ChecksumType, bytesPerCrcHint: number, stripeLength: number): CrcComposer {
    return new CrcComposer(type, bytesPerCrcHint, stripeLength);
  }

  /** CrcComposer.update(int, long): one more CRC, of `bytesPerCrc` bytes. */
  update(crc: number, bytesPerCrc: number): void {
    // Hadoop's test for "first CRC of the stripe" is a zero running CRC: a stripe whose CRC so far
    // happens to be 0 restarts from the next CRC there, and so here
    if (this.#current === 0) this.#current = crc >>> 0;
    else if (bytesPerCrc === this.#bytesPerCrcHint) this.#current = composeWithMonomial(this.#current, crc, this.#monomialForHint, this.#m);
    else this.#current = composeCrc(this.#current, crc, bytesPerCrc, this.#m);
    this.#positionInStripe += bytesPerCrc;
    if (this.#positionInStripe > this.#stripeLength) {
      throw new ProtocolError('PROTOCOL_MALFORMED', `Current position in stripe '${this.#positionInStripe}' after advancing by bytesPerCrc '${bytesPerCrc}' exceeds stripeLength '${this.#stripeLength}' without stripe alignment.`, {
        stripeLength: this.#stripeLength, bytesPerCrc,
      });
    }
    if (this.#positionInStripe === this.#stripeLength) this.#flush();
  }

  /** CrcComposer.update(byte[], ...): big-endian 4-byte CRCs, each of `bytesPerCrc` bytes. */
  updateAll(crcs: Uint8Array, bytesPerCrc: number): void {
    if (crcs.length % CRC_SIZE !== 0) {
      throw new ProtocolError('PROTOCOL_MALFORMED', `Trying to update CRC from byte array with length '${crcs.length}' which is not a multiple of ${CRC_SIZE}!`, { length: crcs.length });
    }
    const view = new DataView(crcs.buffer, crcs.byteOffset, crcs.byteLength);
    for (let at = 0; at < crcs.length; at += CRC_SIZE) this.update(view.getUint32(at), bytesPerCrc);
  }

  /** CrcComposer.digest: the stripes' CRCs, 4 bytes big-endian each (the last stripe may be short); resets. */
  digest(): Uint8Array {
    if (this.#positionInStripe > 0) this.#flush();
    const out = new Uint8Array(this.#digest.length * CRC_SIZE);
    const view = new DataView(out.buffer);
    this.#digest.forEach((crc, i) => view.setUint32(i * CRC_SIZE, crc));
    this.#digest = [];
    return out;
  }

  #flush(): void {
    this.#digest.push(this.#current);
    this.#current = 0;
    this.#positionInStripe = 0;
  }
}
