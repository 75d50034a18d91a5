// `hsec kdiag` against the real MIT KDC: in-process (runKdiag, the function the command runs) for
// each diagnosis, and as `bin/hsec` processes for the exit codes. A good keytab login (both logins,
// the TGT, the short name, no key bytes in the report); a principal the KDC does not know; one the
// keytab does not hold; an unreachable KDC (a closed loopback port, UDP and TCP refused); a keytab
// others can read; a clock 20 minutes off (through the Kerberos client's Clock seam, the one the
// AS exchange uses: the KDC's own KRB-ERROR time gives the offset and the KDC refuses the
// pre-authentication timestamp); --nologin, --out, --secure, --verifyshortname both ways; a ticket
// cache MIT kinit filled.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runKdiag, type KdiagOptions } from '../../../cluster/cli/commands/kdiag.ts';
import { readKeytabSync } from '../../../security/kerberos/keytab/index.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { kinit } from '../../support/krb5-clients.ts';
import { closedPort } from '../kerberos/client/misbehaving-kdcs.ts';

const HSEC = resolve('bin/hsec');

describe('hsec kdiag (Hadoop KDiag) against the MIT KDC', function () {
  this.timeout(120_000);
  const realm = useMiniKdc({ requirePreauth: true });
  const dir = mkdtempSync(join(tmpdir(), 'hsec-kdiag-'));
  const keytab = join(dir, 'nn.keytab');
  const confDir = join(dir, 'conf');
  const coreSite = (props: Record<string, string>) =>
    `<configuration>${Object.entries(props).map(([k, v]) => `<property><name>${k}</name><value>${v}</value></property>`).join('')}</configuration>`;

  before(async () => {
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    await realm.kdc.addPrincipal('alice', { password: 'alice-pw' });
    spawnSync('mkdir', ['-p', confDir]);
    writeFileSync(join(confDir, 'core-site.xml'), coreSite({ 'hadoop.security.authentication': 'kerberos' }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...realm.kdc.env(join(dir, 'cc-none')), HADOOP_CONF_DIR: confDir, ...extra });

  async function kdiag(opts: KdiagOptions, extra: { env?: NodeJS.ProcessEnv; defines?: Record<string, string>; clock?: { now(): number } } = {}) {
    let out = '';
    const code = await runKdiag({ confDir, ...(extra.defines ? { overrides: extra.defines } : {}) }, opts, { out: (s) => void (out += s), env: extra.env ?? env(), ...(extra.clock ? { clock: extra.clock } : {}) });
    return { code, out };
  }

  it('logs in from a good keytab twice and reports the KDC, the TGT and the short name, never a key', async () => {
    const { code, out } = await kdiag({ keytab, principal: 'nn/localhost' });
    expect(code, out).to.equal(0);
    const kdcAt = `127.0.0.1:${realm.kdc.port}`;
    expect(out).to.contain('== Kerberos Diagnostics scan at').and.contain('Maximum AES encryption key length 256 bits');
    expect(out).to.contain('hadoop.security.authentication = "kerberos"').and.contain('hadoop.rpc.protection = "authentication"').and.contain('hadoop.kerberos.kinit.command = (unset)');
    expect(out).to.contain(`KRB5_CONFIG = "${realm.kdc.krb5ConfPath}"`).and.contain('Default Realm = EXAMPLE.TEST');
    expect(out).to.match(new RegExp(`${kdcAt}/udp: answered in \\d+ ms with KRB-ERROR KDC_ERR_PREAUTH_REQUIRED, KDC clock offset [+-]\\d`));
    expect(out).to.match(new RegExp(`${kdcAt}/tcp: answered in \\d+ ms with KRB-ERROR KDC_ERR_PREAUTH_REQUIRED`));
    expect(out).to.contain('nn/localhost@EXAMPLE.TEST exists and requires pre-authentication');
    expect(out).to.match(/The KDC asks for pre-authentication with: aes256-cts-hmac-sha1-96 \(ETYPE-INFO2/);
    expect(out).to.match(/ nn\/localhost@EXAMPLE\.TEST: version=1 timestamp=\S+ encryption=aes256-cts-hmac-sha1-96 \(256-bit key\)/);
    expect(out).to.contain('Client: nn/localhost@EXAMPLE.TEST').and.contain('Server: krbtgt/EXAMPLE.TEST@EXAMPLE.TEST').and.contain(`KDC: ${kdcAt}/udp`);
    expect(out).to.contain('Short name (hadoop.security.auth_to_local): nn').and.contain('Second login as nn/localhost@EXAMPLE.TEST succeeded');
    expect(out).to.not.contain('ERROR:').and.not.contain('WARNING: KERBEROS');
    for (const e of readKeytabSync(keytab).entries) expect(out).to.not.contain(e.key.value.toString('hex'));
  });

  it('fails on a principal the KDC does not know, naming it and how to create it (exit 41)', async () => {
    const { code, out } = await kdiag({ keytab, principal: 'nobody/localhost' });
    expect(code).to.equal(41);
    expect(out).to.contain('ERROR: KERBEROS: principal nobody/localhost@EXAMPLE.TEST is not in the KDC database of realm EXAMPLE.TEST').and.contain('KDC_ERR_C_PRINCIPAL_UNKNOWN').and.contain('addprinc');
    // Without --nofail the scan stops at the first failure.
    expect(out).to.not.contain('Examining keytab');
  });

  it('fails on a principal the keytab does not hold, listing what it holds', async () => {
    const { code, out } = await kdiag({ keytab, principal: 'alice' });
    expect(code).to.equal(41);
    expect(out).to.contain(`ERROR: KERBEROS: keytab ${keytab} holds no key for alice@EXAMPLE.TEST; it holds nn/localhost@EXAMPLE.TEST`);
  });

  it('fails the login with a stale keytab (the principal was re-keyed), naming the kvnos', async () => {
    const stale = join(dir, 'stale.keytab');
    await realm.kdc.createKeytab(stale, 'dn/localhost');
    await realm.kdc.randomizeKey('dn/localhost');
    const { code, out } = await kdiag({ keytab: stale, principal: 'dn/localhost' });
    expect(code).to.equal(41);
    expect(out).to.match(/ERROR: LOGIN: login as dn\/localhost@EXAMPLE\.TEST from keytab .*stale\.keytab failed: .*kvno/);
  });

  it('fails on an unreachable KDC (a closed loopback port), naming every address and transport tried', async () => {
    const port = await closedPort();
    const conf = join(dir, 'krb5-closed.conf');
    writeFileSync(conf, readFileSync(realm.kdc.krb5ConfPath, 'utf8').replaceAll(`127.0.0.1:${realm.kdc.port}`, `127.0.0.1:${port}`));
    const { code, out } = await kdiag({ keytab, principal: 'nn/localhost', nofail: true }, { env: env({ KRB5_CONFIG: conf }) });
    expect(code).to.equal(41);
    expect(out).to.contain(`127.0.0.1:${port}/udp: no answer: connection refused`).and.contain(`127.0.0.1:${port}/tcp: no answer: connection refused`);
    expect(out).to.contain('ERROR: KERBEROS: Cannot contact any KDC for realm EXAMPLE.TEST (tried');
    // --nofail goes on to the login, which fails the same way.
    expect(out).to.match(/ERROR: LOGIN: login as nn\/localhost@EXAMPLE\.TEST from keytab .* failed: Cannot contact any KDC/);
  });

  it('warns when others can read the keytab, and still succeeds', async () => {
    const open = join(dir, 'open.keytab');
    writeFileSync(open, readFileSync(keytab));
    chmodSync(open, 0o644);
    const { code, out } = await kdiag({ keytab: open, principal: 'nn/localhost' });
    expect(code, out).to.equal(0);
    expect(out).to.contain(`WARNING: KERBEROS: keytab ${open} has mode 0644: its group and every user can read it`).and.contain(`chmod 600 ${open}`);
  });

  it('fails when the clock is further from the KDC than clockskew, with the measured offset', async () => {
    const ahead = { now: () => Date.now() + 20 * 60_000 };
    const { code, out } = await kdiag({ keytab, principal: 'nn/localhost', nofail: true }, { clock: ahead });
    expect(code).to.equal(41);
    expect(out).to.match(/ERROR: KERBEROS: clock offset to KDC 127\.0\.0\.1:\d+\/udp is -1[12]\d\d s \(KDC behind this host\), more than the allowed skew of 300 s/);
    expect(out).to.contain('Synchronise this host');
    // The KDC itself refuses the pre-authentication timestamp.
    expect(out).to.match(/ERROR: LOGIN: login as nn\/localhost@EXAMPLE\.TEST .*failed: .*[Cc]lock skew/);
  });

  it('--nologin checks the configuration and the KDC but does not log in', async () => {
    const { code, out } = await kdiag({ nologin: true });
    expect(code, out).to.equal(0);
    expect(out).to.contain('Probing the KDCs of realm EXAMPLE.TEST').and.not.contain('== Logging in');
  });

  it('logs in from the ticket cache MIT kinit filled, and fails on an empty one', async () => {
    const cc = join(dir, 'cc-mit');
    const e = env({ KRB5CCNAME: `FILE:${cc}` });
    await kinit(e, ['-k', '-t', keytab, 'nn/localhost@EXAMPLE.TEST']);
    const good = await kdiag({}, { env: e });
    expect(good.code, good.out).to.equal(0);
    expect(good.out).to.contain('nn/localhost@EXAMPLE.TEST exists and requires pre-authentication');
    expect(good.out).to.contain(`Ticket cache: FILE:${cc}`).and.contain('Default principal: nn/localhost@EXAMPLE.TEST').and.contain('Client: nn/localhost@EXAMPLE.TEST');
    const empty = await kdiag({}, { env: env({ KRB5CCNAME: `FILE:${join(dir, 'cc-missing')}` }) });
    expect(empty.code).to.equal(41);
    expect(empty.out).to.match(/ERROR: LOGIN: no Kerberos credentials in ticket cache FILE:.*cc-missing: .*hsec kinit/);
  });

  it('--secure fails when hadoop.security.authentication is simple', async () => {
    const { code, out } = await kdiag({ secure: true, nologin: true }, { defines: { 'hadoop.security.authentication': 'simple' } });
    expect(code).to.equal(41);
    expect(out).to.contain('Hadoop authentication is disabled').and.contain('ERROR: CONFIG: Hadoop authentication is disabled: hadoop.security.authentication is simple');
  });

  it('--verifyshortname: a short name with a slash fails under the hadoop mechanism and warns under mit', async () => {
    const rules = 'RULE:[2:$1/$2@$0](.*)s/@.*//';
    const hadoop = await kdiag({ principal: 'nn/localhost@EXAMPLE.TEST', verifyshortname: true, nologin: true }, { defines: { 'hadoop.security.auth_to_local': rules } });
    expect(hadoop.code).to.equal(41);
    expect(hadoop.out).to.contain('ERROR: KERBEROS: Failed to get short name for nn/localhost@EXAMPLE.TEST');
    const mit = await kdiag({ principal: 'nn/localhost@EXAMPLE.TEST', verifyshortname: true, nologin: true }, { defines: { 'hadoop.security.auth_to_local': rules, 'hadoop.security.auth_to_local.mechanism': 'mit' } });
    expect(mit.code, mit.out).to.equal(0);
    expect(mit.out).to.contain('WARNING: KERBEROS: nn/localhost@EXAMPLE.TEST short name: nn/localhost still contains @ or /');
    const simple = await kdiag({ principal: 'nn/localhost@EXAMPLE.TEST', verifyshortname: true, nologin: true });
    expect(simple.code, simple.out).to.equal(0);
    expect(simple.out).to.contain('Short name of nn/localhost@EXAMPLE.TEST: nn');
  });

  it('--resource loads a file of the configuration directory by name; a missing one fails (CONFIG)', async () => {
    // hbase-site.xml, KDiag's own example: not a site file hsec loads by itself.
    writeFileSync(join(confDir, 'hbase-site.xml'), coreSite({ 'dfs.data.transfer.protection': 'privacy' }));
    const without = await kdiag({ nologin: true });
    expect(without.out).to.contain('dfs.data.transfer.protection = (unset)');
    const good = await kdiag({ resource: ['hbase-site.xml'], nologin: true });
    expect(good.code, good.out).to.equal(0);
    expect(good.out).to.contain(`Loading resource hbase-site.xml (${join(confDir, 'hbase-site.xml')})`).and.contain('dfs.data.transfer.protection = "privacy"');
    const bad = await kdiag({ resource: ['no-such-site.xml'], nologin: true });
    expect(bad.code).to.equal(41);
    expect(bad.out).to.contain('ERROR: CONFIG: No resource no-such-site.xml');
  });

  it('--jaas requires the JVM JAAS file HADOOP_OPTS names, and checks it', async () => {
    const missing = await kdiag({ jaas: true, nologin: true });
    expect(missing.code).to.equal(41);
    expect(missing.out).to.contain('ERROR: JAAS: No JAAS file specified in java.security.auth.login.config');
    const jaas = join(dir, 'jaas.conf');
    writeFileSync(jaas, 'Client { com.sun.security.auth.module.Krb5LoginModule required useTicketCache=true; };\n');
    const named = await kdiag({ jaas: true, nologin: true }, { env: env({ HADOOP_OPTS: `-Xmx1g -Djava.security.auth.login.config=${jaas} -Dssl.keystore.password=hunter2` }) });
    expect(named.code, named.out).to.equal(0);
    expect(named.out).to.contain(`JAAS file is defined in java.security.auth.login.config: ${jaas}`).and.contain('-Dssl.keystore.password=<redacted>').and.not.contain('hunter2');
  });

  it('a token file that is not a credentials file fails (TOKEN)', async () => {
    const bogus = join(dir, 'bogus.token');
    writeFileSync(bogus, 'not a token file');
    const { code, out } = await kdiag({ nologin: true, nofail: true }, { env: env({ HADOOP_TOKEN_FILE_LOCATION: bogus }) });
    expect(code).to.equal(41);
    expect(out).to.contain(`ERROR: TOKEN: token file ${bogus} is not a Hadoop credentials file`);
  });

  describe('as bin/hsec processes', function () {
    const hsec = (args: string[], e: NodeJS.ProcessEnv) => spawnSync(process.execPath, [HSEC, ...args], { env: e, encoding: 'utf8', timeout: 90_000 });

    it('exits 0 with --out, writing the report to the file only', () => {
      const report = join(dir, 'report.txt');
      const r = hsec(['kdiag', '--keytab', keytab, '--principal', 'nn/localhost', '--out', report], env());
      expect(r.status, r.stderr + r.stdout).to.equal(0);
      expect(r.stdout).to.equal(`Printing output to ${report}\n`);
      const text = readFileSync(report, 'utf8');
      expect(text).to.contain('== Kerberos Diagnostics scan at').and.contain('Second login as nn/localhost@EXAMPLE.TEST succeeded');
    });

    it('exits 41 (KDiag.KDIAG_FAILURE) with the failure on stdout and no stack trace', () => {
      const r = hsec(['--config', confDir, 'kdiag', '--keytab', keytab, '--principal', 'nobody/localhost'], env());
      expect(r.status).to.equal(41);
      expect(r.stdout).to.contain('ERROR: KERBEROS: principal nobody/localhost@EXAMPLE.TEST is not in the KDC database');
      expect(r.stderr).to.not.match(/\n\s+at /);
    });

    it('exits 2 on a --keylen that is not a number', () => {
      const r = hsec(['kdiag', '--keylen', 'big'], env());
      expect(r.status).to.equal(2);
      expect(r.stderr).to.contain('--keylen takes a key length in bits');
    });
  });
});
