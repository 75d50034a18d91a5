// `hsec kinit / klist / kdestroy` as processes against the real MIT KDC and MIT tools:
// hsec kinit -kt, then MIT klist and kvno accept the ccache; MIT kinit, then hsec klist reads it;
// password from stdin; -R renewal; kdestroy; typed errors without stack traces.
import { expect } from 'chai';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MiniKdc } from '../../../../cluster/mini/mini-kdc.ts';

const HSEC = resolve('bin/hsec');

describe('hsec kinit / klist / kdestroy with MIT krb5', function () {
  this.timeout(120_000);
  let kdc: MiniKdc;
  const dir = mkdtempSync(join(tmpdir(), 'hsec-cli-'));
  const keytab = join(dir, 'cli.keytab');

  const hsec = (args: string[], env: NodeJS.ProcessEnv, input?: string) =>
    spawnSync(process.execPath, [HSEC, ...args], { env, input: input ?? '', encoding: 'utf8', timeout: 60_000 });

  before(async () => {
    kdc = await MiniKdc.start();
    await kdc.createKeytab(keytab, 'cli/localhost');
    await kdc.addPrincipal('svc/localhost');
    await kdc.kadmin('addprinc -pw carol-pw +requires_preauth carol');
  });
  after(async () => {
    await kdc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hsec kinit -kt writes a 0600 ccache that MIT klist and kvno accept', () => {
    const cc = join(dir, 'cc-keytab');
    const env = kdc.env(`FILE:${cc}`);
    const r = hsec(['kinit', '-kt', keytab, 'cli/localhost'], env);
    expect(r.status, r.stderr).to.equal(0);
    expect(statSync(cc).mode & 0o777).to.equal(0o600);
    const klist = execFileSync('klist', ['-f', '-e'], { env, encoding: 'utf8' });
    expect(klist).to.contain('Default principal: cli/localhost@EXAMPLE.TEST').and.contain('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST');
    const kvno = execFileSync('kvno', ['svc/localhost@EXAMPLE.TEST'], { env, encoding: 'utf8' });
    expect(kvno).to.match(/svc\/localhost@EXAMPLE\.TEST: kvno = 1/);
    // MIT added the service ticket; hsec klist -f -e lists both with flags and enctypes.
    const ours = hsec(['klist', '-f', '-e'], env);
    expect(ours.status, ours.stderr).to.equal(0);
    expect(ours.stdout).to.contain('Default principal: cli/localhost@EXAMPLE.TEST').and.contain('svc/localhost@EXAMPLE.TEST');
    expect(ours.stdout).to.match(/Flags: \w+\n\tEtype \(skey, tkt\): aes/);
  });

  it('MIT kinit, then hsec klist reads the cache (times, flags, enctypes)', () => {
    const cc = join(dir, 'cc-mit');
    const env = kdc.env(`FILE:${cc}`);
    execFileSync('kinit', ['-f', '-r', '2h', '-k', '-t', keytab, 'cli/localhost@EXAMPLE.TEST'], { env });
    const ours = hsec(['klist', '-f', '-e', '-c', `FILE:${cc}`], env);
    expect(ours.status, ours.stderr).to.equal(0);
    // Same layout as MIT klist -f -e (the C locale), line for line.
    const mit = execFileSync('klist', ['-f', '-e'], { env: { ...env, LC_ALL: 'C' }, encoding: 'utf8' });
    expect(ours.stdout.trimEnd()).to.equal(mit.trimEnd());
    expect(ours.stdout).to.contain('renew until');
  });

  it('reads the password from stdin, renews with -R, and kdestroy removes the cache', () => {
    const cc = join(dir, 'cc-pw');
    const env = kdc.env(`FILE:${cc}`);
    const r = hsec(['kinit', '-r', '1h', '-l', '10m', 'carol'], env, 'carol-pw\n');
    expect(r.status, r.stderr).to.equal(0);
    expect(execFileSync('klist', [], { env, encoding: 'utf8' })).to.contain('carol@EXAMPLE.TEST');
    const before = statSync(cc).mtimeMs;
    spawnSync('sleep', ['1.1']);
    const renew = hsec(['kinit', '-R'], env);
    expect(renew.status, renew.stderr).to.equal(0);
    expect(statSync(cc).mtimeMs).to.be.greaterThan(before);
    execFileSync('kvno', ['svc/localhost'], { env });
    const d = hsec(['kdestroy'], env);
    expect(d.status, d.stderr).to.equal(0);
    expect(existsSync(cc)).to.equal(false);
    // Nothing left to destroy is said on stderr but is no failure, as with MIT kdestroy.
    const again = hsec(['kdestroy'], env);
    expect(again.status).to.equal(0);
    expect(again.stderr).to.contain('No credentials cache found');
    expect(spawnSync('kdestroy', [], { env, encoding: 'utf8' }).status).to.equal(0);
  });

  it('prompts for the password on a terminal without echoing it', async () => {
    // util-linux `script` gives hsec a pseudo-terminal; the password is typed after the prompt.
    const cc = join(dir, 'cc-tty');
    const env = kdc.env(`FILE:${cc}`);
    const child = spawn('script', ['-qec', `${process.execPath} ${HSEC} kinit carol`, '/dev/null'], { env });
    let out = '';
    let typed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!typed && out.includes('Password for carol@EXAMPLE.TEST: ')) {
        typed = true;
        child.stdin.write('carol-pw\r');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise((r) => child.on('exit', r));
    clearTimeout(timer);
    expect(code, out).to.equal(0);
    expect(typed).to.equal(true);
    expect(out).to.not.contain('carol-pw');
    expect(execFileSync('klist', [], { env, encoding: 'utf8' })).to.contain('Default principal: carol@EXAMPLE.TEST');
  });

  it('prints the typed error and exits non-zero, without a stack trace', () => {
    const env = kdc.env(`FILE:${join(dir, 'cc-bad')}`);
    const wrong = hsec(['kinit', 'carol'], env, 'not-the-password\n');
    expect(wrong.status).to.equal(1);
    expect(wrong.stderr).to.contain('[KRB_PREAUTH_FAILED]').and.contain('carol@EXAMPLE.TEST');
    expect(wrong.stderr).to.not.match(/\n\s+at /);
    expect(wrong.stderr).to.not.contain('not-the-password');
    const unknown = hsec(['kinit', '-kt', keytab, 'nobody'], env);
    expect(unknown.status).to.equal(1);
    expect(unknown.stderr).to.contain('[KRB_');
    const missing = hsec(['klist'], env);
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.contain('[KRB_NO_CREDENTIALS]');
  });
});
