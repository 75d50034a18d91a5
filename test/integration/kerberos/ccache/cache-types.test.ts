// Every credential cache type hsec opens, against the real peers: MIT kinit/kvno write, hsec reads
// (hsec klist prints what MIT klist prints, byte for byte; loginFromCcache gets a service ticket
// with MIT's TGT), and hsec kinit writes, MIT klist/kvno read. FILE and DIR are files; KEYRING is
// the kernel keyring (session, user, persistent anchors and MIT's legacy names) through keyctl; KCM is Debian's
// Heimdal kcm daemon on a temp socket (krb5.conf kcm_socket). Collections (DIR, KEYRING, KCM):
// hsec kinit of a second principal makes a new cache and switches the primary, as MIT kinit does;
// klist -l / -A and kdestroy -A agree with MIT's.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runProgram, type RunResult } from '../../../../cluster/mini/binaries.ts';
import { loadKrb5Config } from '../../../../security/kerberos/config/index.ts';
import { loginFromCcache } from '../../../../security/kerberos/login/index.ts';
import { principalToString } from '../../../../security/kerberos/types.ts';
import { requireBinariesOrSkip, skipOrFail } from '../../../support/binaries.ts';
import { useMiniKdc } from '../../../support/fixtures.ts';
import { KcmDaemon } from './kcm-daemon.ts';

const HSEC = resolve('bin/hsec');
const tag = randomBytes(4).toString('hex');

interface CacheType {
  readonly title: string;
  /** A single cache to write into with -c. */
  readonly single: (dir: string) => string;
  /** A collection to use as KRB5CCNAME, when the type has collections we may fill and empty. */
  readonly collection?: (dir: string) => string;
  readonly needs?: 'keyctl' | 'kcm';
}

const TYPES: CacheType[] = [
  { title: 'FILE', single: (d) => `FILE:${d}/file-cc` },
  { title: 'DIR', single: (d) => `DIR::${d}/dir-single/tktA`, collection: (d) => `DIR:${d}/dir-col` },
  { title: 'KEYRING session anchor', single: () => `KEYRING:session:hsec-s-${tag}:one`, collection: () => `KEYRING:session:hsec-c-${tag}`, needs: 'keyctl' },
  { title: 'KEYRING user anchor', single: () => `KEYRING:user:hsec-u-${tag}`, collection: () => `KEYRING:user:hsec-uc-${tag}`, needs: 'keyctl' },
  { title: 'KEYRING legacy name (no anchor: a session collection, the cache also linked in the session keyring)', single: () => `KEYRING:hsec-l-${tag}`, needs: 'keyctl' },
  { title: 'KEYRING persistent anchor', single: () => `KEYRING:persistent:${process.getuid?.() ?? 0}:hsec-p-${tag}`, needs: 'keyctl' },
  { title: 'KCM (Heimdal kcm)', single: () => 'KCM:0:hsec-single', collection: () => 'KCM:', needs: 'kcm' },
];

describe('credential cache types against MIT kinit, klist and kvno', function () {
  this.timeout(300_000);
  const realm = useMiniKdc();
  const dir = mkdtempSync(join(tmpdir(), 'hsec-cctypes-'));
  const confPath = join(dir, 'krb5.conf');
  let kcm: KcmDaemon | undefined;
  let kcmProblem: string | undefined;

  before(async function () {
    requireBinariesOrSkip(this, 'kinit', 'klist', 'kvno', 'kdestroy');
    await realm.kdc.addPrincipal('svc/localhost');
    await realm.kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
    await realm.kdc.createKeytab(join(dir, 'bob.keytab'), 'bob');
    kcmProblem = KcmDaemon.unavailable();
    if (kcmProblem === undefined) kcm = await KcmDaemon.start().catch((e: Error) => void (kcmProblem = e.message));
    const base = readFileSync(realm.kdc.krb5ConfPath, 'utf8');
    writeFileSync(confPath, base.replace('[libdefaults]', `[libdefaults]\n  kcm_socket = ${kcm?.socketPath ?? '-'}`));
  });
  after(async () => {
    await kcm?.stop();
    rmSync(dir, { recursive: true, force: true });
    // kdestroy leaves the (empty) collection keyrings, as MIT's does; remove this run's.
    const unlink = `for ring in @s @u; do for k in $(keyctl rlist $ring 2>/dev/null); do case "$(keyctl rdescribe $k 2>/dev/null)" in *";_krb_hsec-"*"-${tag}") keyctl unlink $k $ring >/dev/null;; esac; done; done`;
    await runProgram('sh', ['-c', unlink]).catch(() => undefined);
  });

  const env = (ccname: string): NodeJS.ProcessEnv => ({ ...realm.kdc.env(), KRB5_CONFIG: confPath, KRB5CCNAME: ccname, LC_ALL: 'C' });
  const mit = (program: string, args: string[], ccname: string) => runProgram(program, args, { env: env(ccname), timeoutMs: 60_000 });
  const hsec = (args: string[], ccname: string) => runProgram(HSEC, args, { env: env(ccname), timeoutMs: 60_000 });
  const ok = (r: RunResult, what: string) => expect(r.code, `${what}: ${r.stderr}`).to.equal(0);
  /** MIT klist and hsec klist with the same arguments: same stdout and exit status. */
  async function sameKlist(args: string[], ccname: string): Promise<string> {
    const [theirs, ours] = [await mit('klist', args, ccname), await hsec(['klist', ...args], ccname)];
    expect(ours.stdout, `hsec klist ${args.join(' ')} (stderr: ${ours.stderr})`).to.equal(theirs.stdout);
    expect(ours.code, `exit status of klist ${args.join(' ')}`).to.equal(theirs.code);
    return ours.stdout;
  }

  for (const t of TYPES) {
    describe(t.title, () => {
      before(function () {
        if (t.needs === 'keyctl') requireBinariesOrSkip(this, 'keyctl');
        if (t.needs === 'kcm' && !kcm) skipOrFail(this, `no KCM daemon: ${kcmProblem ?? 'not started'}`);
      });

      it('MIT kinit + kvno write, hsec reads: klist -e -f -C equal to MIT klist; loginFromCcache gets a service ticket', async () => {
        const name = t.single(dir);
        ok(await mit('kinit', ['-kt', join(dir, 'alice.keytab'), '-c', name, 'alice'], name), 'MIT kinit');
        ok(await mit('kvno', ['-c', name, 'svc/localhost'], name), 'MIT kvno');
        const listed = await sameKlist(['-e', '-f', '-C', '-c', name], name);
        expect(listed).to.contain('Default principal: alice@EXAMPLE.TEST').and.contain('svc/localhost@EXAMPLE.TEST');
        await sameKlist(['-s', name], name);
        const login = await loginFromCcache(name, { conf: loadKrb5Config(confPath), autoRefresh: false });
        try {
          expect(principalToString(login.principal)).to.equal('alice@EXAMPLE.TEST');
          const st = await login.getServiceTicket('svc/localhost');
          expect(principalToString(st.server)).to.equal('svc/localhost@EXAMPLE.TEST');
        } finally {
          login.close();
        }
      });

      it('hsec kinit writes, MIT klist and kvno read; MIT kvno stores into it and hsec lists that too', async () => {
        const name = t.single(dir);
        ok(await hsec(['kinit', '-kt', join(dir, 'bob.keytab'), '-c', name, 'bob'], name), 'hsec kinit');
        expect((await mit('klist', ['-c', name], name)).stdout).to.contain('Default principal: bob@EXAMPLE.TEST');
        await sameKlist(['-e', '-f', '-C', name], name);
        ok(await mit('kvno', ['-c', name, 'svc/localhost'], name), 'MIT kvno with hsec TGT');
        expect(await sameKlist(['-e', '-f', '-a', '-n', name], name)).to.contain('svc/localhost@EXAMPLE.TEST');
        ok(await hsec(['kdestroy', '-c', name], name), 'hsec kdestroy');
        expect((await mit('klist', ['-s', name], name)).code).to.equal(1);
      });

      if (t.collection) {
        it('a collection: hsec kinit of a second principal makes a new cache and switches to it; -l, -A and kdestroy -A agree with MIT', async () => {
          const col = t.collection!(dir);
          ok(await mit('kinit', ['-kt', join(dir, 'alice.keytab'), 'alice'], col), 'MIT kinit alice');
          const bob = await hsec(['kinit', '-V', '-kt', join(dir, 'bob.keytab'), 'bob'], col);
          ok(bob, 'hsec kinit bob');
          expect(bob.stderr).to.match(/^Using new cache: \S+\nUsing principal: bob@EXAMPLE.TEST\nUsing keytab: .*bob.keytab\nAuthenticated to Kerberos v5\n$/);
          const listed = await sameKlist(['-l'], col);
          expect(listed.split('\n')[2]).to.match(/^bob@EXAMPLE\.TEST +\S+$/); // the primary, first
          expect(listed).to.contain('alice@EXAMPLE.TEST');
          await sameKlist(['-A', '-C', '-e'], col);
          // Back to alice: both kinits find her cache and say so alike.
          const [ours, theirs] = [
            await hsec(['kinit', '-V', '-kt', join(dir, 'alice.keytab'), 'alice'], col),
            await mit('kinit', ['-V', '-kt', join(dir, 'alice.keytab'), 'alice'], col),
          ];
          ok(ours, 'hsec kinit alice again');
          expect(ours.stderr).to.match(/^Using existing cache: /);
          expect(ours.stderr).to.equal(theirs.stderr);
          expect((await sameKlist(['-l'], col)).split('\n')[2]).to.match(/^alice@EXAMPLE.TEST/);
          // kdestroy of the primary leaves bob's cache, and says so.
          const d = await hsec(['kdestroy'], col);
          ok(d, 'hsec kdestroy');
          expect(d.stderr).to.equal('Other credential caches present, use -A to destroy all\n');
          expect((await sameKlist(['-l'], col)).split('\n').filter(Boolean)).to.have.length(3);
          ok(await hsec(['kdestroy', '-A'], col), 'hsec kdestroy -A');
          const after = await mit('klist', ['-l'], col);
          expect(after.code).to.equal(1);
          expect(after.stdout.split('\n').filter(Boolean)).to.have.length(2);
          expect((await hsec(['klist', '-s'], col)).code).to.equal(1);
        });
      }

      after(async () => {
        // leave no keyring or KCM cache behind
        await hsec(['kdestroy', '-q', '-c', t.single(dir)], t.single(dir)).catch(() => undefined);
        if (t.collection) await hsec(['kdestroy', '-A'], t.collection(dir)).catch(() => undefined);
      });
    });
  }
});
