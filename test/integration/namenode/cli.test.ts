// `hsec namenode` as a real child process (ready line, pid file, SIGTERM) and `hsec fetchdt` /
// `hsec dtutil` against it over the real MIT KDC, with Kerberos ccaches made by MIT kinit/kvno.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useMiniKdc } from '../../support/fixtures.ts';
import { freePort } from '../../../cluster/mini/ports.ts';
import { pidAlive } from '../../../cluster/mini/managed-process.ts';
import { writeSiteXml } from '../../../cluster/mini/site-xml.ts';
import { NAMENODE_READY } from '../../../cluster/cli/commands/namenode.ts';
import { runFetchdt } from '../../../cluster/cli/commands/fetchdt.ts';
import { runDtutil } from '../../../cluster/cli/commands/dtutil.ts';
import { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { loadCliConfiguration } from '../../../cluster/cli/cli-configuration.ts';
import { loadConfiguration, type Configuration } from '../../../lib/config/index.ts';
import { InvalidTokenError } from '../../../lib/errors/index.ts';
import { readTokenStorageFile } from '../../../security/token/credentials-file.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import { loginUser, rejection } from './namenode-fixture.ts';
import { waitForOutput } from '../../support/child-output.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The product's HdfsClient for one NameNode, as the login user of `env` (User.login), closed afterwards. */
async function withNameNode<T>(conf: Configuration, nameNode: { host: string; port: number }, env: NodeJS.ProcessEnv, fn: (nn: HdfsClient) => Promise<T>): Promise<T> {
  const nn = await HdfsClient.connect({ conf, nameNode, env });
  try {
    return await fn(nn);
  } finally {
    nn.close();
  }
}

describe('cli: hsec namenode, fetchdt and dtutil (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let confDir: string;
  let port: number;
  let child: ChildProcess | undefined;
  let pidFile: string;
  const cc: Record<string, string> = {};
  const out: string[] = [];
  const io = (user: string, extra: NodeJS.ProcessEnv = {}) => ({
    out: (s: string) => void out.push(s),
    env: { ...realm.kdc.env(cc[user]), HADOOP_CONF_DIR: confDir, ...extra },
  });

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'hsec-nncli-'));
    confDir = join(dir, 'conf');
    mkdirSync(confDir);
    const keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    cc['alice'] = await loginUser(realm.kdc, dir, 'alice');
    cc['yarn'] = await loginUser(realm.kdc, dir, 'yarn', { serviceTicket: false }); // TGT only: the CLI's login does the TGS exchange
    port = await freePort();
    writeSiteXml(join(confDir, 'core-site.xml'), [
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
    pidFile = join(dir, 'nn.pid');
    const script = `const m = await import(${JSON.stringify(join(REPO, 'cluster/cli/commands/namenode.ts'))}); process.exitCode = await m.runNameNode(undefined, { pidFile: ${JSON.stringify(pidFile)} });`;
    child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO,
      env: { ...realm.kdc.env(), HADOOP_CONF_DIR: confDir, HSEC_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const banner = await waitForOutput(child, NAMENODE_READY, 60_000, 'hsec namenode');
    expect(banner).to.contain(`127.0.0.1:${port}`);
    expect(readFileSync(pidFile, 'utf8').trim()).to.equal(String(child.pid));
  });

  after(async () => {
    if (child?.pid && pidAlive(child.pid)) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fetchdt writes a 0600 WRITABLE file with alias ip:port; --print, --renew (as renewer) and dtutil cancel (as owner) work', async () => {
    const file = join(dir, 'alice.token');
    expect(await runFetchdt(undefined, file, { renewer: `yarn@${realm.kdc.realm}` }, io('alice'))).to.equal(0);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(readFileSync(file).subarray(0, 5).toString('hex')).to.equal('4844545300');
    const creds = await readTokenStorageFile(file);
    const token = creds.getToken(`127.0.0.1:${port}`)!;
    expect(token.kind).to.equal('HDFS_DELEGATION_TOKEN');
    const id = DelegationTokenIdentifier.decode(token.identifier);
    expect(id.owner).to.equal(`alice@${realm.kdc.realm}`);
    expect(id.renewer).to.equal('yarn');
    expect(out.join('')).to.contain(`Fetched token for 127.0.0.1:${port} into ${file}`);

    out.length = 0;
    await runFetchdt(undefined, file, { print: true }, io('alice'));
    expect(out.join('')).to.contain(`Token (HDFS_DELEGATION_TOKEN token ${id.sequenceNumber} for alice with renewer yarn) for 127.0.0.1:${port}`);

    out.length = 0;
    await runFetchdt(undefined, file, { print: true, verbose: true }, io('alice'));
    expect(out.join('')).to.contain(`Token (token for alice: HDFS_DELEGATION_TOKEN owner=alice@${realm.kdc.realm}, renewer=yarn, realUser=, `);

    out.length = 0;
    await runFetchdt(undefined, file, { renew: true }, io('yarn'));
    expect(out.join('')).to.contain(`Renewed token for 127.0.0.1:${port} until:`);
    const e = await rejection(runFetchdt(undefined, file, { renew: true }, io('alice')));
    expect(e.message).to.contain('with non-matching renewer yarn');

    // the token file alone authenticates (TOKEN), without any Kerberos ticket
    const tokenOnly = io('alice', { KRB5CCNAME: `FILE:${join(dir, 'no-such-ccache')}`, HADOOP_TOKEN_FILE_LOCATION: file });
    const conf = loadConfiguration({ env: tokenOnly.env });
    const defaults = await withNameNode(conf, { host: '127.0.0.1', port }, tokenOnly.env, (nn) => nn.getServerDefaults());
    expect(defaults.blockSize).to.equal(134_217_728);
    // ... but fetching a token needs Kerberos, and says how to get a ticket
    const e2 = await rejection(runFetchdt(undefined, join(dir, 'x.token'), {}, tokenOnly));
    expect(e2.message).to.contain('hsec kinit');

    const copy = join(dir, 'alice-copy.token');
    copyFileSync(file, copy);
    out.length = 0;
    await runDtutil(undefined, ['cancel', '-alias', `127.0.0.1:${port}`, file], io('alice'));
    expect(out.join('')).to.contain(`Canceled HDFS_DELEGATION_TOKEN:127.0.0.1:${port}`);
    expect((await readTokenStorageFile(file)).numberOfTokens).to.equal(0);
    // the cancelled token no longer authenticates
    const cancelledEnv = { ...tokenOnly.env, HADOOP_TOKEN_FILE_LOCATION: copy };
    const e3 = await rejection(withNameNode(conf, { host: '127.0.0.1', port }, cancelledEnv, (nn) => nn.getServerDefaults()));
    expect(e3).to.be.instanceOf(InvalidTokenError);
    expect(e3.message).to.contain("can't be found in cache");
  });

  it('the client takes its IPC settings from the configuration, -D included (ipc.maximum.response.length, ipc.client.fallback-to-simple-auth-allowed)', async () => {
    const file = join(dir, 'limits.token');
    // -D ipc.maximum.response.length=64: the NameNode's first SASL reply is already longer.
    const e1 = await rejection(runFetchdt({ overrides: { 'ipc.maximum.response.length': '64' } }, file, { renewer: 'yarn' }, io('alice')));
    expect(e1.code).to.equal('PROTOCOL_TOO_LARGE');
    expect(e1.message).to.contain('(64)');
    const e2 = await rejection(runDtutil({ overrides: { 'ipc.maximum.response.length': '64' } }, ['get', `hdfs://127.0.0.1:${port}`, file], io('alice')));
    expect(e2.code).to.equal('PROTOCOL_TOO_LARGE');
    expect(existsSync(file)).to.equal(false);
    // The same call within the limit works.
    expect(await runFetchdt({ overrides: { 'ipc.maximum.response.length': '1048576' } }, file, { renewer: 'yarn' }, io('alice'))).to.equal(0);
    // ipc.client.fallback-to-simple-auth-allowed: a Kerberos client meeting a SIMPLE NameNode.
    const simple = await NameNode.start(loadConfiguration({ env: {}, overrides: { 'dfs.namenode.rpc-address': '127.0.0.1:0', 'dfs.namenode.name.dir': `file://${join(dir, 'simple-name')}` } }));
    try {
      const at = simple.address;
      const refused = await rejection(withNameNode(loadCliConfiguration(undefined, io('alice').env), at, io('alice').env, (nn) => nn.getServerDefaults()));
      expect(refused.message).to.contain('Server asks us to fall back to SIMPLE auth');
      const allowed = loadCliConfiguration({ overrides: { 'ipc.client.fallback-to-simple-auth-allowed': 'true' } }, io('alice').env);
      expect((await withNameNode(allowed, at, io('alice').env, (nn) => nn.getServerDefaults())).blockSize).to.equal(134_217_728);
    } finally {
      await simple.stop();
    }
  });

  it('dtutil get/renew with -format java, then the NameNode stops on SIGTERM and removes its pid file', async () => {
    const file = join(dir, 'dtutil.token');
    await runDtutil(undefined, ['get', `hdfs://127.0.0.1:${port}`, '-renewer', 'yarn', '-format', 'java', file], io('alice'));
    expect(readFileSync(file)[4]).to.equal(0);
    out.length = 0;
    await runDtutil(undefined, ['renew', '-alias', `127.0.0.1:${port}`, file], io('yarn'));
    expect(out.join('')).to.match(/Renewed HDFS_DELEGATION_TOKEN:127\.0\.0\.1:\d+ until /);
    expect(readFileSync(file)[4]).to.equal(1); // rewritten in the default (protobuf) format

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child!.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('timeout'), 20_000))]);
    expect(code).to.equal(0);
    expect(existsSync(pidFile)).to.equal(false);
  });
});
