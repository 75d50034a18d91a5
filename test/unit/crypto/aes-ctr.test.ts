/**
 * AES/CTR as Hadoop's CryptoCodec runs it: NIST SP 800-38A F.5 vectors, the IV
 * arithmetic of JceCtrCryptoCodec.calculateIV (128-bit big-endian with carry, wrapping at 2^128),
 * and positioned streams (counter + keystream padding) against the stream from position 0.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { AesCtrCipher, calculateIV, AES_CTR_NOPADDING } from '../../../security/crypto/aes-ctr.ts';
import { throwsCode } from '../../support/errors.ts';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// NIST SP 800-38A, F.5.1 (CTR-AES128.Encrypt) and F.5.5 (CTR-AES256.Encrypt).
const PLAIN = hex('6bc1bee22e409f96e93d7e117393172a' + 'ae2d8a571e03ac9c9eb76fac45af8e51' + '30c81c46a35ce411e5fbc1191a0a52ef' + 'f69f2445df4f9b17ad2b417be66c3710');
const INIT_COUNTER = hex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
const NIST = [
  {
    key: '2b7e151628aed2a6abf7158809cf4f3c',
    cipher: '874d6191b620e3261bef6864990db6ce' + '9806f66b7970fdff8617187bb9fffdff' + '5ae4df3edbd5d35e5b4f09020db03eab' + '1e031dda2fbe03d1792170a0f3009cee',
  },
  {
    key: '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    cipher: '601ec313775789a5b7a7f504bbf3d228' + 'f443e3ca4d62b59aca84e990cacaf5c5' + '2b0930daa23de94ce87017ba2d84988d' + 'dfc9c58db67aada613c2dd08457941a6',
  },
];

describe('AES/CTR/NoPadding (Hadoop CryptoCodec)', () => {
  it('names the suite as Hadoop does', () => {
    expect(AES_CTR_NOPADDING).to.equal('AES/CTR/NoPadding');
  });

  for (const v of NIST) {
    it(`matches NIST SP 800-38A CTR-AES${v.key.length * 4} in one call and split at odd offsets`, () => {
      expect(new AesCtrCipher(hex(v.key), INIT_COUNTER).update(PLAIN).toString('hex')).to.equal(v.cipher);
      const c = new AesCtrCipher(hex(v.key), INIT_COUNTER);
      const parts = [c.update(PLAIN.subarray(0, 5)), c.update(PLAIN.subarray(5, 37)), c.update(PLAIN.subarray(37))];
      expect(Buffer.concat(parts).toString('hex')).to.equal(v.cipher);
      expect(c.position).to.equal(64);
    });
  }

  it('calculateIV adds the counter as one 128-bit big-endian number, carrying into the first 8 bytes', () => {
    expect(calculateIV(hex('000102030405060708090a0b0c0d0e0f'), 0n).toString('hex')).to.equal('000102030405060708090a0b0c0d0e0f');
    expect(calculateIV(hex('000102030405060708090a0b0c0d0e0f'), 0x10n).toString('hex')).to.equal('000102030405060708090a0b0c0d0e1f');
    // the HADOOP-11343 case: the low 64 bits overflow into the high 64 bits
    expect(calculateIV(hex('0000000000000000ffffffffffffffff'), 1n).toString('hex')).to.equal('00000000000000010000000000000000');
    expect(calculateIV(hex('00000000000000fffffffffffffffffe'), 3n).toString('hex')).to.equal('00000000000001000000000000000001');
    // wraps modulo 2^128
    expect(calculateIV(hex('ffffffffffffffffffffffffffffffff'), 1n).toString('hex')).to.equal('00000000000000000000000000000000');
    expect(calculateIV(hex('00000000000000000000000000000000'), (1n << 63n) - 1n).toString('hex')).to.equal('00000000000000007fffffffffffffff');
  });

  it('a stream opened at position p continues the stream from 0 (counter p/16, p mod 16 bytes skipped), across a counter carry', () => {
    const key = randomBytes(32);
    const iv = hex('0123456789abcdeffffffffffffffffd'); // the carry out of the low 64 bits happens inside the stream
    const data = randomBytes(200);
    const whole = new AesCtrCipher(key, iv).update(data);
    for (const p of [1, 15, 16, 17, 47, 48, 63, 100, 199]) {
      expect(new AesCtrCipher(key, iv, p).update(data.subarray(p)).equals(whole.subarray(p)), `position ${p}`).to.equal(true);
    }
  });

  it('decryption is the same operation', () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const data = randomBytes(1000);
    expect(new AesCtrCipher(key, iv).update(new AesCtrCipher(key, iv).update(data)).equals(data)).to.equal(true);
  });

  it('refuses keys that are not 128/192/256 bits and IVs that are not 16 bytes', () => {
    throwsCode(() => new AesCtrCipher(Buffer.alloc(20), Buffer.alloc(16)), 'DATA_TRANSFER_CIPHER');
    throwsCode(() => new AesCtrCipher(Buffer.alloc(16), Buffer.alloc(12)), 'DATA_TRANSFER_CIPHER');
    throwsCode(() => calculateIV(Buffer.alloc(8), 0n), 'DATA_TRANSFER_CIPHER');
    expect(() => new AesCtrCipher(Buffer.alloc(24), Buffer.alloc(16), -1)).to.throw(RangeError);
    expect(() => calculateIV(Buffer.alloc(16), 1n << 63n)).to.throw(RangeError);
  });
});
