/**
 * The DataNode data path's CPU cost per byte: CRC-32C over 512-byte chunks (pure JS slice-by-8)
 * next to zlib's native CRC-32 over the same bytes, and whole write packets (64512 data bytes +
 * 504 checksum bytes, the stock client's packet) encoded with their checksums, decoded from a
 * stream in 4 KiB socket-sized chunks, and verified. MB/s of file data.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import type { Harness } from '../harness.ts';
import { crc32c } from '../../cluster/protocol/datatransfer/crc32c.ts';
import { computeChecksums, verifyChecksums } from '../../cluster/protocol/datatransfer/checksum.ts';
import { PacketDecoder, encodeDataPacket } from '../../cluster/protocol/datatransfer/packet.ts';

export const name = 'hdfs-packets';

const SPEC = { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 } as const;
const DATA = Uint8Array.from({ length: 64512 }, (_, i) => (i * 2654435761) >>> 24);

export async function run(h: Harness): Promise<void> {
  const group = 'checksums over 64512 bytes';
  await h.measure(`${group}: zlib crc32 (native, one call)`, () => zlibCrc32(DATA), { bytesPerOp: DATA.length, group, baseline: true });
  await h.measure(`${group}: crc32c (one call)`, () => crc32c(DATA), { bytesPerOp: DATA.length, group });
  await h.measure(`${group}: crc32c per 512-byte chunk (computeChecksums)`, () => computeChecksums(SPEC, DATA), { bytesPerOp: DATA.length, group });

  const packet = encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, SPEC, DATA);
  const pgroup = 'write packets (64512 data bytes)';
  await h.measure(`${pgroup}: encode with checksums`, () => encodeDataPacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false }, SPEC, DATA), { bytesPerOp: DATA.length, group: pgroup, baseline: true });
  await h.measure(`${pgroup}: decode from 4 KiB chunks + verify`, () => {
    const d = new PacketDecoder();
    for (let at = 0; at < packet.length; at += 4096) {
      for (const p of d.push(packet.subarray(at, at + 4096))) verifyChecksums(SPEC, p.data, p.checksums);
    }
  }, { bytesPerOp: DATA.length, group: pgroup });
}
