import { expect } from 'chai';
import { FrameDecoder, encodeFrame } from '../../support/java.ts';

describe('test support: Java peer frames', () => {
  it('encodes [type][int32 length][payload] and decodes frames split across chunks', () => {
    const a = encodeFrame('T', Buffer.from('challenge'));
    const b = encodeFrame('O');
    const c = encodeFrame('W', Buffer.alloc(70000, 3));
    expect(a.subarray(0, 5).toString('hex')).to.equal('5400000009');
    const all = Buffer.concat([a, b, c]);
    const dec = new FrameDecoder();
    const got = [];
    for (let off = 0; off < all.length; off += 7) got.push(...dec.push(all.subarray(off, off + 7)));
    expect(got.map((f) => [f.type, f.payload.length])).to.deep.equal([
      ['T', 9],
      ['O', 0],
      ['W', 70000],
    ]);
    expect(got[0]!.payload.toString()).to.equal('challenge');
    expect(dec.push(Buffer.from([0x54, 0, 0]))).to.deep.equal([]);
  });
});
