/**
 * CRC-32C (Castagnoli; reflected polynomial 0x82F63B78, init and final XOR 0xFFFFFFFF; RFC 3720
 * appendix B.4) and CRC-32 (IEEE 802.3, reflected 0xEDB88320), the two chunk checksums of HDFS
 * (`DataChecksum.Type` CRC32C and CRC32; Java's PureJavaCrc32C / CRC32). Table-driven
 * slice-by-8: eight 256-entry tables, eight input bytes per step. `crcRanges` runs the same loop as
 * WebAssembly (./crc-kernel.ts) over long inputs. No dependency, no native code.
 */
import { createCrcKernel, SLICES } from './crc-kernel.ts';

// Int32Array, not Uint32Array: V8 keeps int32 values unboxed, while uint32 values above 2^31 load
// as doubles and make the loop several times slower.
function tables(poly: number): Int32Array[] {
  const t = Array.from({ length: Math.max(8, SLICES) }, () => new Int32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[0]![n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < t.length; k++) t[k]![n] = (t[k - 1]![n]! >>> 8) ^ t[0]![t[k - 1]![n]! & 0xff]!;
  }
  return t;
}

/** A CRC over data[start, end), continuing from `crc`; a range instead of a subarray saves the per-chunk view object. */
type Crc = (data: Uint8Array, crc?: number, start?: number, end?: number) => number;

function makeCrc(t: Int32Array[]): Crc {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = t as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  return (data, crc = 0, start = 0, end = data.length) => {
    let c = ~crc;
    let i = start;
    const end8 = end - ((end - start) % 8);
    for (; i < end8; i += 8) {
      const lo = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
      c = t7[lo & 0xff]! ^ t6[(lo >>> 8) & 0xff]! ^ t5[(lo >>> 16) & 0xff]! ^ t4[lo >>> 24]! ^
        t3[data[i + 4]!]! ^ t2[data[i + 5]!]! ^ t1[data[i + 6]!]! ^ t0[data[i + 7]!]!;
    }
    for (; i < end; i++) c = (c >>> 8) ^ t0[(c ^ data[i]!) & 0xff]!;
    return ~c >>> 0;
  };
}

/** The reflected polynomials (CrcUtil.CASTAGNOLI_POLYNOMIAL, GZIP_POLYNOMIAL). */
export const CRC32C_POLYNOMIAL = 0x82f63b78;
export const CRC32_POLYNOMIAL = 0xedb88320;

const CRC32C_TABLES = tables(CRC32C_POLYNOMIAL);
const CRC32_TABLES = tables(CRC32_POLYNOMIAL);

/** CRC-32C of `data` (or of data[start, end)); pass a previous result as `crc` to continue over more bytes. */
export const crc32c = makeCrc(CRC32C_TABLES);
/** CRC-32 (the zlib / java.util.zip.CRC32 one) of `data` (or of data[start, end)); `crc` continues a previous result. */
export const crc32 = makeCrc(CRC32_TABLES);

const kernel = createCrcKernel(CRC32C_TABLES, CRC32_TABLES);
/** Below this many bytes the copy into WebAssembly memory costs more than it saves. */
const KERNEL_MIN_BYTES = 1024;

/**
 * CRCs of ranges of one buffer (the chunks of a packet): `data` is handed over once, then each
 * call returns the CRC of data[start, end) from 0. The function is valid until the next
 * `crcRanges` call (the WebAssembly memory holds one buffer at a time).
 */
export function crcRanges(kind: 'crc32c' | 'crc32', data: Uint8Array): (start: number, end: number) => number {
  if (kernel && data.length >= KERNEL_MIN_BYTES) {
    kernel.load(data);
    const tables = kind === 'crc32c' ? 0 : 1;
    return (start, end) => kernel.crcAt(tables, 0, start, end);
  }
  const fn = kind === 'crc32c' ? crc32c : crc32;
  return (start, end) => fn(data, 0, start, end);
}
