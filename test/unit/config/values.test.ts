/**
 * Typed value parsing with Hadoop's rules (Configuration.getInt/getLong/getLongBytes/getBoolean/
 * getTimeDuration, StringUtils.TraditionalBinaryPrefix, ParsedTimeDuration, TimeUnit.convert).
 */
import { expect } from 'chai';
import { convertTime, parseBoolean, parseBytes, parseDuration, parseInt32, parseInt64, parseStrings, parseTrimmedStringCollection } from '../../../lib/config/values.ts';
import type { TimeUnit } from '../../../lib/config/types.ts';

describe('config values', () => {
  describe('parseInt32 / parseInt64 (getInt / getLong)', () => {
    const ok: [string, number][] = [
      ['0', 0],
      ['42', 42],
      ['  42  ', 42],
      ['+7', 7],
      ['-7', -7],
      ['0x10', 16],
      ['0XfF', 255],
      ['-0x10', -16],
      ['2147483647', 2147483647],
      ['-2147483648', -2147483648],
    ];
    for (const [input, want] of ok) {
      it(`int "${input}" -> ${want}`, () => expect(parseInt32(input)).to.equal(want));
    }
    for (const bad of ['', ' ', '1.5', '1e3', '12abc', '2147483648', '-2147483649', '0x', '0x80000000', '١٢']) {
      it(`int rejects "${bad}"`, () => expect(() => parseInt32(bad)).to.throw(RangeError));
    }
    it('long accepts values past 32 bits', () => expect(parseInt64('604800000000')).to.equal(604800000000));
    it('long rejects values past 2^53 (not exactly representable)', () => {
      expect(parseInt64(String(Number.MAX_SAFE_INTEGER))).to.equal(Number.MAX_SAFE_INTEGER);
      expect(() => parseInt64('9007199254740993')).to.throw(RangeError, /2\^53/);
      expect(() => parseInt64('9223372036854775808')).to.throw(RangeError, /out of range/);
    });
  });

  describe('parseBoolean (getBoolean)', () => {
    for (const [input, want] of [['true', true], ['TRUE', true], [' True ', true], ['false', false], ['FaLsE', false]] as const) {
      it(`"${input}" -> ${want}`, () => expect(parseBoolean(input)).to.equal(want));
    }
    for (const bad of ['yes', '1', 'on', 'truex']) {
      it(`rejects "${bad}"`, () => expect(() => parseBoolean(bad)).to.throw(RangeError));
    }
  });

  describe('parseBytes (getLongBytes)', () => {
    const ok: [string, number][] = [
      ['0', 0],
      ['512', 512],
      ['1k', 1024],
      ['1K', 1024],
      ['64m', 64 * 1024 * 1024],
      ['128M', 134217728],
      ['2g', 2 * 1024 ** 3],
      ['3t', 3 * 1024 ** 4],
      ['-2k', -2048],
      [' 10k ', 10240],
    ];
    for (const [input, want] of ok) {
      it(`"${input}" -> ${want}`, () => expect(parseBytes(input)).to.equal(want));
    }
    it('rejects an unknown prefix, naming the allowed ones', () => {
      expect(() => parseBytes('10x')).to.throw(RangeError, /k, m, g, t, p, e/);
    });
    for (const bad of ['', 'k', '1.5k', '10 k', '10kb']) {
      it(`rejects "${bad}"`, () => expect(() => parseBytes(bad)).to.throw(RangeError));
    }
    it('rejects overflow of a 64-bit long', () => expect(() => parseBytes('9000000e')).to.throw(RangeError, /overflow/));
  });

  describe('parseDuration (getTimeDuration)', () => {
    const ok: [string, TimeUnit, TimeUnit, number][] = [
      ['60000', 'ms', 'ms', 60000],
      ['60', 's', 'ms', 60000],
      ['10s', 'ms', 'ms', 10000],
      ['10S', 'ms', 'ms', 10000],
      ['5ms', 's', 'ms', 5],
      ['3m', 'ms', 's', 180],
      ['2h', 'ms', 'm', 120],
      ['1d', 'ms', 'ms', 86400000],
      ['7d', 'ms', 'h', 168],
      ['1500', 'ms', 's', 1], // TimeUnit.convert truncates
      ['-1500', 'ms', 's', -1], // toward zero
      ['999us', 'ms', 'ms', 0],
      ['2000ns', 'ms', 'us', 2],
      ['600', 'm', 'ms', 36000000],
      [' 30s ', 'ms', 's', 30],
      ['-1', 's', 'ms', -1000],
    ];
    for (const [input, unit, ret, want] of ok) {
      it(`"${input}" (bare = ${unit}) in ${ret} -> ${want}`, () => expect(parseDuration(input, unit, ret)).to.equal(want));
    }
    for (const bad of ['', 's', '1.5s', '10 s', '10sec', '10min', 'abc']) {
      it(`rejects "${bad}"`, () => expect(() => parseDuration(bad, 'ms', 'ms')).to.throw(RangeError));
    }
    it('saturates like TimeUnit.convert', () => {
      expect(convertTime(2n ** 62n, 'd', 'ns')).to.equal(2n ** 63n - 1n);
      expect(convertTime(-(2n ** 62n), 'd', 'ns')).to.equal(-(2n ** 63n));
    });
  });

  describe('parseTrimmedStringCollection (StringUtils.getTrimmedStringCollection)', () => {
    it('splits at commas and line breaks, trims, drops empty items and repeats', () => {
      expect(parseTrimmedStringCollection('\n  a,\n  b \n b, ,c\n')).to.deep.equal(['a', 'b', 'c']);
      expect(parseTrimmedStringCollection(' * , * ')).to.deep.equal(['*']);
      expect(parseTrimmedStringCollection(undefined)).to.deep.equal([]);
      expect(parseTrimmedStringCollection(' \n ')).to.deep.equal([]);
    });
  });

  describe('parseStrings (getStrings / getTrimmedStrings)', () => {
    it('splits on commas, trims, drops empties', () => {
      expect(parseStrings(' privacy , integrity,,authentication ,')).to.deep.equal(['privacy', 'integrity', 'authentication']);
      expect(parseStrings('')).to.deep.equal([]);
      expect(parseStrings(' , ')).to.deep.equal([]);
    });
  });
});
