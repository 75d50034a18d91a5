// File checksums as Hadoop's FileChecksum classes present them (cluster/client/file-checksum.ts):
// the empty-file value every Hadoop release prints (`hdfs dfs -checksum` of an empty file:
// MD5-of-0MD5-of-0CRC32 000000000000000000000000 70bc8f4b72a86921468bf8e8441dce51), the Writable
// bytes of MD5MD5CRC32FileChecksum, the DataOutputBuffer padding of the block MD5s, and the
// composite CRC of several blocks against the CRC of the whole file (plain reference).
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import {
  compositeCrcFileChecksum, dataOutputBufferContents, emptyFileChecksum, md5CrcFileChecksum, md5Md5Crc32Checksum,
} from '../../../cluster/client/file-checksum.ts';
import { md5, referenceCrc } from '../../support/checksum-reference.ts';

describe('client: file checksums (MD5MD5CRC32FileChecksum, CompositeCrcFileChecksum)', () => {
  it('an empty file has Hadoop\'s fixed checksum', () => {
    const e = emptyFileChecksum();
    expect(e.algorithmName).to.equal('MD5-of-0MD5-of-0CRC32');
    expect(Buffer.from(e.bytes).toString('hex')).to.equal('00000000000000000000000070bc8f4b72a86921468bf8e8441dce51');
  });

  it('the Writable bytes: int32 bytesPerCRC, int64 crcPerBlock, the MD5; the algorithm name', () => {
    const m = md5Md5Crc32Checksum('CRC32C', 512, 262144, Buffer.alloc(16, 0xab));
    expect(m.algorithmName).to.equal('MD5-of-262144MD5-of-512CRC32C');
    expect(Buffer.from(m.bytes).toString('hex')).to.equal(`00000200${'0000000000040000'}${'ab'.repeat(16)}`);
  });

  it('the block MD5s are digested with the DataOutputBuffer\'s zero padding: 32 bytes, then doubling', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => dataOutputBufferContents(new Uint8Array(16 * n)).length)).to.deep.equal([32, 32, 64, 64, 128, 256]);
    const blocks = [1, 2, 3].map(() => randomBytes(16));
    const sum = md5CrcFileChecksum(blocks, 'CRC32C', 512, 2048)!;
    expect(Buffer.from(sum.md5).toString('hex')).to.equal(md5(Buffer.concat([...blocks, Buffer.alloc(16)])).toString('hex'));
    expect(md5CrcFileChecksum(blocks, 'MIXED', 512, 2048), 'mixed CRC types: Hadoop\'s null').to.equal(undefined);
  });

  it('COMPOSITE_CRC of three blocks is the CRC of the file; a shorter requested length cuts the last block', () => {
    const data = randomBytes(2048 + 2048 + 700);
    const parts = [data.subarray(0, 2048), data.subarray(2048, 4096), data.subarray(4096)];
    const answers = parts.map((p) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(referenceCrc(p));
      return b;
    });
    const sum = compositeCrcFileChecksum(answers, parts.map((p) => p.length), 'CRC32C', 512, Number.MAX_SAFE_INTEGER, 700);
    expect(sum.algorithmName).to.equal('COMPOSITE-CRC32C');
    expect(Buffer.from(sum.bytes).readUInt32BE(0)).to.equal(referenceCrc(data));
    // the last block's answer covers 300 bytes when only 4396 were asked for
    const short = Buffer.alloc(4);
    short.writeUInt32BE(referenceCrc(data.subarray(4096, 4396)));
    expect(compositeCrcFileChecksum([answers[0]!, answers[1]!, short], [2048, 2048, 300], 'CRC32C', 512, 4396, 700).crc).to.equal(referenceCrc(data.subarray(0, 4396)));
  });
});
