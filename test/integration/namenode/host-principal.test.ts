// `dfs.namenode.kerberos.principal=nn/_HOST@REALM` with the NameNode at an IP literal (127.0.0.1),
// the standard Hadoop deployment: the NameNode substitutes `_HOST` with the reverse-resolved name of
// its RPC address and the client with Java's getCanonicalHostName() of the address it dials (the
// token's `ip:port` for renew/cancel), so both sides agree on nn/<canonical name>@REALM. The real
// MIT KDC issues the tickets; the clients hold only a TGT, so the service principal they ask the KDC
// for is the one they computed.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useMiniKdc } from '../../support/fixtures.ts';
import { freePort } from '../../../cluster/mini/ports.ts';
import { writeSiteXml } from '../../../cluster/mini/site-xml.ts';
import { runFetchdt } from '../../../cluster/cli/commands/fetchdt.ts';
import { runDtutil } from '../../../cluster/cli/commands/dtutil.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { canonicalHostName } from '../../../lib/net/resolve.ts';
import { readTokenStorageFile } from '../../../security/token/credentials-file.ts';
import { kerberosClient, loginUser, rejection } from './namenode-fixture.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';

describe('NameNode with nn/_HOST@REALM at 127.0.0.1: fetchdt, renew, cancel (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let confDir: string;
  let port: number;
  let host: string;
  let nn: NameNode | undefined;
  const cc: Record<string, string> = {};
  const out: string[] = [];
  const io = (user: string) => ({ out: (s: string) => void out.push(s), env: { ...realm.kdc.env(cc[user]), HADOOP_CONF_DIR: confDir } });

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'hsec-nnhost-'));
    confDir = join(dir, 'conf');
    mkdirSync(confDir);
    // Java's InetAddress.getByName("127.0.0.1").getCanonicalHostName(): `localhost` here (/etc/hosts).
    host = await canonicalHostName('127.0.0.1');
    expect(host).to.equal('localhost');
    const keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, `nn/${host}`);
    cc['alice'] = await loginUser(realm.kdc, dir, 'alice', { serviceTicket: false });
    cc['yarn'] = await loginUser(realm.kdc, dir, 'yarn', { serviceTicket: false });
    port = await freePort();
    const site = [
      { name: 'dfs.namenode.rpc-address', value: `127.0.0.1:${port}` },
      { name: 'dfs.namenode.kerberos.principal', value: `nn/_HOST@${realm.kdc.realm}` },
      { name: 'dfs.block.access.token.enable', value: 'true' },
      { name: 'dfs.namenode.keytab.file', value: keytab },
      { name: 'dfs.namenode.name.dir', value: `file://${join(dir, 'name')}` },
    ];
    const core = [
      { name: 'hadoop.security.authentication', value: 'kerberos' },
      { name: 'hadoop.rpc.protection', value: 'privacy' },
    ];
    writeSiteXml(join(confDir, 'core-site.xml'), core);
    writeSiteXml(join(confDir, 'hdfs-site.xml'), site);
    const conf = loadConfiguration({ env: { ...realm.kdc.env(), HADOOP_CONF_DIR: confDir } });
    nn = await NameNode.start(conf);
  });

  after(async () => {
    await nn?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the NameNode logs in as nn/<reverse-resolved rpc host>, not nn/127.0.0.1', () => {
    expect(nn!.principal).to.equal(`nn/${host}@${realm.kdc.realm}`);
    expect(nn!.address).to.deep.equal({ host: '127.0.0.1', port });
  });

  it('fetchdt, fetchdt --renew and dtutil renew (renewer), fetchdt --cancel (owner) dial 127.0.0.1 and accept nn/<canonical>@REALM', async () => {
    const file = join(dir, 'alice.token');
    expect(await runFetchdt(undefined, file, { renewer: 'yarn' }, io('alice'))).to.equal(0);
    const token = (await readTokenStorageFile(file)).getToken(`127.0.0.1:${port}`);
    expect(token?.kind).to.equal('HDFS_DELEGATION_TOKEN');

    out.length = 0;
    expect(await runFetchdt(undefined, file, { renew: true }, io('yarn'))).to.equal(0);
    expect(out.join('')).to.contain(`Renewed token for 127.0.0.1:${port} until:`);

    out.length = 0;
    await runDtutil(undefined, ['renew', '-alias', `127.0.0.1:${port}`, file], io('yarn'));
    expect(out.join('')).to.match(/Renewed HDFS_DELEGATION_TOKEN:127\.0\.0\.1:\d+ until /);

    out.length = 0;
    expect(await runFetchdt(undefined, file, { cancel: true }, io('alice'))).to.equal(0);
    expect(out.join('')).to.contain(`Cancelled token for 127.0.0.1:${port}`);
    // cancelled: renewing again is refused by the NameNode (the Kerberos handshake itself still works)
    const e = await rejection(runFetchdt(undefined, file, { renew: true }, io('yarn')));
    expect(e.message).to.match(/can't be found|not found|InvalidToken/i);
  });

  it('dtutil get -alias A keeps the token under its ip:port service and adds a copy with service A (DtFileOperations.getTokenFile)', async () => {
    const file = join(dir, 'aliased.token');
    expect(await runDtutil(undefined, ['get', `hdfs://127.0.0.1:${port}/user/alice`, '-renewer', 'yarn', '-alias', 'my-nn', file], io('alice'))).to.equal(0);
    const creds = await readTokenStorageFile(file);
    expect(creds.numberOfTokens).to.equal(2);
    const original = creds.getToken(`127.0.0.1:${port}`)!;
    const copy = creds.getToken('my-nn')!;
    expect(original.service).to.equal(`127.0.0.1:${port}`);
    expect(copy.service).to.equal('my-nn');
    expect(Buffer.from(copy.identifier).equals(Buffer.from(original.identifier))).to.equal(true);
    expect(Buffer.from(copy.password).equals(Buffer.from(original.password))).to.equal(true);
    // -service hdfs with a bare HOST:PORT reaches the same NameNode
    const bare = join(dir, 'bare.token');
    expect(await runDtutil(undefined, ['get', `127.0.0.1:${port}`, '-service', 'hdfs', bare], io('alice'))).to.equal(0);
    expect((await readTokenStorageFile(bare)).getToken(`127.0.0.1:${port}`)?.kind).to.equal('HDFS_DELEGATION_TOKEN');
  });

  it('a principal without @REALM takes krb5.conf default_realm (login and auth_to_local), so Kerberos users map to short names', async () => {
    const conf = loadConfiguration({
      env: {},
      overrides: {
        'hadoop.security.authentication': 'kerberos',
        'hadoop.rpc.protection': 'privacy',
        'dfs.namenode.rpc-address': '127.0.0.1:0',
        'dfs.namenode.kerberos.principal': `nn/${host}`,
        'dfs.block.access.token.enable': 'true',
        'dfs.namenode.keytab.file': join(dir, 'nn.keytab'),
        'dfs.namenode.name.dir': `file://${join(dir, 'name-norealm')}`,
      },
    });
    const nn2 = await NameNode.start(conf, { krb5: loadKrb5Config(realm.kdc.krb5ConfPath) });
    const ccache = await loginUser(realm.kdc, dir, 'carol'); // TGT + ticket for nn/localhost
    const c = kerberosClient(realm.kdc, ccache, 'carol', nn2.address, 'privacy');
    try {
      expect(nn2.principal).to.equal(`nn/${host}@${realm.kdc.realm}`);
      const token = await c.nn.getDelegationToken('yarn');
      expect(token?.decodeIdentifier()?.toString()).to.contain(`owner=carol@${realm.kdc.realm}, renewer=yarn`);
    } finally {
      c.close();
      await nn2.stop();
    }
  });
});
