import { expect } from 'chai';
import { TokenCache } from '../../../security/token/store/token-cache.ts';

const pw = (n: number): Uint8Array => Uint8Array.from({ length: 20 }, (_, i) => (n + i) & 0xff);

describe('token/store TokenCache (compact currentTokens)', () => {
  it('set, get (a copy), renewDate, replace, delete', () => {
    const c = new TokenCache(20, 2);
    c.set('a', 1, 7, 100, pw(1));
    c.set('b', 2, 7, 200, pw(2));
    expect(c.size).to.equal(2);
    const a = c.get('a')!;
    expect(a.renewDate).to.equal(100);
    expect([...a.password]).to.deep.equal([...pw(1)]);
    a.password[0] = 99; // a copy: the cache is unchanged
    expect(c.get('a')!.password[0]).to.equal(1);
    c.set('a', 1, 7, 150, pw(3));
    expect(c.size).to.equal(2);
    expect(c.renewDate('a')).to.equal(150);
    expect([...c.get('a')!.password]).to.deep.equal([...pw(3)]);
    expect(c.delete('a')).to.equal(true);
    expect(c.delete('a')).to.equal(false);
    expect(c.get('a')).to.equal(undefined);
    expect(c.renewDate('a')).to.equal(undefined);
    expect(c.has('b')).to.equal(true);
  });

  it('grows past its initial capacity and reuses freed slots without mixing tokens up', () => {
    const c = new TokenCache(20, 1);
    for (let i = 0; i < 1000; i++) c.set(`k${i}`, i, i % 3, i * 10, pw(i));
    for (let i = 0; i < 1000; i += 2) c.delete(`k${i}`);
    for (let i = 1000; i < 1500; i++) c.set(`k${i}`, i, i % 3, i * 10, pw(i));
    expect(c.size).to.equal(1000);
    for (let i = 1; i < 1500; i += i < 1000 ? 2 : 1) {
      expect(c.renewDate(`k${i}`)).to.equal(i * 10);
      expect([...c.get(`k${i}`)!.password]).to.deep.equal([...pw(i)]);
    }
  });

  it('expired(now) is renewDate < now; signedWithout(keys) finds tokens of unknown keys', () => {
    const c = new TokenCache();
    c.set('old', 1, 1, 99, pw(1));
    c.set('edge', 2, 2, 100, pw(2));
    c.set('new', 3, 3, 101, pw(3));
    expect(c.expired(100)).to.deep.equal(['old']);
    expect(c.expired(102).sort()).to.deep.equal(['edge', 'new', 'old']);
    expect(c.signedWithout(new Set([2, 3]))).to.deep.equal(['old']);
  });

  it('entries() yields every token with its fields and copes with changes while it runs', () => {
    const c = new TokenCache();
    for (let i = 0; i < 5; i++) c.set(`k${i}`, 10 + i, 1, i, pw(i));
    const seen: string[] = [];
    for (const t of c.entries()) {
      seen.push(`${Buffer.from(t.keyBytes).toString('latin1')}:${t.sequenceNumber}:${t.renewDate}:${t.password[0]}`);
      if (seen.length === 2) {
        c.delete('k3'); // not reached yet: skipped
        c.set('k9', 19, 1, 9, pw(9)); // added: takes k3's free slot, so it is visited
      }
    }
    expect(seen.sort()).to.deep.equal(['k0:10:0:0', 'k1:11:1:1', 'k2:12:2:2', 'k4:14:4:4', 'k9:19:9:9']);
  });

  it('keeps working through heavy churn (tombstones, index rehash, arena compaction)', () => {
    const c = new TokenCache(20, 4);
    const live = new Map<string, number>();
    let n = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 3000; i++) {
        const k = `${'x'.repeat(400)}${n++}`; // long keys: the arena fills and compacts
        c.set(k, n, 1, n, pw(n));
        live.set(k, n);
      }
      for (const k of [...live.keys()].slice(0, 2500)) {
        expect(c.delete(k)).to.equal(true);
        live.delete(k);
      }
    }
    expect(c.size).to.equal(live.size);
    for (const [k, v] of live) expect(c.renewDate(k), k.slice(400)).to.equal(v);
    expect(c.renewDate(`${'x'.repeat(400)}0`)).to.equal(undefined);
    expect([...c.entries()].length).to.equal(live.size);
  });

  it('takes a key as the latin1 string or as its bytes, interchangeably', () => {
    const c = new TokenCache();
    const key = '\x00\x05alice\xff\x8a';
    c.set(Buffer.from(key, 'latin1'), 1, 1, 10, pw(1));
    expect(c.renewDate(key)).to.equal(10);
    c.set(key, 1, 1, 20, pw(1));
    expect(c.size).to.equal(1);
    expect(c.renewDate(Buffer.from(key, 'latin1'))).to.equal(20);
    expect(c.delete(Buffer.from(key, 'latin1'))).to.equal(true);
    expect(c.has(key)).to.equal(false);
  });

  it('refuses a password of another length (the HMAC algorithm fixes it)', () => {
    expect(() => new TokenCache(20).set('a', 1, 1, 1, new Uint8Array(32))).to.throw(RangeError, /32 bytes/);
  });
});
