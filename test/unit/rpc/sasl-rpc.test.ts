import { expect } from 'chai';
import { SaslRpcClient, ClientState, type SaslRpcClientOptions } from '../../../security/sasl/rpc/sasl-rpc-client.ts';
import { SaslRpcServer, ServerState, principalParts, type SaslRpcServerOptions, type TokenAuthority } from '../../../security/sasl/rpc/sasl-rpc-server.ts';
import { checkServerPrincipal } from '../../../security/sasl/rpc/sasl-rpc-client.ts';
import { defaultTokenClient } from '../../../security/sasl/rpc/rpc-client.ts';
import { defaultTokenServer } from '../../../security/sasl/rpc/rpc-server.ts';
import { SaslState } from '../../../lib/rpc/constants.ts';
import type { RpcSaslMessage } from '../../../lib/rpc/messages.ts';
import { AuthProtocol } from '../../../lib/rpc/constants.ts';
import { InvalidTokenError } from '../../../lib/errors/index.ts';
import { errorToRemote, trueCause } from '../../../lib/rpc/remote-exception.ts';
import type { Qop } from '../../../security/sasl/mechanism.ts';
import { TestKrbClient, TestKrbServer } from './support/test-mechanism.ts';

const server = { host: '127.0.0.1', port: 8020 };
const identifier = Buffer.from('owner-identifier');
const password = Buffer.from('token-password');
const token = { identifier, password, kind: 'HDFS_DELEGATION_TOKEN', service: '127.0.0.1:8020' };
const authority: TokenAuthority = {
  retrievePassword: (id) => {
    if (Buffer.compare(Buffer.from(id), identifier) !== 0) throw new InvalidTokenError('TOKEN_UNKNOWN', 'token is not in the cache', {});
    return password;
  },
  identify: () => ({ user: 'alice@EXAMPLE.TEST', realUser: 'oozie' }),
};

function newServer(o: Partial<SaslRpcServerOptions> = {}): SaslRpcServer {
  return new SaslRpcServer({ authentication: 'kerberos', qop: ['auth'], tokenAuthority: authority, createTokenServer: defaultTokenServer, kerberos: { principal: 'nn/localhost@EXAMPLE.TEST', createServer: (q) => new TestKrbServer(q) }, ...o });
}

function newClient(o: Partial<SaslRpcClientOptions> = {}): SaslRpcClient {
  return new SaslRpcClient({ server, qop: ['auth'], createTokenClient: defaultTokenClient, ...o });
}

/** Runs both state machines against each other, recording the message states. */
async function converse(c: SaslRpcClient, s: SaslRpcServer): Promise<{ trace: string[]; result: Awaited<ReturnType<SaslRpcServer['step']>>['result'] }> {
  const trace: string[] = [];
  const name = (m: RpcSaslMessage): string => ['SUCCESS', 'NEGOTIATE', 'INITIATE', 'CHALLENGE', 'RESPONSE', 'WRAP'][m.state]!;
  let toServer: RpcSaslMessage | undefined = c.initial();
  let result;
  for (let i = 0; i < 10 && toServer; i++) {
    trace.push(`C:${name(toServer)}`);
    const s1 = await s.step(toServer);
    if (s1.done) result = s1.result;
    if (!s1.reply) break;
    trace.push(`S:${name(s1.reply)}`);
    const c1 = await c.step(s1.reply);
    toServer = c1.reply;
    if (c1.done) {
      if (toServer) {
        trace.push(`C:${name(toServer)}`);
        const s2 = await s.step(toServer);
        result = s2.result;
      }
      break;
    }
  }
  return { trace, result };
}

describe('security/sasl/rpc: SaslRpcServer', () => {
  it('NEGOTIATE -> TOKEN first with an embedded DIGEST challenge, then KERBEROS with protocol/serverId from the principal', async () => {
    const s = newServer();
    const r = await s.step({ state: SaslState.NEGOTIATE });
    expect(s.state).to.equal(ServerState.AWAIT_INITIATE);
    expect(r.reply!.state).to.equal(SaslState.NEGOTIATE);
    const auths = r.reply!.auths!;
    expect(auths.map((a) => [a.method, a.mechanism, a.protocol, a.serverId])).to.deep.equal([
      ['TOKEN', 'DIGEST-MD5', '', 'default'],
      ['KERBEROS', 'GSSAPI', 'nn', 'localhost'],
    ]);
    expect(Buffer.from(auths[0]!.challenge!).toString()).to.match(/realm="default",nonce="/);
  });

  it('a SIMPLE-only server answers NEGOTIATE with SUCCESS', async () => {
    const s = new SaslRpcServer({ authentication: 'simple', qop: ['auth'] });
    const r = await s.step({ state: SaslState.NEGOTIATE });
    expect(r).to.deep.include({ done: true, reply: { state: SaslState.SUCCESS } });
    expect(s.simpleAllowed).to.equal(true);
  });

  it('refuses INITIATE with an auth it did not advertise (Hadoop message)', async () => {
    const s = newServer({ tokenAuthority: undefined });
    await s.step({ state: SaslState.NEGOTIATE });
    let err: unknown;
    try {
      await s.step({ state: SaslState.INITIATE, auths: [{ method: 'SIMPLE', mechanism: '' }] });
    } catch (e) {
      err = e;
    }
    expect(err).to.have.property('code', 'ACCESS_DENIED');
    expect((err as Error).message).to.equal('SIMPLE authentication is not enabled.  Available:[KERBEROS]');
    expect(s.state).to.equal(ServerState.FAILED);
  });

  it('accepts INITIATE SIMPLE when simple is enabled (no reply)', async () => {
    const s = newServer({ authentication: 'simple' });
    await s.step({ state: SaslState.NEGOTIATE });
    const r = await s.step({ state: SaslState.INITIATE, auths: [{ method: 'SIMPLE', mechanism: '' }] });
    expect(r).to.deep.equal({ done: true, result: { authMethod: 'SIMPLE' } });
  });

  it('messages out of order are SASL_STATE', async () => {
    const s = newServer();
    for (const state of [SaslState.INITIATE, SaslState.RESPONSE, SaslState.WRAP, SaslState.SUCCESS]) {
      let err: unknown;
      try {
        await newServer().step({ state: state as 0 });
      } catch (e) {
        err = e;
      }
      expect(err, `state ${state}`).to.have.property('code', 'SASL_STATE');
    }
    await s.step({ state: SaslState.NEGOTIATE });
    let again: unknown;
    try {
      await s.step({ state: SaslState.NEGOTIATE });
    } catch (e) {
      again = e;
    }
    expect(again).to.have.property('code', 'SASL_STATE');
  });

  it('kerberos without credentials is a ConfigError at construction', () => {
    expect(() => new SaslRpcServer({ authentication: 'kerberos', qop: ['auth'] })).to.throw().with.property('code', 'CONFIG_INVALID');
    expect(() => principalParts('nn@EXAMPLE.TEST')).to.throw().with.property('code', 'CONFIG_INVALID');
    expect(principalParts('nn/host.example.test@EXAMPLE.TEST')).to.deep.equal({ protocol: 'nn', serverId: 'host.example.test' });
  });
});

describe('security/sasl/rpc: SaslRpcClient <-> SaslRpcServer', () => {
  for (const qop of ['auth', 'auth-int', 'auth-conf'] as Qop[]) {
    it(`TOKEN/DIGEST-MD5 ${qop}: NEGOTIATE, NEGOTIATE(challenge), INITIATE, SUCCESS(rspauth); owner and real user from the identifier`, async () => {
      const c = newClient({ tokens: [token], qop: [qop] });
      expect(c.authProtocol).to.equal(AuthProtocol.SASL);
      const { trace, result } = await converse(c, newServer({ qop: [qop] }));
      expect(trace).to.deep.equal(['C:NEGOTIATE', 'S:NEGOTIATE', 'C:INITIATE', 'S:SUCCESS']);
      expect(c.state).to.equal(ClientState.COMPLETE);
      expect(result).to.include({ authMethod: 'TOKEN', user: 'alice@EXAMPLE.TEST', realUser: 'oozie', qop });
      const cr = c.result();
      expect(cr.authMethod).to.equal('TOKEN');
      expect(cr.qop).to.equal(qop);
      expect(cr.securityLayer === undefined).to.equal(qop === 'auth');
      expect(c.userInfo(cr)).to.equal(undefined);
    });
  }

  it('KERBEROS multi-round: INITIATE, CHALLENGE/RESPONSE x2, SUCCESS; effectiveUser is the principal', async () => {
    const c = newClient({ qop: ['auth-conf'], kerberos: { principal: 'alice@EXAMPLE.TEST', serverPrincipal: 'nn/_HOST@EXAMPLE.TEST', createClient: (t, q) => new TestKrbClient(`alice@EXAMPLE.TEST->${t.principal}`, q[0]!) }, server: { ...server, hostname: 'localhost' } });
    const s = newServer({ qop: ['auth-conf'], tokenAuthority: undefined });
    const { trace, result } = await converse(c, s);
    expect(trace).to.deep.equal(['C:NEGOTIATE', 'S:NEGOTIATE', 'C:INITIATE', 'S:CHALLENGE', 'C:RESPONSE', 'S:CHALLENGE', 'C:RESPONSE', 'S:SUCCESS']);
    expect(result).to.include({ authMethod: 'KERBEROS', user: 'alice@EXAMPLE.TEST->nn/localhost@EXAMPLE.TEST', qop: 'auth-conf' });
    expect(c.userInfo(c.result())).to.deep.equal({ effectiveUser: 'alice@EXAMPLE.TEST' });
  });

  it('picks the first usable auth: without a token for this server, KERBEROS', async () => {
    const c = newClient({ tokens: [{ ...token, service: '10.0.0.1:8020' }], kerberos: { principal: 'bob@EXAMPLE.TEST', serverPrincipal: 'nn/localhost@EXAMPLE.TEST', createClient: (_t, q) => new TestKrbClient('bob', q[0]!) } });
    await converse(c, newServer());
    expect(c.result().authMethod).to.equal('KERBEROS');
  });

  it('switches to SIMPLE: INITIATE{SIMPLE} and done without waiting; userInfo carries user and realUser', async () => {
    const c = newClient({ user: 'carol', realUser: 'svc', tokens: [{ ...token, service: 'other:1' }] });
    const s = newServer({ authentication: 'simple', tokenAuthority: undefined });
    const { trace } = await converse(c, s);
    expect(trace).to.deep.equal(['C:NEGOTIATE', 'S:SUCCESS']);
    const c2 = newClient({ user: 'carol', realUser: 'svc', tokens: [{ ...token, service: 'other:1' }] });
    const s2 = newServer({ authentication: 'simple' });
    const r = await converse(c2, s2);
    expect(r.trace).to.deep.equal(['C:NEGOTIATE', 'S:NEGOTIATE', 'C:INITIATE']);
    expect(r.result).to.deep.equal({ authMethod: 'SIMPLE' });
    expect(c2.userInfo(c2.result())).to.deep.equal({ effectiveUser: 'carol', realUser: 'svc' });
  });

  it('no usable auth: "Client cannot authenticate via:[TOKEN, KERBEROS]"', async () => {
    const c = newClient({ tokens: [{ ...token, service: 'elsewhere:1' }], kerberos: undefined, user: 'x' });
    c.initial();
    const s = newServer();
    const neg = await s.step({ state: SaslState.NEGOTIATE });
    let err: unknown;
    try {
      await c.step(neg.reply!);
    } catch (e) {
      err = e;
    }
    expect(err).to.have.property('code', 'ACCESS_DENIED');
    expect((err as Error).message).to.equal('Client cannot authenticate via:[TOKEN, KERBEROS]');
    expect(c.state).to.equal(ClientState.FAILED);
  });

  it('unknown password: the server fails with InvalidTokenError (relayed as SecretManager$InvalidToken)', async () => {
    const c = newClient({ tokens: [{ ...token, identifier: Buffer.from('someone-else') }] });
    let err: unknown;
    try {
      await converse(c, newServer());
    } catch (e) {
      err = e;
    }
    expect(err).to.have.property('code', 'SASL_AUTH_FAILED');
    expect(trueCause(err)).to.be.instanceOf(InvalidTokenError);
    expect(errorToRemote(trueCause(err)).exceptionClassName).to.equal('org.apache.hadoop.security.token.SecretManager$InvalidToken');
  });

  it('client transitions: CHALLENGE before NEGOTIATE, CHALLENGE without token, WRAP, premature SUCCESS', async () => {
    const expectCode = async (c: SaslRpcClient, m: RpcSaslMessage, code: string): Promise<void> => {
      let err: unknown;
      try {
        await c.step(m);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(m)).to.have.property('code', code);
    };
    const a = newClient({ tokens: [token] });
    a.initial();
    await expectCode(a, { state: SaslState.CHALLENGE, token: Uint8Array.of(1) }, 'SASL_STATE');
    await expectCode(newClient(), { state: SaslState.NEGOTIATE, auths: [] }, 'SASL_STATE');
    const b = newClient({ kerberos: { principal: 'a@EXAMPLE.TEST', serverPrincipal: 'nn/localhost@EXAMPLE.TEST', createClient: (_t, q) => new TestKrbClient('a', q[0]!) } });
    const s = newServer({ tokenAuthority: undefined });
    await s.step(b.initial());
    await b.step((await s.step({ state: SaslState.NEGOTIATE }).catch(() => ({ reply: undefined }))).reply ?? { state: SaslState.NEGOTIATE, auths: [{ method: 'KERBEROS', mechanism: 'GSSAPI', protocol: 'nn', serverId: 'localhost' }] });
    await expectCode(b, { state: SaslState.CHALLENGE }, 'SASL_BAD_CHALLENGE');
    const d = newClient({ kerberos: { principal: 'a@EXAMPLE.TEST', serverPrincipal: 'nn/localhost@EXAMPLE.TEST', createClient: (_t, q) => new TestKrbClient('a', q[0]!) } });
    d.initial();
    await d.step({ state: SaslState.NEGOTIATE, auths: [{ method: 'KERBEROS', mechanism: 'GSSAPI', protocol: 'nn', serverId: 'localhost' }] });
    await expectCode(d, { state: SaslState.SUCCESS }, 'SASL_STATE');
    const e = newClient({ tokens: [token] });
    e.initial();
    await expectCode(e, { state: SaslState.WRAP, token: Uint8Array.of(1) }, 'SASL_STATE');
  });

  it('ignores auths with an unknown method or a mismatched mechanism', async () => {
    const c = newClient({ user: 'u' });
    c.initial();
    const r = await c.step({ state: SaslState.NEGOTIATE, auths: [{ method: 'PLAIN', mechanism: 'PLAIN' }, { method: 'TOKEN', mechanism: 'SCRAM' }, { method: 'SIMPLE', mechanism: '' }] });
    expect(r.reply!.auths).to.deep.equal([{ method: 'SIMPLE', mechanism: '' }]);
  });

  it('a secure client refuses to fall back to SIMPLE unless allowed (ipc.client.fallback-to-simple-auth-allowed)', async () => {
    const krb = { principal: 'a@R', serverPrincipal: 'nn/localhost@EXAMPLE.TEST', createClient: (_t: unknown, q: readonly Qop[]) => new TestKrbClient('a', q[0]!) };
    for (const serverAuth of ['simple-only', 'simple-listed'] as const) {
      const s = serverAuth === 'simple-only' ? new SaslRpcServer({ authentication: 'simple', qop: ['auth'] }) : newServer({ authentication: 'simple', tokenAuthority: authority });
      const c = newClient({ kerberos: krb });
      let err: unknown;
      try {
        await converse(c, s);
      } catch (e) {
        err = e;
      }
      expect(err, serverAuth).to.have.property('code', 'ACCESS_DENIED');
      expect((err as Error).message).to.equal('Server asks us to fall back to SIMPLE auth, but this client is configured to only allow secure connections.');
    }
    const allowed = newClient({ kerberos: krb, fallbackToSimpleAllowed: true });
    await converse(allowed, new SaslRpcServer({ authentication: 'simple', qop: ['auth'] }));
    expect(allowed.result().authMethod).to.equal('SIMPLE');
  });

  it('authProtocol is NONE for a plain SIMPLE client', () => {
    expect(newClient({ user: 'u' }).authProtocol).to.equal(AuthProtocol.NONE);
  });
});

describe('security/sasl/rpc: server principal check (SaslRpcClient.getServerPrincipal)', () => {
  const advertised = 'nn/nn1.example.test@EXAMPLE.TEST';
  it('accepts the configured principal after _HOST substitution', () => {
    expect(checkServerPrincipal(advertised, { serverPrincipal: 'nn/_HOST@EXAMPLE.TEST' }, 'NN1.example.test')).to.equal(advertised);
  });
  it('refuses another principal with Hadoop\'s message', () => {
    expect(() => checkServerPrincipal(advertised, { serverPrincipal: 'nn/other.example.test@EXAMPLE.TEST' }, 'x')).to.throw('Server has invalid Kerberos principal: nn/nn1.example.test@EXAMPLE.TEST, expecting: nn/other.example.test@EXAMPLE.TEST');
  });
  it('a configured principal without a realm is not substituted and does not match the realm-qualified advertised name (as Hadoop)', () => {
    expect(() => checkServerPrincipal(advertised, { serverPrincipal: 'nn/_HOST' }, 'nn1.example.test')).to.throw('expecting: nn/_HOST');
  });
  it('uses the .pattern glob when given (the advertised name carries its realm)', () => {
    expect(checkServerPrincipal(advertised, { serverPrincipalPattern: 'nn/*.example.test@EXAMPLE.TEST' }, 'x')).to.equal(advertised);
    expect(checkServerPrincipal(advertised, { serverPrincipalPattern: 'nn/*@*' }, 'x')).to.equal(advertised);
    expect(() => checkServerPrincipal(advertised, { serverPrincipalPattern: 'nn/*.example.test' }, 'x')).to.throw(/doesn't match the pattern/);
    expect(() => checkServerPrincipal(advertised, { serverPrincipalPattern: 'dn/*' }, 'x')).to.throw(/doesn't match the pattern/);
  });
  it('requires a configured principal with a host part', () => {
    expect(() => checkServerPrincipal(advertised, {}, 'x')).to.throw("Failed to specify server's Kerberos principal name");
    expect(() => checkServerPrincipal(advertised, { serverPrincipal: 'nn@EXAMPLE.TEST' }, 'x')).to.throw(/does NOT have the expected hostname part/);
  });
});
