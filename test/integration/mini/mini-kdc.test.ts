/**
 * MiniKdc against MIT's own clients: keytabs it exports are accepted by `kinit -kt`, password
 * principals by `kinit` reading stdin, the KDC answers over TCP and over UDP, the realm's
 * 60-second maximum ticket life is honoured, and stop() leaves no process or temp dir behind.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MissingDependencyError } from '../../../lib/errors/index.ts';
import { requireBinary } from '../../../cluster/mini/binaries.ts';
import { ManagedProcess, pidAlive } from '../../../cluster/mini/managed-process.ts';
import { tcpListenerCount, waitUntil } from '../../../cluster/mini/ports.ts';
import { MiniKdc } from '../../../cluster/mini/mini-kdc.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { kinit, klist, ticketLifetimeSeconds } from '../../support/krb5-clients.ts';

describe('MiniKdc (real MIT KDC)', function () {
  const realm = useMiniKdc();
  let work: string;

  before(function () {
    requireBinariesOrSkip(this, 'kinit', 'klist');
    work = mkdtempSync(join(tmpdir(), 'hsec-kdc-test-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('writes krb5.conf naming the realm and its loopback KDC', function () {
    const conf = readFileSync(realm.kdc.krb5ConfPath, 'utf8');
    expect(realm.kdc.realm).to.equal('EXAMPLE.TEST');
    expect(conf).to.include(`default_realm = EXAMPLE.TEST`);
    expect(conf).to.include(`kdc = 127.0.0.1:${realm.kdc.port}`);
    expect(realm.kdc.port).to.be.greaterThan(0);
  });

  it('exports keytabs (mode 0600, all four AES enctypes) that kinit -kt accepts', async function () {
    const keytab = join(work, 'services.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost', 'dn/localhost');
    expect(statSync(keytab).mode & 0o777).to.equal(0o600);
    const entries = await klist(realm.kdc.env(), ['-kte', keytab]);
    for (const enctype of ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96', 'aes256-cts-hmac-sha384-192', 'aes128-cts-hmac-sha256-128']) {
      expect(entries).to.include(`nn/localhost@EXAMPLE.TEST (${enctype})`);
      expect(entries).to.include(`dn/localhost@EXAMPLE.TEST (${enctype})`);
    }
    const cc = join(work, 'cc-nn');
    await kinit(realm.kdc.env(cc), ['-kt', keytab, 'nn/localhost']);
    const tickets = await klist(realm.kdc.env(cc));
    expect(tickets).to.include('Default principal: nn/localhost@EXAMPLE.TEST');
    expect(tickets).to.include('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST');
  });

  it('keeps an earlier keytab valid when the same principal is exported again', async function () {
    const first = join(work, 'first.keytab');
    const second = join(work, 'second.keytab');
    await realm.kdc.createKeytab(first, 'HTTP/localhost');
    await realm.kdc.createKeytab(second, 'HTTP/localhost');
    await kinit(realm.kdc.env(join(work, 'cc-http')), ['-kt', first, 'HTTP/localhost']);
    await kinit(realm.kdc.env(join(work, 'cc-http')), ['-kt', second, 'HTTP/localhost']);
  });

  it('adds password principals that kinit accepts on stdin, and rejects a wrong password', async function () {
    await realm.kdc.addPrincipal('alice', { password: 'alice-pw-1' });
    const cc = join(work, 'cc-alice');
    await kinit(realm.kdc.env(cc), ['alice'], 'alice-pw-1\n');
    expect(await klist(realm.kdc.env(cc))).to.include('Default principal: alice@EXAMPLE.TEST');
    const wrong = await kinit(realm.kdc.env(join(work, 'cc-wrong')), ['alice'], 'not-the-password\n', { allowFailure: true });
    expect(wrong.code).to.not.equal(0);
    expect(wrong.stderr).to.match(/Password incorrect|Preauthentication failed/);
  });

  it('reports kadmin failures as errors (duplicate principal)', async function () {
    await realm.kdc.addPrincipal('bob');
    expect(await realm.kdc.hasPrincipal('bob')).to.equal(true);
    let caught: unknown;
    try {
      await realm.kdc.addPrincipal('bob');
    } catch (e) {
      caught = e;
    }
    expect(caught).to.have.property('code', 'KRB_KDC_ERROR');
    expect((caught as Error).message).to.include('already exists');
  });

  for (const transport of ['tcp', 'udp'] as const) {
    it(`answers AS requests over ${transport.toUpperCase()}`, async function () {
      const keytab = join(work, `${transport}.keytab`);
      await realm.kdc.createKeytab(keytab, `${transport}-client`);
      // krb5.conf(5) udp_preference_limit: 1 forces TCP; a large limit makes MIT try UDP first.
      const conf = join(work, `krb5-${transport}.conf`);
      const limit = transport === 'tcp' ? 1 : 65_535;
      const original = readFileSync(realm.kdc.krb5ConfPath, 'utf8');
      writeFileSync(conf, original.replace('[libdefaults]', `[libdefaults]\n  udp_preference_limit = ${limit}`));
      const trace = join(work, `trace-${transport}.log`);
      const env = { ...realm.kdc.env(join(work, `cc-${transport}`)), KRB5_CONFIG: conf, KRB5_TRACE: trace };
      await kinit(env, ['-kt', keytab, `${transport}-client`]);
      const log = readFileSync(trace, 'utf8');
      const wanted = transport === 'tcp' ? 'stream' : 'dgram';
      expect(log).to.match(new RegExp(`Received answer \\(\\d+ bytes\\) from ${wanted} 127\\.0\\.0\\.1:${realm.kdc.port}`));
    });
  }

  it('honours a per-principal maximum life set with setMaxLife', async function () {
    const keytab = join(work, 'short.keytab');
    await realm.kdc.createKeytab(keytab, 'short-lived');
    await realm.kdc.setMaxLife('short-lived', 30);
    const cc = join(work, 'cc-short');
    await kinit(realm.kdc.env(cc), ['-kt', keytab, 'short-lived']);
    const life = ticketLifetimeSeconds(await klist(realm.kdc.env(cc)));
    expect(life).to.be.at.most(30);
    expect(life).to.be.greaterThan(0);
  });
});

describe('MiniKdc with a 60-second maximum ticket life', function () {
  const realm = useMiniKdc({ maxTicketLifeSeconds: 60, realm: 'SHORT.TEST' });

  it('issues TGTs that expire at most 60 seconds after they start', async function () {
    requireBinariesOrSkip(this, 'kinit', 'klist');
    const keytab = join(realm.kdc.dir, 'user.keytab');
    await realm.kdc.createKeytab(keytab, 'user');
    const env = realm.kdc.env();
    await kinit(env, ['-kt', keytab, 'user']);
    const out = await klist(env);
    expect(out).to.include('Default principal: user@SHORT.TEST');
    const life = ticketLifetimeSeconds(out);
    expect(life).to.be.at.most(60);
    expect(life).to.be.at.least(50);
  });
});

describe('MiniKdc requiring pre-authentication', function () {
  const realm = useMiniKdc({ requirePreauth: true });

  it('creates principals with REQUIRES_PRE_AUTH, which kinit still logs in', async function () {
    requireBinariesOrSkip(this, 'kinit', 'klist');
    await realm.kdc.addPrincipal('dave', { password: 'dave-pw' });
    expect(await realm.kdc.kadmin('getprinc dave')).to.match(/^Attributes: .*REQUIRES_PRE_AUTH/m);
    const trace = join(realm.kdc.dir, 'dave.trace');
    await kinit({ ...realm.kdc.env(), KRB5_TRACE: trace }, ['dave'], 'dave-pw\n');
    expect(readFileSync(trace, 'utf8')).to.include('Preauth module encrypted_timestamp');
  });

  it('leaves pre-authentication off by default', async function () {
    const plain = await MiniKdc.start();
    try {
      await plain.addPrincipal('erin');
      expect(await plain.kadmin('getprinc erin')).to.not.include('REQUIRES_PRE_AUTH');
    } finally {
      await plain.stop();
    }
  });
});

describe('MiniKdc lifecycle', function () {
  before(function () {
    requireBinariesOrSkip(this, 'krb5kdc', 'kdb5_util', 'kadmin.local');
  });

  it('stops by pid and removes its temp dir; stop() is idempotent', async function () {
    const kdc = await MiniKdc.start();
    const pid = kdc.pid;
    expect(pid).to.be.a('number');
    expect(pidAlive(pid!)).to.equal(true);
    expect(existsSync(kdc.dir)).to.equal(true);
    await kdc.stop();
    expect(pidAlive(pid!)).to.equal(false);
    expect(existsSync(kdc.dir)).to.equal(false);
    expect(kdc.pid).to.equal(undefined);
    await kdc.stop();
  });

  it('is the only TCP listener on its port, and the listener count sees a second KDC sharing it', async function () {
    const kdc = await MiniKdc.start();
    try {
      expect(tcpListenerCount(kdc.port)).to.equal(1);
      // krb5kdc binds with SO_REUSEPORT, so a second one on the same config shares the port.
      const second = ManagedProcess.spawn('krb5kdc-2', requireBinary('krb5kdc'), ['-n', '-r', kdc.realm], {
        env: { ...process.env, KRB5_CONFIG: kdc.krb5ConfPath, KRB5_KDC_PROFILE: kdc.kdcConfPath },
        logPath: join(kdc.dir, 'second.log'),
      });
      try {
        const seen = await waitUntil(async () => tcpListenerCount(kdc.port) === 2, { timeoutMs: 10_000 });
        expect(seen).to.equal(undefined);
      } finally {
        await second.stop();
      }
      expect(pidAlive(second.pid)).to.equal(false);
    } finally {
      await kdc.stop();
    }
    expect(tcpListenerCount(kdc.port)).to.equal(0);
  });

  it('keeps a caller-provided dir on stop', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'hsec-kdc-own-'));
    try {
      const kdc = await MiniKdc.start({ dir });
      await kdc.stop();
      expect(existsSync(join(dir, 'krb5.conf'))).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the Debian package when a binary is missing', function () {
    expect(() => requireBinary('no-such-kdc-binary')).to.throw(MissingDependencyError, /not installed/);
    try {
      requireBinary('no-such-kdc-binary');
    } catch (e) {
      expect((e as MissingDependencyError).code).to.equal('MISSING_DEPENDENCY');
    }
  });
});
