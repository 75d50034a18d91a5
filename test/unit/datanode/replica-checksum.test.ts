// The DataNode's block checksum (BlockChecksumHelper.ReplicatedBlockChecksumComputer,
// cluster/datanode/storage/replica-checksum.ts) over stored CRCs made by the plain reference
// (test/support/checksum-reference.ts): MD5 of the stored CRCs, the partial-chunk rule (a request
// that ends inside a chunk of a longer replica recomputes that chunk's CRC over the data up to the
// request's end), a request past the replica (the whole replica, as Hadoop), and COMPOSITE_CRC,
// which must equal the CRC of the covered bytes.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { computeBlockChecksum, planPartialChunk, type ReplicaChecksumInput } from '../../../cluster/datanode/storage/replica-checksum.ts';
import { md5, referenceChunkCrcs, referenceCrc } from '../../support/checksum-reference.ts';
import { throwsCode } from '../../support/errors.ts';

const CRC = { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 } as const;
const data = randomBytes(1300); // chunks of 512, 512, 276
const stored = referenceChunkCrcs(data);

function input(requestLength: number): ReplicaChecksumInput {
  const range = planPartialChunk(CRC, requestLength, data.length);
  return { checksum: CRC, storedCrcs: stored, requestLength, visibleLength: data.length, ...(range ? { partialChunk: data.subarray(range.offset, range.offset + range.length) } : {}) };
}

describe('datanode: block checksums (ReplicatedBlockChecksumComputer)', () => {
  it('the whole replica: MD5 of every stored CRC, crcPerBlock from the meta file, bytesPerCrc and the CRC type', () => {
    for (const len of [1300, 5000]) {
      const r = computeBlockChecksum(input(len));
      expect(r).to.deep.include({ bytesPerCrc: 512, crcPerBlock: 3, crcType: 'CHECKSUM_CRC32C' });
      expect(Buffer.from(r.blockChecksum).toString('hex'), `request ${len}`).to.equal(md5(stored).toString('hex'));
    }
  });

  it('a request ending inside a chunk: the whole chunks\' stored CRCs, then the CRC of the partial chunk recomputed from the data', () => {
    expect(planPartialChunk(CRC, 700, 1300)).to.deep.equal({ offset: 512, length: 188 });
    const partial = Buffer.alloc(4);
    partial.writeUInt32BE(referenceCrc(data.subarray(512, 700)));
    const r = computeBlockChecksum(input(700));
    expect(Buffer.from(r.blockChecksum).toString('hex')).to.equal(md5(Buffer.concat([stored.subarray(0, 4), partial])).toString('hex'));
    expect(r.crcPerBlock, 'crcPerBlock stays the replica\'s').to.equal(3);
    // on a chunk boundary nothing is recomputed; 100 bytes is one partial chunk and no stored CRC
    expect(Buffer.from(computeBlockChecksum(input(1024)).blockChecksum).toString('hex')).to.equal(md5(stored.subarray(0, 8)).toString('hex'));
    partial.writeUInt32BE(referenceCrc(data.subarray(0, 100)));
    expect(Buffer.from(computeBlockChecksum(input(100)).blockChecksum).toString('hex')).to.equal(md5(partial).toString('hex'));
    expect(Buffer.from(computeBlockChecksum(input(0)).blockChecksum).toString('hex'), 'nothing requested').to.equal(md5(new Uint8Array(0)).toString('hex'));
  });

  it('a partial chunk whose data is missing (a damaged replica) is PROTOCOL_TRUNCATED', () => {
    throwsCode(() => computeBlockChecksum({ ...input(700), partialChunk: data.subarray(512, 600) }), 'PROTOCOL_TRUNCATED');
  });

  it('COMPOSITE_CRC: the CRC of the covered bytes (min of request and replica), per stripe when stripeLength is set', () => {
    const composite = (len: number, stripeLength = 0) => Buffer.from(computeBlockChecksum(input(len), { blockChecksumType: 'COMPOSITE_CRC', stripeLength }).blockChecksum);
    expect(composite(1300).readUInt32BE(0)).to.equal(referenceCrc(data));
    expect(composite(5000).length).to.equal(4);
    expect(composite(5000).readUInt32BE(0), 'past the replica: its length').to.equal(referenceCrc(data));
    expect(composite(700).readUInt32BE(0)).to.equal(referenceCrc(data.subarray(0, 700)));
    const striped = composite(1300, 1024);
    expect(striped.length).to.equal(8);
    expect(striped.readUInt32BE(0)).to.equal(referenceCrc(data.subarray(0, 1024)));
    expect(striped.readUInt32BE(4)).to.equal(referenceCrc(data.subarray(1024)));
    throwsCode(() => composite(1300, 700), 'PROTOCOL_MALFORMED');
  });
});
