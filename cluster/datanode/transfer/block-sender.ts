/**
 * The packets of a replica range (Hadoop's BlockSender.sendBlock), shared by READ_BLOCK and by a
 * DataNode copying a block to another (DataNode.DataTransfer): data packets with seqno 0, 1, ...
 * covering [from, to) (`from` on a chunk boundary), 64 KiB of whole chunks each with their stored
 * checksums (none when `withChecksums` is false), read from disk a slab of 1 MiB at a time, then
 * the empty last packet at `to`. `partialTailFromData`: a last partial chunk's checksum is computed
 * from the bytes sent rather than read (the replica holds more bytes of that chunk than are sent).
 */
import { checksumSize, computeChecksums } from '../../protocol/datatransfer/checksum.ts';
import type { ChecksumSpec } from '../../protocol/datatransfer/messages.ts';
import type { FrameOutput } from '../../protocol/datatransfer/frame-output.ts';
import { encodePacket, encodePacketHead } from '../../protocol/datatransfer/packet.ts';
import type { ReplicaReader } from '../storage/replica-reader.ts';

/** Data bytes per packet (BlockSender with transferTo: 64 KiB of chunks). */
export const SEND_PACKET_DATA = 64 * 1024;
/** Packets read from disk at once (1 MiB of data). */
const SLAB_PACKETS = 16;

export async function sendBlockPackets(output: FrameOutput, reader: ReplicaReader, checksum: ChecksumSpec, from: number, to: number, withChecksums: boolean, partialTailFromData = false): Promise<void> {
  const bpc = checksum.bytesPerChecksum;
  const step = Math.max(1, Math.floor(SEND_PACKET_DATA / bpc)) * bpc;
  const size = withChecksums ? checksumSize(checksum.type) : 0;
  let seqno = 0;
  // read the replica a slab at a time, send it a packet at a time (head, checksums, data: no copy)
  for (let slab = from; slab < to; slab += step * SLAB_PACKETS) {
    const slabEnd = Math.min(slab + step * SLAB_PACKETS, to);
    const { data, checksums } = await reader.read(slab, slabEnd, withChecksums);
    if (partialTailFromData && size > 0 && slabEnd === to && to % bpc !== 0) {
      // the stored checksum of the last chunk covers bytes past `to` (an RBW replica sent up to its acknowledged length)
      const chunkStart = to - (to % bpc);
      checksums.set(computeChecksums(checksum, data.subarray(chunkStart - slab, to - slab)), checksums.length - size);
    }
    for (let pos = slab; pos < slabEnd; pos += step) {
      const end = Math.min(pos + step, slabEnd);
      const sums = checksums.subarray(((pos - slab) / bpc) * size, (Math.ceil((end - slab) / bpc)) * size);
      await output.write(encodePacketHead({ offsetInBlock: pos, seqno: seqno++, lastPacketInBlock: false, dataLen: end - pos }, sums.length));
      if (sums.length > 0) await output.write(sums);
      await output.write(data.subarray(pos - slab, end - slab));
    }
  }
  await output.write(encodePacket({ offsetInBlock: to, seqno, lastPacketInBlock: true }, new Uint8Array(0), new Uint8Array(0)));
}
