// CRC composition (CrcUtil / CrcComposer, cluster/protocol/datatransfer/crc-composer.ts) checked
// against CRCs computed directly over the concatenated bytes by the plain reference in
// test/support/checksum-reference.ts: composing is right exactly when it equals the CRC of A || B.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { composeCrc, CrcComposer, galoisFieldMultiply, getMonomial } from '../../../cluster/protocol/datatransfer/crc-composer.ts';
import { CRC32C_POLYNOMIAL, CRC32_POLYNOMIAL } from '../../../cluster/protocol/datatransfer/crc32c.ts';
import { referenceCrc } from '../../support/checksum-reference.ts';
import { throwsCode } from '../../support/errors.ts';

describe('protocol: CRC composition (CrcUtil, CrcComposer)', () => {
  it('the polynomial 1 is the identity of the multiplication; x^0 bytes is 1', () => {
    for (const v of [0, 1, 0xdeadbeef, 0x80000000, 0xffffffff]) expect(galoisFieldMultiply(v, 0x80000000, CRC32C_POLYNOMIAL)).to.equal(v >>> 0);
    expect(getMonomial(0, CRC32C_POLYNOMIAL)).to.equal(0x80000000);
  });

  for (const [kind, poly] of [['crc32c', CRC32C_POLYNOMIAL], ['crc32', CRC32_POLYNOMIAL]] as const) {
    it(`compose(CRC(A), CRC(B), |B|) is the ${kind} of A || B, for B of 0 to 70 000 bytes`, () => {
      for (const [a, b] of [[1, 1], [512, 512], [700, 3], [0, 9], [33, 0], [1000, 70_000], [5, 511]] as const) {
        const A = randomBytes(a);
        const B = randomBytes(b);
        expect(composeCrc(referenceCrc(A, kind), referenceCrc(B, kind), b, poly), `${a} + ${b}`).to.equal(referenceCrc(Buffer.concat([A, B]), kind));
      }
    });
  }

  it('a composer of 512-byte chunk CRCs gives the CRC of each stripe, the last one short; one stripe = the CRC of everything', () => {
    const data = randomBytes(5 * 512 + 100);
    const chunks: Array<[number, number]> = [];
    for (let at = 0; at < data.length; at += 512) {
      const chunk = data.subarray(at, Math.min(at + 512, data.length));
      chunks.push([referenceCrc(chunk), chunk.length]);
    }
    const striped = CrcComposer.striped('CHECKSUM_CRC32C', 512, 1024);
    for (const [crc, n] of chunks) striped.update(crc, n);
    const digest = Buffer.from(striped.digest());
    expect(digest.length).to.equal(12);
    expect(digest.readUInt32BE(0)).to.equal(referenceCrc(data.subarray(0, 1024)));
    expect(digest.readUInt32BE(4)).to.equal(referenceCrc(data.subarray(1024, 2048)));
    expect(digest.readUInt32BE(8)).to.equal(referenceCrc(data.subarray(2048)));
    const single = CrcComposer.single('CHECKSUM_CRC32C', 512);
    const all = Buffer.alloc(chunks.length * 4);
    chunks.slice(0, -1).forEach(([crc], i) => all.writeUInt32BE(crc, i * 4));
    single.updateAll(all.subarray(0, (chunks.length - 1) * 4), 512);
    single.update(chunks[chunks.length - 1]![0], 100);
    expect(Buffer.from(single.digest()).readUInt32BE(0)).to.equal(referenceCrc(data));
  });

  it('a CRC that crosses a stripe boundary, a NULL checksum and a length that is not a whole number of CRCs are refused', () => {
    const c = CrcComposer.striped('CHECKSUM_CRC32C', 512, 700);
    c.update(1, 512);
    throwsCode(() => c.update(2, 512), 'PROTOCOL_MALFORMED');
    throwsCode(() => CrcComposer.single('CHECKSUM_NULL', 512), 'PROTOCOL_MALFORMED');
    throwsCode(() => CrcComposer.single('CHECKSUM_CRC32C', 512).updateAll(new Uint8Array(6), 512), 'PROTOCOL_MALFORMED');
  });
});
