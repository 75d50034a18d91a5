/**
 * lib/net/ip-address.ts: strict text forms (dotted quads without leading zeros, RFC 4291 section
 * 2.2 IPv6), IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d == a.b.c.d, as the JDK and dual-stack
 * sockets treat it), prefixes with host bits cleared (commons-net SubnetUtils) and the /0 /32 /128
 * boundaries. Checked against Node's own parser (net.isIP, net.SocketAddress) where it has one.
 */
import { expect } from 'chai';
import { isIP, SocketAddress } from 'node:net';
import { formatIp, isIpv4, parseIp, parseIpPrefix, parseIpv4Text, type IpPrefix } from '../../../lib/net/ip-address.ts';

const words = (text: string): number[] => [...(parseIp(text) ?? [])].map((w) => w >>> 0);

describe('lib/net/ip-address: parsing', () => {
  it('IPv4 dotted quads become IPv4-mapped words; the mapped IPv6 form is the same value', () => {
    expect(words('10.1.2.3')).to.deep.equal([0, 0, 0xffff, 0x0a010203]);
    expect(words('::ffff:10.1.2.3')).to.deep.equal(words('10.1.2.3'));
    expect(words('::FFFF:0a01:0203')).to.deep.equal(words('10.1.2.3'));
    expect(words('0.0.0.0')).to.deep.equal([0, 0, 0xffff, 0]);
    expect(words('255.255.255.255')).to.deep.equal([0, 0, 0xffff, 0xffffffff]);
    expect(isIpv4(parseIp('::ffff:1.2.3.4')!)).to.equal(true);
    expect(isIpv4(parseIp('::1.2.3.4')!)).to.equal(false); // IPv4-compatible (deprecated) is plain IPv6
    // the dotted-quad fast path: an unsigned number, -1 for anything else
    expect([parseIpv4Text('10.1.2.3'), parseIpv4Text('255.255.255.255'), parseIpv4Text('0.0.0.0')]).to.deep.equal([0x0a010203, 0xffffffff, 0]);
    expect([parseIpv4Text('::ffff:10.1.2.3'), parseIpv4Text('10.1.2'), parseIpv4Text('10.01.2.3'), parseIpv4Text('')]).to.deep.equal([-1, -1, -1, -1]);
  });

  it('IPv6 text forms: full, compressed, embedded dotted quad, zone ignored', () => {
    expect(words('2001:db8:0:0:0:0:0:1')).to.deep.equal([0x20010db8, 0, 0, 1]);
    expect(words('2001:db8::1')).to.deep.equal([0x20010db8, 0, 0, 1]);
    expect(words('::')).to.deep.equal([0, 0, 0, 0]);
    expect(words('::1')).to.deep.equal([0, 0, 0, 1]);
    expect(words('1::')).to.deep.equal([0x00010000, 0, 0, 0]);
    expect(words('fe80::1%eth0')).to.deep.equal(words('fe80::1'));
    expect(words('64:ff9b::192.0.2.33')).to.deep.equal([0x0064ff9b, 0, 0, 0xc0000221]);
    expect(words('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).to.deep.equal([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
  });

  it('rejects what is not an address, as strictly as net.isIP', () => {
    const bad = ['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.256', '1.2.3.-1', ' 1.2.3.4', '1.2.3.4 ', '1..2.3', 'a.b.c.d', '10.1', '1234',
      ':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', ':1::', '1:', '12345::', 'g::1', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3', '[::1]', 'localhost'];
    for (const t of bad) {
      expect(parseIp(t), t).to.equal(undefined);
      if (!t.includes('%')) expect(isIP(t), `node agrees on ${t}`).to.equal(0);
    }
  });

  it('agrees with node:net on random IPv6 addresses in every compressed form', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
    for (let i = 0; i < 500; i++) {
      const groups = Array.from({ length: 8 }, () => (rnd() % 4 === 0 ? 0 : rnd()));
      const full = groups.map((g) => g.toString(16)).join(':');
      const node = new SocketAddress({ address: full, family: 'ipv6' }).address; // node's compressed form
      expect(words(node), node).to.deep.equal(words(full));
      expect(formatIp(parseIp(node)!)).to.equal(isIpv4(parseIp(full)!) ? formatIp(parseIp(full)!) : full);
    }
  });
});

describe('lib/net/ip-address: prefixes', () => {
  const prefix = (t: string): IpPrefix => {
    const p = parseIpPrefix(t);
    if ('error' in p) throw new Error(p.error);
    return p;
  };

  it('IPv4 /n is the mapped /(96+n); host bits are cleared (10.1.2.3/8 = 10.0.0.0/8)', () => {
    expect(prefix('10.1.2.3/8').length).to.equal(104);
    expect([...prefix('10.1.2.3/8').words].map((w) => w >>> 0)).to.deep.equal([0, 0, 0xffff, 0x0a000000]);
    expect(prefix('0.0.0.0/0')).to.deep.include({ length: 96 });
    expect([...prefix('192.168.1.77/32').words].map((w) => w >>> 0)[3]).to.equal(0xc0a8014d);
    expect(formatIp(prefix('::ffff:10.9.9.9/104').words)).to.equal('10.0.0.0');
  });

  it('IPv6 lengths 0..128', () => {
    expect(prefix('::/0')).to.deep.include({ length: 0 });
    expect([...prefix('2001:db8:ffff::/32').words].map((w) => w >>> 0)).to.deep.equal([0x20010db8, 0, 0, 0]);
    expect([...prefix('2001:db8::1/127').words].map((w) => w >>> 0)).to.deep.equal([0x20010db8, 0, 0, 0]);
    expect(prefix('2001:db8::1/128').length).to.equal(128);
  });

  it('errors say why', () => {
    expect(parseIpPrefix('10.0.0.0/33')).to.deep.equal({ error: 'prefix length 33 exceeds 32' });
    expect(parseIpPrefix('::/129')).to.deep.equal({ error: 'prefix length 129 exceeds 128' });
    expect(parseIpPrefix('10.0.0.0/')).to.have.property('error').that.matches(/not a number/);
    expect(parseIpPrefix('10.0.0.0/-1')).to.have.property('error').that.matches(/not a number/);
    expect(parseIpPrefix('10.0.0/8')).to.have.property('error').that.matches(/not an IPv4 or IPv6 address/);
    expect(parseIpPrefix('fe80::%eth0/64')).to.have.property('error').that.matches(/zone/);
    expect(parseIpPrefix('host.example.com/24')).to.have.property('error');
  });
});
