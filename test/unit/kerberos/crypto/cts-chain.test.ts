// AES-CTS with cached, chained ciphers (security/kerberos/crypto/cts.ts): many messages under one
// key, with any IV and length, in any interleaving of encryption and decryption, give exactly what a
// fresh cipher gives (the RFC 3962 vectors in vectors.test.ts pin the fresh result), and a key array
// whose bytes change is never served the old key's ciphers.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { aesEncryptBlock, ctsDecrypt, ctsDecryptParts, ctsEncrypt } from '../../../../security/kerberos/crypto/cts.ts';

describe('kerberos crypto: AES-CTS over cached chained ciphers', () => {
  for (const keyLength of [16, 32]) {
    it(`aes${keyLength * 8}: 300 interleaved messages match a fresh cipher and round-trip`, () => {
      const key = randomBytes(keyLength);
      for (let i = 0; i < 300; i++) {
        const length = i % 3 === 0 ? 16 + (i % 40) : [16, 17, 31, 32, 33, 1024, 1040, 61_472, 65_536][i % 9]!;
        const iv = i % 4 === 0 ? randomBytes(16) : Buffer.alloc(16);
        const m = randomBytes(length);
        const c = ctsEncrypt(key, m, iv);
        expect(c.equals(ctsEncrypt(Buffer.from(key), m, iv)), `message ${i} (${length} bytes)`).to.equal(true);
        if (i % 5 === 0) aesEncryptBlock(key, randomBytes(16)); // other users of the same key in between
        expect(ctsDecrypt(key, c, iv).equals(m), `decrypt ${i}`).to.equal(true);
        expect(Buffer.concat(ctsDecryptParts(key, c, iv)).equals(m)).to.equal(true);
      }
    });
  }

  it('follows a key array whose bytes change in place', () => {
    const key = randomBytes(32);
    const m = randomBytes(100);
    const before = ctsEncrypt(key, m);
    key[0]! ^= 1;
    const after = ctsEncrypt(key, m);
    expect(after.equals(before)).to.equal(false);
    expect(after.equals(ctsEncrypt(Buffer.from(key), m))).to.equal(true);
  });

  it('does not change the caller plaintext', () => {
    const key = randomBytes(16);
    const m = randomBytes(48);
    const copy = Buffer.from(m);
    ctsEncrypt(key, m, randomBytes(16));
    expect(m.equals(copy)).to.equal(true);
  });
});
