/**
 * lib/net/prefix-table.ts against a brute-force oracle (every stored prefix checked, longest wins,
 * first on a tie) on seeded random data: IPv4 and IPv6, all prefix lengths including /0 /32 /128,
 * queries at and around every range boundary; plus the address-family rules (IPv4-mapped queries,
 * ::/0 not covering IPv4) and duplicates.
 */
import { expect } from 'chai';
import { formatIp, parseIp, parseIpPrefix, type IpPrefix } from '../../../lib/net/ip-address.ts';
import { PrefixTable } from '../../../lib/net/prefix-table.ts';

function prefix(text: string): IpPrefix {
  const p = parseIpPrefix(text);
  if ('error' in p) throw new Error(`${text}: ${p.error}`);
  return p;
}

function big(words: Int32Array): bigint {
  return [...words].reduce((acc, w) => (acc << 32n) | BigInt(w >>> 0), 0n);
}

function fromBig(v: bigint): Int32Array {
  return Int32Array.from([96n, 64n, 32n, 0n].map((s) => Number((v >> s) & 0xffffffffn) | 0));
}

const MAPPED = 0xffffn << 32n;

/** The oracle: scan every prefix; IPv4 queries only see prefixes of length >= 96 (see the table's file comment). */
function oracle(prefixes: readonly IpPrefix[], address: Int32Array): number | undefined {
  const a = big(address);
  const ipv4 = a >> 32n === 0xffffn;
  let best: number | undefined;
  let bestLength = -1;
  prefixes.forEach((p, i) => {
    if (ipv4 && p.length < 96) return;
    const host = BigInt(128 - p.length);
    if (a >> host === big(p.words) >> host && p.length > bestLength) {
      best = i;
      bestLength = p.length;
    }
  });
  return best;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

describe('lib/net/prefix-table', () => {
  it('agrees with the oracle on random IPv4 lists (clustered so prefixes nest), at and around every boundary', () => {
    const rnd = seeded(42);
    for (let round = 0; round < 30; round++) {
      const prefixes: IpPrefix[] = [];
      const base = Math.floor(rnd() * 2 ** 32);
      for (let i = 0; i < 1 + Math.floor(rnd() * 60); i++) {
        const addr = (base ^ Math.floor(rnd() * 2 ** (rnd() < 0.5 ? 12 : 32))) >>> 0;
        const length = Math.floor(rnd() * 33);
        prefixes.push(prefix(`${formatIp(fromBig(MAPPED | BigInt(addr)))}/${length}`));
      }
      const table = PrefixTable.build(prefixes.map((p, i) => ({ prefix: p, value: i })));
      const queries: bigint[] = [];
      for (const p of prefixes) {
        const lo = big(p.words);
        const hi = lo + (1n << BigInt(128 - p.length)) - 1n;
        queries.push(lo, hi, lo - 1n, hi + 1n);
      }
      for (let q = 0; q < 200; q++) queries.push(MAPPED | BigInt(Math.floor(rnd() * 2 ** 32)));
      for (const q of queries) {
        if (q >> 32n !== 0xffffn) continue; // left the IPv4 range
        const w = fromBig(q);
        expect(table.match(w), `${formatIp(w)} in round ${round}`).to.equal(oracle(prefixes, w));
      }
    }
  });

  it('agrees with the oracle on random IPv6 lists mixed with IPv4 ones', () => {
    const rnd = seeded(4242);
    for (let round = 0; round < 30; round++) {
      const prefixes: IpPrefix[] = [];
      const base = [0x20010db8, Math.floor(rnd() * 2 ** 32), 0, 0];
      for (let i = 0; i < 1 + Math.floor(rnd() * 60); i++) {
        const r = rnd();
        if (r < 0.2) {
          prefixes.push(prefix(`${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.0.0/${Math.floor(rnd() * 33)}`));
        } else {
          const w = Int32Array.from(base.map((b, k) => (k < 2 && rnd() < 0.7 ? b : Math.floor(rnd() * 2 ** 32)) | 0));
          prefixes.push(prefix(`${formatIp(w)}/${Math.floor(rnd() * 129)}`));
        }
      }
      const table = PrefixTable.build(prefixes.map((p, i) => ({ prefix: p, value: i })));
      const queries: bigint[] = [];
      const max = (1n << 128n) - 1n;
      for (const p of prefixes) {
        const lo = big(p.words);
        const hi = lo + (1n << BigInt(128 - p.length)) - 1n;
        for (const q of [lo, hi, lo - 1n, hi + 1n]) if (q >= 0n && q <= max) queries.push(q);
      }
      for (let q = 0; q < 200; q++) queries.push(big(Int32Array.from(base.map((b, k) => (k === 0 ? b : Math.floor(rnd() * 2 ** 32)) | 0))));
      for (const q of queries) {
        const w = fromBig(q);
        expect(table.match(w), `${formatIp(w)} in round ${round}`).to.equal(oracle(prefixes, w));
      }
    }
  });

  it('boundary prefixes: 0.0.0.0/0 is every IPv4 address and no IPv6 one; ::/0 every IPv6 address and no IPv4 one', () => {
    const t = PrefixTable.build([
      { prefix: prefix('0.0.0.0/0'), value: 'all-v4' },
      { prefix: prefix('::/0'), value: 'all-v6' },
      { prefix: prefix('255.255.255.255/32'), value: 'top-v4' },
      { prefix: prefix('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'), value: 'top-v6' },
    ]);
    expect(t.matchText('0.0.0.0')).to.equal('all-v4');
    expect(t.matchText('255.255.255.254')).to.equal('all-v4');
    expect(t.matchText('255.255.255.255')).to.equal('top-v4');
    expect(t.matchText('::ffff:255.255.255.255')).to.equal('top-v4');
    expect(t.matchText('::')).to.equal('all-v6');
    expect(t.matchText('::1')).to.equal('all-v6');
    expect(t.matchText('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).to.equal('top-v6');
    expect(t.matchText('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe')).to.equal('all-v6');
    const v6only = PrefixTable.build([{ prefix: prefix('::/0'), value: 'v6' }, { prefix: prefix('::ffff:0:0/95'), value: 'wide' }]);
    expect(v6only.matchText('10.0.0.1')).to.equal(undefined);
    expect(v6only.matchText('::ffff:10.0.0.1')).to.equal(undefined);
    expect(v6only.matchText('::fffe:10.0.0.1')).to.equal('wide');
  });

  it('IPv4 entries and queries in either notation are the same; longest prefix wins', () => {
    const t = PrefixTable.build([
      { prefix: prefix('10.0.0.0/8'), value: 'ten' },
      { prefix: prefix('::ffff:10.1.0.0/112'), value: 'ten-one' },
      { prefix: prefix('10.1.2.3/32'), value: 'host' },
    ]);
    expect(t.matchText('10.9.9.9')).to.equal('ten');
    expect(t.matchText('::ffff:10.1.9.9')).to.equal('ten-one');
    expect(t.matchText('10.1.2.3')).to.equal('host');
    expect(t.matchText('::ffff:a01:203')).to.equal('host');
    expect(t.matchText('11.0.0.0')).to.equal(undefined);
    expect(t.matchText('not an address')).to.equal(undefined);
    expect(t.size).to.equal(3);
  });

  it('a repeated prefix keeps the first value and reports the second', () => {
    const dropped: [string, string][] = [];
    const t = PrefixTable.build(
      [
        { prefix: prefix('10.0.0.0/8'), value: 'line 1' },
        { prefix: prefix('10.200.0.0/8'), value: 'line 2' },
        { prefix: prefix('::ffff:10.0.0.0/104'), value: 'line 3' },
      ],
      (kept, drop) => dropped.push([kept, drop]),
    );
    expect(t.matchText('10.5.5.5')).to.equal('line 1');
    expect(dropped).to.deep.equal([
      ['line 1', 'line 2'],
      ['line 1', 'line 3'],
    ]);
    expect(t.size).to.equal(1);
  });

  it('an empty table matches nothing', () => {
    const t = PrefixTable.build<string>([]);
    expect(t.matchText('1.2.3.4')).to.equal(undefined);
    expect(t.match(parseIp('::1')!)).to.equal(undefined);
    expect(t.size).to.equal(0);
  });
});
