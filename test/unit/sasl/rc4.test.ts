import { expect } from 'chai';
import { Rc4 } from '../../../security/sasl/mechanisms/digest-md5/rc4.ts';
import { cipherBackend, opensslHasRc4 } from '../../../security/sasl/mechanisms/digest-md5/ciphers.ts';

// Widely published RC4 test vectors (Wikipedia "RC4" test vectors, from the original posting).
const VECTORS = [
  { key: 'Key', plain: 'Plaintext', cipher: 'bbf316e8d940af0ad3' },
  { key: 'Wiki', plain: 'pedia', cipher: '1021bf0420' },
  { key: 'Secret', plain: 'Attack at dawn', cipher: '45a01f645fc35b383552544b9bf5' },
];

describe('sasl/digest-md5 rc4 fallback', () => {
  for (const v of VECTORS) {
    it(`encrypts "${v.plain}" under "${v.key}"`, () => {
      expect(new Rc4(Buffer.from(v.key)).update(Buffer.from(v.plain)).toString('hex')).to.equal(v.cipher);
    });
  }

  it('keeps the keystream across update calls (as the JDK Cipher does)', () => {
    const rc4 = new Rc4(Buffer.from('Secret'));
    const a = rc4.update(Buffer.from('Attack'));
    const b = rc4.update(Buffer.from(' at dawn'));
    expect(Buffer.concat([a, b]).toString('hex')).to.equal('45a01f645fc35b383552544b9bf5');
  });

  it('reports the backend: builtin unless OpenSSL has its legacy provider', () => {
    expect(cipherBackend('rc4')).to.equal(opensslHasRc4() ? 'openssl' : 'builtin');
    expect(cipherBackend('3des')).to.equal('openssl');
  });
});
