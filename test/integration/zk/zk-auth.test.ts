/**
 * ZooKeeper authentication both ways secure clusters run it, against real peers:
 * - digest (hadoop.zk.auth / hadoop.zk.acl): our digest ids equal ZooKeeper's own
 *   DigestAuthenticationProvider (run from the Debian jar); a node with
 *   `digest:admin:HASH:cdrwa,world:anyone:r` is world-readable, refuses writes from an anonymous
 *   session and from a wrong password with ZK_NO_AUTH naming the session's identities, and takes
 *   writes from the admin identity, configured through core-site keys with @file indirection.
 * - Kerberos SASL (GSSAPI) against a ZooKeeper with SASLAuthenticationProvider and a MIT KDC:
 *   `sasl:alice@EXAMPLE.TEST` ACLs admit alice's keytab login and refuse bob's and anonymous
 *   sessions; a wrong server service name fails with ZK_AUTH_FAILED naming both principals; a
 *   server requiring SASL refuses an anonymous client with ZK_AUTH_FAILED.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary, runProgram } from '../../../cluster/mini/binaries.ts';
import { ZOOKEEPER_JAR } from '../../../cluster/mini/mini-zookeeper.ts';
import { Configuration } from '../../../lib/config/index.ts';
import { ZkClient, digestId, parseAcls, zkClientOptionsFromConfig, type ZkAuthInfo } from '../../../lib/zk/index.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { loginFromKeytab, type KerberosLogin } from '../../../security/kerberos/login/index.ts';
import { zkKerberosSasl, zkKerberosSaslFromConfig } from '../../../security/zk/index.ts';
import { useMiniKdc, useMiniZooKeeper } from '../../support/fixtures.ts';
import { rejectsWithCode } from '../../support/expect-code.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const digest = (userPassword: string): ZkAuthInfo => ({ scheme: 'digest', auth: enc(userPassword) });

describe('ZooKeeper digest authentication and ACLs (hadoop.zk.auth / hadoop.zk.acl)', function () {
  this.timeout(60_000);
  const fixture = useMiniZooKeeper();
  let dir: string;
  const clients: ZkClient[] = [];
  const connect = async (authInfos: ZkAuthInfo[] = []): Promise<ZkClient> => {
    const c = await ZkClient.connect({ connectString: fixture.zk.connectString, authInfos });
    clients.push(c);
    return c;
  };

  before(() => (dir = mkdtempSync(join(tmpdir(), 'hsec-zkauth-'))));
  after(async () => {
    for (const c of clients) await c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("computes the same digest ids as ZooKeeper's DigestAuthenticationProvider", async function () {
    const inputs = ['admin:secret', 'hdfs:pa:ss', 'user:'];
    const out = await runProgram(requireBinary('java'), ['-Xmx64m', '-cp', `${ZOOKEEPER_JAR}:/usr/share/java/slf4j-api.jar`, 'org.apache.zookeeper.server.auth.DigestAuthenticationProvider', ...inputs], {
      timeoutMs: 60_000,
    });
    for (const input of inputs) expect(out.stdout).to.include(`${input}->${digestId(input)}`);
  });

  it('lets the world read a digest-protected node, refuses writes without the admin identity, accepts them with it', async () => {
    const admin = await connect([digest('admin:secret')]);
    const acl = parseAcls(`digest:${digestId('admin:secret')}:cdrwa,world:anyone:r`);
    await admin.create('/policy', enc('v1'), { acl });

    const anonymous = await connect();
    expect(dec((await anonymous.getData('/policy')).data)).to.equal('v1');
    const refused = await rejectsWithCode(anonymous.setData('/policy', enc('evil')), 'ZK_NO_AUTH');
    expect(refused.message).to.include('setData on /policy').and.include('anonymous session').and.include('hadoop.zk.auth');

    const wrong = await connect([digest('admin:guess')]);
    const wrongErr = await rejectsWithCode(wrong.setData('/policy', enc('evil')), 'ZK_NO_AUTH');
    expect(wrongErr.message).to.include('[digest:admin]');
    expect(wrongErr.message).to.not.include('guess');
    await rejectsWithCode(wrong.create('/policy/child'), 'ZK_NO_AUTH'); // CREATE on /policy: admin only

    await admin.setData('/policy', enc('v2'));
    expect(dec((await anonymous.getData('/policy')).data)).to.equal('v2');
  });

  it('takes the admin identity and the ACL from core-site keys, the password through @file', async () => {
    writeFileSync(join(dir, 'zk-auth'), 'digest:ops:opsecret\n', { mode: 0o600 });
    const conf = new Configuration({ env: {} })
      .set('hadoop.zk.address', fixture.zk.connectString)
      .set('hadoop.zk.auth', `@${join(dir, 'zk-auth')}`)
      .set('hadoop.zk.acl', `digest:${digestId('ops:opsecret')}:rwcda,world:anyone:r`)
      .set('hadoop.zk.timeout-ms', '6000');
    const ops = new ZkClient(zkClientOptionsFromConfig(conf));
    clients.push(ops);
    await ops.create('/from-conf', enc('x'));
    expect((await ops.getAcl('/from-conf')).acl.map((a) => `${a.scheme}:${a.id}:${a.perms}`)).to.deep.equal([`digest:${digestId('ops:opsecret')}:31`, 'world:anyone:1']);
    await ops.setData('/from-conf', enc('y'));
    await rejectsWithCode((await connect()).setData('/from-conf', enc('z')), 'ZK_NO_AUTH');
  });
});

describe('ZooKeeper Kerberos (SASL GSSAPI) authentication and sasl: ACLs', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  const fixture = useMiniZooKeeper(() => ({ kerberos: { kdc: realm.kdc } }));
  const logins: KerberosLogin[] = [];
  const clients: ZkClient[] = [];

  async function login(name: string): Promise<KerberosLogin> {
    const keytab = join(realm.kdc.dir, `${name}.keytab`);
    await realm.kdc.createKeytab(keytab, name);
    const l = await loginFromKeytab(name, keytab, { conf: loadKrb5Config(realm.kdc.krb5ConfPath) });
    logins.push(l);
    return l;
  }
  async function connect(l?: KerberosLogin, serviceName?: string): Promise<ZkClient> {
    const c = await ZkClient.connect({
      connectString: fixture.zk.connectString,
      sessionTimeoutMs: 8000,
      ...(l ? { sasl: zkKerberosSasl(l, serviceName ? { serviceName } : {}) } : {}),
    });
    clients.push(c);
    return c;
  }

  after(async () => {
    for (const c of clients) await c.close();
    for (const l of logins) l.close();
  });

  it("admits alice's Kerberos session to a sasl:alice ACL and refuses bob and anonymous sessions", async () => {
    const alice = await connect(await login('alice'));
    expect(alice.identities).to.deep.equal(['sasl:alice@EXAMPLE.TEST']);
    await alice.create('/alice-only', enc('secret-ish'), { acl: parseAcls('sasl:alice@EXAMPLE.TEST:cdrwa') });
    expect(dec((await alice.getData('/alice-only')).data)).to.equal('secret-ish');
    await alice.setData('/alice-only', enc('updated'));

    const bob = await connect(await login('bob'));
    const refused = await rejectsWithCode(bob.getData('/alice-only'), 'ZK_NO_AUTH');
    expect(refused.message).to.include('sasl:bob@EXAMPLE.TEST').and.include('getData on /alice-only');
    await rejectsWithCode(bob.setData('/alice-only', enc('x')), 'ZK_NO_AUTH');
    await rejectsWithCode((await connect()).getData('/alice-only'), 'ZK_NO_AUTH');
  });

  it('fails with ZK_AUTH_FAILED, naming both principals, when the server principal does not exist', async () => {
    const carol = await login('carol');
    const err = await rejectsWithCode(
      ZkClient.connect({ connectString: fixture.zk.connectString, sessionTimeoutMs: 8000, sasl: zkKerberosSasl(carol, { serviceName: 'zk' }) }),
      'ZK_AUTH_FAILED',
    );
    expect(err.message).to.include('carol@EXAMPLE.TEST').and.include('zk/localhost@EXAMPLE.TEST');
  });

  it('logs in from hadoop.zk.kerberos.principal / keytab and authenticates every connection', async () => {
    const keytab = join(realm.kdc.dir, 'dave.keytab');
    await realm.kdc.createKeytab(keytab, 'dave');
    const conf = new Configuration({ env: {} })
      .set('hadoop.zk.address', fixture.zk.connectString)
      .set('hadoop.zk.kerberos.principal', 'dave@EXAMPLE.TEST')
      .set('hadoop.zk.kerberos.keytab', keytab)
      .set('hadoop.zk.server.principal', 'zookeeper');
    const { login: l, options } = await zkKerberosSaslFromConfig(conf, { conf: loadKrb5Config(realm.kdc.krb5ConfPath) });
    logins.push(l!);
    const dave = new ZkClient(options);
    clients.push(dave);
    await dave.create('/dave', enc('d'), { acl: parseAcls('sasl:dave@EXAMPLE.TEST:cdrwa') });
    expect(dave.identities).to.deep.equal(['sasl:dave@EXAMPLE.TEST']);
    await rejectsWithCode((await connect()).getData('/dave'), 'ZK_NO_AUTH');
  });
});

describe('ZooKeeper requiring SASL authentication', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  const fixture = useMiniZooKeeper(() => ({ kerberos: { kdc: realm.kdc, requireClientAuth: true } }));

  it('refuses an anonymous session with ZK_AUTH_FAILED saying Kerberos is required, and serves a Kerberos one', async () => {
    const anonymous = new ZkClient({ connectString: fixture.zk.connectString, sessionTimeoutMs: 6000 });
    const err = await rejectsWithCode(anonymous.getData('/'), 'ZK_AUTH_FAILED');
    expect(err.message).to.include('requires SASL');
    expect(anonymous.state).to.equal('auth-failed');
    await rejectsWithCode(anonymous.exists('/'), 'ZK_AUTH_FAILED');
    await anonymous.close();

    const keytab = join(realm.kdc.dir, 'erin.keytab');
    await realm.kdc.createKeytab(keytab, 'erin');
    const l = await loginFromKeytab('erin', keytab, { conf: loadKrb5Config(realm.kdc.krb5ConfPath) });
    const erin = await ZkClient.connect({ connectString: fixture.zk.connectString, sasl: zkKerberosSasl(l) });
    try {
      expect(await erin.create('/erin')).to.equal('/erin');
    } finally {
      await erin.close();
      l.close();
    }
  });
});
