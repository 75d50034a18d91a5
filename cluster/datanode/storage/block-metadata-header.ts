/**
 * The header of a block's meta file (hadoop-hdfs server/datanode/BlockMetadataHeader.java with
 * hadoop-common util/DataChecksum.writeHeader): int16 BE version (1), then the checksum header,
 * one byte of type (NULL 0, CRC32 1, CRC32C 2) and int32 BE bytesPerChecksum; 7 bytes in all.
 * The checksums follow, one per bytesPerChecksum chunk of the block file (4 bytes BE each for the
 * CRCs, none for NULL), so a read serves stored checksums without recomputing them. Pure codec.
 */
import { ProtocolError } from '../../../lib/errors/index.ts';
import type { ChecksumType } from '../../protocol/hdfs-types.ts';
import type { ChecksumSpec } from '../../protocol/datatransfer/messages.ts';

/** BlockMetadataHeader.VERSION. */
export const METADATA_VERSION = 1;
/** BlockMetadataHeader.getHeaderSize(): version + type + bytesPerChecksum. */
export const METADATA_HEADER_SIZE = 7;

/** DataChecksum.Type ids as written in the header. */
const TYPE_IDS: Readonly<Record<ChecksumType, number>> = { CHECKSUM_NULL: 0, CHECKSUM_CRC32: 1, CHECKSUM_CRC32C: 2 };
const TYPES_BY_ID: readonly ChecksumType[] = ['CHECKSUM_NULL', 'CHECKSUM_CRC32', 'CHECKSUM_CRC32C'];

export function encodeMetadataHeader(checksum: ChecksumSpec): Uint8Array {
  const out = new Uint8Array(METADATA_HEADER_SIZE);
  const view = new DataView(out.buffer);
  view.setInt16(0, METADATA_VERSION);
  out[2] = TYPE_IDS[checksum.type];
  view.setInt32(3, checksum.bytesPerChecksum);
  return out;
}

/** Reads the header; `where` (the meta file path) names the file in errors. */
export function decodeMetadataHeader(bytes: Uint8Array, where: string): ChecksumSpec {
  if (bytes.length < METADATA_HEADER_SIZE) {
    throw new ProtocolError('PROTOCOL_TRUNCATED', `Meta file ${where} is shorter than its ${METADATA_HEADER_SIZE}-byte header (${bytes.length} bytes)`, { path: where });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, METADATA_HEADER_SIZE);
  const version = view.getInt16(0);
  if (version !== METADATA_VERSION) {
    throw new ProtocolError('PROTOCOL_VERSION', `Meta file ${where} has version ${version}, expected ${METADATA_VERSION}`, { path: where, version });
  }
  const type = TYPES_BY_ID[bytes[2]!];
  const bytesPerChecksum = view.getInt32(3);
  if (type === undefined || bytesPerChecksum <= 0) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Meta file ${where} has an invalid checksum header (type ${bytes[2]}, bytesPerChecksum ${bytesPerChecksum})`, { path: where });
  }
  return { type, bytesPerChecksum };
}
