// `hsec dfsadmin -refreshServiceAcl / -refreshUserToGroupsMappings / -refreshSuperUserGroupsConfiguration`
// against `hsec namenode` running as a child process over the real MIT KDC, the NameNode reading
// core-site.xml / hdfs-site.xml from HADOOP_CONF_DIR and hadoop-policy.xml there for its service ACLs
// only: the files are edited and the change takes effect on the running NameNode only after the
// refresh, never before, without a restart. Group membership comes from real Unix groups (`id`),
// changed with groupadd/gpasswd.
import { expect } from 'chai';
import { execFile as execFileCb, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { useMiniKdc } from '../../support/fixtures.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { waitForOutput } from '../../support/child-output.ts';
import { kinit } from '../../support/krb5-clients.ts';
import { freePort } from '../../../cluster/mini/ports.ts';
import { pidAlive } from '../../../cluster/mini/managed-process.ts';
import { writeSiteXml, type SiteProperty } from '../../../cluster/mini/site-xml.ts';
import { NAMENODE_READY } from '../../../cluster/cli/commands/namenode.ts';
import { DFSADMIN_FAILURE, runDfsadmin } from '../../../cluster/cli/commands/dfsadmin.ts';
import { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { acquireRpcClient } from '../../../cluster/client/shared-rpc-client.ts';
import { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import { CLIENT_PROTOCOL_INFO } from '../../../cluster/protocol/client-protocol.ts';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { User } from '../../../security/identity/user.ts';
import { callCredentials } from '../../../security/sasl/rpc/protocol-security.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { loginUser, nnConf, rejection } from './namenode-fixture.ts';

const execFile = promisify(execFileCb);
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const REFRESH_POLICY = 'org.apache.hadoop.security.authorize.RefreshAuthorizationPolicyProtocol';
const CLIENT = 'org.apache.hadoop.hdfs.protocol.ClientProtocol';
/** `hsec namenode -D ...`: rules only the start's command line sets, which no refresh reads again (Hadoop's new Configuration()). */
const START_OVERRIDES = { 'hadoop.proxyuser.oozie.users': 'carol', 'hadoop.proxyuser.oozie.hosts': '*' };

describe('dfsadmin refresh calls on a running hsec namenode (MIT KDC, real Unix groups)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  const suffix = randomBytes(3).toString('hex');
  // Unix names (and Kerberos principals) made for this suite only, removed afterwards
  const dave = `hsd${suffix}`;
  const admins = `hsa${suffix}`;
  let dir: string;
  let confDir: string;
  let port: number;
  let child: ChildProcess | undefined;
  const stderr = { text: '' };
  const cc: Record<string, string> = {};
  let core: SiteProperty[];
  let policy: SiteProperty[];

  const envOf = (user: string): NodeJS.ProcessEnv => ({ ...realm.kdc.env(cc[user]), HADOOP_CONF_DIR: confDir });
  const R = () => realm.kdc.realm;

  /** hsec dfsadmin as `user`, in this process; its stdout, stderr and exit code. */
  async function dfsadmin(user: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runDfsadmin(undefined, args, { out: (s) => void (out += s), err: (s) => void (err += s), env: envOf(user) });
    return { code, out, err };
  }

  /** A fresh client (new connection, so the connection is authorized anew) asking the NameNode for its server defaults. */
  async function serverDefaults(user: string): Promise<number> {
    const env = envOf(user);
    const nn = await HdfsClient.connect({ conf: loadConfiguration({ env }), env });
    try {
      return (await nn.getServerDefaults()).blockSize;
    } finally {
      nn.close();
    }
  }

  /** `real` (Kerberos) acting for `effective` over a new connection: creates `path` and returns its owner. */
  async function mkdirAs(real: string, effective: string, path: string): Promise<string> {
    const env = envOf(real);
    const conf = loadConfiguration({ env });
    const user = await User.login(conf, { env });
    const rpc = acquireRpcClient(conf);
    try {
      const nn = new ClientProtocolClient({ rpc: rpc.rpc, address: { host: '127.0.0.1', port }, credentials: { ...callCredentials(user, CLIENT_PROTOCOL_INFO, conf), user: effective } });
      await nn.mkdirs({ src: path, masked: { perm: 0o755 }, createParent: true });
      return (await nn.getFileInfo(path))!.owner;
    } finally {
      rpc.release();
      user.close();
    }
  }

  /** The NameNode's JSON log lines so far. */
  function logLines(): Record<string, unknown>[] {
    return stderr.text.split('\n').flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  function writeConf(): void {
    writeSiteXml(join(confDir, 'core-site.xml'), core);
    writeSiteXml(join(confDir, 'hadoop-policy.xml'), policy);
  }

  function setProp(list: SiteProperty[], name: string, value: string | undefined): void {
    const i = list.findIndex((p) => p.name === name);
    if (i >= 0) list.splice(i, 1);
    if (value !== undefined) list.push({ name, value });
    writeConf();
  }

  before(async function () {
    requireBinariesOrSkip(this, 'useradd', 'groupadd', 'gpasswd', 'userdel', 'groupdel');
    dir = mkdtempSync(join(tmpdir(), 'hsec-dfsadmin-'));
    confDir = join(dir, 'conf');
    mkdirSync(confDir);
    await execFile('groupadd', [admins]);
    await execFile('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', dave]);
    const keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    cc['nn'] = join(dir, 'cc-nn');
    await kinit(realm.kdc.env(cc['nn']), ['-kt', keytab, realm.kdc.principal('nn/localhost')]);
    for (const u of ['alice', 'bob', 'oozie', dave]) cc[u] = await loginUser(realm.kdc, dir, u, { serviceTicket: false });
    port = await freePort();
    core = [
      { name: 'hadoop.security.authentication', value: 'kerberos' },
      { name: 'hadoop.security.authorization', value: 'true' },
      { name: 'hadoop.rpc.protection', value: 'privacy' },
      { name: 'fs.defaultFS', value: `hdfs://127.0.0.1:${port}` },
      { name: 'hadoop.security.group.mapping', value: 'org.apache.hadoop.security.ShellBasedUnixGroupsMapping' },
    ];
    policy = [
      // only the HDFS superuser (nn) may refresh anything
      { name: 'security.refresh.policy.protocol.acl', value: 'nn' },
      { name: 'security.refresh.user.mappings.protocol.acl', value: 'nn' },
    ];
    writeConf();
    writeSiteXml(join(confDir, 'hdfs-site.xml'), [
      { name: 'dfs.namenode.rpc-address', value: `127.0.0.1:${port}` },
      { name: 'dfs.namenode.kerberos.principal', value: `nn/localhost@${R()}` },
      { name: 'dfs.block.access.token.enable', value: 'true' },
      { name: 'dfs.namenode.keytab.file', value: keytab },
      { name: 'dfs.namenode.name.dir', value: `file://${join(dir, 'name')}` },
      { name: 'dfs.permissions.superusergroup', value: 'supergroup' },
    ]);
    const script = `const m = await import(${JSON.stringify(join(REPO, 'cluster/cli/commands/namenode.ts'))}); process.exitCode = await m.runNameNode({ overrides: ${JSON.stringify(START_OVERRIDES)} }, { pidFile: ${JSON.stringify(join(dir, 'nn.pid'))} });`;
    child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO,
      env: { ...realm.kdc.env(), HADOOP_CONF_DIR: confDir, HSEC_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await waitForOutput(child, NAMENODE_READY, 60_000, 'hsec namenode', stderr);
    // a directory everyone may write, for the impersonated calls
    const env = envOf('nn');
    const nn = await HdfsClient.connect({ conf: loadConfiguration({ env }), env });
    try {
      await nn.mkdir('/shared');
      await nn.chmod('/shared', 0o1777);
    } finally {
      nn.close();
    }
  });

  after(async () => {
    if (child?.pid && pidAlive(child.pid)) child.kill('SIGKILL');
    await execFile('userdel', [dave]).catch(() => undefined);
    await execFile('groupdel', [admins]).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('-refreshServiceAcl applies an edited hadoop-policy.xml to the running NameNode, and only after the refresh', async () => {
    expect(await serverDefaults('bob')).to.equal(134_217_728);
    setProp(policy, 'security.client.protocol.acl', 'alice,nn');
    // the file changed, the NameNode has not re-read it: bob still gets in on a new connection
    expect(await serverDefaults('bob')).to.equal(134_217_728);

    const r = await dfsadmin('nn', '-refreshServiceAcl');
    expect(r).to.deep.equal({ code: 0, out: 'Refresh service acl successful\n', err: '' });

    const e = await rejection(serverDefaults('bob'));
    expect(e.details?.exceptionClassName).to.equal('org.apache.hadoop.security.authorize.AuthorizationException');
    expect(e.message).to.contain(`User bob@${R()} (auth:KERBEROS) is not authorized for protocol interface ${CLIENT}: denied by configured ACL`);
    expect(await serverDefaults('alice')).to.equal(134_217_728);
    expect(stderr.text).to.contain('Refreshed service ACLs (1 changed). Requested by user: nn');
    expect(logLines().find((l) => l['cmd'] === 'refreshServiceAcl')?.['msg']).to.equal(`allowed=true\tugi=nn/localhost@${R()} (auth:KERBEROS)\tip=/127.0.0.1\tcmd=refreshServiceAcl\tsrc=null\tdst=null\tperm=null\tproto=rpc`);

    // the host lists are refreshed with the ACLs
    setProp(policy, 'security.client.protocol.hosts', '10.0.0.0/8');
    expect((await dfsadmin('nn', '-refreshServiceAcl')).code).to.equal(0);
    expect((await rejection(serverDefaults('alice'))).message).to.contain(`Host 127.0.0.1 is not authorized for protocol interface ${CLIENT}`);
    setProp(policy, 'security.client.protocol.hosts', undefined);
    expect((await dfsadmin('nn', '-refreshServiceAcl')).code).to.equal(0);
    expect(await serverDefaults('alice')).to.equal(134_217_728);

    // a file that does not parse fails the refresh and leaves the ACLs in force as they were
    // (clients and dfsadmin never read hadoop-policy.xml, so the broken file does not stop them)
    writeFileSync(join(confDir, 'hadoop-policy.xml'), '<configuration><property><name>security.client.protocol.acl</name>');
    const broken = await dfsadmin('nn', '-refreshServiceAcl');
    expect(broken.code).to.equal(DFSADMIN_FAILURE);
    expect(broken.err).to.match(/^refreshServiceAcl: Cannot parse configuration file .*\/conf\/hadoop-policy\.xml at line 1: .*\n$/);
    expect((await rejection(serverDefaults('bob'))).message).to.contain('is not authorized for protocol');
    expect(await serverDefaults('alice')).to.equal(134_217_728);

    setProp(policy, 'security.client.protocol.acl', undefined);
    expect((await dfsadmin('nn', '-refreshServiceAcl')).code).to.equal(0);
    expect(await serverDefaults('bob')).to.equal(134_217_728);
  });

  it('a user the refresh protocols\' ACLs do not name is refused, as DFSAdmin shows it; widening those ACLs takes a refresh too', async () => {
    const before = await dfsadmin('alice', '-refreshServiceAcl');
    expect(before.code).to.equal(DFSADMIN_FAILURE);
    expect(before.out).to.equal('');
    expect(before.err).to.equal(`refreshServiceAcl: User alice@${R()} (auth:KERBEROS) is not authorized for protocol interface ${REFRESH_POLICY}: denied by configured ACL\n`);
    const mappings = await dfsadmin('alice', '-refreshUserToGroupsMappings');
    expect(mappings.code).to.equal(DFSADMIN_FAILURE);
    expect(mappings.err).to.equal(`refreshUserToGroupsMappings: User alice@${R()} (auth:KERBEROS) is not authorized for protocol interface org.apache.hadoop.security.RefreshUserMappingsProtocol: denied by configured ACL\n`);

    setProp(policy, 'security.refresh.policy.protocol.acl', `nn ${admins}`);
    setProp(policy, 'security.refresh.user.mappings.protocol.acl', `nn,alice`);
    expect((await dfsadmin('alice', '-refreshServiceAcl')).code).to.equal(DFSADMIN_FAILURE); // not yet applied
    expect((await dfsadmin('nn', '-refreshServiceAcl')).code).to.equal(0);
    expect(await dfsadmin('alice', '-refreshUserToGroupsMappings')).to.deep.equal({ code: 0, out: 'Refresh user to groups mapping successful\n', err: '' });
    expect((await dfsadmin('alice', '-refreshServiceAcl')).code).to.equal(DFSADMIN_FAILURE); // alice is not in the admins group
  });

  it('-refreshUserToGroupsMappings makes a new Unix group membership count at once, not after the group cache expires', async () => {
    // the ACL admits the admins group only; dave is not in it yet
    setProp(policy, 'security.refresh.policy.protocol.acl', `nn ${admins}`);
    expect((await dfsadmin('nn', '-refreshServiceAcl')).code).to.equal(0);
    expect((await dfsadmin(dave, '-refreshServiceAcl')).err).to.contain(`User ${dave}@${R()} (auth:KERBEROS) is not authorized`);

    await execFile('gpasswd', ['-a', dave, admins]);
    // the NameNode still has dave's groups cached (hadoop.security.groups.cache.secs = 300)
    expect((await dfsadmin(dave, '-refreshServiceAcl')).code).to.equal(DFSADMIN_FAILURE);
    expect(await dfsadmin('nn', '-refreshUserToGroupsMappings')).to.deep.equal({ code: 0, out: 'Refresh user to groups mapping successful\n', err: '' });
    expect(await dfsadmin(dave, '-refreshServiceAcl')).to.deep.equal({ code: 0, out: 'Refresh service acl successful\n', err: '' });
    expect(stderr.text).to.contain('Refreshing all user-to-groups mappings. Requested by user: nn');
  });

  it('-refreshSuperUserGroupsConfiguration applies edited hadoop.proxyuser rules to impersonated calls, and drops the start\'s -D rules', async () => {
    // the NameNode started with -D rules letting oozie act for carol from anywhere
    expect(await mkdirAs('oozie', 'carol', '/shared/a')).to.equal('carol');
    expect((await rejection(mkdirAs('oozie', 'mallory', '/shared/m'))).message).to.contain(`User: oozie@${R()} is not allowed to impersonate mallory`);

    // a refresh reads the files only, as Hadoop's new Configuration() does: the -D rules are gone
    expect(await dfsadmin('nn', '-refreshSuperUserGroupsConfiguration')).to.deep.equal({ code: 0, out: 'Refresh super user groups configuration successful\n', err: '' });
    const refused = await rejection(mkdirAs('oozie', 'carol', '/shared/b'));
    expect(refused.details?.exceptionClassName).to.equal('org.apache.hadoop.security.authorize.AuthorizationException');
    expect(refused.message).to.contain(`User: oozie@${R()} is not allowed to impersonate carol`);

    // rules in hadoop-policy.xml are not read by either refresh (Hadoop layers that file for the service ACLs only)
    setProp(policy, 'hadoop.proxyuser.oozie.users', 'carol');
    setProp(policy, 'hadoop.proxyuser.oozie.hosts', '*');
    expect((await dfsadmin('nn', '-refreshSuperUserGroupsConfiguration')).code).to.equal(0);
    expect((await dfsadmin('nn', '-refreshServiceAcl')).code).to.equal(0);
    expect((await rejection(mkdirAs('oozie', 'carol', '/shared/b'))).message).to.contain(`User: oozie@${R()} is not allowed to impersonate carol`);
    expect(stderr.text).to.contain('Refreshing SuperUser proxy group mapping list (0 rules changed). Requested by user: nn');
    setProp(policy, 'hadoop.proxyuser.oozie.users', undefined);
    setProp(policy, 'hadoop.proxyuser.oozie.hosts', undefined);

    setProp(core, 'hadoop.proxyuser.oozie.users', 'carol');
    setProp(core, 'hadoop.proxyuser.oozie.hosts', '10.0.0.0/8');
    expect((await rejection(mkdirAs('oozie', 'carol', '/shared/b'))).message).to.contain('is not allowed to impersonate carol'); // not yet applied
    expect((await dfsadmin('nn', '-refreshSuperUserGroupsConfiguration')).code).to.equal(0);
    const host = await rejection(mkdirAs('oozie', 'carol', '/shared/b'));
    expect(host.message).to.contain(`Unauthorized connection for super-user: oozie@${R()} from IP /127.0.0.1`);

    setProp(core, 'hadoop.proxyuser.oozie.hosts', '127.0.0.1');
    expect((await dfsadmin('nn', '-refreshSuperUserGroupsConfiguration')).code).to.equal(0);
    expect(await mkdirAs('oozie', 'carol', '/shared/b')).to.equal('carol');
    expect((await rejection(mkdirAs('oozie', 'mallory', '/shared/m'))).message).to.contain('is not allowed to impersonate mallory');
    expect(stderr.text).to.contain('Refreshing SuperUser proxy group mapping list (2 rules changed). Requested by user: nn');
    expect(stderr.text).to.contain('Refreshing SuperUser proxy group mapping list (1 rules changed). Requested by user: nn');
  });

  it('with hadoop.security.authorization off, -refreshServiceAcl is refused as Hadoop refuses it; the other refreshes work', async () => {
    const nnDir = join(dir, 'second');
    mkdirSync(nnDir);
    const open = await NameNode.start(nnConf(realm.kdc, nnDir, join(dir, 'nn.keytab'), 'privacy'));
    try {
      const fs = { overrides: { 'fs.defaultFS': `hdfs://127.0.0.1:${open.address.port}` } };
      let err = '';
      const code = await runDfsadmin(fs, ['-refreshServiceAcl'], { out: () => undefined, err: (s) => void (err += s), env: envOf('bob') });
      expect({ code, err }).to.deep.equal({ code: DFSADMIN_FAILURE, err: 'refreshServiceAcl: Service Level Authorization not enabled!\n' });
      expect(await runDfsadmin(fs, ['-refreshUserToGroupsMappings'], { out: () => undefined, env: envOf('bob') })).to.equal(0);
    } finally {
      await open.stop();
    }
  });

  it('bin/hsec dfsadmin: usage and unknown commands as DFSAdmin prints them, exit 255', async () => {
    const run = (args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const p = spawn(join(REPO, 'bin/hsec'), ['dfsadmin', ...args], { env: { ...process.env, ...envOf('nn') }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (b: Buffer) => (out += b.toString()));
      p.stderr.on('data', (b: Buffer) => (err += b.toString()));
      p.on('exit', (code) => resolve({ code, out, err }));
    });
    const ok = await run(['-refreshUserToGroupsMappings']);
    expect(ok).to.deep.equal({ code: 0, out: 'Refresh user to groups mapping successful\n', err: '' });
    const usage = await run(['-refreshServiceAcl', 'extra']);
    expect(usage).to.deep.equal({ code: 255, out: '', err: 'Usage: hsec dfsadmin [-refreshServiceAcl]\n' });
    const unknown = await run(['-nosuch']);
    expect(unknown.code).to.equal(255);
    expect(unknown.err).to.match(/^nosuch: Unknown command\nUsage: hsec dfsadmin\n/);
  });
});
