// BlockReceiver.receivePacket's arithmetic for packets that do not start at the end of the replica
// on a chunk boundary (partial-chunk.ts), and the CRC of a partial chunk completed by an append,
// checked against the CRC of the whole chunk computed in one go (the CRC a reader verifies).
import { expect } from 'chai';
import { extendPartialChunkCrc, planPacket } from '../../../cluster/datanode/storage/partial-chunk.ts';
import { computeChecksums } from '../../../cluster/protocol/datatransfer/checksum.ts';
import { throwsCode } from '../../support/errors.ts';

const CRC = { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 } as const;
const CRC32 = { type: 'CHECKSUM_CRC32', bytesPerChecksum: 512 } as const;

describe('datanode/partial-chunk', () => {
  it('an append to a replica ending mid-chunk: the on-disk partial chunk is recomputed, the packet checksum skipped', () => {
    expect(planPacket(700, 700, 324, 512, 'b')).to.deep.equal({ skipData: 0, recalc: { chunkStart: 512, partialLength: 188, newBytes: 324 }, skipChecksums: 1, firstChunk: 1 });
    // fewer bytes than the chunk has room for (the appender wrote 50 bytes and closed)
    expect(planPacket(700, 700, 50, 512, 'b')).to.deep.equal({ skipData: 0, recalc: { chunkStart: 512, partialLength: 188, newBytes: 50 }, skipChecksums: 1, firstChunk: 1 });
    // after an hflush of those 50 bytes the client sends the append chunk again from 700
    expect(planPacket(750, 700, 324, 512, 'b')).to.deep.equal({ skipData: 50, recalc: { chunkStart: 512, partialLength: 238, newBytes: 274 }, skipChecksums: 1, firstChunk: 1 });
  });

  it('a chunk sent again from its start uses the client checksum; chunks already on disk are skipped', () => {
    expect(planPacket(1100, 1024, 512, 512, 'b')).to.deep.equal({ skipData: 76, recalc: undefined, skipChecksums: 0, firstChunk: 2 });
    expect(planPacket(1100, 512, 1536, 512, 'b')).to.deep.equal({ skipData: 588, recalc: { chunkStart: 1024, partialLength: 76, newBytes: 436 }, skipChecksums: 2, firstChunk: 2 });
    expect(planPacket(1024, 1024, 512, 512, 'b')).to.deep.equal({ skipData: 0, recalc: undefined, skipChecksums: 0, firstChunk: 2 });
    expect(planPacket(1100, 0, 512, 512, 'b')).to.equal(undefined); // all on disk
  });

  it('refuses a packet past the end, a partial chunk longer than a chunk, or one crossing its boundary', () => {
    throwsCode(() => planPacket(700, 701, 10, 512, 'b'), 'PROTOCOL_MALFORMED');
    throwsCode(() => planPacket(700, 700, 513, 512, 'b'), 'PROTOCOL_MALFORMED');
    throwsCode(() => planPacket(700, 700, 400, 512, 'b'), 'PROTOCOL_MALFORMED');
  });

  it('the extended CRC equals the CRC of the whole chunk (CRC32C and CRC32); a stored CRC that does not match is REPLICA_CORRUPT', () => {
    const chunk = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 31 + 7) & 0xff));
    for (const spec of [CRC, CRC32]) {
      for (const cut of [1, 188, 511]) {
        const onDisk = chunk.subarray(0, cut);
        const out = extendPartialChunkCrc(spec, onDisk, computeChecksums(spec, onDisk), chunk.subarray(cut), 'b');
        expect(Buffer.from(out)).to.deep.equal(Buffer.from(computeChecksums(spec, chunk)));
      }
    }
    const onDisk = chunk.subarray(0, 188);
    const wrong = Buffer.from(computeChecksums(CRC, onDisk));
    wrong[0]! ^= 1;
    throwsCode(() => extendPartialChunkCrc(CRC, onDisk, wrong, chunk.subarray(188), 'b'), 'REPLICA_CORRUPT');
  });
});
