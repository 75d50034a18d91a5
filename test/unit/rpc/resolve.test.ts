// lib/net/resolve.ts address choice: IPv4 first as the JDK (java.net.preferIPv6Addresses=false), so
// a dual-stack name gives the same token service `ip:port` and dialled address as Hadoop. The real
// resolver here has no dual-stack name (no ::1 in /etc/hosts), so a getaddrinfo-shaped lookup that
// answers IPv6 first stands in for one; the real-resolver cases run against the JDK in
// test/integration/rpc/host-resolution.test.ts.
import { expect } from 'chai';
import { resolveAddress, type AddressLookup, isWildcard } from '../../../lib/net/resolve.ts';

/** A dual-stack host whose getaddrinfo order is ::1 first (Node >= 17 keeps that order). */
function dualStack(v4: boolean): { lookup: AddressLookup; calls: Array<number | undefined> } {
  const calls: Array<number | undefined> = [];
  const lookup: AddressLookup = async (host, options) => {
    calls.push(options.family);
    if (host !== 'dual.example.test') throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    if (options.family === 4) {
      if (!v4) throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      return { address: '127.0.0.1' };
    }
    return { address: '::1' };
  };
  return { lookup, calls };
}

describe('lib/net/resolve: address family order (JDK prefers IPv4)', () => {
  it('a name with IPv4 and IPv6 addresses resolves to the IPv4 one, even when getaddrinfo lists ::1 first', async () => {
    const { lookup, calls } = dualStack(true);
    expect(await resolveAddress('dual.example.test', lookup)).to.equal('127.0.0.1');
    expect(calls).to.deep.equal([4]);
  });

  it('an IPv6-only name falls back to its IPv6 address', async () => {
    const { lookup, calls } = dualStack(false);
    expect(await resolveAddress('dual.example.test', lookup)).to.equal('::1');
    expect(calls).to.deep.equal([4, undefined]);
  });

  it('IP literals (also bracketed) are not looked up; an unknown name rejects', async () => {
    const { lookup, calls } = dualStack(true);
    expect(await resolveAddress('10.1.2.3', lookup)).to.equal('10.1.2.3');
    expect(await resolveAddress('[::1]', lookup)).to.equal('::1');
    expect(calls).to.deep.equal([]);
    let err: unknown;
    await resolveAddress('nope.example.test', lookup).catch((e) => (err = e));
    expect((err as { code?: string }).code).to.equal('ENOTFOUND');
  });

  it('the real resolver: localhost is 127.0.0.1 here (IPv4 asked first)', async () => {
    expect(await resolveAddress('localhost')).to.equal('127.0.0.1');
  });

  it('wildcards', () => {
    for (const w of ['', '0.0.0.0', '::', '[::]']) expect(isWildcard(w)).to.equal(true);
    expect(isWildcard('127.0.0.1')).to.equal(false);
  });
});
