// Selective encryption end to end with Hadoop's WhitelistBasedResolver semantics, the resolver
// chosen by configuration and the whitelist read from a real file: clients connect from different
// loopback source addresses, 127.0.0.2 (whitelisted) and 127.0.0.3 (not). With
// hadoop.rpc.protection=authentication,privacy and the default non-whitelist list (privacy):
//  - the whitelisted client offering auth,auth-conf negotiates auth;
//  - the non-whitelisted client offering the same negotiates auth-conf;
//  - a non-whitelisted client offering only auth is refused with SASL_NO_COMMON_QOP naming both lists;
//  - a whitelisted client insisting on privacy (offering only auth-conf) gets auth-conf.
// Each decision names its rule on hsec:resolver:decision (the file and line that whitelisted the
// client, or "not whitelisted"). Once over TOKEN (DIGEST-MD5) against an RpcServer, once over
// KERBEROS (GSSAPI, real MIT KDC) against a NameNode configured through core-site keys.
import { expect } from 'chai';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useMiniKdc } from '../../support/fixtures.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { CLIENT_PROTOCOL, encodeGetDelegationTokenRequest } from '../../../cluster/protocol/client-protocol.ts';
import { Configuration, loadConfiguration } from '../../../lib/config/index.ts';
import { RpcStatus } from '../../../lib/rpc/constants.ts';
import type { Qop } from '../../../security/sasl/mechanism.ts';
import { SaslRpcClient } from '../../../security/sasl/rpc/sasl-rpc-client.ts';
import { createServerResolver } from '../../../security/resolver/index.ts';
import { kerberosCredentials, loginUser, rejection } from '../namenode/namenode-fixture.ts';
import { RawSession } from './raw-session.ts';
import { useTokenEchoServer } from './token-echo-server.ts';

const OFFER: Qop[] = ['auth', 'auth-conf'];
const WHITELIST = '# internal clients (hsec test)\n\n127.0.0.2\n';

/** Records a diagnostics channel from now until `stop()`. */
function recorder(name: string): { events: Record<string, unknown>[]; stop: () => void } {
  const events: Record<string, unknown>[] = [];
  const on = (m: unknown): void => void events.push(m as Record<string, unknown>);
  subscribe(name, on);
  return { events, stop: () => unsubscribe(name, on) };
}

function expectNoCommonQop(e: Error & { code?: string; details?: Record<string, unknown> }, client: Qop[], server: Qop[]): void {
  expect(e.code).to.equal('SASL_NO_COMMON_QOP');
  expect(e.message).to.contain(`client accepts [${client.join(',')}]`);
  expect(e.message).to.contain(`server offers [${server.join(',')}]`);
  expect(e.details).to.deep.include({ clientQop: client, serverQop: server });
}

describe('rpc: selective encryption with the whitelist resolver from a file (TOKEN / DIGEST-MD5)', function () {
  this.timeout(60_000);
  let dir: string;
  let whitelist: string;
  const echo = useTokenEchoServer(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-whitelist-'));
    whitelist = join(dir, 'fixedwhitelist');
    writeFileSync(whitelist, WHITELIST);
    const conf = new Configuration()
      .set('hadoop.rpc.protection', 'authentication,privacy')
      .set('hsec.security.saslproperties.resolver.server.class', 'org.apache.hadoop.security.WhitelistBasedResolver')
      .set('hadoop.security.sasl.fixedwhitelist.file', whitelist)
      .freeze();
    const resolver = createServerResolver(conf);
    await resolver.ready!();
    return resolver;
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** TOKEN handshake from `localAddress` offering `qop`, then `whoami`: the client's result and the server's call context. */
  async function whoamiFrom(localAddress: string, qop: Qop[]): Promise<{ clientQop: string | undefined; serverQop: unknown }> {
    const r = await echo.whoamiFrom(localAddress, qop);
    return { clientQop: r.clientQop, serverQop: r.ctx['qop'] };
  }

  it('the whitelisted client (127.0.0.2) offering auth,auth-conf gets auth; the other one (127.0.0.3) gets auth-conf', async () => {
    const decisions = recorder('hsec:resolver:decision');
    let results: { clientQop: string | undefined; serverQop: unknown }[];
    try {
      results = [await whoamiFrom('127.0.0.2', OFFER), await whoamiFrom('127.0.0.3', OFFER)];
    } finally {
      decisions.stop();
    }
    expect(results.map((r) => [r.clientQop, r.serverQop])).to.deep.equal([
      ['auth', 'auth'],
      ['auth-conf', 'auth-conf'],
    ]);
    expect(decisions.events.map((e) => [e['address'], e['ingressPort'], e['qop'], e['reason']])).to.deep.equal([
      ['127.0.0.2', echo.port, ['auth', 'auth-conf'], `entry 127.0.0.2 of ${whitelist} line 3`],
      ['127.0.0.3', echo.port, ['auth-conf'], `not whitelisted (${whitelist}): hadoop.rpc.protection.non-whitelist`],
    ]);
  });

  it('a non-whitelisted client offering only auth is refused with SASL_NO_COMMON_QOP naming both lists; the whitelisted one is not', async () => {
    expectNoCommonQop(await rejection(whoamiFrom('127.0.0.3', ['auth'])), ['auth'], ['auth-conf']);
    expect((await whoamiFrom('127.0.0.2', ['auth'])).serverQop).to.equal('auth');
  });

  it('a whitelisted client insisting on privacy gets privacy', async () => {
    expect(await whoamiFrom('127.0.0.2', ['auth-conf'])).to.deep.equal({ clientQop: 'auth-conf', serverQop: 'auth-conf' });
  });
});

describe('namenode: selective encryption with org.apache.hadoop.security.WhitelistBasedResolver in the configuration (KERBEROS / GSSAPI, MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let whitelist: string;
  let nn: NameNode;
  let ccAlice: string;
  const open: RawSession[] = [];

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), 'hsec-whitelist-nn-'));
    whitelist = join(dir, 'fixedwhitelist');
    writeFileSync(whitelist, WHITELIST);
    const keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    ccAlice = await loginUser(realm.kdc, dir, 'alice');
    const conf = loadConfiguration({
      env: {},
      overrides: {
        'hadoop.security.authentication': 'kerberos',
        'hadoop.rpc.protection': 'authentication,privacy',
        'hadoop.security.saslproperties.resolver.class': 'org.apache.hadoop.security.WhitelistBasedResolver',
        'hadoop.security.sasl.fixedwhitelist.file': whitelist,
        'dfs.namenode.rpc-address': '127.0.0.1:0',
        'dfs.namenode.kerberos.principal': `nn/localhost@${realm.kdc.realm}`,
        'dfs.block.access.token.enable': 'true',
        'dfs.namenode.keytab.file': keytab,
        'dfs.namenode.name.dir': `file://${join(dir, 'name')}`,
      },
    });
    // The NameNode builds its resolver from the configuration; the list loads in the background
    // (fail closed until then), so wait for its load event before the first client connects.
    const loads = recorder('hsec:resolver:list-loaded');
    try {
      nn = await NameNode.start(conf);
      const deadline = Date.now() + 10_000;
      while (!loads.events.some((e) => e['origin'] === whitelist)) {
        if (Date.now() > deadline) throw new Error(`the NameNode did not load ${whitelist} within 10 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(loads.events.find((e) => e['origin'] === whitelist)).to.deep.include({ available: true, entries: 1, problems: 0 });
    } finally {
      loads.stop();
    }
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.destroy();
  });
  after(async () => {
    await nn?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Kerberos handshake from `localAddress` offering `qop`, then getDelegationToken over the (possibly wrapped) connection. */
  async function tokenFrom(localAddress: string, qop: Qop[]): Promise<string | undefined> {
    const s = await RawSession.open(nn.address.port, { localAddress });
    open.push(s);
    const kerberos = await kerberosCredentials(realm.kdc, ccAlice, 'privacy');
    const result = await s.handshake(new SaslRpcClient({ server: { host: '127.0.0.1', port: nn.address.port }, qop, kerberos }), CLIENT_PROTOCOL);
    s.call(1, CLIENT_PROTOCOL, 'getDelegationToken', encodeGetDelegationTokenRequest('yarn'));
    const r = await s.nextPlainResponse();
    expect(r?.header).to.include({ callId: 1, status: RpcStatus.SUCCESS });
    return result.qop;
  }

  it('127.0.0.2 (whitelisted) negotiates auth, 127.0.0.3 auth-conf; both get tokens', async () => {
    const negotiated = recorder('hsec:sasl:negotiated');
    try {
      expect([await tokenFrom('127.0.0.2', OFFER), await tokenFrom('127.0.0.3', OFFER)]).to.deep.equal(['auth', 'auth-conf']);
    } finally {
      negotiated.stop();
    }
    expect(negotiated.events.filter((e) => e['side'] === 'server').map((e) => [e['mechanism'], e['qop']])).to.deep.equal([
      ['GSSAPI', 'auth'],
      ['GSSAPI', 'auth-conf'],
    ]);
  });

  it('a non-whitelisted Kerberos client offering only auth is refused with SASL_NO_COMMON_QOP naming both lists', async () => {
    expectNoCommonQop(await rejection(tokenFrom('127.0.0.3', ['auth'])), ['auth'], ['auth-conf']);
    expect(await tokenFrom('127.0.0.2', ['auth'])).to.equal('auth');
  });

  it('a whitelisted Kerberos client insisting on privacy gets privacy', async () => {
    expect(await tokenFrom('127.0.0.2', ['auth-conf'])).to.equal('auth-conf');
  });
});
