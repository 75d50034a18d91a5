// Behaviour of every profile beyond the RFC vectors: round trips, integrity failures, usage separation, registry errors.
import { expect } from 'chai';
import { getProfile, isSupportedEtype, profileByChecksumType, profileByName, supportedEtypes } from '../../../../security/kerberos/crypto/registry.ts';
import { randomKey } from '../../../../security/kerberos/crypto/random.ts';
import { KEY_USAGE } from '../../../../security/kerberos/crypto/key-usage.ts';
import { KerberosError } from '../../../../lib/errors/index.ts';

function expectCode(fn: () => unknown, code: string): KerberosError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(KerberosError);
    expect((e as KerberosError).code).to.equal(code);
    return e as KerberosError;
  }
  expect.fail(`expected ${code}`);
}

describe('kerberos crypto: profiles', () => {
  it('supports exactly the four AES etypes, strongest first', () => {
    expect([...supportedEtypes]).to.deep.equal([20, 19, 18, 17]);
    expect(isSupportedEtype(23)).to.equal(false);
  });

  for (const etype of [17, 18, 19, 20]) {
    describe(`etype ${etype}`, () => {
      const p = getProfile(etype);
      const key = randomKey(etype).value;

      for (const len of [0, 1, 15, 16, 17, 31, 32, 33, 100]) {
        it(`round-trips ${len} bytes with a random confounder`, () => {
          const plain = Buffer.alloc(len, 0x5a);
          const ct = p.encrypt(key, KEY_USAGE.AP_REQ_AUTHENTICATOR, plain);
          expect(ct).to.have.length(16 + len + p.checksumLength);
          expect(p.decrypt(key, KEY_USAGE.AP_REQ_AUTHENTICATOR, ct).equals(plain)).to.equal(true);
        });
      }

      it('gives different ciphertexts for the same plaintext (random confounder)', () => {
        const a = p.encrypt(key, 3, Buffer.from('same'));
        const b = p.encrypt(key, 3, Buffer.from('same'));
        expect(a.equals(b)).to.equal(false);
      });

      it('fails with KRB_INTEGRITY when any single bit is flipped', () => {
        const ct = p.encrypt(key, 3, Buffer.from('ticket body bytes, long enough for two blocks'));
        for (const pos of [0, 16, ct.length - p.checksumLength - 1, ct.length - 1]) {
          const bad = Buffer.from(ct);
          bad[pos]! ^= 0x01;
          const err = expectCode(() => p.decrypt(key, 3, bad), 'KRB_INTEGRITY');
          expect(err.details.usage).to.equal(3);
          expect(err.message).to.include(p.name);
        }
      });

      it('fails with KRB_INTEGRITY under another key usage or another key', () => {
        const ct = p.encrypt(key, KEY_USAGE.AS_REP_ENC_PART, Buffer.from('enc-part'));
        expectCode(() => p.decrypt(key, KEY_USAGE.TGS_REP_ENC_PART_SESSION_KEY, ct), 'KRB_INTEGRITY');
        expectCode(() => p.decrypt(randomKey(etype).value, KEY_USAGE.AS_REP_ENC_PART, ct), 'KRB_INTEGRITY');
      });

      it('rejects truncated ciphertext and keys of the wrong length with KRB_BAD_FORMAT', () => {
        expectCode(() => p.decrypt(key, 3, Buffer.alloc(16 + p.checksumLength - 1)), 'KRB_BAD_FORMAT');
        expectCode(() => p.encrypt(Buffer.alloc(p.keyLength === 16 ? 32 : 16), 3, Buffer.alloc(1)), 'KRB_BAD_FORMAT');
      });

      it('never serves derived keys of a key buffer whose bytes were overwritten', () => {
        const reused = Buffer.from(randomKey(etype).value);
        const oldCt = p.encrypt(reused, 24, Buffer.from('under the first key'));
        const second = randomKey(etype).value;
        second.copy(reused); // same object, new key bytes
        expect(p.decrypt(second, 24, p.encrypt(reused, 24, Buffer.from('x'))).toString()).to.equal('x');
        expectCode(() => p.decrypt(reused, 24, oldCt), 'KRB_INTEGRITY');
        expect(p.verifyChecksum(second, 25, Buffer.from('m'), p.checksum(reused, 25, Buffer.from('m')))).to.equal(true);
      });

      it('checksums are keyed and usage-bound', () => {
        const data = Buffer.from('checksummed data');
        const mac = p.checksum(key, KEY_USAGE.GSS_INITIATOR_SIGN, data);
        expect(mac).to.have.length(p.checksumLength);
        expect(p.verifyChecksum(key, KEY_USAGE.GSS_INITIATOR_SIGN, data, mac)).to.equal(true);
        expect(p.verifyChecksum(key, KEY_USAGE.GSS_ACCEPTOR_SIGN, data, mac)).to.equal(false);
        expect(p.verifyChecksum(key, KEY_USAGE.GSS_INITIATOR_SIGN, Buffer.from('checksummed datA'), mac)).to.equal(false);
        expect(p.verifyChecksum(key, KEY_USAGE.GSS_INITIATOR_SIGN, data, mac.subarray(1))).to.equal(false);
      });

      it('is found by name and by checksum type', () => {
        expect(profileByName(p.name)).to.equal(p);
        expect(profileByName(p.name.toUpperCase())).to.equal(p);
        expect(profileByChecksumType(p.checksumType)).to.equal(p);
      });
    });
  }

  it('accepts the MIT short aliases', () => {
    expect(profileByName('aes256-cts').etype).to.equal(18);
    expect(profileByName('aes128-cts').etype).to.equal(17);
    expect(profileByName('aes256-sha2').etype).to.equal(20);
    expect(profileByName('aes128-sha2').etype).to.equal(19);
  });

  it('throws KRB_ENCTYPE_UNSUPPORTED naming the etype and the supported list', () => {
    const err = expectCode(() => getProfile(23), 'KRB_ENCTYPE_UNSUPPORTED');
    expect(err.message).to.include('23');
    expect(err.message).to.include('aes256-cts-hmac-sha1-96');
    expect(err.details.etype).to.equal(23);
    expectCode(() => profileByName('rc4-hmac'), 'KRB_ENCTYPE_UNSUPPORTED');
    expectCode(() => profileByName('des-cbc-crc'), 'KRB_ENCTYPE_UNSUPPORTED');
  });

  it('rejects malformed or absurd s2kparams', () => {
    const p = getProfile(18);
    expectCode(() => p.stringToKey('pw', 'salt', Buffer.from([0, 0, 16])), 'KRB_BAD_FORMAT');
    expectCode(() => p.stringToKey('pw', 'salt', Buffer.from([0, 0, 0, 0])), 'KRB_BAD_FORMAT');
    expectCode(() => p.stringToKey('pw', 'salt', Buffer.from([0xff, 0xff, 0xff, 0xff])), 'KRB_BAD_FORMAT');
  });

  it('uses 4096 iterations by default for aes-sha1', () => {
    const p = getProfile(17);
    expect(p.stringToKey('password', 'ATHENA.MIT.EDUraeburn').equals(p.stringToKey('password', 'ATHENA.MIT.EDUraeburn', Buffer.from([0, 0, 0x10, 0])))).to.equal(true);
    expect(p.stringToKey('password', 'ATHENA.MIT.EDUraeburn').equals(p.stringToKey('password', 'ATHENA.MIT.EDUraeburn', Buffer.from([0, 0, 0x10, 1])))).to.equal(false);
  });

  it('randomKey uses the injected source and the profile key length', () => {
    const k = randomKey(20, (n) => Buffer.alloc(n, 7));
    expect(k.etype).to.equal(20);
    expect(k.value.equals(Buffer.alloc(32, 7))).to.equal(true);
  });
});
