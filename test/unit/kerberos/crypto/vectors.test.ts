// RFC 3961 / 3962 / 8009 appendix vectors (test/vectors/kerberos-crypto.json) run through the profiles.
import { readFileSync } from 'node:fs';
import { pbkdf2Sync } from 'node:crypto';
import { expect } from 'chai';
import { nfold } from '../../../../security/kerberos/crypto/nfold.ts';
import { ctsDecrypt, ctsEncrypt } from '../../../../security/kerberos/crypto/cts.ts';
import { kdfHmacSha2, KEY_PURPOSE, usageConstant } from '../../../../security/kerberos/crypto/derive.ts';
import { getProfile } from '../../../../security/kerberos/crypto/registry.ts';
import { s2kParams } from '../../../../security/kerberos/crypto/aes-common.ts';

const V = JSON.parse(readFileSync(new URL('../../../vectors/kerberos-crypto.json', import.meta.url), 'utf8'));
const hex = (s: string) => Buffer.from(s, 'hex');
const text = (c: { [k: string]: string }, field: string) => (c[`${field}Hex`] !== undefined ? hex(c[`${field}Hex`]!) : Buffer.from(c[field]!, 'utf8'));

describe('kerberos crypto: RFC 3961 A.1 n-fold', () => {
  for (const c of V.nfold.cases) {
    it(`${c.bits}-fold(${c.inputHex})`, () => {
      expect(nfold(hex(c.inputHex), c.bits / 8).toString('hex')).to.equal(c.outputHex);
    });
  }
});

describe('kerberos crypto: RFC 3962 B AES-CTS', () => {
  const key = hex(V.cts.keyHex);
  for (const c of V.cts.cases) {
    const n = c.inputHex.length / 2;
    it(`encrypts and decrypts ${n} bytes (${n === 16 ? 'single block' : n % 16 === 0 ? 'exact multiple' : 'partial last block'})`, () => {
      const out = ctsEncrypt(key, hex(c.inputHex));
      expect(out.toString('hex')).to.equal(c.outputHex);
      // The RFC's "next IV" is the second-to-last block of the output, i.e. the true last CBC block.
      expect(out.subarray(Math.ceil(n / 16) * 16 - 32, Math.ceil(n / 16) * 16 - 16).toString('hex')).to.equal(c.nextIvHex);
      expect(ctsDecrypt(key, out).toString('hex')).to.equal(c.inputHex);
    });
  }
  it('treats exactly one block as plain CBC and round-trips it', () => {
    const block = hex('000102030405060708090a0b0c0d0e0f');
    const out = ctsEncrypt(key, block);
    expect(out).to.have.length(16);
    expect(ctsDecrypt(key, out).equals(block)).to.equal(true);
  });
  it('refuses input shorter than one block', () => {
    expect(() => ctsEncrypt(key, Buffer.alloc(15))).to.throw(RangeError);
    expect(() => ctsDecrypt(key, Buffer.alloc(15))).to.throw(RangeError);
  });
});

describe('kerberos crypto: RFC 3962 B string-to-key (aes-sha1)', () => {
  for (const c of V.aesSha1StringToKey.cases) {
    const password = text(c, 'password');
    const salt = text(c, 'salt');
    it(`iterations=${c.iterations} salt=${salt.toString('hex').slice(0, 16)}...`, () => {
      // The intermediate PBKDF2 outputs, then the final DK(tkey, "kerberos") keys.
      expect(pbkdf2Sync(password, salt, c.iterations, 16, 'sha1').toString('hex')).to.equal(c.pbkdf2_128);
      expect(pbkdf2Sync(password, salt, c.iterations, 32, 'sha1').toString('hex')).to.equal(c.pbkdf2_256);
      const params = s2kParams(c.iterations);
      expect(getProfile(17).stringToKey(password.toString('utf8'), salt, params).toString('hex')).to.equal(c.key128);
      expect(getProfile(18).stringToKey(password.toString('utf8'), salt, params).toString('hex')).to.equal(c.key256);
    });
  }
});

describe('kerberos crypto: RFC 8009 A (aes-sha2)', () => {
  const s = V.aesSha2.stringToKey;
  it('string-to-key with the default 32768 iterations', () => {
    const salt = hex(s.saltHex);
    expect(getProfile(19).stringToKey(s.password, salt).toString('hex')).to.equal(s.key19);
    expect(getProfile(20).stringToKey(s.password, salt).toString('hex')).to.equal(s.key20);
    expect(getProfile(19).stringToKey(s.password, salt, s2kParams(s.iterations)).toString('hex')).to.equal(s.key19);
  });
  it('builds saltp = enctype name | 0x00 | salt', () => {
    expect(Buffer.concat([Buffer.from('aes128-cts-hmac-sha256-128'), Buffer.of(0), hex(s.saltHex)]).toString('hex')).to.equal(s.saltp128Hex);
  });
  for (const k of V.aesSha2.keyDerivation) {
    it(`derives Kc, Ke, Ki for etype ${k.etype}`, () => {
      const hash = k.etype === 19 ? 'sha256' : 'sha384';
      const base = hex(k.baseKeyHex);
      expect(kdfHmacSha2(hash, base, usageConstant(k.usage, KEY_PURPOSE.CHECKSUM), (k.kc.length / 2) * 8).toString('hex')).to.equal(k.kc);
      expect(kdfHmacSha2(hash, base, usageConstant(k.usage, KEY_PURPOSE.ENCRYPTION), (k.ke.length / 2) * 8).toString('hex')).to.equal(k.ke);
      expect(kdfHmacSha2(hash, base, usageConstant(k.usage, KEY_PURPOSE.INTEGRITY), (k.ki.length / 2) * 8).toString('hex')).to.equal(k.ki);
    });
  }
  const baseKeys = new Map<number, Buffer>(V.aesSha2.keyDerivation.map((k: { etype: number; baseKeyHex: string }) => [k.etype, hex(k.baseKeyHex)]));
  for (const e of V.aesSha2.encryptions) {
    it(`encrypts ${e.plaintextHex.length / 2} bytes with etype ${e.etype} and the given confounder, and decrypts back`, () => {
      const p = getProfile(e.etype);
      const key = baseKeys.get(e.etype)!;
      const ct = p.encrypt(key, e.usage, hex(e.plaintextHex), hex(e.confounderHex));
      expect(ct.toString('hex')).to.equal(e.ciphertextHex);
      expect(p.decrypt(key, e.usage, hex(e.ciphertextHex)).toString('hex')).to.equal(e.plaintextHex);
    });
  }
  for (const c of V.aesSha2.checksums) {
    it(`checksum type ${c.etype} over the sample message`, () => {
      const p = getProfile(c.etype);
      const key = baseKeys.get(c.etype)!;
      expect(p.checksum(key, c.usage, hex(c.plaintextHex)).toString('hex')).to.equal(c.checksumHex);
      expect(p.verifyChecksum(key, c.usage, hex(c.plaintextHex), hex(c.checksumHex))).to.equal(true);
      expect(p.verifyChecksum(key, c.usage + 1, hex(c.plaintextHex), hex(c.checksumHex))).to.equal(false);
    });
  }
});

describe('kerberos crypto: pseudo-random function', () => {
  for (const c of V.aesSha2.prf.cases) {
    it(`RFC 8009 A PRF for etype ${c.etype}`, () => {
      const p = getProfile(c.etype);
      const out = p.prf(hex(c.baseKeyHex), hex(c.inputHex));
      expect(out).to.have.length(p.prfLength);
      expect(out.toString('hex')).to.equal(c.outputHex);
    });
  }
  for (const c of V.aesSha1Prf.cases) {
    it(`MIT t_prf vector for etype ${c.etype} input ${c.inputHex}`, () => {
      const p = getProfile(c.etype);
      expect(p.prf(hex(c.keyHex), hex(c.inputHex)).toString('hex')).to.equal(c.outputHex);
    });
  }
});
