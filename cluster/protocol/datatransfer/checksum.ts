/**
 * Chunk checksums of HDFS data (hadoop-common util/DataChecksum.java): data is cut into chunks of
 * `bytesPerChecksum` bytes (the last may be short) and each chunk gets a 4-byte big-endian
 * CRC-32C or CRC-32; CHECKSUM_NULL has no checksum bytes. Used for packets in both directions.
 */
import { ProtocolError } from '../../../lib/errors/index.ts';
import type { ChecksumType } from '../hdfs-types.ts';
import { crcRanges } from './crc32c.ts';
import type { ChecksumSpec } from './messages.ts';

/** Checksum bytes per chunk (`DataChecksum.Type.size`). */
export function checksumSize(type: ChecksumType): number {
  return type === 'CHECKSUM_NULL' ? 0 : 4;
}

/** Bytes of checksum for `dataLength` bytes of data: ceil(dataLength / bytesPerChecksum) x size. */
export function checksumLength(spec: ChecksumSpec, dataLength: number): number {
  return Math.ceil(dataLength / spec.bytesPerChecksum) * checksumSize(spec.type);
}

/** `DataChecksum.calculateChunkedSums`: one big-endian checksum per chunk of `data`. */
export function computeChecksums(spec: ChecksumSpec, data: Uint8Array): Uint8Array {
  const size = checksumSize(spec.type);
  const out = new Uint8Array(checksumLength(spec, data.length));
  if (size === 0) return out;
  const crc = crcRanges(spec.type === 'CHECKSUM_CRC32C' ? 'crc32c' : 'crc32', data);
  const view = new DataView(out.buffer);
  for (let at = 0, i = 0; at < data.length; at += spec.bytesPerChecksum, i += 4) {
    view.setUint32(i, crc(at, Math.min(at + spec.bytesPerChecksum, data.length)));
  }
  return out;
}

/**
 * `DataChecksum.verifyChunkedSums`: throws PROTOCOL_CHECKSUM naming the first bad chunk's byte
 * position (`basePos` = offset in the block of data[0]), as ChecksumException does.
 */
export function verifyChecksums(spec: ChecksumSpec, data: Uint8Array, checksums: Uint8Array, basePos = 0): void {
  const size = checksumSize(spec.type);
  if (size === 0) return;
  const expectedLength = checksumLength(spec, data.length);
  if (checksums.length !== expectedLength) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Checksum length ${checksums.length} does not match ${data.length} data bytes (${expectedLength} expected for ${spec.type}/${spec.bytesPerChecksum})`, {
      checksumLength: checksums.length, dataLength: data.length,
    });
  }
  const crc = crcRanges(spec.type === 'CHECKSUM_CRC32C' ? 'crc32c' : 'crc32', data);
  const view = new DataView(checksums.buffer, checksums.byteOffset, checksums.byteLength);
  for (let at = 0, i = 0; at < data.length; at += spec.bytesPerChecksum, i += 4) {
    const computed = crc(at, Math.min(at + spec.bytesPerChecksum, data.length));
    const stored = view.getUint32(i);
    if (computed !== stored) {
      throw new ProtocolError('PROTOCOL_CHECKSUM', `Checksum error at position ${basePos + at}: ${spec.type} expected ${hex(stored)}, computed ${hex(computed)}`, {
        position: basePos + at, expected: hex(stored), computed: hex(computed),
      });
    }
  }
}

const hex = (n: number): string => n.toString(16).padStart(8, '0');
