import { expect } from 'chai';
import { DataInput, DataOutput, decodeVIntSize, encodeVLong, isNegativeVInt } from '../../../lib/codec/index.ts';
import { ProtocolError } from '../../../lib/errors/index.ts';

// Worked examples computed from the rules of WritableUtils.writeVLong
// (hadoop-common io/WritableUtils.java).
const TABLE: Array<[bigint, string]> = [
  [0n, '00'],
  [127n, '7f'],
  [128n, '8f80'],
  [255n, '8fff'],
  [256n, '8e0100'],
  [1000n, '8e03e8'],
  [65535n, '8effff'],
  [-1n, 'ff'],
  [-112n, '90'],
  [-113n, '8770'],
  [-256n, '87ff'],
  [-257n, '860100'],
  [1700000000000n, '8a018bcfe56800'],
  [(1n << 63n) - 1n, '887fffffffffffffff'],
  [-(1n << 63n), '807fffffffffffffff'],
];

describe('codec/vint (WritableUtils vlong)', () => {
  for (const [value, hex] of TABLE) {
    it(`encodes ${value} as ${hex} and decodes it back`, () => {
      expect(Buffer.from(encodeVLong(value)).toString('hex')).to.equal(hex);
      const bytes = Buffer.from(hex, 'hex');
      expect(decodeVIntSize(bytes[0]!)).to.equal(bytes.length);
      const input = new DataInput(bytes);
      expect(input.readVLongBig()).to.equal(value);
      expect(input.remaining).to.equal(0);
      expect(isNegativeVInt(bytes[0]!)).to.equal(value < 0n);
    });
  }

  it('round-trips every boundary between encoded lengths', () => {
    for (let bits = 7n; bits < 63n; bits++) {
      for (const v of [(1n << bits) - 1n, 1n << bits, -(1n << bits), -(1n << bits) - 1n]) {
        const bytes = new DataOutput().writeVLong(v).toBytes();
        expect(new DataInput(bytes).readVLongBig()).to.equal(v);
        // minimal: one byte shorter would not hold the magnitude
        const mag = v < 0n ? ~v : v;
        expect(bytes.length).to.equal(mag <= 127n && v >= -112n ? 1 : 1 + Math.ceil(mag.toString(16).length / 2));
      }
    }
  });

  it('readVInt rejects values outside int32 as Hadoop does', () => {
    const bytes = encodeVLong(0x80000000n);
    expect(() => new DataInput(bytes).readVInt()).to.throw(ProtocolError, /too long to fit in integer/);
    expect(new DataInput(encodeVLong(0x7fffffff)).readVInt()).to.equal(0x7fffffff);
  });

  it('writeVInt refuses a non-int32 and readVLong refuses an unsafe number', () => {
    expect(() => new DataOutput().writeVInt(2 ** 31)).to.throw(ProtocolError);
    expect(() => new DataInput(encodeVLong((1n << 63n) - 1n)).readVLong()).to.throw(ProtocolError);
    expect(new DataInput(encodeVLong(1700000000000)).readVLong()).to.equal(1700000000000);
  });

  it('a truncated vlong is PROTOCOL_TRUNCATED', () => {
    const err = catchErr(() => new DataInput(Buffer.from('8a018bcf', 'hex')).readVLong());
    expect(err).to.be.instanceOf(ProtocolError);
    expect((err as ProtocolError).code).to.equal('PROTOCOL_TRUNCATED');
  });
});

function catchErr(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
