/**
 * Independent references for HDFS checksums, written plainly for tests (not the product's
 * slice-by-8 / WebAssembly CRC): a one-table CRC-32C and CRC-32 (reflected, init and final XOR
 * 0xFFFFFFFF; RFC 3720 B.4 for CRC-32C), the chunk CRCs of a block, and the MD5MD5CRC32 file
 * checksum as Hadoop's FileChecksumHelper defines it: MD5 per block over its big-endian chunk CRCs,
 * then MD5 over the block MD5s in a DataOutputBuffer's backing array (32 bytes, doubled while the
 * MD5s do not fit, zero-filled).
 */
import { createHash } from 'node:crypto';

function table(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}
const CRC32C_TABLE = table(0x82f63b78);
const CRC32_TABLE = table(0xedb88320);

export function referenceCrc(data: Uint8Array, kind: 'crc32c' | 'crc32' = 'crc32c'): number {
  const t = kind === 'crc32c' ? CRC32C_TABLE : CRC32_TABLE;
  let c = 0xffffffff;
  for (const byte of data) c = (c >>> 8) ^ t[(c ^ byte) & 0xff]!;
  return (c ^ 0xffffffff) >>> 0;
}

/** One 4-byte big-endian CRC per `bpc` bytes of `data` (the last chunk may be short). */
export function referenceChunkCrcs(data: Uint8Array, bpc = 512, kind: 'crc32c' | 'crc32' = 'crc32c'): Buffer {
  const out = Buffer.alloc(Math.ceil(data.length / bpc) * 4);
  for (let i = 0; i * bpc < data.length; i++) out.writeUInt32BE(referenceCrc(data.subarray(i * bpc, Math.min((i + 1) * bpc, data.length)), kind), i * 4);
  return out;
}

export function md5(data: Uint8Array): Buffer {
  return createHash('md5').update(data).digest();
}

/** The MD5MD5CRC32 checksum of a file written with `blockSize`-byte blocks: algorithm name and hex of the 28 bytes. */
export function referenceMd5Md5Crc(data: Uint8Array, blockSize: number, bpc = 512): { algorithm: string; hex: string } {
  if (data.length === 0) return { algorithm: 'MD5-of-0MD5-of-0CRC32', hex: `${'00'.repeat(12)}${md5(new Uint8Array(32)).toString('hex')}` };
  const blockMd5s: Buffer[] = [];
  for (let at = 0; at < data.length; at += blockSize) blockMd5s.push(md5(referenceChunkCrcs(data.subarray(at, Math.min(at + blockSize, data.length)), bpc)));
  let capacity = 32;
  while (capacity < blockMd5s.length * 16) capacity *= 2;
  const buffer = Buffer.alloc(capacity);
  Buffer.concat(blockMd5s).copy(buffer);
  const crcPerBlock = blockMd5s.length > 1 ? blockSize / bpc : 0;
  const head = Buffer.alloc(12);
  head.writeInt32BE(bpc, 0);
  head.writeBigInt64BE(BigInt(crcPerBlock), 4);
  return { algorithm: `MD5-of-${crcPerBlock}MD5-of-${bpc}CRC32C`, hex: Buffer.concat([head, md5(buffer)]).toString('hex') };
}
