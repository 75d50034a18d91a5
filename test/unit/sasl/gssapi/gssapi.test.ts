import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { randomKey } from '../../../../security/kerberos/crypto/index.ts';
import { AcceptorCredential, type ServiceKey } from '../../../../security/kerberos/gss/acceptor-credential.ts';
import { createSaslClient, createSaslServer } from '../../../../security/sasl/registry.ts';
import { decodeLayerMessage, encodeLayerMessage, LAYER_BIT, maskToQops, qopsToMask } from '../../../../security/sasl/mechanisms/gssapi/layer-message.ts';
import { GssapiClient, ClientState, GssapiServer, ServerState } from '../../../../security/sasl/mechanisms/gssapi/index.ts';
import type { Qop, SaslClient, SaslServer } from '../../../../security/sasl/mechanism.ts';
import { ManualClock } from '../../../../lib/time/clock.ts';
import { InitiatorContext } from '../../../../security/kerberos/gss/initiator.ts';
import { issueTicket, nn } from '../../kerberos/gss/ticket-fixture.ts';

function parties(clientQop: Qop[], serverQop: Qop[], extra: { authorizationId?: string; maxBuffer?: number } = {}, qopFor?: (principal: string) => readonly Qop[]) {
  const clock = new ManualClock();
  const service: ServiceKey = { principal: nn, kvno: 2, key: randomKey(18) };
  const credential = new AcceptorCredential([service], { clock });
  const client = createSaslClient('GSSAPI', { protocol: 'nn', serverName: 'localhost', credential: issueTicket(service, clock), qop: clientQop, clock, ...extra });
  const server = createSaslServer('GSSAPI', { credential, protocol: 'nn', qop: serverQop, ...(qopFor ? { qopFor } : {}) });
  return { client, server };
}

/** Runs the exchange as Hadoop's SaslRpcClient/Server loop does; returns the messages exchanged. */
async function run(client: SaslClient, server: SaslServer): Promise<Uint8Array[]> {
  const wire: Uint8Array[] = [];
  let out = await client.step(undefined);
  while (true) {
    wire.push(out!);
    const challenge = await server.step(out!);
    if (server.isComplete) {
      if (challenge) await client.step(challenge);
      break;
    }
    wire.push(challenge!);
    out = await client.step(challenge!);
  }
  return wire;
}

describe('SASL GSSAPI layer message (RFC 4752 3.1)', () => {
  it('encodes mask, 3-byte max buffer and authzid', () => {
    expect(encodeLayerMessage({ layers: 7, maxBuffer: 65536, authorizationId: '' }).toString('hex')).to.equal('07010000');
    const m = decodeLayerMessage(encodeLayerMessage({ layers: LAYER_BIT.INTEGRITY, maxBuffer: 0xffffff, authorizationId: 'bob' }), 'client');
    expect(m).to.deep.equal({ layers: 2, maxBuffer: 0xffffff, authorizationId: 'bob' });
    expect(qopsToMask(['auth', 'auth-conf'])).to.equal(5);
    expect(maskToQops(6)).to.deep.equal(['auth-conf', 'auth-int']);
    expect(() => decodeLayerMessage(Buffer.alloc(5), 'server')).to.throw().with.property('code', 'SASL_BAD_CHALLENGE');
  });
});

describe('SASL GSSAPI client <-> server', () => {
  for (const qop of ['auth', 'auth-int', 'auth-conf'] as Qop[]) {
    it(`negotiates ${qop} in the JDK's five messages and wraps several sizes`, async () => {
      const { client, server } = parties([qop], ['auth-conf', 'auth-int', 'auth']);
      const wire = await run(client, server);
      // AP-REQ, AP-REP, empty, wrapped offer, wrapped choice
      expect(wire.length).to.equal(5);
      expect(wire[2]!.length).to.equal(0);
      expect(client.isComplete && server.isComplete).to.equal(true);
      expect(server.authenticationId).to.equal('alice@EXAMPLE.TEST');
      expect(server.authorizationId).to.equal('alice@EXAMPLE.TEST');
      const c = client.securityLayer();
      const s = server.securityLayer();
      expect(c.qop).to.equal(qop);
      if (qop === 'auth') {
        expect(() => c.wrap(Buffer.from('x'))).to.throw().with.property('code', 'SASL_STATE');
        return;
      }
      expect(c.rawSendSize).to.be.greaterThan(60000).and.lessThan(65536);
      for (const size of [1, 100, 4096, c.rawSendSize]) {
        const msg = randomBytes(size);
        const token = c.wrap(msg);
        if (size >= 16) expect(Buffer.from(token).includes(msg.subarray(0, 16))).to.equal(qop === 'auth-int');
        expect(Buffer.from(s.unwrap(token)).equals(msg)).to.equal(true);
        expect(Buffer.from(c.unwrap(s.wrap(msg))).equals(msg)).to.equal(true);
      }
      const bad = Buffer.from(c.wrap(Buffer.from('tamper me')));
      bad[bad.length - 1]! ^= 1;
      expect(() => s.unwrap(bad)).to.throw().with.property('code', 'GSS_BAD_MIC');
    });
  }

  it('the client picks the first of its own QOPs that the server offers', async () => {
    const { client, server } = parties(['auth-int', 'auth-conf'], ['auth-conf', 'auth-int']);
    await run(client, server);
    expect(client.securityLayer().qop).to.equal('auth-int');
    expect(server.securityLayer().qop).to.equal('auth-int');
  });

  it('no common QOP is SASL_NO_COMMON_QOP naming both lists', async () => {
    const { client, server } = parties(['auth-conf'], ['auth', 'auth-int']);
    try {
      await run(client, server);
      expect.fail('negotiated without a common QOP');
    } catch (e) {
      const err = e as { code: string; message: string };
      expect(err.code).to.equal('SASL_NO_COMMON_QOP');
      expect(err.message).to.contain('[auth-conf]').and.contain('auth-int');
    }
    expect((client as GssapiClient).state).to.equal(ClientState.Failed);
  });

  it('qopFor decides the offer from the authenticated principal, after the AP-REQ (principal rules)', async () => {
    const asked: string[] = [];
    const qopFor = (principal: string): Qop[] => (asked.push(principal), principal === 'alice@EXAMPLE.TEST' ? ['auth-conf'] : ['auth']);
    const ok = parties(['auth', 'auth-conf'], ['auth', 'auth-conf'], {}, qopFor);
    await run(ok.client, ok.server);
    expect([ok.client.securityLayer().qop, ok.server.securityLayer().qop]).to.deep.equal(['auth-conf', 'auth-conf']);
    expect(asked).to.deep.equal(['alice@EXAMPLE.TEST']);
    const refused = parties(['auth'], ['auth', 'auth-conf'], {}, qopFor);
    try {
      await run(refused.client, refused.server);
      expect.fail('negotiated auth although the offer for alice is auth-conf');
    } catch (e) {
      const err = e as { code: string; message: string };
      expect(err.code).to.equal('SASL_NO_COMMON_QOP');
      expect(err.message).to.contain('client accepts [auth]').and.contain('server offers [auth-conf]');
    }
  });

  it('passes the authorization id, and the default rule refuses a different one', async () => {
    const { client, server } = parties(['auth'], ['auth'], { authorizationId: 'hdfs' });
    try {
      await run(client, server);
      expect.fail('authorized alice as hdfs');
    } catch (e) {
      expect((e as { code: string }).code).to.equal('SASL_AUTH_FAILED');
    }
    expect((server as GssapiServer).state).to.equal(ServerState.Failed);
    expect(() => server.securityLayer()).to.throw().with.property('code', 'SASL_NOT_COMPLETE');
  });

  it('steps after completion are SASL_STATE', async () => {
    const { client, server } = parties(['auth'], ['auth']);
    await run(client, server);
    await client.step(Buffer.alloc(0)).then(() => expect.fail('stepped'), (e) => expect(e.code).to.equal('SASL_STATE'));
    await server.step(Buffer.alloc(0)).then(() => expect.fail('stepped'), (e) => expect(e.code).to.equal('SASL_STATE'));
  });
});

describe('SASL GSSAPI diagnostics events', () => {
  it('publishes hsec:sasl:negotiated on both sides and hsec:auth:failure on a refused client', async () => {
    const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
    const seen: Array<{ name: string; msg: Record<string, unknown> }> = [];
    const onNeg = (msg: unknown) => seen.push({ name: 'negotiated', msg: msg as Record<string, unknown> });
    const onFail = (msg: unknown) => seen.push({ name: 'failure', msg: msg as Record<string, unknown> });
    subscribe('hsec:sasl:negotiated', onNeg);
    subscribe('hsec:auth:failure', onFail);
    try {
      const ok = parties(['auth-int'], ['auth-int']);
      await run(ok.client, ok.server);
      const bad = parties(['auth'], ['auth'], { authorizationId: 'root' });
      await run(bad.client, bad.server).catch(() => undefined);
    } finally {
      unsubscribe('hsec:sasl:negotiated', onNeg);
      unsubscribe('hsec:auth:failure', onFail);
    }
    expect(seen.map((e) => `${e.name}:${String(e.msg.side)}:${String(e.msg.qop ?? e.msg.code)}`)).to.deep.equal([
      // the client completes when it sends its choice, before the server's verdict (as in the JDK)
      'negotiated:client:auth-int',
      'negotiated:server:auth-int',
      'negotiated:client:auth',
      'failure:server:SASL_AUTH_FAILED',
    ]);
    expect(seen[3]!.msg.user).to.equal('alice@EXAMPLE.TEST');
  });
});

describe('SASL GSSAPI state transitions', () => {
  it('client: Initial -> AwaitApRep -> AwaitLayerOffer (answers an empty S0 with empty) -> Complete', async () => {
    const { client, server } = parties(['auth-int'], ['auth-int']);
    const c = client as GssapiClient;
    const s = server as GssapiServer;
    expect(c.state).to.equal(ClientState.Initial);
    const apReq = (await c.step(undefined))!;
    expect(c.state).to.equal(ClientState.AwaitApRep);
    expect(s.state).to.equal(ServerState.AwaitApReq);
    const apRep = (await s.step(apReq))!;
    expect(s.state).to.equal(ServerState.AwaitEmpty);
    expect((await c.step(apRep))!.length).to.equal(0);
    expect(c.state).to.equal(ClientState.AwaitLayerOffer);
    expect((await c.step(new Uint8Array(0)))!.length).to.equal(0);
    expect(c.state).to.equal(ClientState.AwaitLayerOffer);
    const offer = (await s.step(new Uint8Array(0)))!;
    expect(s.state).to.equal(ServerState.AwaitLayerChoice);
    await s.step((await c.step(offer))!);
    expect(c.state).to.equal(ClientState.Complete);
    expect(s.state).to.equal(ServerState.Complete);
  });

  it('server: data where RFC 4752 expects an empty response is SASL_BAD_RESPONSE and fails the exchange', async () => {
    const { client, server } = parties(['auth'], ['auth']);
    await server.step((await client.step(undefined))!);
    await server.step(Buffer.from([1])).then(() => expect.fail('accepted'), (e) => expect(e.code).to.equal('SASL_BAD_RESPONSE'));
    expect((server as GssapiServer).state).to.equal(ServerState.Failed);
  });

  it('client: a garbage AP-REP fails with a typed error and the client is Failed', async () => {
    const { client } = parties(['auth'], ['auth']);
    await client.step(undefined);
    await client.step(Buffer.from('not a token')).then(() => expect.fail('accepted'), (e) => expect(e.code).to.equal('GSS_DEFECTIVE_TOKEN'));
    expect((client as GssapiClient).state).to.equal(ClientState.Failed);
  });

  it('a layer choice the server did not offer is SASL_NO_COMMON_QOP at the server', async () => {
    const clock = new ManualClock();
    const service: ServiceKey = { principal: nn, kvno: 2, key: randomKey(17) };
    const server = new GssapiServer({ credential: new AcceptorCredential([service], { clock }), qop: ['auth-conf'] });
    // a hand-driven initiator that answers with a layer the server never offered
    const ini = new InitiatorContext({ credential: issueTicket(service, clock), clock });
    ini.step((await server.step(ini.step()!))!);
    const offer = decodeLayerMessage(ini.context.unwrap((await server.step(new Uint8Array(0)))!).data, 'server');
    expect(maskToQops(offer.layers)).to.deep.equal(['auth-conf']);
    const forged = ini.context.wrap(encodeLayerMessage({ layers: LAYER_BIT.NONE, maxBuffer: 0, authorizationId: '' }), false);
    await server.step(forged).then(() => expect.fail('accepted'), (e) => expect(e.code).to.equal('SASL_NO_COMMON_QOP'));
    expect(server.state).to.equal(ServerState.Failed);
  });

  it('without a ticket or a ticket source the client cannot be built', () => {
    expect(() => new GssapiClient({ protocol: 'nn', serverName: 'localhost' })).to.throw().with.property('code', 'SASL_STATE');
  });
});
