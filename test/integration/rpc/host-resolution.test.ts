// lib/net/resolve.ts against the JDK itself: the names and addresses Hadoop computes for `_HOST`
// (InetAddress.getCanonicalHostName of the dialled address, InetAddress.getLocalHost() for 0.0.0.0)
// and for token services (InetAddress.getByName(host).getHostAddress(), IPv4 first) must be the same
// strings hsec computes, or the server-principal check and token selection fail across the two.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { canonicalHostName, localCanonicalHostName, resolveAddress, socketHostName } from '../../../lib/net/resolve.ts';
import { principalHostName } from '../../../cluster/namenode/namenode-config.ts';
import { loadConfiguration } from '../../../lib/config/index.ts';

const JAVA = `
import java.net.*;
public class Names {
  public static void main(String[] a) throws Exception {
    for (String h : a) {
      InetAddress addr = InetAddress.getByName(h);
      System.out.println(h + " " + addr.getHostAddress() + " " + addr.getCanonicalHostName() + " " + new InetSocketAddress(h, 1).getHostName());
    }
    System.out.println("LOCAL " + InetAddress.getLocalHost().getCanonicalHostName());
  }
}
`;

describe('lib/net/resolve against the JDK (InetAddress)', function () {
  this.timeout(60_000);
  const hosts = ['127.0.0.1', 'localhost', hostname()];
  const java = new Map<string, { address: string; canonical: string; socketHost: string }>();
  let javaLocal = '';

  before(function () {
    requireBinariesOrSkip(this, 'java');
    const dir = mkdtempSync(join(tmpdir(), 'hsec-names-'));
    try {
      writeFileSync(join(dir, 'Names.java'), JAVA);
      const r = spawnSync('java', [join(dir, 'Names.java'), ...hosts], { encoding: 'utf8', timeout: 50_000 });
      expect(r.status, r.stderr).to.equal(0);
      for (const line of r.stdout.trim().split('\n')) {
        const [h, a, c, s] = line.split(' ');
        if (h === 'LOCAL') javaLocal = a!;
        else java.set(h!, { address: a!, canonical: c!, socketHost: s! });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const h of hosts) {
    it(`${h}: address (IPv4 first), getCanonicalHostName (lower-cased) and InetSocketAddress.getHostName match Java`, async () => {
      const j = java.get(h)!;
      expect(await resolveAddress(h)).to.equal(j.address);
      expect(await canonicalHostName(h)).to.equal(j.canonical.toLowerCase());
      expect(await canonicalHostName(j.address)).to.equal(j.canonical.toLowerCase());
      expect((await socketHostName(h)).toLowerCase()).to.equal(j.socketHost.toLowerCase());
    });
  }

  it('the local canonical host name (SecurityUtil.getLocalHostName) matches Java, and 0.0.0.0 resolves to it for the NameNode', async () => {
    expect(await localCanonicalHostName()).to.equal(javaLocal.toLowerCase());
    const conf = loadConfiguration({ env: {}, overrides: { 'dfs.namenode.rpc-address': '0.0.0.0:8020' } });
    expect(await principalHostName(conf)).to.equal(javaLocal.toLowerCase());
    const ipConf = loadConfiguration({ env: {}, overrides: { 'dfs.namenode.rpc-address': '127.0.0.1:8020' } });
    expect(await principalHostName(ipConf)).to.equal(java.get('127.0.0.1')!.canonical.toLowerCase());
  });

  it('an unresolvable name falls back to itself; an address without a name to the address string', async () => {
    expect(await canonicalHostName('no-such-host.invalid')).to.equal('no-such-host.invalid');
    // 192.0.2.0/24 is TEST-NET-1: no /etc/hosts entry, and getnameinfo answers with the numeric form.
    expect(await canonicalHostName('192.0.2.7')).to.equal('192.0.2.7');
  });
});
