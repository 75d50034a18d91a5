// Every way a KDC address can fail, over UDP and over TCP, ends as a typed error: through the
// library (loginFromKeytab inside try/catch, where an unresolvable host used to throw an uncaught
// ERR_SOCKET_BAD_PORT from the UDP connect callback and kill the process before the catch ran)
// and through `bin/hsec kinit` (exit 1, the code and message, no stack trace). Where MIT kinit
// fails fast on the same krb5.conf (DNS, refused) it must fail too, with "Cannot contact any KDC".
// A KDC silent for a second makes `hsec kinit` say once what it is waiting for.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runProgram } from '../../../../cluster/mini/binaries.ts';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { loadKrb5Config } from '../../../../security/kerberos/config/index.ts';
import { keytabEntriesFromPassword, writeKeytabSync } from '../../../../security/kerberos/keytab/index.ts';
import { loginFromKeytab } from '../../../../security/kerberos/login/index.ts';
import { requireBinariesOrSkip } from '../../../support/binaries.ts';
import { closedPort, tcpPeer, udpPeer, type Peer } from './misbehaving-kdcs.ts';

const HSEC = resolve('bin/hsec');
const NO_STACK = /\n\s+at /;

interface Case {
  readonly title: string;
  /** The krb5.conf kdc line, given the peer's port. */
  readonly kdc: (port: number) => string;
  readonly peer?: () => Promise<Peer>;
  readonly code: string;
  /** What the message must say (host:port/proto and why). */
  readonly says: (port: number) => readonly (string | RegExp)[];
  /** MIT kinit fails fast here too (no long timeouts): compare. */
  readonly mit?: boolean;
}

const cases: Case[] = [
  { title: 'an unresolvable host over UDP', kdc: () => 'nosuchhost.invalid:88', code: 'KRB_KDC_UNREACHABLE', says: () => ['nosuchhost.invalid:88: host name does not resolve'], mit: true },
  { title: 'an unresolvable host over TCP', kdc: () => 'tcp/nosuchhost.invalid:88', code: 'KRB_KDC_UNREACHABLE', says: () => ['nosuchhost.invalid:88: host name does not resolve'], mit: true },
  { title: 'a refused UDP port', kdc: (p) => `udp/127.0.0.1:${p}`, code: 'KRB_KDC_UNREACHABLE', says: (p) => [`127.0.0.1:${p}/udp: connection refused`, 'ECONNREFUSED'], mit: true },
  { title: 'a refused TCP port', kdc: (p) => `tcp/127.0.0.1:${p}`, code: 'KRB_KDC_UNREACHABLE', says: (p) => [`127.0.0.1:${p}/tcp: connection refused`], mit: true },
  { title: 'a refused port over UDP then TCP', kdc: (p) => `127.0.0.1:${p}`, code: 'KRB_KDC_UNREACHABLE', says: (p) => [`127.0.0.1:${p}/udp: connection refused`, `127.0.0.1:${p}/tcp: connection refused`], mit: true },
  { title: 'a silent UDP KDC (timeout)', kdc: (p) => `udp/127.0.0.1:${p}`, peer: () => udpPeer('silent'), code: 'KRB_KDC_UNREACHABLE', says: (p) => [`127.0.0.1:${p}/udp: no reply within 1000 ms`] },
  { title: 'a silent TCP KDC (timeout)', kdc: (p) => `tcp/127.0.0.1:${p}`, peer: () => tcpPeer('silent'), code: 'KRB_KDC_UNREACHABLE', says: (p) => [`127.0.0.1:${p}/tcp: no reply within 1000 ms`] },
  { title: 'a TCP connection reset', kdc: (p) => `tcp/127.0.0.1:${p}`, peer: () => tcpPeer('reset'), code: 'KRB_KDC_UNREACHABLE', says: (p) => [`127.0.0.1:${p}/tcp: connection reset by the KDC (ECONNRESET)`] },
  { title: 'a TCP connection closed before the reply', kdc: (p) => `tcp/127.0.0.1:${p}`, peer: () => tcpPeer('close'), code: 'KRB_KDC_UNREACHABLE', says: (p) => [`127.0.0.1:${p}/tcp: connection closed before a complete reply`] },
  { title: 'an oversized TCP length prefix', kdc: (p) => `tcp/127.0.0.1:${p}`, peer: () => tcpPeer('oversized'), code: 'KRB_KDC_UNREACHABLE', says: (p) => [`127.0.0.1:${p}/tcp: reply length 2147483647`] },
  { title: 'a UDP broadcast address (EACCES at connect)', kdc: () => 'udp/255.255.255.255:88', code: 'KRB_KDC_UNREACHABLE', says: () => ['255.255.255.255:88/udp: sending to that address is not permitted (EACCES)'] },
  { title: 'a link-local IPv6 address without a scope (EINVAL, UDP and TCP)', kdc: () => '[fe80::1]:88', code: 'KRB_KDC_UNREACHABLE', says: () => ['[fe80::1]:88/udp: invalid destination address (EINVAL)', '[fe80::1]:88/tcp: invalid destination address (EINVAL)'] },
  { title: 'garbage over UDP (not a Kerberos message)', kdc: (p) => `udp/127.0.0.1:${p}`, peer: () => udpPeer('garbage'), code: 'KRB_BAD_FORMAT', says: (p) => ['Malformed Kerberos KDC reply', `from 127.0.0.1:${p}/udp`] },
  { title: 'garbage over TCP (not a Kerberos message)', kdc: (p) => `tcp/127.0.0.1:${p}`, peer: () => tcpPeer('garbage'), code: 'KRB_BAD_FORMAT', says: (p) => ['Malformed Kerberos KDC reply', `from 127.0.0.1:${p}/tcp`] },
];

function krb5Conf(kdcLine: string): string {
  return `[libdefaults]\n default_realm = EXAMPLE.TEST\n kdc_timeout = 1\n dns_lookup_kdc = false\n[realms]\n EXAMPLE.TEST = {\n  kdc = ${kdcLine}\n }\n`;
}

function expectSays(text: string, says: readonly (string | RegExp)[]): void {
  for (const s of says) {
    if (typeof s === 'string') expect(text).to.contain(s);
    else expect(text).to.match(s);
  }
}

describe('KDC transport failures are typed errors (library and hsec kinit)', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'hsec-kdc-fail-'));
  const keytab = join(dir, 'alice.keytab');
  writeKeytabSync(keytab, keytabEntriesFromPassword('alice@EXAMPLE.TEST', 'alice-pw', { kvno: 1 }));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of cases) {
    describe(c.title, () => {
      let peer: Peer | undefined;
      let port = 0;
      let confPath = '';
      before(async () => {
        peer = c.peer ? await c.peer() : undefined;
        port = peer?.port ?? (await closedPort());
        confPath = join(dir, `krb5-${c.title.replace(/\W+/g, '-')}.conf`);
        writeFileSync(confPath, krb5Conf(c.kdc(port)));
      });
      after(() => peer?.close());

      it(`loginFromKeytab rejects with ${c.code} inside try/catch`, async () => {
        let caught: unknown;
        try {
          const login = await loginFromKeytab('alice@EXAMPLE.TEST', keytab, { conf: loadKrb5Config(confPath), autoRefresh: false });
          login.close();
        } catch (e) {
          caught = e;
        }
        expect(caught, 'the catch must run').to.be.instanceOf(KerberosError);
        expect((caught as KerberosError).code).to.equal(c.code);
        expectSays((caught as Error).message, c.says(port));
        if (c.code === 'KRB_KDC_UNREACHABLE') expect((caught as Error).message).to.contain('Cannot contact any KDC for realm EXAMPLE.TEST');
      });

      it(`bin/hsec kinit exits 1 with [${c.code}] and no stack trace`, async () => {
        const env = { ...process.env, KRB5_CONFIG: confPath, KRB5CCNAME: `FILE:${join(dir, 'cc')}` };
        const r = await runProgram(HSEC, ['kinit', '-kt', keytab, 'alice@EXAMPLE.TEST'], { env, timeoutMs: 60_000 });
        expect(r.code, r.stderr).to.equal(1);
        expect(r.stderr).to.contain(`[${c.code}]`);
        expectSays(r.stderr, c.says(port));
        expect(r.stderr).to.not.match(NO_STACK);
        expect(r.stderr).to.not.contain('ERR_SOCKET');
      });

      if (c.mit) {
        it('MIT kinit fails on the same krb5.conf: Cannot contact any KDC', async function () {
          requireBinariesOrSkip(this, 'kinit');
          const env = { ...process.env, KRB5_CONFIG: confPath, KRB5CCNAME: `FILE:${join(dir, 'cc-mit')}`, LC_ALL: 'C' };
          const r = await runProgram('kinit', ['-kt', keytab, 'alice@EXAMPLE.TEST'], { env, timeoutMs: 60_000 });
          expect(r.code).to.equal(1);
          expect(r.stderr).to.contain("Cannot contact any KDC for realm 'EXAMPLE.TEST'");
        });
      }
    });
  }

  describe('a silent KDC', () => {
    let peer: Peer;
    let confPath = '';
    before(async () => {
      peer = await udpPeer('silent');
      confPath = join(dir, 'krb5-silent-3s.conf');
      writeFileSync(confPath, krb5Conf(`udp/127.0.0.1:${peer.port}`).replace('kdc_timeout = 1', 'kdc_timeout = 3'));
    });
    after(() => peer.close());

    it('hsec kinit prints one progress line on stderr while it waits', async () => {
      const env = { ...process.env, KRB5_CONFIG: confPath, KRB5CCNAME: `FILE:${join(dir, 'cc')}` };
      const r = await runProgram(HSEC, ['kinit', '-kt', keytab, 'alice@EXAMPLE.TEST'], { env, timeoutMs: 60_000 });
      expect(r.code).to.equal(1);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines.filter((l) => l.startsWith('hsec: waiting for KDC'))).to.deep.equal([`hsec: waiting for KDC 127.0.0.1:${peer.port} (udp)...`]);
      expect(lines[0]).to.equal(`hsec: waiting for KDC 127.0.0.1:${peer.port} (udp)...`);
      expect(r.stdout).to.equal('');
    });
  });
});
