/**
 * `npm start` end to end, as a user or a supervisor runs it: spawn `npm start`, wait (bounded) for
 * the ready banner, use the printed krb5.conf and keytabs with MIT's kinit and with `bin/hsec kinit`
 * (and the printed throwaway password), check the conf dir, then signal the npm process itself
 * (SIGTERM as `docker stop` or systemd send, SIGINT as a terminal's Ctrl-C does to its foreground
 * job) and check that the hsec node process, the KDC, ZooKeeper, NameNode and DataNode are gone and the temp
 * dir is removed. The start script execs node, so npm's signal forwarding reaches hsec.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram } from '../../../cluster/mini/binaries.ts';
import { pidAlive } from '../../../cluster/mini/managed-process.ts';
import { canConnect } from '../../../cluster/mini/ports.ts';
import { BANNER_END, READY_LINE } from '../../../cluster/cli/commands/start.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { kinit, klist } from '../../support/krb5-clients.ts';
import { waitForOutput } from '../../support/child-output.ts';
import { until } from '../../support/until.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function field(banner: string, re: RegExp): string {
  const m = re.exec(banner);
  if (!m?.[1]) throw new Error(`banner lacks ${re}:\n${banner}`);
  return m[1];
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hsec start did not exit within ${timeoutMs} ms of SIGTERM`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('hsec start (npm start)', function () {
  this.timeout(180_000);
  let child: ChildProcess | undefined;
  let lastBanner = '';

  before(function () {
    requireBinariesOrSkip(this, 'krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist', 'java');
  });

  afterEach(async function () {
    // Safety net if an assertion failed before the SIGTERM step: ask hsec to stop (it stops its
    // KDC and ZooKeeper, which run in their own process groups), then SIGKILL what is left.
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const hsecPid = /hsec pid\s+(\d+)/.exec(lastBanner)?.[1];
    if (hsecPid) {
      process.kill(Number(hsecPid), 'SIGTERM');
      await waitForExit(child, 20_000).catch(() => undefined);
    }
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });

  /** Spawns `npm start` (its own process group, without the enclosing npm test's npm_* variables) and waits for the banner. */
  async function startHsec(stderr: { text: string }): Promise<string> {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));
    child = spawn('npm', ['start'], { cwd: REPO, detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const banner = await waitForOutput(child, BANNER_END, 120_000, 'hsec start', stderr);
    lastBanner = banner;
    expect(banner).to.include(READY_LINE);
    return banner;
  }

  it('brings up a usable KDC and ZooKeeper, and removes everything on SIGTERM', async function () {
    const stderr = { text: '' };
    const banner = await startHsec(stderr);

    const krb5Conf = field(banner, /export KRB5_CONFIG=(\S+)/);
    const confDir = field(banner, /HADOOP_CONF_DIR=(\S+)/);
    const aliceKeytab = field(banner, /alice@EXAMPLE\.TEST\s+keytab (\S+)/);
    const bobPassword = field(banner, /bob@EXAMPLE\.TEST\s+password (\S+)/);
    const kdcPid = Number(field(banner, /KDC .*pid (\d+)\)/));
    const zkPid = Number(field(banner, /ZooKeeper .*pid (\d+)\)/));
    const zkAddress = field(banner, /ZooKeeper\s+(\S+)/);
    const clusterDir = dirname(confDir);
    expect(pidAlive(kdcPid)).to.equal(true);
    expect(pidAlive(zkPid)).to.equal(true);

    const env = { ...process.env, KRB5_CONFIG: krb5Conf, KRB5CCNAME: `FILE:${join(clusterDir, 'test-cc')}` };
    await kinit(env, ['-kt', aliceKeytab, 'alice']);
    expect(await klist(env)).to.include('Default principal: alice@EXAMPLE.TEST');
    await kinit(env, ['bob'], `${bobPassword}\n`);
    expect(await klist(env)).to.include('Default principal: bob@EXAMPLE.TEST');

    // hsec's own Kerberos client (bin/hsec kinit) against the same realm; MIT klist reads its cache.
    const hsecKinit = await runProgram(join(REPO, 'bin', 'hsec'), ['kinit', '-k', '-t', aliceKeytab, 'alice'], { env, timeoutMs: 60_000 });
    expect(hsecKinit.code, hsecKinit.stderr).to.equal(0);
    expect(await klist(env)).to.include('Default principal: alice@EXAMPLE.TEST');

    const nnKeytab = field(banner, /nn\/localhost@EXAMPLE\.TEST\s+(\S+)/);
    await kinit(env, ['-kt', nnKeytab, 'nn/localhost']);

    // The NameNode daemon serves on the port the conf names.
    const nnPort = Number(field(banner, /NameNode RPC: [^\s:]+:(\d+)/));
    expect(await canConnect('127.0.0.1', nnPort)).to.equal(true);
    // The DataNode daemon serves block traffic on its data port, SASL at privacy with AES/CTR.
    const dnPort = Number(field(banner, /DataNode data transfer: [^\s:]+:(\d+) \(dn\/localhost@EXAMPLE\.TEST; \w+ SASL handshake, privacy, AES\/CTR\)/));
    expect(await canConnect('127.0.0.1', dnPort)).to.equal(true);

    // The banner's "Use it from another shell" lines, run as printed (bash, from the repo root):
    // MIT kinit, bin/hsec kinit, klist, bin/hsec fetchdt, bin/hsec dtutil print, bin/hsec fs -put/-ls/-get.
    const usage = banner.slice(banner.indexOf('Use it from another shell:'), banner.indexOf(BANNER_END)).split('\n').slice(1);
    const script = usage.map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
    expect(script.some((l) => l.startsWith('bin/hsec fetchdt --renewer alice '))).to.equal(true);
    expect(script.some((l) => l.startsWith('bin/hsec dtutil print '))).to.equal(true);
    const shell = await runProgram('bash', ['-ec', [`cd ${JSON.stringify(REPO)}`, ...script].join('\n')], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' }, timeoutMs: 90_000 });
    expect(shell.code, `${shell.stdout}\n${shell.stderr}`).to.equal(0);
    const tokenFile = field(banner, /bin\/hsec dtutil print (\S+)/);
    expect(statSync(tokenFile).mode & 0o777).to.equal(0o600);
    expect(shell.stdout).to.match(/Fetched token for 127\.0\.0\.1:\d+ into /);
    expect(shell.stdout).to.match(/HDFS_DELEGATION_TOKEN\s+127\.0\.0\.1:\d+\s+alice\s/);
    // HDFS through the DataNode: alice's home exists and is hers; the file comes back byte for byte.
    const readme = readFileSync(join(REPO, 'README.md'));
    expect(shell.stdout).to.match(new RegExp(`-rw-r--r--\\s+1 alice\\s+supergroup\\s+${readme.length} \\S+ \\S+ /user/alice/README\\.md`));
    const copy = field(banner, /bin\/hsec fs -get \/user\/alice\/README\.md (\S+)/);
    expect(readFileSync(copy).equals(readme)).to.equal(true);
    // Selective encryption: the seeded ZooKeeper whitelist decides, and the admin identity may change it.
    expect(shell.stdout).to.contain('127.0.0.2 is offered [auth,auth-conf]\n  rule:   entry 127.0.0.2/32 of ZooKeeper znode /hsec/whitelist line 2');
    expect(shell.stdout).to.contain('127.0.0.3 is offered [auth-conf]');
    expect(shell.stdout).to.match(/added 127\.0\.0\.3\/32 \(ZooKeeper znode \/hsec\/whitelist, 2 entries\)/);

    const core = readFileSync(join(confDir, 'core-site.xml'), 'utf8');
    expect(core).to.include('<name>hadoop.security.authentication</name>\n    <value>kerberos</value>');
    expect(zkAddress).to.match(/^127\.0\.0\.1:\d+$/);
    const hdfs = readFileSync(join(confDir, 'hdfs-site.xml'), 'utf8');
    expect(hdfs).to.include(`<value>${nnKeytab}</value>`);
    expect(hdfs).to.include('<value>nn/_HOST@EXAMPLE.TEST</value>');
    expect(hdfs).to.include(`<value>localhost:${nnPort}</value>`);

    // SIGTERM to the npm process (what a supervisor or `docker stop` sends): npm passes it on.
    const hsecPid = Number(field(banner, /hsec pid\s+(\d+)/));
    expect(hsecPid).to.not.equal(child!.pid);
    process.kill(child!.pid!, 'SIGTERM');
    await waitForExit(child!, 30_000);
    expect(await until(() => !pidAlive(hsecPid), 10_000), 'hsec exited').to.equal(true);
    expect(stderr.text).to.not.include('exited unexpectedly');
    expect(pidAlive(kdcPid)).to.equal(false);
    expect(pidAlive(zkPid)).to.equal(false);
    expect(await canConnect('127.0.0.1', nnPort)).to.equal(false);
    expect(await canConnect('127.0.0.1', dnPort)).to.equal(false);
    expect(existsSync(clusterDir)).to.equal(false);
  });

  it('stops everything and exits 1 when the KDC dies under it', async function () {
    const stderr = { text: '' };
    const banner = await startHsec(stderr);
    const kdcPid = Number(field(banner, /KDC .*pid (\d+)\)/));
    const zkPid = Number(field(banner, /ZooKeeper .*pid (\d+)\)/));
    const clusterDir = dirname(field(banner, /HADOOP_CONF_DIR=(\S+)/));
    process.kill(kdcPid, 'SIGKILL');
    expect(await waitForExit(child!, 30_000)).to.equal(1);
    expect(stderr.text).to.include('the KDC exited unexpectedly');
    expect(pidAlive(zkPid)).to.equal(false);
    expect(existsSync(clusterDir)).to.equal(false);
  });

  it('SIGINT to the npm process (Ctrl-C) stops hsec, the KDC and ZooKeeper and removes the temp dir', async function () {
    const stderr = { text: '' };
    const banner = await startHsec(stderr);
    const hsecPid = Number(field(banner, /hsec pid\s+(\d+)/));
    const kdcPid = Number(field(banner, /KDC .*pid (\d+)\)/));
    const zkPid = Number(field(banner, /ZooKeeper .*pid (\d+)\)/));
    const clusterDir = dirname(field(banner, /HADOOP_CONF_DIR=(\S+)/));
    process.kill(child!.pid!, 'SIGINT');
    await waitForExit(child!, 30_000);
    expect(await until(() => !pidAlive(hsecPid), 10_000), 'hsec exited').to.equal(true);
    expect(stderr.text).to.not.include('exited unexpectedly');
    expect(pidAlive(kdcPid)).to.equal(false);
    expect(pidAlive(zkPid)).to.equal(false);
    expect(existsSync(clusterDir)).to.equal(false);
  });
});
