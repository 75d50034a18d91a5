// Token passwords (security/token/keys/hmac.ts): the cached HMAC-SHA1 gives Hadoop's
// SecretManager.createPassword bytes, follows a key array whose bytes change, and other algorithms
// still go through node:crypto.
import { createHmac, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createPassword, generateSecret, passwordsEqual } from '../../../security/token/keys/hmac.ts';

describe('token passwords: createPassword', () => {
  it('is HMAC-SHA1(master key, identifier), call after call, for many keys and identifiers', () => {
    const keys = Array.from({ length: 5 }, () => generateSecret());
    for (let i = 0; i < 200; i++) {
      const key = keys[i % keys.length]!;
      const identifier = randomBytes(i);
      const password = createPassword(identifier, key);
      expect(password).to.be.instanceOf(Uint8Array);
      expect(Buffer.from(password).toString('hex')).to.equal(createHmac('sha1', key).update(identifier).digest('hex'));
    }
  });

  it('notices when the bytes of a key array change (no stale cached key)', () => {
    const key = Uint8Array.from(randomBytes(8));
    const identifier = randomBytes(100);
    const before = createPassword(identifier, key);
    key[3]! ^= 0xff;
    const after = createPassword(identifier, key);
    expect(passwordsEqual(before, after)).to.equal(false);
    expect(Buffer.from(after).toString('hex')).to.equal(createHmac('sha1', key).update(identifier).digest('hex'));
  });

  it('takes other HMAC algorithms through node:crypto', () => {
    const key = generateSecret();
    const identifier = randomBytes(64);
    expect(Buffer.from(createPassword(identifier, key, 'sha256')).toString('hex')).to.equal(createHmac('sha256', key).update(identifier).digest('hex'));
    expect(Buffer.from(createPassword(identifier, key, 'SHA1')).toString('hex')).to.equal(createHmac('sha1', key).update(identifier).digest('hex'));
  });

  it('passwordsEqual is false for a one-bit difference and for different lengths', () => {
    const p = createPassword(randomBytes(50), generateSecret());
    const q = Uint8Array.from(p);
    q[19]! ^= 1;
    expect(passwordsEqual(p, Uint8Array.from(p))).to.equal(true);
    expect(passwordsEqual(p, q)).to.equal(false);
    expect(passwordsEqual(p, p.subarray(0, 19))).to.equal(false);
  });
});
