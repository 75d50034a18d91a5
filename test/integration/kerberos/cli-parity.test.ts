// MIT habits on `bin/hsec kinit / klist / kdestroy`, each run next to MIT's own tool on the same
// cache, keytab and KDC: klist -e -f -s -a -n -d -C -l -A -c and -k -t -e -K -i print the same
// bytes and exit alike (-s: 0 with a current local TGT, 1 when it expired or there is no cache,
// and with no local TGT any current ticket); kdestroy -A -c -q behave alike; kinit -V prints MIT's
// lines on stderr, and -p -P -f -F -l -r -S -R give the tickets MIT's kinit gets. These options
// used to be refused with exit 2 and the whole help. krb5.conf default_ccache_name is honoured.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runProgram, type RunResult } from '../../../cluster/mini/binaries.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { loginFromCcache } from '../../../security/kerberos/login/index.ts';
import { principalToString } from '../../../security/kerberos/types.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { ticketLifetimes } from '../../support/krb5-clients.ts';

const HSEC = resolve('bin/hsec');
const TIME = /\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d/g;

describe('hsec kinit / klist / kdestroy: MIT options, output and exit statuses', function () {
  this.timeout(120_000);
  const realm = useMiniKdc({ maxRenewableLifeSeconds: 86_400 });
  const dir = mkdtempSync(join(tmpdir(), 'hsec-parity-'));
  const keytab = join(dir, 'alice.keytab');
  before(async function () {
    requireBinariesOrSkip(this, 'kinit', 'klist', 'kvno', 'kdestroy');
    await realm.kdc.createKeytab(keytab, 'alice');
    await realm.kdc.addPrincipal('svc/localhost');
    await realm.kdc.kadmin('addprinc -pw carol-pw carol');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const env = (cc: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...realm.kdc.env(`FILE:${cc}`), LC_ALL: 'C', TZ: 'UTC', ...extra });
  const mit = (program: string, args: string[], e: NodeJS.ProcessEnv, input?: string) => runProgram(program, args, { env: e, timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });
  const hsec = (args: string[], e: NodeJS.ProcessEnv, input?: string) => runProgram(HSEC, args, { env: e, timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });
  const ok = (r: RunResult, what: string) => expect(r.code, `${what}: ${r.stderr}`).to.equal(0);
  async function sameKlist(args: string[], e: NodeJS.ProcessEnv): Promise<RunResult> {
    const [theirs, ours] = [await mit('klist', args, e), await hsec(['klist', ...args], e)];
    expect(ours.stdout, `klist ${args.join(' ')} (hsec stderr: ${ours.stderr})`).to.equal(theirs.stdout);
    expect(ours.code, `exit status of klist ${args.join(' ')}`).to.equal(theirs.code);
    return ours;
  }

  describe('klist on caches MIT wrote (a service ticket and config entries; addresses)', () => {
    const cc = join(dir, 'mit-cc');
    const withAddresses = join(dir, 'mit-cc-addresses');
    before(async () => {
      ok(await mit('kinit', ['-f', '-r', '2h', '-kt', keytab, 'alice'], env(cc)), 'MIT kinit');
      ok(await mit('kvno', ['svc/localhost'], env(cc)), 'MIT kvno');
      // kinit -a puts this host's addresses in the TGT (the KDC then refuses it from 127.0.0.1, so no kvno here).
      ok(await mit('kinit', ['-a', '-kt', keytab, 'alice'], env(withAddresses)), 'MIT kinit -a');
    });

    for (const args of [[], ['-e'], ['-f'], ['-a'], ['-a', '-n'], ['-d'], ['-C'], ['-e', '-f', '-a', '-n', '-d', '-C'], ['-ef'], ['-A'], ['-A', '-e', '-f'], ['-l'], ['-s']]) {
      it(`klist ${args.join(' ') || '(no options)'}`, async () => {
        await sameKlist(args, env(cc));
        if (args.includes('-a')) await sameKlist(args, env(withAddresses));
      });
    }
    it('klist -c NAME and klist NAME name a cache other than the default', async () => {
      const other = env(join(dir, 'nothing-here'));
      for (const args of [['-c', `FILE:${cc}`, '-e'], [cc, '-f'], ['-s', cc], ['-l', cc], ['-A', `FILE:${cc}`]]) await sameKlist(args, other);
    });
  });

  describe('klist -s and -l exit statuses (klist.c check_ccache)', () => {
    it('an expired TGT: -s exits 1 and -l marks the cache (Expired), as MIT', async () => {
      const cc = join(dir, 'short-cc');
      ok(await mit('kinit', ['-l', '8s', '-kt', keytab, 'alice'], env(cc)), 'MIT kinit -l 8s');
      expect((await sameKlist(['-s'], env(cc))).code).to.equal(0);
      await new Promise((r) => setTimeout(r, 9000));
      expect((await sameKlist(['-s'], env(cc))).code).to.equal(1);
      expect((await sameKlist(['-l'], env(cc))).stdout).to.contain('(Expired)');
      await sameKlist(['-A', '-s'], env(cc));
    });
    it('no local TGT but a current service ticket (kinit -S) is valid; no cache at all is not', async () => {
      const cc = join(dir, 'service-only');
      ok(await hsec(['kinit', '-S', 'svc/localhost', '-kt', keytab, 'alice'], env(cc)), 'hsec kinit -S');
      expect((await sameKlist(['-s'], env(cc))).code).to.equal(0);
      expect((await sameKlist(['-s'], env(join(dir, 'none')))).code).to.equal(1);
      expect((await sameKlist(['-l'], env(join(dir, 'none')))).code).to.equal(1);
    });
  });

  describe('klist -k', () => {
    it('-k -t -e -K and -k KEYTAB, the default keytab (KRB5_KTNAME) and the client keytab (-i, KRB5_CLIENT_KTNAME)', async () => {
      const e = env(join(dir, 'any'), { KRB5_KTNAME: `FILE:${keytab}`, KRB5_CLIENT_KTNAME: keytab });
      for (const args of [['-k', '-t', '-e', '-K', keytab], ['-k', keytab], ['-kte', `FILE:${keytab}`], ['-k'], ['-k', '-e'], ['-k', '-i', '-t']]) {
        expect((await sameKlist(args, e)).stdout).to.contain('alice@EXAMPLE.TEST');
      }
    });
  });

  describe('krb5.conf default_ccache_name (no KRB5CCNAME)', () => {
    it('is where hsec kinit writes, MIT klist reads, hsec klist lists and loginFromCcache() logs in from, also a DIR: name', async () => {
      const conf = join(dir, 'krb5-dcc.conf');
      writeFileSync(conf, readFileSync(realm.kdc.krb5ConfPath, 'utf8').replace(/default_ccache_name = .*/, `default_ccache_name = DIR:${dir}/dcc`));
      const e: NodeJS.ProcessEnv = { ...env(join(dir, 'unused')), KRB5_CONFIG: conf };
      delete e.KRB5CCNAME;
      ok(await hsec(['kinit', '-kt', keytab, 'alice'], e), 'hsec kinit');
      expect(existsSync(join(dir, 'dcc', 'tkt'))).to.equal(true);
      expect((await sameKlist(['-e'], e)).stdout).to.contain(`Ticket cache: DIR::${dir}/dcc/tkt`);
      const saved = process.env.KRB5CCNAME;
      delete process.env.KRB5CCNAME;
      try {
        const login = await loginFromCcache(undefined, { conf: loadKrb5Config(conf), autoRefresh: false });
        expect(principalToString(login.principal)).to.equal('alice@EXAMPLE.TEST');
        login.close();
      } finally {
        if (saved !== undefined) process.env.KRB5CCNAME = saved;
      }
      ok(await hsec(['kdestroy'], e), 'hsec kdestroy');
      expect((await mit('klist', ['-s'], e)).code).to.equal(1);
    });
  });

  describe('kdestroy', () => {
    it('-c, -q, -A: the cache is gone for MIT too; a missing cache is reported but exits 0 like MIT', async () => {
      const cc = join(dir, 'destroy-cc');
      ok(await mit('kinit', ['-kt', keytab, 'alice'], env(cc)), 'MIT kinit');
      ok(await hsec(['kdestroy', '-q', '-c', `FILE:${cc}`], env(join(dir, 'elsewhere'))), 'hsec kdestroy -q -c');
      expect(existsSync(cc)).to.equal(false);
      expect((await mit('klist', ['-s'], env(cc))).code).to.equal(1);
      const [ours, theirs] = [await hsec(['kdestroy'], env(cc)), await mit('kdestroy', [], env(cc))];
      expect([ours.code, theirs.code]).to.deep.equal([0, 0]);
      expect(ours.stderr).to.contain('No credentials cache found');
      expect(theirs.stderr).to.contain('No credentials cache found');
      ok(await mit('kinit', ['-kt', keytab, 'alice'], env(cc)), 'MIT kinit');
      ok(await hsec(['kdestroy', '-A'], env(cc)), 'hsec kdestroy -A');
      expect(existsSync(cc)).to.equal(false);
      ok(await hsec(['kdestroy', '-A'], env(cc)), 'hsec kdestroy -A with nothing to destroy');
    });
  });

  describe('kinit', () => {
    /** klist -f -e of a cache with its times masked: what the options changed. */
    const shape = async (cc: string) => (await mit('klist', ['-f', '-e'], env(cc))).stdout.replace(TIME, 'T').replace(cc, 'CACHE');

    for (const flags of [['-p'], ['-P'], ['-F'], ['-f', '-p'], ['-S', 'svc/localhost'], ['-S', 'kadmin/changepw', '-P', '-F']]) {
      it(`kinit ${flags.join(' ')} gets the ticket MIT kinit gets`, async () => {
        const [a, b] = [join(dir, `m${flags.join('').replace(/\W/g, '_')}`), join(dir, `h${flags.join('').replace(/\W/g, '_')}`)];
        ok(await mit('kinit', [...flags, '-kt', keytab, 'alice'], env(a)), 'MIT kinit');
        ok(await hsec(['kinit', ...flags, '-kt', keytab, 'alice'], env(b)), 'hsec kinit');
        expect(await shape(b)).to.equal(await shape(a));
      });
    }

    it('kinit -l and -r ask for the same lifetimes as MIT', async () => {
      const [a, b] = [join(dir, 'm-life'), join(dir, 'h-life')];
      ok(await mit('kinit', ['-l', '1h30m', '-r', '5h', '-kt', keytab, 'alice'], env(a)), 'MIT kinit');
      ok(await hsec(['kinit', '-l', '1h30m', '-r', '5h', '-kt', keytab, 'alice'], env(b)), 'hsec kinit');
      const life = async (cc: string) => {
        const out = (await mit('klist', [], env(cc))).stdout;
        const t = ticketLifetimes(out).get('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST')!;
        const renew = /renew until (\S+ \S+)/.exec(out)![1]!;
        return { life: t.endMs - t.startMs, renewFromStart: Date.parse(`20${renew.slice(6, 8)}-${renew.slice(0, 2)}-${renew.slice(3, 5)}T${renew.slice(9)}Z`) - t.startMs };
      };
      // Both kinits compute till and rtime from their clock in whole seconds, and the KDC starts the
      // ticket at its own second: a request sent just before a second boundary gets one second less
      // (MIT's kinit as much as hsec's). Each request's own times: test/unit/kerberos/client/as-request-times.test.ts.
      const [ours, theirs] = [await life(b), await life(a)];
      expect(ours.life).to.be.closeTo(theirs.life, 1000);
      expect(ours.renewFromStart).to.be.closeTo(theirs.renewFromStart, 1000);
      expect(ours.life).to.be.closeTo(5_400_000, 1000);
    });

    it('kinit -V prints MIT verbose lines on stderr: specified, default cache, keytab, password, -R', async () => {
      const cc = join(dir, 'verbose-cc');
      const cases: Array<{ args: string[]; input?: string; e: NodeJS.ProcessEnv }> = [
        { args: ['-V', '-c', `FILE:${cc}`, '-kt', keytab, 'alice'], e: env(join(dir, 'unused')) },
        { args: ['-V', '-k', '-t', keytab, 'alice'], e: env(cc) },
        { args: ['-V', 'carol'], input: 'carol-pw\n', e: env(cc) },
        { args: ['-V', '-r', '1h', 'carol'], input: 'carol-pw\n', e: env(cc) },
        { args: ['-V', '-R'], e: env(cc) },
        { args: ['-V', '-R', '-c', cc], e: env(join(dir, 'unused')) },
      ];
      for (const c of cases) {
        const theirs = await mit('kinit', c.args, c.e, c.input);
        const ours = await hsec(['kinit', ...c.args], c.e, c.input);
        expect(ours.code, `hsec kinit ${c.args.join(' ')}: ${ours.stderr}`).to.equal(theirs.code);
        expect(ours.stderr, `stderr of kinit ${c.args.join(' ')}`).to.equal(theirs.stderr);
        expect(ours.stderr).to.match(/Authenticated to Kerberos v5\n$/);
      }
    });

    it('contradictory options are usage errors (exit 2, as MIT kinit), not a crash', async () => {
      for (const args of [['-f', '-F'], ['-p', '-P'], ['-i', '-t', keytab]]) {
        const [ours, theirs] = [await hsec(['kinit', ...args, 'alice'], env(join(dir, 'x'))), await mit('kinit', [...args, 'alice'], env(join(dir, 'x')))];
        expect([ours.code, theirs.code], args.join(' ')).to.deep.equal([2, 2]);
      }
      for (const args of [['-k', '-s'], ['-l', '-A'], ['-t'], ['-n']]) {
        const r = await hsec(['klist', ...args], env(join(dir, 'x')));
        expect(r.code, `klist ${args.join(' ')}`).to.equal(2); // MIT klist's usage() exits 1
        expect(r.stderr).to.match(/^error: /);
      }
      expect((await hsec(['kdestroy', '-A', '-p', 'alice'], env(join(dir, 'x')))).code).to.equal(2);
    });
  });
});
