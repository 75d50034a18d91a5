/**
 * The per-connection QOP decisions of the RPC server (security/sasl/rpc/qop-decision.ts) over the
 * real state machines (SaslRpcClient, SaslRpcServer, DIGEST-MD5) and resolvers (whitelist from an
 * in-memory list, principal rules): the offer by address, the post-SASL check of a token's owner
 * and real user (refused before SUCCESS with the rule, the QOPs and what to do), the re-decision
 * for the Kerberos principal, and the deciding rule on the result and in one log line.
 */
import { expect } from 'chai';
import { SaslRpcClient } from '../../../security/sasl/rpc/sasl-rpc-client.ts';
import { defaultTokenClient } from '../../../security/sasl/rpc/rpc-client.ts';
import { defaultTokenServer } from '../../../security/sasl/rpc/rpc-server.ts';
import { decidingAuthenticator } from '../../../security/sasl/rpc/qop-decision.ts';
import type { TokenAuthority } from '../../../security/sasl/rpc/sasl-rpc-server.ts';
import { PrincipalRulesResolver, WhitelistBasedResolver, type SaslPropertiesResolver } from '../../../security/resolver/index.ts';
import type { ServerAuthenticator, ServerAuthResult } from '../../../lib/rpc/auth-hooks.ts';
import type { RpcSaslMessage } from '../../../lib/rpc/messages.ts';
import type { Qop } from '../../../security/sasl/mechanism.ts';
import { TestKrbClient, TestKrbServer } from './support/test-mechanism.ts';
import { capturedLogger } from '../resolver/support.ts';

const identifier = Buffer.from('owner-identifier');
const password = Buffer.from('token-password');
const token = { identifier, password, kind: 'HDFS_DELEGATION_TOKEN', service: '127.0.0.1:8020' };
const authority = (user: string, realUser?: string): TokenAuthority => ({ retrievePassword: () => password, identify: () => ({ user, realUser }) });
const memory = (origin: string, text: string) => ({ origin, read: async () => ({ available: true as const, text }) });

async function resolver(): Promise<SaslPropertiesResolver> {
  const { log } = capturedLogger();
  const base = new WhitelistBasedResolver({ get: (k) => (k === 'hadoop.rpc.protection' ? 'authentication,privacy' : undefined) }, { fixedSource: memory('mem:whitelist', '127.0.0.2\n'), log });
  const r = new PrincipalRulesResolver(base, { source: memory('mem:rules', 'alice@EXAMPLE.TEST\netl/*@EXAMPLE.TEST\n'), log });
  await r.ready();
  return r;
}

async function converse(c: SaslRpcClient, s: ServerAuthenticator): Promise<ServerAuthResult | undefined> {
  let toServer: RpcSaslMessage | undefined = c.initial();
  for (let i = 0; i < 10 && toServer; i++) {
    const out = await s.step(toServer);
    if (out.done) return out.result;
    const next = await c.step(out.reply!);
    toServer = next.reply;
  }
  return undefined;
}

const peer = (remoteAddress: string) => ({ remoteAddress, remotePort: 40000, localPort: 8020 });

describe('security/sasl/rpc: per-connection QOP decisions', () => {
  it('TOKEN: a whitelisted address offers auth,auth-conf; an owner a principal rule names that negotiated auth is refused before SUCCESS', async () => {
    const { log, lines } = capturedLogger();
    const server = decidingAuthenticator(await resolver(), peer('127.0.0.2'), { authentication: 'simple', tokenAuthority: authority('alice@EXAMPLE.TEST'), createTokenServer: defaultTokenServer }, log);
    const client = new SaslRpcClient({ server: { host: '127.0.0.1', port: 8020 }, qop: ['auth', 'auth-conf'], tokens: [token], createTokenClient: defaultTokenClient });
    let err: (Error & { code?: string; details?: Record<string, unknown> }) | undefined;
    await converse(client, server).catch((e: Error) => (err = e));
    expect(err?.code).to.equal('ACCESS_DENIED');
    expect(err?.message).to.equal(
      'alice@EXAMPLE.TEST negotiated SASL QOP auth, but principal rule alice@EXAMPLE.TEST of mem:rules line 1 requires [auth-conf]; the client must offer privacy (hadoop.rpc.protection=privacy on the client)',
    );
    expect(err?.details).to.deep.include({ principal: 'alice@EXAMPLE.TEST', qop: 'auth', requiredQop: ['auth-conf'] });
    expect(lines.filter((l) => String(l['msg']).startsWith('SASL QOP'))).to.deep.equal([]);
  });

  it('TOKEN: the same owner offering privacy gets auth-conf, and the rule that bound it is recorded and logged', async () => {
    const { log, lines } = capturedLogger();
    const server = decidingAuthenticator(await resolver(), peer('127.0.0.2'), { authentication: 'simple', tokenAuthority: authority('alice@EXAMPLE.TEST'), createTokenServer: defaultTokenServer }, log);
    const client = new SaslRpcClient({ server: { host: '127.0.0.1', port: 8020 }, qop: ['auth-conf'], tokens: [token], createTokenClient: defaultTokenClient });
    const result = await converse(client, server);
    expect(result).to.include({ authMethod: 'TOKEN', qop: 'auth-conf', qopRule: 'principal rule alice@EXAMPLE.TEST of mem:rules line 1' });
    const line = lines.find((l) => String(l['msg']).startsWith('SASL QOP'))!;
    expect(line).to.include({ remoteAddress: '127.0.0.2', qop: 'auth-conf', user: 'alice@EXAMPLE.TEST', rule: 'principal rule alice@EXAMPLE.TEST of mem:rules line 1' });
    expect(line['msg']).to.equal('SASL QOP auth-conf granted to alice@EXAMPLE.TEST (TOKEN) from 127.0.0.2: offered [auth,auth-conf] by principal rule alice@EXAMPLE.TEST of mem:rules line 1');
  });

  it('TOKEN: a proxy token is checked for its real user too; an owner no rule names keeps the address rule', async () => {
    const r = await resolver();
    const { log } = capturedLogger();
    const proxied = decidingAuthenticator(r, peer('127.0.0.2'), { authentication: 'simple', tokenAuthority: authority('bob@EXAMPLE.TEST', 'etl/h1@EXAMPLE.TEST'), createTokenServer: defaultTokenServer }, log);
    let err: Error | undefined;
    await converse(new SaslRpcClient({ server: { host: '127.0.0.1', port: 8020 }, qop: ['auth'], tokens: [token], createTokenClient: defaultTokenClient }), proxied).catch((e: Error) => (err = e));
    expect(err?.message).to.contain('etl/h1@EXAMPLE.TEST negotiated SASL QOP auth, but principal rule etl/*@EXAMPLE.TEST of mem:rules line 2');
    const plain = decidingAuthenticator(r, peer('127.0.0.2'), { authentication: 'simple', tokenAuthority: authority('bob@EXAMPLE.TEST'), createTokenServer: defaultTokenServer }, log);
    const result = await converse(new SaslRpcClient({ server: { host: '127.0.0.1', port: 8020 }, qop: ['auth'], tokens: [token], createTokenClient: defaultTokenClient }), plain);
    expect(result).to.include({ qop: 'auth', qopRule: 'entry 127.0.0.2 of mem:whitelist line 1' });
  });

  it('KERBEROS: the offer is decided again once the principal is known; a ruled principal is offered only auth-conf', async () => {
    const r = await resolver();
    const { log } = capturedLogger();
    const asked: string[] = [];
    const kerberos = (user: string) => ({
      principal: 'nn/localhost@EXAMPLE.TEST',
      createServer: (qop: readonly Qop[], qopFor?: (p: string) => readonly Qop[]) => {
        asked.push(user);
        return new TestKrbServer(qopFor ? qopFor(user) : qop); // GSSAPI calls qopFor after the AP-REQ
      },
    });
    const run = async (user: string, choose: Qop) => {
      const server = decidingAuthenticator(r, peer('127.0.0.2'), { authentication: 'kerberos', kerberos: kerberos(user) }, log);
      const client = new SaslRpcClient({ server: { host: '127.0.0.1', port: 8020, hostname: 'localhost' }, qop: [choose], kerberos: { principal: user, serverPrincipal: 'nn/localhost@EXAMPLE.TEST', createClient: (_t, q) => new TestKrbClient(user, q[0]!) } });
      return converse(client, server);
    };
    expect(await run('bob@EXAMPLE.TEST', 'auth')).to.include({ qop: 'auth', qopRule: 'entry 127.0.0.2 of mem:whitelist line 1' });
    expect(await run('alice@EXAMPLE.TEST', 'auth-conf')).to.include({ qop: 'auth-conf', qopRule: 'principal rule alice@EXAMPLE.TEST of mem:rules line 1' });
    let err: (Error & { code?: string }) | undefined;
    await run('alice@EXAMPLE.TEST', 'auth').catch((e: Error) => (err = e));
    expect(err?.code).to.equal('SASL_NO_COMMON_QOP');
    expect(asked).to.deep.equal(['bob@EXAMPLE.TEST', 'alice@EXAMPLE.TEST', 'alice@EXAMPLE.TEST']);
  });

  it('a resolver without principal rules decides once, by address, and checks nothing after SASL', async () => {
    const { log } = capturedLogger();
    const plain = new WhitelistBasedResolver({ get: (k) => (k === 'hadoop.rpc.protection' ? 'authentication,privacy' : undefined) }, { fixedSource: memory('mem:whitelist', '127.0.0.2\n'), log });
    await plain.ready();
    const server = decidingAuthenticator(plain, peer('127.0.0.3'), { authentication: 'simple', tokenAuthority: authority('alice@EXAMPLE.TEST'), createTokenServer: defaultTokenServer }, log);
    const result = await converse(new SaslRpcClient({ server: { host: '127.0.0.1', port: 8020 }, qop: ['auth', 'auth-conf'], tokens: [token], createTokenClient: defaultTokenClient }), server);
    expect(result).to.include({ qop: 'auth-conf', qopRule: 'not whitelisted (mem:whitelist): hadoop.rpc.protection.non-whitelist' });
  });
});
