// Negative paths of the NameNode token tools over the real MIT KDC, asserting the stable error
// `code` (and the Hadoop class and RpcErrorCodeProto the reply carried), not only class or text:
//  - `hsec fetchdt` (runFetchdt and the bin/hsec CLI) with a ticket cache whose TGT has expired (a
//    realm with a 10 s maximum ticket life, MIT kinit, then waiting), and with no ccache at all:
//    typed KerberosError naming `hsec kinit`, after a control fetch with a fresh ticket succeeded;
//  - token refusals (FSNamesystem / AbstractDelegationTokenSecretManager rules): getDelegationToken
//    and renewDelegationToken over TOKEN auth, renewal of an expired token, use and renewal of a
//    cancelled token, renewal by a wrong renewer and cancellation by a stranger.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useMiniKdc } from '../../support/fixtures.ts';
import { runProgram } from '../../../cluster/mini/binaries.ts';
import { writeSiteXml } from '../../../cluster/mini/site-xml.ts';
import { runFetchdt } from '../../../cluster/cli/commands/fetchdt.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { AccessControlError, InvalidTokenError, KerberosError, RemoteError } from '../../../lib/errors/index.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import { readTokenStorageFile } from '../../../security/token/credentials-file.ts';
import type { Token } from '../../../security/token/token.ts';
import { kerberosClient, loginUser, nnConf, rejection, tokenClient } from './namenode-fixture.ts';
import type { TestClient } from './namenode-fixture.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DAY = 86_400_000;
const INVALID_TOKEN = 'org.apache.hadoop.security.token.SecretManager$InvalidToken';

describe('namenode negative paths: fetchdt with an expired or missing ticket cache (MIT KDC, 10 s tickets)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc({ maxTicketLifeSeconds: 10, maxRenewableLifeSeconds: 0 });
  let dir: string;
  let confDir: string;
  let nn: NameNode;

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-neg-'));
    const keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    nn = await NameNode.start(nnConf(realm.kdc, dir, keytab, 'privacy'));
    confDir = join(dir, 'conf');
    mkdirSync(confDir);
    writeSiteXml(join(confDir, 'core-site.xml'), [
      { name: 'hadoop.security.authentication', value: 'kerberos' },
      { name: 'hadoop.rpc.protection', value: 'privacy' },
    ]);
    writeSiteXml(join(confDir, 'hdfs-site.xml'), [
      { name: 'dfs.namenode.rpc-address', value: `127.0.0.1:${nn.address.port}` },
      { name: 'dfs.namenode.kerberos.principal', value: `nn/localhost@${realm.kdc.realm}` },
      { name: 'dfs.block.access.token.enable', value: 'true' },
    ]);
  });
  after(async () => {
    await nn?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const env = (ccache: string): NodeJS.ProcessEnv => ({ ...realm.kdc.env(ccache), HADOOP_CONF_DIR: confDir, HSEC_LOG_LEVEL: 'error' });

  it('a fresh ticket fetches a token; once the TGT has expired fetchdt (function and CLI) fails with KRB_EXPIRED naming hsec kinit', async function () {
    this.timeout(90_000);
    const ccache = await loginUser(realm.kdc, dir, 'alice', { serviceTicket: false }); // TGT only: fetchdt does the TGS exchange
    const t0 = Date.now();
    const file = join(dir, 'fresh.token');
    expect(await runFetchdt(undefined, file, { renewer: 'yarn' }, { env: env(ccache), out: () => undefined })).to.equal(0);
    expect((await readTokenStorageFile(file)).numberOfTokens).to.equal(1);

    await new Promise((r) => setTimeout(r, Math.max(0, t0 + 12_000 - Date.now()))); // past the 10 s ticket life
    const e = await rejection(runFetchdt(undefined, join(dir, 'late.token'), { renewer: 'yarn' }, { env: env(ccache), out: () => undefined }));
    expect(e).to.be.instanceOf(KerberosError);
    expect(e.code).to.equal('KRB_EXPIRED');
    expect(e.message).to.contain(`hsec kinit alice@${realm.kdc.realm}`);
    expect(e.details?.['ccache']).to.equal(ccache);

    const cli = await runProgram(join(REPO, 'bin', 'hsec'), ['fetchdt', '--renewer', 'yarn', join(dir, 'cli.token')], { env: env(ccache), timeoutMs: 60_000 });
    expect(cli.code, cli.stderr).to.equal(1);
    expect(cli.stderr).to.contain('[KRB_EXPIRED]');
    expect(cli.stderr).to.contain('hsec kinit');
  });

  it('with no ticket cache at all fetchdt fails with KRB_NO_CREDENTIALS naming hsec kinit (function and CLI)', async () => {
    const missing = join(dir, 'no-such-ccache');
    const e = await rejection(runFetchdt(undefined, join(dir, 'none.token'), { renewer: 'yarn' }, { env: env(missing), out: () => undefined }));
    expect(e).to.be.instanceOf(KerberosError);
    expect(e.code).to.equal('KRB_NO_CREDENTIALS');
    expect(e.message).to.contain('hsec kinit');
    expect(e.message).to.contain(missing);
    const cli = await runProgram(join(REPO, 'bin', 'hsec'), ['fetchdt', join(dir, 'cli-none.token')], { env: env(missing), timeoutMs: 60_000 });
    expect(cli.code, cli.stderr).to.equal(1);
    expect(cli.stderr).to.contain('[KRB_NO_CREDENTIALS]');
    expect(cli.stderr).to.contain('hsec kinit');
  });
});

describe('namenode negative paths: token refusals carry stable codes (MIT KDC, GSSAPI + DIGEST-MD5)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let nn: NameNode;
  const clock = new ManualClock(Date.now());
  const cc: Record<string, string> = {};
  const clients: TestClient[] = [];

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-refuse-'));
    const keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    for (const u of ['alice', 'yarn', 'bob']) cc[u] = await loginUser(realm.kdc, dir, u);
    nn = await NameNode.start(nnConf(realm.kdc, dir, keytab, 'integrity'), { clock });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await nn?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const krb = (user: string) => {
    const c = kerberosClient(realm.kdc, cc[user]!, user, nn.address, 'integrity');
    clients.push(c);
    return c.nn;
  };
  const tok = (token: Token) => {
    const c = tokenClient(realm.kdc, [token], nn.address, 'integrity');
    clients.push(c);
    return c.nn;
  };

  it('over TOKEN auth, get and renew are refused: RPC_REMOTE carrying java.io.IOException, ERROR_APPLICATION, connection kept', async () => {
    const token = (await krb('alice').getDelegationToken('yarn'))!;
    const viaToken = tok(token);
    for (const [p, verb] of [[viaToken.getDelegationToken('yarn'), 'issued'], [viaToken.renewDelegationToken(token), 'renewed']] as const) {
      const e = await rejection(p);
      expect(e).to.be.instanceOf(RemoteError);
      expect(e.code).to.equal('RPC_REMOTE');
      expect(e.message).to.contain(`Delegation Token can be ${verb} only with kerberos or web authentication`);
      expect(e.details).to.include({ exceptionClassName: 'java.io.IOException', errorDetail: 'ERROR_APPLICATION', fatal: false });
    }
    expect((await viaToken.getServerDefaults()).replication).to.equal(3); // the same TOKEN connection still serves
  });

  it('renewal by a wrong renewer and cancellation by a stranger: ACCESS_DENIED (AccessControlException, ERROR_APPLICATION)', async () => {
    const token = (await krb('alice').getDelegationToken('yarn'))!;
    const e1 = await rejection(krb('bob').renewDelegationToken(token));
    expect(e1).to.be.instanceOf(AccessControlError);
    expect(e1.code).to.equal('ACCESS_DENIED');
    expect(e1.message).to.match(/bob tries to renew a token .* with non-matching renewer yarn/);
    expect(e1.details).to.include({ exceptionClassName: 'org.apache.hadoop.security.AccessControlException', errorDetail: 'ERROR_APPLICATION', fatal: false });
    const e2 = await rejection(krb('bob').cancelDelegationToken(token));
    expect(e2.code).to.equal('ACCESS_DENIED');
    expect(e2.message).to.contain(`bob@${realm.kdc.realm} is not authorized to cancel the token`);
    expect(await krb('yarn').renewDelegationToken(token)).to.equal(clock.now() + DAY); // the right renewer still can
  });

  it('a cancelled token: TOKEN auth is TOKEN_INVALID (SecretManager$InvalidToken, FATAL_UNAUTHORIZED); renewal is TOKEN_INVALID (ERROR_APPLICATION)', async () => {
    const token = (await krb('alice').getDelegationToken('yarn'))!;
    await krb('alice').cancelDelegationToken(token);
    const e1 = await rejection(tok(token).getServerDefaults());
    expect(e1).to.be.instanceOf(InvalidTokenError);
    expect(e1.code).to.equal('TOKEN_INVALID');
    expect(e1.message).to.contain("can't be found in cache");
    expect(e1.details).to.include({ exceptionClassName: INVALID_TOKEN, errorDetail: 'FATAL_UNAUTHORIZED', fatal: true });
    const e2 = await rejection(krb('yarn').renewDelegationToken(token));
    expect(e2.code).to.equal('TOKEN_INVALID');
    expect(e2.message).to.contain('Renewal request for unknown token');
    expect(e2.details).to.include({ exceptionClassName: INVALID_TOKEN, errorDetail: 'ERROR_APPLICATION', fatal: false });
    const e3 = await rejection(krb('alice').cancelDelegationToken(token));
    expect(e3.code).to.equal('TOKEN_INVALID');
    expect(e3.details?.['exceptionClassName']).to.equal(INVALID_TOKEN);
  });

  it('an expired token: TOKEN auth is TOKEN_INVALID "has expired" (FATAL); renewal past maxDate is TOKEN_INVALID "tried to renew an expired token"', async () => {
    const token = (await krb('alice').getDelegationToken('yarn'))!;
    clock.advance(DAY + 1000); // past the renew date
    const e1 = await rejection(tok(token).getServerDefaults());
    expect(e1.code).to.equal('TOKEN_INVALID');
    expect(e1.message).to.contain('has expired');
    expect(e1.details).to.include({ exceptionClassName: INVALID_TOKEN, errorDetail: 'FATAL_UNAUTHORIZED', fatal: true });
    clock.advance(7 * DAY); // past maxDate
    const e2 = await rejection(krb('yarn').renewDelegationToken(token));
    expect(e2).to.be.instanceOf(InvalidTokenError);
    expect(e2.code).to.equal('TOKEN_INVALID');
    expect(e2.message).to.contain('tried to renew an expired token');
    expect(e2.details).to.include({ exceptionClassName: INVALID_TOKEN, errorDetail: 'ERROR_APPLICATION', fatal: false });
  });
});
