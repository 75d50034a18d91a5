/**
 * Where a received packet's bytes and checksums go when it does not start where the replica ends
 * on a chunk boundary (Hadoop's BlockReceiver.receivePacket for `onDiskLen < offsetInBlock`, and
 * computePartialChunkCrc). Two cases reach it:
 *
 *  - append to a replica whose length is not a multiple of bytesPerChecksum: the client's first
 *    packet holds only the bytes that complete the last chunk (DFSOutputStream.adjustPacketChunkSize)
 *    and its one checksum covers only those bytes. The DataNode reads the partial chunk on disk,
 *    checks it against the stored CRC, and stores the CRC of the whole chunk (on-disk bytes + new);
 *  - a client that sends again bytes the replica already has (a chunk resent from its start): the
 *    bytes on disk are skipped, and so are the checksums of chunks that end before the new bytes.
 *
 * Pure: the plan and the CRC arithmetic; replica-writer.ts does the I/O.
 */
import { ProtocolError } from '../../../lib/errors/index.ts';
import { checksumSize, computeChecksums } from '../../protocol/datatransfer/checksum.ts';
import type { ChecksumSpec } from '../../protocol/datatransfer/messages.ts';
import { ReplicaError } from './replica.ts';

export interface PacketPlan {
  /** Bytes at the start of the packet the replica already has (written nowhere). */
  skipData: number;
  /** The on-disk partial chunk [chunkStart, onDiskLen) whose CRC is recomputed with the new bytes; undefined when none. */
  recalc: { chunkStart: number; partialLength: number; newBytes: number } | undefined;
  /** Packet checksums skipped (those of chunks already on disk, and the one replaced by the recomputed CRC). */
  skipChecksums: number;
  /** Chunk index in the meta file of the first checksum written (the recomputed one, if any). */
  firstChunk: number;
}

/**
 * BlockReceiver.receivePacket's arithmetic for a packet at `offset` with `length` bytes on a
 * replica of `onDiskLen` bytes; undefined when every byte is already on disk. Refuses a packet that
 * starts past the replica's end, or one that starts inside a chunk and runs past the next boundary.
 */
export function planPacket(onDiskLen: number, offset: number, length: number, bytesPerChecksum: number, name: string): PacketPlan | undefined {
  if (offset > onDiskLen) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Received an out-of-sequence packet for ${name} at offset ${offset}. Expecting packet starting at ${onDiskLen}`, { offset, expected: onDiskLen });
  }
  if (offset % bytesPerChecksum !== 0 && length > bytesPerChecksum) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Unexpected packet data length for ${name}: a partial chunk must be sent in an individual packet (data length = ${length} > bytesPerChecksum = ${bytesPerChecksum})`, { offset, length });
  }
  // BlockReceiver only says so in a comment: a packet starting inside a chunk ends at or before the
  // next boundary (its one checksum could not cover more); refused here rather than stored unchecked
  const nextBoundary = offset - (offset % bytesPerChecksum) + bytesPerChecksum;
  if (offset % bytesPerChecksum !== 0 && offset + length > nextBoundary) {
    throw new ProtocolError('PROTOCOL_MALFORMED', `Unexpected packet data length for ${name}: a packet starting at ${offset}, inside a chunk, must end at or before the chunk boundary ${nextBoundary} (data length = ${length})`, { offset, length });
  }
  const end = offset + length;
  if (end <= onDiskLen) return undefined;
  const partialLength = onDiskLen % bytesPerChecksum;
  const chunkStart = onDiskLen - partialLength;
  // the client's checksum already covers the whole chunk when it resent it from its start
  const doRecalc = partialLength !== 0 && chunkStart !== offset;
  let skipChecksums = doRecalc ? 1 : 0;
  const skippedDataBytes = chunkStart - offset;
  if (skippedDataBytes > 0) skipChecksums += Math.ceil(skippedDataBytes / bytesPerChecksum);
  const newBytes = Math.min(bytesPerChecksum - partialLength, end - onDiskLen);
  return {
    skipData: onDiskLen - offset,
    recalc: doRecalc ? { chunkStart, partialLength, newBytes } : undefined,
    skipChecksums,
    firstChunk: Math.floor(onDiskLen / bytesPerChecksum),
  };
}

/**
 * computePartialChunkCrc + update: the stored CRC of the on-disk partial chunk must match its
 * bytes ("paranoia"); returns the checksum bytes of the chunk with `added` appended.
 */
export function extendPartialChunkCrc(spec: ChecksumSpec, onDisk: Uint8Array, stored: Uint8Array, added: Uint8Array, name: string): Uint8Array {
  const size = checksumSize(spec.type);
  const computed = computeChecksums(spec, onDisk);
  if (Buffer.compare(computed, stored.subarray(0, size)) !== 0) {
    throw new ReplicaError('REPLICA_CORRUPT', `Partial CRC ${Buffer.from(computed).readUInt32BE(0)} of ${name} does not match value computed the last time file was closed ${Buffer.from(stored).readUInt32BE(0)}`, {
      partialLength: onDisk.length,
    });
  }
  return computeChecksums(spec, Buffer.concat([onDisk, added]));
}
