import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { HsecError, InvalidTokenError } from '../../../lib/errors/index.ts';
import type { Qop, SaslClient, SaslServer } from '../../../security/sasl/mechanism.ts';
import { createSaslClient, createSaslServer, SASL_MECHANISMS } from '../../../security/sasl/index.ts';
import { DigestMd5Client, State as ClientState } from '../../../security/sasl/mechanisms/digest-md5/client.ts';
import { DigestMd5Server, State as ServerState } from '../../../security/sasl/mechanisms/digest-md5/server.ts';
import { tokenClientCredentials, decodeTokenIdentifier } from '../../../security/sasl/mechanisms/digest-md5/hadoop-token.ts';
import type { DigestCipherName } from '../../../security/sasl/mechanisms/digest-md5/ciphers.ts';

const vectors = JSON.parse(readFileSync(new URL('../../vectors/sasl-digest-md5.json', import.meta.url), 'utf8'));
const IDENT = Buffer.from('0012616c69636540455841', 'hex');
const PASS = Buffer.from('s3cr3t-token-password');

async function rejects(p: Promise<unknown>): Promise<HsecError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(HsecError);
    return err as HsecError;
  }
  expect.fail('expected a rejection');
}

function throwsCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(HsecError);
    return (err as HsecError).code;
  }
  expect.fail('expected an error');
}

function pair(opts: { clientQop?: Qop[]; serverQop?: Qop[]; clientCiphers?: DigestCipherName[]; serverCiphers?: DigestCipherName[]; password?: Buffer; clientMax?: number; serverMax?: number } = {}) {
  const client = new DigestMd5Client({ ...tokenClientCredentials(IDENT, opts.password ?? PASS), qop: opts.clientQop ?? ['auth'], ciphers: opts.clientCiphers, maxBuffer: opts.clientMax });
  const server = new DigestMd5Server({
    protocol: '',
    serverName: 'default',
    qop: opts.serverQop ?? ['auth'],
    ciphers: opts.serverCiphers,
    maxBuffer: opts.serverMax,
    passwordLookup: (user, realm) => {
      expect(realm).to.equal('default');
      if (!decodeTokenIdentifier(user).equals(IDENT)) throw new InvalidTokenError('TOKEN_UNKNOWN', 'token is not known to this server');
      return PASS.toString('base64');
    },
  });
  return { client, server };
}

async function handshake(client: SaslClient, server: SaslServer): Promise<void> {
  const challenge = await server.step(new Uint8Array(0));
  expect(await client.step(undefined)).to.equal(undefined); // DIGEST-MD5 has no initial response
  const response = await client.step(challenge);
  const rspauth = await server.step(response!);
  expect(server.isComplete).to.equal(true);
  expect(await client.step(rspauth)).to.equal(undefined);
  expect(client.isComplete).to.equal(true);
}

describe('sasl/digest-md5 exchange', () => {
  it('registers DIGEST-MD5 in the registry, and unknown mechanisms are SASL_UNSUPPORTED', () => {
    expect(Object.keys(SASL_MECHANISMS)).to.include('DIGEST-MD5');
    const c = createSaslClient('DIGEST-MD5', { ...tokenClientCredentials(IDENT, PASS) });
    expect(c.mechanism).to.equal('DIGEST-MD5');
    expect(c.hasInitialResponse).to.equal(false);
    expect(createSaslServer('DIGEST-MD5', { protocol: '', serverName: 'default', passwordLookup: () => 'x' }).mechanism).to.equal('DIGEST-MD5');
    expect(throwsCode(() => createSaslClient('NOPE' as 'DIGEST-MD5', { ...tokenClientCredentials(IDENT, PASS) }))).to.equal('SASL_UNSUPPORTED');
  });

  it('writes the stock Hadoop challenge and response bytes given the same nonces', async () => {
    const nonce = '9SXQgP6NWnQljcmKDAkKG9cJd4HgYmwP0kVysrNV';
    const cnonce = '8EnA8q54nwJwuN5bbrkJg7tGR+zMTSY9ZkvPEE1w';
    const server = new DigestMd5Server({ protocol: '', serverName: 'default', qop: ['auth-conf'], random: () => Buffer.from(nonce, 'base64'), passwordLookup: () => 'x' });
    const challenge = await server.step(new Uint8Array(0));
    expect(Buffer.from(challenge!).toString('latin1')).to.equal(vectors.challenge);
    const client = new DigestMd5Client({
      username: 'ABJhbGljZUBFWEFNUExFLlRFU1QFYWxpY2UAigGiAh4yDooBoiYqtg4BAg==',
      password: 'unknown',
      protocol: '',
      serverName: 'default',
      qop: ['auth-conf'],
      random: () => Buffer.from(cnonce, 'base64'),
    });
    const response = Buffer.from((await client.step(Buffer.from(vectors.challenge)))!).toString('latin1');
    const stripHash = (s: string) => s.replace(/response=[0-9a-f]{32}/, 'response=<hash>');
    expect(stripHash(response)).to.equal(stripHash(vectors.response));
  });

  for (const kind of ['encrypted', 'general'] as const) {
    it(`data transfer (${kind}): writes the stock Hadoop DataNode challenge and client response (protocol hdfs, server 0, authzid)`, async () => {
      const v = vectors.datatransfer[kind];
      const nonce = /nonce="([^"]+)"/.exec(v.challenge)![1]!;
      const cnonce = /cnonce="([^"]+)"/.exec(v.response)![1]!;
      const username = /username="([^"]+)"/.exec(v.response)![1]!;
      const server = new DigestMd5Server({ protocol: 'hdfs', serverName: '0', qop: ['auth-conf'], random: () => Buffer.from(nonce, 'base64'), passwordLookup: () => 'x' });
      expect(Buffer.from((await server.step(new Uint8Array(0)))!).toString('latin1')).to.equal(v.challenge);
      const client = new DigestMd5Client({ username, password: 'x', authorizationId: username, protocol: 'hdfs', serverName: '0', qop: ['auth-conf'], random: () => Buffer.from(cnonce, 'base64') });
      const response = Buffer.from((await client.step(Buffer.from(v.challenge)))!).toString('latin1');
      const stripHash = (s: string) => s.replace(/response=[0-9a-f]{32}/, 'response=<hash>');
      expect(stripHash(response)).to.equal(stripHash(v.response));
      // and our server accepts our own authzid-bearing response, reporting both ids
      const rspauth = await server.step(Buffer.from(response, 'latin1'));
      expect(Buffer.from(rspauth!).toString()).to.match(/^rspauth=[0-9a-f]{32}$/);
      expect(server.authenticationId).to.equal(username);
      expect(server.authorizationId).to.equal(username);
      await client.step(rspauth);
      expect(client.isComplete).to.equal(true);
      // a 16-byte AES key wrapped with 3des is 38 bytes, as in the trace's cipherOption
      expect(client.securityLayer().wrap(Buffer.alloc(16)).length).to.equal(38);
    });
  }

  for (const qop of ['auth', 'auth-int', 'auth-conf'] as const) {
    it(`authenticates and wraps both ways at ${qop}`, async () => {
      const { client, server } = pair({ clientQop: [qop], serverQop: ['auth-conf', 'auth-int', 'auth'] });
      await handshake(client, server);
      expect(server.authenticationId).to.equal(IDENT.toString('base64'));
      expect(server.authorizationId).to.equal(IDENT.toString('base64'));
      const cl = client.securityLayer();
      const sl = server.securityLayer();
      expect(cl.qop).to.equal(qop);
      expect(sl.qop).to.equal(qop);
      if (qop === 'auth') {
        expect(throwsCode(() => cl.wrap(Buffer.from('x')))).to.equal('SASL_STATE');
        return;
      }
      expect(cl.rawSendSize).to.equal(65536 - (qop === 'auth-int' ? 16 : 26));
      for (const size of [0, 1, 7, 8, 1000, 65000]) {
        const msg = Buffer.alloc(size, size & 0xff);
        const token = cl.wrap(msg);
        if (size === 0) expect(token.length).to.equal(0);
        else if (qop === 'auth-int') expect(Buffer.from(token.subarray(0, size)).equals(msg)).to.equal(true);
        else expect(Buffer.from(token).includes(msg.subarray(0, 64)) && size >= 64).to.equal(false);
        expect(Buffer.from(sl.unwrap(token)).equals(msg)).to.equal(true);
        expect(Buffer.from(cl.unwrap(sl.wrap(msg))).equals(msg)).to.equal(true);
      }
    });
  }

  for (const cipher of ['3des', 'rc4', 'des', 'rc4-56', 'rc4-40'] as const) {
    it(`auth-conf with cipher ${cipher}: sealed, padded per RFC 2831, chained across messages`, async () => {
      const { client, server } = pair({ clientQop: ['auth-conf'], serverQop: ['auth-conf'], serverCiphers: [cipher] });
      await handshake(client, server);
      const cl = client.securityLayer();
      const sl = server.securityLayer();
      const msg = Buffer.from('same message twice');
      const t1 = Buffer.from(cl.wrap(msg));
      const t2 = Buffer.from(cl.wrap(msg));
      const block = cipher.startsWith('rc4') ? 1 : 8;
      const sealed = msg.length + 10 + (block > 1 ? block - ((msg.length + 10) % block) : 0);
      expect(t1.length).to.equal(sealed + 6);
      expect(t1.subarray(0, sealed).equals(t2.subarray(0, sealed))).to.equal(false); // chain state moved on
      expect(t1.subarray(sealed).toString('hex')).to.equal('000100000000');
      expect(t2.subarray(sealed).toString('hex')).to.equal('000100000001');
      expect(Buffer.from(sl.unwrap(t1)).equals(msg)).to.equal(true);
      expect(Buffer.from(sl.unwrap(t2)).equals(msg)).to.equal(true);
    });
  }

  it('client prefers 3des over rc4 when the server offers all ciphers', async () => {
    const { client, server } = pair({ clientQop: ['auth-conf'], serverQop: ['auth-conf'] });
    const response = await client.step(await server.step(new Uint8Array(0)));
    expect(Buffer.from(response!).toString()).to.match(/,cipher="3des"$/);
  });

  for (const qop of ['auth-int', 'auth-conf'] as const) {
    it(`${qop}: a tampered token is SASL_INTEGRITY; replayed is SASL_REPLAY; reordered is SASL_SEQUENCE`, async () => {
      const { client, server } = pair({ clientQop: [qop], serverQop: [qop] });
      await handshake(client, server);
      const cl = client.securityLayer();
      const sl = server.securityLayer();
      const t0 = Buffer.from(cl.wrap(Buffer.from('first message, sixteen+')));
      const t1 = Buffer.from(cl.wrap(Buffer.from('second message')));
      const t2 = Buffer.from(cl.wrap(Buffer.from('third message')));
      expect(throwsCode(() => sl.unwrap(t1))).to.equal('SASL_SEQUENCE'); // t1 before t0
      expect(Buffer.from(sl.unwrap(t0)).toString()).to.equal('first message, sixteen+');
      expect(throwsCode(() => sl.unwrap(t0))).to.equal('SASL_REPLAY');
      expect(Buffer.from(sl.unwrap(t1)).toString()).to.equal('second message');
      const tampered = Buffer.from(t2);
      tampered[qop === 'auth-int' ? 2 : 5]! ^= 0x01;
      expect(throwsCode(() => sl.unwrap(tampered))).to.equal('SASL_INTEGRITY');
      const shortToken = Buffer.alloc(9, 1);
      expect(throwsCode(() => sl.unwrap(shortToken))).to.be.oneOf(['SASL_INTEGRITY', 'SASL_SEQUENCE']);
    });
  }

  it('wrong password: the server fails with SASL_AUTH_FAILED naming the user, never the password', async () => {
    const { client, server } = pair({ password: Buffer.from('wrong-password') });
    const response = await client.step(await server.step(new Uint8Array(0)));
    const err = await rejects(server.step(response!));
    expect(err.code).to.equal('SASL_AUTH_FAILED');
    expect(err.message).to.contain(IDENT.toString('base64'));
    expect(err.message).to.not.contain(PASS.toString('base64'));
    expect(err.message).to.not.contain(Buffer.from('wrong-password').toString('base64'));
    expect((server as DigestMd5Server).state).to.equal(ServerState.Failed);
    expect((await rejects(server.step(response!))).code).to.equal('SASL_STATE');
  });

  it('an InvalidTokenError from the password lookup becomes SASL_AUTH_FAILED with it as cause', async () => {
    const client = new DigestMd5Client({ ...tokenClientCredentials(Buffer.from('unknown-id'), PASS) });
    const { server } = pair();
    const err = await rejects(server.step((await client.step(await server.step(new Uint8Array(0))))!));
    expect(err.code).to.equal('SASL_AUTH_FAILED');
    expect(err.cause).to.be.instanceOf(InvalidTokenError);
    expect((err.cause as HsecError).code).to.equal('TOKEN_UNKNOWN');
  });

  it('the client rejects a forged rspauth with SASL_AUTH_FAILED (mutual authentication)', async () => {
    const { client, server } = pair();
    await client.step(await server.step(new Uint8Array(0)));
    const err = await rejects(client.step(Buffer.from('rspauth=00000000000000000000000000000000')));
    expect(err.code).to.equal('SASL_AUTH_FAILED');
    expect((client as DigestMd5Client).state).to.equal(ClientState.Failed);
  });

  it('no common QOP, both directions, names both lists', async () => {
    const a = pair({ clientQop: ['auth-conf'], serverQop: ['auth', 'auth-int'] });
    const e1 = await rejects(a.client.step(await a.server.step(new Uint8Array(0))));
    expect(e1.code).to.equal('SASL_NO_COMMON_QOP');
    expect(e1.message).to.contain('[auth-conf]').and.contain('[auth,auth-int]');
    // a client that sends a QOP the server did not offer
    const b = pair({ serverQop: ['auth-conf'] });
    const challenge = Buffer.from((await b.server.step(new Uint8Array(0)))!).toString().replace('qop="auth-conf"', 'qop="auth"');
    const resp = await b.client.step(Buffer.from(challenge));
    const e2 = await rejects(b.server.step(resp!));
    expect(e2.code).to.equal('SASL_NO_COMMON_QOP');
    expect(e2.message).to.contain('[auth]').and.contain('[auth-conf]');
  });

  it('malformed challenge and response are SASL_BAD_CHALLENGE / SASL_BAD_RESPONSE', async () => {
    const { client, server } = pair();
    expect((await rejects(client.step(Buffer.from('nonce="abc,algorithm=md5-sess')))).code).to.equal('SASL_BAD_CHALLENGE');
    await server.step(new Uint8Array(0));
    expect((await rejects(server.step(Buffer.from('username="x"')))).code).to.equal('SASL_BAD_RESPONSE');
  });

  it('the server checks nonce, realm and digest-uri of the response', async () => {
    for (const [from, to] of [
      [/nonce="[^"]*"/, 'nonce="other"'],
      [/realm="default"/, 'realm="elsewhere"'],
      [/digest-uri="\/default"/, 'digest-uri="hdfs/default"'],
    ] as const) {
      const { client, server } = pair();
      const resp = Buffer.from((await client.step(await server.step(new Uint8Array(0))))!).toString().replace(from, to);
      expect((await rejects(server.step(Buffer.from(resp)))).code).to.equal('SASL_BAD_RESPONSE');
    }
  });

  it('publishes hsec:sasl:negotiated on both sides and hsec:auth:failure on a bad password', async () => {
    const events: unknown[] = [];
    const failures: unknown[] = [];
    const onEvent = (m: unknown) => events.push(m);
    const onFailure = (m: unknown) => failures.push(m);
    subscribe('hsec:sasl:negotiated', onEvent);
    subscribe('hsec:auth:failure', onFailure);
    try {
      const ok = pair({ clientQop: ['auth-conf'], serverQop: ['auth-conf'] });
      await handshake(ok.client, ok.server);
      const user = IDENT.toString('base64');
      expect(events).to.deep.equal([
        { mechanism: 'DIGEST-MD5', side: 'server', qop: 'auth-conf', cipher: '3des', user },
        { mechanism: 'DIGEST-MD5', side: 'client', qop: 'auth-conf', cipher: '3des', user },
      ]);
      const bad = pair({ password: Buffer.from('nope') });
      await rejects(bad.server.step((await bad.client.step(await bad.server.step(new Uint8Array(0))))!));
      expect(failures).to.deep.equal([{ mechanism: 'DIGEST-MD5', side: 'server', user, code: 'SASL_AUTH_FAILED' }]);
      expect(JSON.stringify([events, failures])).to.not.contain(PASS.toString('base64'));
    } finally {
      unsubscribe('hsec:sasl:negotiated', onEvent);
      unsubscribe('hsec:auth:failure', onFailure);
    }
  });

  it('steps after completion and security layers before it are state errors', async () => {
    const { client, server } = pair();
    expect(throwsCode(() => client.securityLayer())).to.equal('SASL_NOT_COMPLETE');
    expect(throwsCode(() => server.securityLayer())).to.equal('SASL_NOT_COMPLETE');
    await handshake(client, server);
    expect((await rejects(client.step(Buffer.from('rspauth=00')))).code).to.equal('SASL_STATE');
    expect((await rejects(server.step(Buffer.from('x')))).code).to.equal('SASL_STATE');
  });

  it("rawSendSize follows the peer's maxbuf like the JDK (peer maxbuf - 16 / - 26)", async () => {
    const { client, server } = pair({ clientQop: ['auth-conf'], serverQop: ['auth-conf'], clientMax: 4096, serverMax: 8192 });
    await handshake(client, server);
    expect(client.securityLayer().rawSendSize).to.equal(8192 - 26);
    expect(server.securityLayer().rawSendSize).to.equal(4096 - 26);
  });
});
