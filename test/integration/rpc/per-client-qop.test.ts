// Per-client QOP end to end (Hadoop's SaslPropertiesResolver.getServerProperties(clientAddress,
// ingressPort) contract): a custom resolver returns a different QOP list for
// each client address. Clients connect from different loopback addresses (127.0.0.1, 127.0.0.2,
// 127.0.0.3 as the socket's local address) and must negotiate different QOPs, as seen by the
// server's call context, its `hsec:sasl:negotiated` / `hsec:rpc:connection` diagnostics events and
// the client's own result; a client whose list shares nothing with the server's list for its
// address fails with SASL_NO_COMMON_QOP naming both lists.
//  - TOKEN (DIGEST-MD5) against an RpcServer with an echo protocol and a real secret manager;
//  - KERBEROS (GSSAPI, real MIT KDC) against a NameNode whose resolver is chosen by
//    hadoop.security.saslproperties.resolver.class through the resolver registry.
import { expect } from 'chai';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useMiniKdc } from '../../support/fixtures.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { CLIENT_PROTOCOL, decodeGetDelegationTokenResponse, encodeGetDelegationTokenRequest } from '../../../cluster/protocol/client-protocol.ts';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { readDelimited } from '../../../lib/rpc/delimited.ts';
import { RpcStatus } from '../../../lib/rpc/constants.ts';
import type { Qop } from '../../../security/sasl/mechanism.ts';
import { RpcClient } from '../../../security/sasl/rpc/index.ts';
import { SaslRpcClient } from '../../../security/sasl/rpc/sasl-rpc-client.ts';
import { registerResolver, type SaslProperties, type SaslPropertiesResolver } from '../../../security/resolver/index.ts';
import { kerberosClient, kerberosCredentials, loginUser, rejection } from '../namenode/namenode-fixture.ts';
import { RawSession } from './raw-session.ts';
import { useTokenEchoServer } from './token-echo-server.ts';
import { ECHO } from './support.ts';

const ALL: Qop[] = ['auth-conf', 'auth-int', 'auth'];

/** A resolver that picks the server QOP list by client address and records what it was asked. */
class ByAddressResolver implements SaslPropertiesResolver {
  readonly seen: { clientAddress: string | undefined; ingressPort: number | undefined }[] = [];
  constructor(readonly byAddress: Readonly<Record<string, readonly Qop[]>>) {}
  getServerProperties(clientAddress: string | undefined, ingressPort?: number): SaslProperties {
    this.seen.push({ clientAddress, ingressPort });
    return { qop: this.byAddress[clientAddress ?? ''] ?? ['auth'], serverAuthentication: true };
  }
  getClientProperties(): SaslProperties {
    return { qop: ALL, serverAuthentication: true };
  }
}

/** Collects the events of a diagnostics channel while `fn` runs. */
async function recording<T>(name: string, fn: () => Promise<T>): Promise<{ value: T; events: Record<string, unknown>[] }> {
  const events: Record<string, unknown>[] = [];
  const on = (m: unknown): void => void events.push(m as Record<string, unknown>);
  subscribe(name, on);
  try {
    return { value: await fn(), events };
  } finally {
    unsubscribe(name, on);
  }
}

function expectNoCommonQop(e: Error & { code?: string; details?: Record<string, unknown> }, client: Qop[], server: Qop[]): void {
  expect(e.code).to.equal('SASL_NO_COMMON_QOP');
  expect(e.message).to.contain(`client accepts [${client.join(',')}]`);
  expect(e.message).to.contain(`server offers [${server.join(',')}]`);
  expect(e.details).to.deep.include({ clientQop: client, serverQop: server });
}

describe('rpc: per-client QOP from a SaslPropertiesResolver keyed by client address (TOKEN / DIGEST-MD5)', function () {
  this.timeout(60_000);
  const resolver = new ByAddressResolver({ '127.0.0.1': ['auth-conf'], '127.0.0.2': ['auth-int'] });
  const echo = useTokenEchoServer(() => resolver);
  const whoamiFrom = (localAddress: string, qop: Qop[] = ALL) => echo.whoamiFrom(localAddress, qop);

  it('clients on 127.0.0.1, 127.0.0.2 and 127.0.0.3 negotiate auth-conf, auth-int and auth: call context, diagnostics events and client result agree', async () => {
    resolver.seen.length = 0;
    const conns = await recording('hsec:rpc:connection', () =>
      recording('hsec:sasl:negotiated', async () => [await whoamiFrom('127.0.0.1'), await whoamiFrom('127.0.0.2'), await whoamiFrom('127.0.0.3')]),
    );
    const { value, events } = conns.value;
    expect(value.map((v) => [v.ctx['qop'], v.clientQop, v.ctx['authMethod'], v.ctx['user']])).to.deep.equal([
      ['auth-conf', 'auth-conf', 'TOKEN', 'alice@EXAMPLE.TEST'],
      ['auth-int', 'auth-int', 'TOKEN', 'alice@EXAMPLE.TEST'],
      ['auth', 'auth', 'TOKEN', 'alice@EXAMPLE.TEST'],
    ]);
    expect(conns.events.map((e) => [e['remoteAddress'], e['qop']])).to.deep.equal([
      ['127.0.0.1', 'auth-conf'],
      ['127.0.0.2', 'auth-int'],
      ['127.0.0.3', 'auth'],
    ]);
    const serverSide = events.filter((e) => e['side'] === 'server').map((e) => [e['mechanism'], e['qop']]);
    expect(serverSide).to.deep.equal([['DIGEST-MD5', 'auth-conf'], ['DIGEST-MD5', 'auth-int'], ['DIGEST-MD5', 'auth']]);
    expect(resolver.seen).to.deep.equal([
      { clientAddress: '127.0.0.1', ingressPort: echo.port },
      { clientAddress: '127.0.0.2', ingressPort: echo.port },
      { clientAddress: '127.0.0.3', ingressPort: echo.port },
    ]);
  });

  it('the product RpcClient (from 127.0.0.1) insisting on auth fails with SASL_NO_COMMON_QOP naming both lists; a client on 127.0.0.2 insisting on auth-conf too', async () => {
    const authOnly = new RpcClient({ resolver: new (class extends ByAddressResolver {
      override getClientProperties(): SaslProperties {
        return { qop: ['auth'], serverAuthentication: true };
      }
    })({}) });
    try {
      const e = await rejection(authOnly.call({ host: '127.0.0.1', port: echo.port }, ECHO, 'whoami', new Uint8Array(0), { tokens: [echo.token] }));
      expectNoCommonQop(e, ['auth'], ['auth-conf']);
      // the RPC client names the server it dialled, the key to change and the value that would work
      expect(e.message).to.contain(`with the server at 127.0.0.1:${echo.port}`);
      expect(e.message).to.contain('set hadoop.rpc.protection to privacy');
      expect(e.details).to.deep.include({ remoteAddress: `127.0.0.1:${echo.port}`, configKey: 'hadoop.rpc.protection' });
    } finally {
      authOnly.stop();
    }
    const e2 = await rejection(whoamiFrom('127.0.0.2', ['auth-conf']));
    expectNoCommonQop(e2, ['auth-conf'], ['auth-int']);
    // the same client list works where the server's list allows it
    expect((await whoamiFrom('127.0.0.1', ['auth-conf'])).ctx['qop']).to.equal('auth-conf');
  });
});

describe('namenode: per-client QOP with a resolver named by hadoop.security.saslproperties.resolver.class (KERBEROS / GSSAPI, MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  const RESOLVER_CLASS = 'org.hsec.test.ByAddressSaslPropertiesResolver';
  const resolver = new ByAddressResolver({ '127.0.0.1': ['auth-conf'], '127.0.0.2': ['auth-int', 'auth'] });
  let dir: string;
  let nn: NameNode;
  let ccAlice: string;
  const open: RawSession[] = [];

  before(async function () {
    this.timeout(60_000);
    registerResolver([RESOLVER_CLASS], () => resolver);
    dir = mkdtempSync(join(tmpdir(), 'hsec-qop-'));
    const keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    ccAlice = await loginUser(realm.kdc, dir, 'alice');
    const conf = loadConfiguration({
      env: {},
      overrides: {
        'hadoop.security.authentication': 'kerberos',
        'hadoop.security.saslproperties.resolver.class': RESOLVER_CLASS,
        'dfs.namenode.rpc-address': '127.0.0.1:0',
        'dfs.namenode.kerberos.principal': `nn/localhost@${realm.kdc.realm}`,
        'dfs.block.access.token.enable': 'true',
        'dfs.namenode.keytab.file': keytab,
        'dfs.namenode.name.dir': `file://${join(dir, 'name')}`,
      },
    });
    nn = await NameNode.start(conf);
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.destroy();
  });
  after(async () => {
    await nn?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Kerberos handshake from `localAddress`, then getDelegationToken over the (possibly wrapped) connection. */
  async function tokenFrom(localAddress: string, qop: Qop[] = ALL): Promise<string | undefined> {
    const s = await RawSession.open(nn.address.port, { localAddress });
    open.push(s);
    const kerberos = await kerberosCredentials(realm.kdc, ccAlice, 'privacy');
    const result = await s.handshake(new SaslRpcClient({ server: { host: '127.0.0.1', port: nn.address.port }, qop, kerberos }), CLIENT_PROTOCOL);
    s.call(1, CLIENT_PROTOCOL, 'getDelegationToken', encodeGetDelegationTokenRequest('yarn'));
    const r = await s.nextPlainResponse();
    expect(r?.header).to.include({ callId: 1, status: RpcStatus.SUCCESS });
    expect(decodeGetDelegationTokenResponse(readDelimited(r!.rest, 0).message)?.kind).to.equal('HDFS_DELEGATION_TOKEN');
    return result.qop;
  }

  it('Kerberos clients on 127.0.0.1 and 127.0.0.2 negotiate auth-conf and auth-int and both get tokens', async () => {
    resolver.seen.length = 0;
    const conns = await recording('hsec:rpc:connection', async () => {
      const negotiated = await recording('hsec:sasl:negotiated', async () => [await tokenFrom('127.0.0.1'), await tokenFrom('127.0.0.2')]);
      return negotiated;
    });
    expect(conns.value.value).to.deep.equal(['auth-conf', 'auth-int']);
    expect(conns.value.events.filter((e) => e['side'] === 'server').map((e) => [e['mechanism'], e['qop']])).to.deep.equal([['GSSAPI', 'auth-conf'], ['GSSAPI', 'auth-int']]);
    expect(conns.events.map((e) => [e['remoteAddress'], e['authMethod'], e['qop'], e['user']])).to.deep.equal([
      ['127.0.0.1', 'KERBEROS', 'auth-conf', `alice@${realm.kdc.realm}`],
      ['127.0.0.2', 'KERBEROS', 'auth-int', `alice@${realm.kdc.realm}`],
    ]);
    expect(resolver.seen.map((s) => [s.clientAddress, s.ingressPort])).to.deep.equal([
      ['127.0.0.1', nn.address.port],
      ['127.0.0.2', nn.address.port],
    ]);
  });

  it('a Kerberos client whose list shares nothing with the server list for its address fails with SASL_NO_COMMON_QOP naming both lists', async () => {
    const e = await rejection(tokenFrom('127.0.0.2', ['auth-conf']));
    expectNoCommonQop(e, ['auth-conf'], ['auth-int', 'auth']);
    // the product client (fixture), from 127.0.0.1 with hadoop.rpc.protection=authentication
    const c = kerberosClient(realm.kdc, ccAlice, 'alice', nn.address, 'authentication');
    try {
      const kerberos = await rejection(c.nn.getDelegationToken('yarn'));
      expectNoCommonQop(kerberos, ['auth'], ['auth-conf']);
      expect(kerberos.message).to.contain(`with the server at ${nn.address.host}:${nn.address.port}`).and.contain('hsec policy explain');
    } finally {
      await c.close();
    }
    expect(await tokenFrom('127.0.0.2', ['auth'])).to.equal('auth');
  });
});
