/**
 * What a new user hit in the first five minutes with `bin/hsec` (issue 7), each run as a real child
 * process against a real MIT KDC and a running hsec NameNode: a port in use, a conf dir that does
 * not exist, a missing token file, empty selections in dtutil and fetchdt, Hadoop's launcher and
 * GenericOptionsParser flags, dtutil's per-verb usage, fetchdt --webservice, --version, debug logs
 * that must not mix into command output, a bad HSEC_LOG_LEVEL, and krb5.conf's default_ccache_name
 * honoured by fetchdt as by kinit and klist.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram, type RunResult } from '../../../cluster/mini/binaries.ts';
import { pidAlive } from '../../../cluster/mini/managed-process.ts';
import { freePort } from '../../../cluster/mini/ports.ts';
import { writeSiteXml } from '../../../cluster/mini/site-xml.ts';
import { NAMENODE_READY } from '../../../cluster/cli/commands/namenode.ts';
import { Credentials } from '../../../security/token/credentials.ts';
import { writeTokenStorageFile } from '../../../security/token/credentials-file.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { waitForOutput } from '../../support/child-output.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const HSEC = join(REPO, 'bin', 'hsec');

describe('cli: the first five minutes (bin/hsec as a child process, MIT KDC, hsec namenode)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let confDir: string;
  let port: number;
  let nn: ChildProcess | undefined;
  let baseEnv: NodeJS.ProcessEnv;

  const hsec = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> => runProgram(HSEC, args, { env: { ...baseEnv, ...env }, timeoutMs: 60_000 });

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'hsec-five-'));
    confDir = join(dir, 'conf');
    mkdirSync(confDir);
    const keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    await realm.kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
    port = await freePort();
    writeSiteXml(join(confDir, 'core-site.xml'), [
      { name: 'fs.defaultFS', value: `hdfs://127.0.0.1:${port}` },
      { name: 'hadoop.security.authentication', value: 'kerberos' },
      { name: 'hadoop.rpc.protection', value: 'privacy' },
    ]);
    writeSiteXml(join(confDir, 'hdfs-site.xml'), [
      { name: 'dfs.namenode.rpc-address', value: `127.0.0.1:${port}` },
      { name: 'dfs.namenode.kerberos.principal', value: `nn/localhost@${realm.kdc.realm}` },
      { name: 'dfs.block.access.token.enable', value: 'true' },
      { name: 'dfs.namenode.keytab.file', value: keytab },
      { name: 'dfs.namenode.name.dir', value: `file://${join(dir, 'name')}` },
    ]);
    baseEnv = { ...process.env, ...realm.kdc.env(`FILE:${join(dir, 'cc-alice')}`), HADOOP_CONF_DIR: confDir, HADOOP_PID_DIR: dir };
    delete baseEnv.HSEC_LOG_LEVEL;
    nn = spawn(HSEC, ['namenode'], { env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForOutput(nn, NAMENODE_READY, 60_000, 'hsec namenode');
    const kinit = await hsec(['kinit', '-kt', join(dir, 'alice.keytab'), 'alice']);
    expect(kinit.code, kinit.stderr).to.equal(0);
  });

  after(() => {
    if (nn?.pid && pidAlive(nn.pid)) nn.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('hsec namenode on a port in use: ADDRESS_IN_USE naming host:port and dfs.namenode.rpc-address, no stack', async () => {
    const r = await hsec(['namenode', '--pid-file', join(dir, 'second.pid')]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain(`Problem binding the IPC server to 127.0.0.1:${port}: the address is already in use`);
    expect(r.stderr).to.contain('set dfs.namenode.rpc-address to another address or port');
    expect(r.stderr).to.contain('[ADDRESS_IN_USE]');
    expect(r.stderr).to.not.match(/\n\s+at /);
  });

  it('hsec namenode with a missing or malformed krb5.conf: CONFIG_MISSING / CONFIG_PARSE naming the file (and line), exit 1, no stack', async () => {
    const args = ['-D', 'dfs.namenode.rpc-address=127.0.0.1:0', 'namenode', '--pid-file', join(dir, 'krb5-test.pid')];
    const missing = await hsec(args, { KRB5_CONFIG: join(dir, 'no-krb5.conf') });
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain(`No krb5.conf found (looked for ${join(dir, 'no-krb5.conf')}); set KRB5_CONFIG to your krb5.conf [CONFIG_MISSING]`);
    const badConf = join(dir, 'bad-krb5.conf');
    writeFileSync(badConf, '[libdefaults]\n default_realm = EXAMPLE.TEST\n[realms\n');
    const bad = await hsec(args, { KRB5_CONFIG: badConf });
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain(`krb5.conf ${badConf}:3: expected 'tag = value', got '[realms' [CONFIG_PARSE]`);
    for (const r of [missing, bad]) expect(r.stderr).to.not.match(/\n\s+at /);
  });

  it('HADOOP_CONF_DIR=/nonexistent is reported as HADOOP_CONF_DIR, --config DIR as --config', async () => {
    const env = await hsec(['fetchdt', join(dir, 'x.token')], { HADOOP_CONF_DIR: '/nonexistent' });
    expect(env.code).to.equal(1);
    expect(env.stderr).to.contain('Configuration directory /nonexistent (from HADOOP_CONF_DIR) does not exist');
    const flag = await hsec(['--config', '/nope', 'fetchdt', join(dir, 'x.token')]);
    expect(flag.stderr).to.contain('Configuration directory /nope (from --config) does not exist');
  });

  it('a missing token file is FILE_NOT_FOUND naming it, not TOKEN_BAD_FORMAT', async () => {
    for (const args of [['fetchdt', '--print', join(dir, 'none.token')], ['dtutil', 'print', join(dir, 'none.token')]]) {
      const r = await hsec(args);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain(`Cannot read token file ${join(dir, 'none.token')}: no such file or directory (ENOENT)`);
      expect(r.stderr).to.contain('[FILE_NOT_FOUND]');
    }
  });

  it('empty selections are errors: dtutil renew -alias nosuch, fetchdt --renew / --cancel of an empty file', async () => {
    const file = join(dir, 'alice.token');
    const fetched = await hsec(['fetchdt', '--renewer', 'alice', file]);
    expect(fetched.code, fetched.stderr).to.equal(0);
    const r = await hsec(['dtutil', 'renew', '-alias', 'nosuch:1', file]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain(`no token in ${file} has service nosuch:1 (it holds: 127.0.0.1:${port})`);
    expect(r.stderr).to.contain('[NOTHING_SELECTED]');
    const renewed = await hsec(['dtutil', 'renew', '-alias', `127.0.0.1:${port}`, file]);
    expect(renewed.code, renewed.stderr).to.equal(0);
    expect(renewed.stdout).to.match(/^Renewed HDFS_DELEGATION_TOKEN:127\.0\.0\.1:\d+ until /);

    const empty = join(dir, 'empty.token');
    await writeTokenStorageFile(empty, new Credentials());
    for (const mode of ['--renew', '--cancel']) {
      const e = await hsec(['fetchdt', mode, empty]);
      expect(e.code).to.equal(1);
      expect(e.stderr).to.contain(`${empty} holds no NameNode delegation token to ${mode.slice(2)} (it holds no tokens at all)`);
    }
  });

  it("Hadoop's habits: --config DIR, -conf FILE and -D; fetchdt --webservice says it comes with HTTP; dtutil help per verb", async () => {
    const file = join(dir, 'config-flag.token');
    const viaConfig = await hsec(['--config', confDir, 'fetchdt', file], { HADOOP_CONF_DIR: '' });
    expect(viaConfig.code, viaConfig.stderr).to.equal(0);
    // -conf FILE adds a resource after the site files: here it points the client at a dead port.
    const extra = join(dir, 'extra.xml');
    writeSiteXml(extra, [{ name: 'fs.defaultFS', value: 'hdfs://127.0.0.1:1' }]);
    const viaConf = await hsec(['fetchdt', '-conf', extra, join(dir, 'never.token')]);
    expect(viaConf.code).to.equal(1);
    expect(viaConf.stderr).to.contain('127.0.0.1:1');
    const viaD = await hsec(['fetchdt', '-conf', extra, '-D', `fs.defaultFS=hdfs://127.0.0.1:${port}`, join(dir, 'd.token')]);
    expect(viaD.code, viaD.stderr).to.equal(0);

    const web = await hsec(['fetchdt', '--webservice', 'http://nn:9870', join(dir, 'w.token')]);
    expect(web.code).to.equal(1);
    expect(web.stderr).to.contain('not available yet; it comes with HTTP authentication');

    const help = await hsec(['dtutil', 'help']);
    expect(help.code).to.equal(0);
    for (const verb of ['print', 'get', 'edit', 'append', 'remove', 'cancel', 'renew', 'import']) expect(help.stdout).to.contain(`hsec dtutil ${verb} `);
    const verbHelp = await hsec(['dtutil', 'renew', '-help']);
    expect(verbHelp.stdout).to.equal('Usage: hsec dtutil renew -alias <alias> filename...\n');
    const misuse = await hsec(['dtutil', 'remove', file]);
    expect(misuse.code).to.equal(2);
    expect(misuse.stderr).to.equal('hsec: -alias flag is not optional for remove\nUsage: hsec dtutil remove -alias <alias> [-format (java|protobuf)] filename...\n');
  });

  it('--version and hsec version print the version from package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    const v = await hsec(['--version']);
    expect(v.code).to.equal(0);
    expect(v.stdout).to.equal(`${pkg.version}\n`);
    const long = await hsec(['version']);
    expect(long.stdout).to.match(new RegExp(`^hsec ${pkg.version.replace(/\./g, '\\.')}\\nCompatible with Apache Hadoop 3\\.4\\.1`));
  });

  it('HSEC_LOG_LEVEL=debug logs to stderr (JSON when not a terminal), never into stdout; a bad level is a one-line error', async () => {
    const file = join(dir, 'debug.token');
    const r = await hsec(['fetchdt', file], { HSEC_LOG_LEVEL: 'debug' });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`Fetched token for 127.0.0.1:${port} into ${file}\n`);
    const lines = r.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; component: string; msg: string });
    expect(lines.some((l) => l.component === 'kerberos.login')).to.equal(true);
    expect(lines.every((l) => typeof l.level === 'number' && typeof l.msg === 'string')).to.equal(true);
    const bad = await hsec(['klist'], { HSEC_LOG_LEVEL: 'chatty' });
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.equal('hsec: HSEC_LOG_LEVEL=chatty is not a log level: use one of trace, debug, info, warn, error, fatal, silent [CONFIG_INVALID]\n');
  });

  it("fetchdt uses krb5.conf's default_ccache_name, as kinit and klist do", async () => {
    const cache = join(dir, 'default-name-cc');
    const krb5 = join(dir, 'krb5-ccname.conf');
    writeFileSync(krb5, readFileSync(realm.kdc.krb5ConfPath, 'utf8').replace('[libdefaults]', `[libdefaults]\n  default_ccache_name = FILE:${cache}`));
    const env = { KRB5_CONFIG: krb5, KRB5CCNAME: '' };
    const kinit = await hsec(['kinit', '-kt', join(dir, 'alice.keytab'), 'alice'], env);
    expect(kinit.code, kinit.stderr).to.equal(0);
    const klist = await hsec(['klist'], env);
    expect(klist.stdout).to.contain(`Ticket cache: FILE:${cache}`);
    const fetch = await hsec(['fetchdt', join(dir, 'ccname.token')], env);
    expect(fetch.code, fetch.stderr).to.equal(0);
  });
});
