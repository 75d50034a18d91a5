import { expect } from 'chai';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { AccessControlError, InvalidTokenError, RemoteError, type HsecError } from '../../../lib/errors/index.ts';
import { encodePreamble } from '../../../lib/rpc/preamble.ts';
import { AuthProtocol, SaslState } from '../../../lib/rpc/constants.ts';
import { callFrame, contextFrame, parseRequest, parseResponse, parseSaslBody, saslRequestFrame, saslResponseFrame } from '../../../lib/rpc/ipc-frames.ts';
import { FrameDecoder } from '../../../lib/rpc/frame.ts';
import { RpcClient, RpcServer, delegationTokenAuthority } from '../../../security/sasl/rpc/index.ts';
import { DefaultSaslPropertiesResolver } from '../../../security/resolver/index.ts';
import { DelegationTokenSecretManager } from '../../../security/token/secret-manager.ts';
import type { Token } from '../../../security/token/token.ts';
import { ECHO, echoHandlers, json, rawExchange, RecordingProxy } from './support.ts';

const resolverFor = (protection: string): DefaultSaslPropertiesResolver =>
  new DefaultSaslPropertiesResolver({ get: (k) => (k === 'hadoop.rpc.protection' ? protection : undefined) });

async function expectReject(p: Promise<unknown>): Promise<HsecError> {
  try {
    await p;
  } catch (e) {
    return e as HsecError;
  }
  throw new Error('expected a rejection');
}

describe('rpc over loopback: SIMPLE', function () {
  let server: RpcServer;
  let client: RpcClient;
  let port: number;

  before(async () => {
    server = new RpcServer({ authentication: 'simple', handshakeTimeoutMs: 500 });
    server.registerProtocol(ECHO, echoHandlers({
      deny: () => {
        throw new AccessControlError('ACCESS_DENIED', 'Permission denied: user=bob, access=WRITE', {});
      },
      nothing: () => undefined as unknown as Uint8Array,
    }));
    ({ port } = await server.start('127.0.0.1', 0));
    client = new RpcClient();
  });
  after(async () => {
    client.stop();
    await server.stop();
  });

  it('authenticates nobody but carries the SIMPLE user, auth method and protocols', async () => {
    const r = json(await client.call({ host: '127.0.0.1', port }, ECHO, 'whoami', new Uint8Array(0), { user: 'bob' }));
    expect(r).to.deep.equal({ user: 'bob', shortUser: 'bob', realUser: null, authMethod: 'SIMPLE', qop: null, protocol: ECHO, connectionProtocol: ECHO });
  });

  it('publishes hsec:rpc:connection and hsec:rpc:connection-failed diagnostics events', async () => {
    const seen: Record<string, unknown>[] = [];
    const failed: Record<string, unknown>[] = [];
    const onConn = (m: unknown): void => void seen.push(m as Record<string, unknown>);
    const onFail = (m: unknown): void => void failed.push(m as Record<string, unknown>);
    subscribe('hsec:rpc:connection', onConn);
    subscribe('hsec:rpc:connection-failed', onFail);
    try {
      const c = new RpcClient();
      await c.call({ host: '127.0.0.1', port }, ECHO, 'echo', Buffer.from('x'), { user: 'eve' });
      c.stop();
      await rawExchange(port, [Buffer.from('hrpc\x09\x00\x00'), Uint8Array.of(0, 0, 0, 3, 2, 0xff, 0xff)]);
    } finally {
      unsubscribe('hsec:rpc:connection', onConn);
      unsubscribe('hsec:rpc:connection-failed', onFail);
    }
    expect(seen).to.have.length(1);
    expect(seen[0]).to.include({ user: 'eve', authMethod: 'SIMPLE', protocol: ECHO, remoteAddress: '127.0.0.1' });
    expect(failed).to.have.length(1);
    expect(failed[0]).to.include({ state: 'CONTEXT', code: 'FATAL_DESERIALIZING_REQUEST' });
  });

  it('a SIMPLE caller without a user is HADOOP_USER_NAME (else the OS user)', async () => {
    const saved = process.env.HADOOP_USER_NAME;
    process.env.HADOOP_USER_NAME = 'hdfs-env-user';
    try {
      const c = new RpcClient();
      expect(json(await c.call({ host: '127.0.0.1', port }, ECHO, 'whoami', new Uint8Array(0))).user).to.equal('hdfs-env-user');
      c.stop();
    } finally {
      if (saved === undefined) delete process.env.HADOOP_USER_NAME;
      else process.env.HADOOP_USER_NAME = saved;
    }
  });

  it('ERROR responses keep the connection: typed errors with the Java class name, then more calls on the same connection', async () => {
    const addr = { host: '127.0.0.1', port };
    const before = client.connectionCount;
    const denied = await expectReject(client.call(addr, ECHO, 'deny', new Uint8Array(0), { user: 'bob' }));
    expect(denied).to.be.instanceOf(AccessControlError);
    expect(denied.details).to.include({ exceptionClassName: 'org.apache.hadoop.security.AccessControlException', errorDetail: 'ERROR_APPLICATION', fatal: false });
    const nsm = await expectReject(client.call(addr, ECHO, 'nope', new Uint8Array(0), { user: 'bob' }));
    expect(nsm).to.be.instanceOf(RemoteError);
    expect(nsm.details).to.include({ exceptionClassName: 'org.apache.hadoop.ipc.RpcNoSuchMethodException', errorDetail: 'ERROR_NO_SUCH_METHOD' });
    const nsp = await expectReject(client.call(addr, 'no.such.Protocol', 'x', new Uint8Array(0), { user: 'bob', declaringProtocol: 'no.such.Protocol' }));
    expect(nsp.details).to.include({ exceptionClassName: 'org.apache.hadoop.ipc.RpcNoSuchProtocolException', errorDetail: 'ERROR_NO_SUCH_PROTOCOL' });
    const empty = await expectReject(client.call(addr, ECHO, 'nothing', new Uint8Array(0), { user: 'bob' }));
    expect(empty.details).to.include({ exceptionClassName: 'org.apache.hadoop.ipc.RpcServerException', errorDetail: 'ERROR_SERIALIZING_RESPONSE' });
    expect(Buffer.from(await client.call(addr, ECHO, 'echo', Buffer.from('still here'), { user: 'bob' })).toString()).to.equal('still here');
    expect(client.connectionCount).to.equal(Math.max(before, 1) + 1); // the no.such.Protocol connection is separate
  });

  it('refuses impersonation without an authorizer (Hadoop message, FATAL)', async () => {
    const err = await expectReject(client.call({ host: '127.0.0.1', port }, ECHO, 'whoami', new Uint8Array(0), { user: 'carol', realUser: 'svc' }));
    expect(err).to.be.instanceOf(AccessControlError);
    expect(err.message).to.contain('User: svc is not allowed to impersonate carol');
    expect(err.details).to.include({ exceptionClassName: 'org.apache.hadoop.security.authorize.AuthorizationException', fatal: true, errorDetail: 'FATAL_UNAUTHORIZED' });
  });

  it('a SIMPLE context naming a real user is a proxy even of itself, and is checked (ProtoUtil.getUgi makes a proxy UGI)', async () => {
    const r = await rawExchange(port, [
      encodePreamble({ authProtocol: AuthProtocol.NONE }),
      contextFrame(new Uint8Array(16), { userInfo: { effectiveUser: 'carol', realUser: 'carol' }, protocol: ECHO }),
    ], { waitMs: 1500 });
    expect(r.closedByServer).to.equal(true);
    const [frame] = new FrameDecoder().push(r.received);
    const { header } = parseResponse(frame!);
    expect(header).to.include({ exceptionClassName: 'org.apache.hadoop.security.authorize.AuthorizationException', errorMsg: 'User: carol is not allowed to impersonate carol' });
  });

  it('many outstanding calls on one connection are matched by call id', async () => {
    const c = new RpcClient();
    const addr = { host: '127.0.0.1', port };
    const calls = Array.from({ length: 200 }, (_, i) => {
      const req = Buffer.alloc(6);
      req.writeUInt16BE((i * 7) % 23);
      req.writeUInt32BE(i, 2);
      return c.call(addr, ECHO, 'sleepEcho', req, { user: 'bob' }).then((r) => Buffer.from(r).readUInt32BE(2));
    });
    expect(await Promise.all(calls)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
    expect(c.connectionCount).to.equal(1);
    c.stop();
  });

  it('an unresolvable host is UnreachableError UNREACHABLE', async () => {
    const err = await expectReject(new RpcClient().call({ host: 'no-such-host.invalid', port: 1 }, ECHO, 'echo', new Uint8Array(0), { user: 'bob' }));
    expect(err.code).to.equal('UNREACHABLE');
  });

  it('16 connections (16 users) in parallel', async () => {
    const c = new RpcClient();
    const addr = { host: '127.0.0.1', port };
    const results = await Promise.all(
      Array.from({ length: 16 }, async (_, u) => {
        const out: string[] = [];
        for (let i = 0; i < 10; i++) out.push((json(await c.call(addr, ECHO, 'whoami', new Uint8Array(0), { user: `user${u}` })) as { user: string }).user);
        return out;
      }),
    );
    results.forEach((r, u) => expect(r).to.deep.equal(Array(10).fill(`user${u}`)));
    expect(c.connectionCount).to.equal(16);
    c.stop();
  });

  it('closes idle connections after maxIdleMs', async () => {
    const c = new RpcClient({ maxIdleMs: 200 });
    await c.call({ host: '127.0.0.1', port }, ECHO, 'echo', Buffer.from('x'), { user: 'bob' });
    expect(c.connectionCount).to.equal(1);
    await new Promise((r) => setTimeout(r, 600));
    expect(c.connectionCount).to.equal(0);
    c.stop();
  });

  it('sends pings while a call is outstanding (ipc.ping.interval)', async () => {
    const proxy = new RecordingProxy();
    const pport = await proxy.start(port);
    const c = new RpcClient({ pingIntervalMs: 100 });
    const req = Buffer.alloc(2);
    req.writeUInt16BE(450);
    await c.call({ host: '127.0.0.1', port: pport }, ECHO, 'sleepEcho', req, { user: 'bob' });
    const d = new FrameDecoder();
    const ids = d.push(Buffer.concat(proxy.toServer).subarray(7)).map((f) => parseRequest(f).header.callId);
    expect(ids.filter((id) => id === -4).length).to.be.greaterThanOrEqual(2);
    c.stop();
    await proxy.stop();
  });

  describe('bad input never crashes the server', () => {
    const good = async (): Promise<void> => {
      const r = json(await new RpcClient().call({ host: '127.0.0.1', port }, ECHO, 'whoami', new Uint8Array(0), { user: 'ok' }));
      expect(r.user).to.equal('ok');
    };

    it('garbage instead of a preamble: connection closed', async () => {
      const r = await rawExchange(port, [Buffer.from('this is not hadoop ipc at all')]);
      expect(r.closedByServer).to.equal(true);
      await good();
    });

    it('HTTP on the RPC port: plain-text answer, then closed', async () => {
      const r = await rawExchange(port, [Buffer.from('GET / HTTP/1.1\r\n\r\n')]);
      expect(r.received.toString()).to.contain('It looks like you are making an HTTP request to a Hadoop IPC port');
      expect(r.closedByServer).to.equal(true);
      await good();
    });

    it('wrong IPC version: FATAL version mismatch', async () => {
      const r = await rawExchange(port, [Buffer.from('hrpc\x07\x00\x00', 'latin1')]);
      const [frame] = new FrameDecoder().push(r.received);
      expect(parseResponse(frame!).header).to.include({ status: 2, exceptionClassName: 'org.apache.hadoop.ipc.RPC$VersionMismatch', errorDetail: 14 });
      expect(r.closedByServer).to.equal(true);
    });

    it('oversized frame length: closed before the body is read', async () => {
      const r = await rawExchange(port, [encodePreamble({ authProtocol: AuthProtocol.NONE }), Uint8Array.of(0x7f, 0xff, 0xff, 0xff)]);
      expect(r.closedByServer).to.equal(true);
      await good();
    });

    it('garbage protobuf in a frame: FATAL_DESERIALIZING_REQUEST from RpcServerException (Server.getMessage), closed', async () => {
      const r = await rawExchange(port, [encodePreamble({ authProtocol: AuthProtocol.NONE }), Uint8Array.of(0, 0, 0, 3, 2, 0xff, 0xff)]);
      const [frame] = new FrameDecoder().push(r.received);
      expect(parseResponse(frame!).header).to.include({ status: 2, errorDetail: 13, callId: -1, exceptionClassName: 'org.apache.hadoop.ipc.RpcServerException' });
      expect(parseResponse(frame!).header.errorMsg).to.match(/^Error decoding RpcRequestHeaderProto: /);
      expect(r.closedByServer).to.equal(true);
      await good();
    });

    it('a call before the connection context: FATAL, closed', async () => {
      const cid = new Uint8Array(16);
      const r = await rawExchange(port, [encodePreamble({ authProtocol: AuthProtocol.NONE }), callFrame(1, cid, 0, { methodName: 'echo', declaringClassProtocolName: ECHO, clientProtocolVersion: 1n }, Uint8Array.of(1))]);
      const [frame] = new FrameDecoder().push(r.received);
      expect(parseResponse(frame!).header).to.include({ status: 2, errorMsg: 'Connection context not established' });
    });

    it('truncated frame then silence: dropped at the handshake timeout', async () => {
      const r = await rawExchange(port, [encodePreamble({ authProtocol: AuthProtocol.NONE }), Uint8Array.of(0, 0, 0, 50, 1, 2, 3)], { waitMs: 3000 });
      expect(r.closedByServer).to.equal(true);
      await good();
    });

    it('a client that does not read its responses is paused (bounded memory) while others are served', async () => {
      let served = 0;
      const bp = new RpcServer({ authentication: 'simple', maxInFlight: 8 });
      bp.registerProtocol(ECHO, echoHandlers({ big: () => ((served++), new Uint8Array(256 * 1024)) }));
      const { port: bport } = await bp.start('127.0.0.1', 0);
      const { connect } = await import('node:net');
      const sock = connect({ host: '127.0.0.1', port: bport });
      await new Promise((r) => sock.once('connect', r));
      sock.pause(); // never read
      const cid = new Uint8Array(16);
      sock.write(encodePreamble({ authProtocol: AuthProtocol.NONE }));
      sock.write(contextFrame(cid, { userInfo: { effectiveUser: 'hog' }, protocol: ECHO }));
      for (let i = 0; i < 400; i++) sock.write(callFrame(i, cid, 0, { methodName: 'big', declaringClassProtocolName: ECHO, clientProtocolVersion: 1n }, new Uint8Array(0)));
      await new Promise((r) => setTimeout(r, 800));
      expect(served).to.be.lessThan(200); // 400 x 256 KiB would be 100 MiB buffered
      const other = json(await new RpcClient().call({ host: '127.0.0.1', port: bport }, ECHO, 'whoami', new Uint8Array(0), { user: 'polite' }));
      expect(other.user).to.equal('polite');
      sock.destroy();
      await bp.stop();
    });

    it('a slow client (one byte every 5 ms) still gets served, while others are served meanwhile', async () => {
      const cid = new Uint8Array(16);
      const bytes = Buffer.concat([
        encodePreamble({ authProtocol: AuthProtocol.NONE }),
        contextFrame(cid, { userInfo: { effectiveUser: 'slow' }, protocol: ECHO }),
        callFrame(7, cid, 0, { methodName: 'echo', declaringClassProtocolName: ECHO, clientProtocolVersion: 1n }, Buffer.from('slowly')),
      ]);
      const slowServer = new RpcServer({ authentication: 'simple', handshakeTimeoutMs: 5000 });
      slowServer.registerProtocol(ECHO, echoHandlers());
      const { port: sp } = await slowServer.start('127.0.0.1', 0);
      const slow = rawExchange(sp, [...bytes].map((b) => Uint8Array.of(b)), { gapMs: 5, waitMs: 300 });
      const fast = json(await new RpcClient().call({ host: '127.0.0.1', port: sp }, ECHO, 'whoami', new Uint8Array(0), { user: 'fast' }));
      expect(fast.user).to.equal('fast');
      const r = await slow;
      const [frame] = new FrameDecoder().push(r.received);
      const { header, rest } = parseResponse(frame!);
      expect(header).to.include({ callId: 7, status: 0 });
      expect(Buffer.from(rest).subarray(1).toString()).to.equal('slowly');
      await slowServer.stop();
    });
  });
});

describe('rpc client against misbehaving servers', () => {
  async function fakeServer(reply: (sock: import('node:net').Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
    const { createServer } = await import('node:net');
    const sockets = new Set<import('node:net').Socket>();
    const srv = createServer((sock) => {
      sockets.add(sock);
      sock.on('error', () => undefined);
      sock.once('data', () => reply(sock));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return {
      port: (srv.address() as { port: number }).port,
      close: async () => {
        for (const s of sockets) s.destroy();
        await new Promise((r) => srv.close(r));
      },
    };
  }
  const token = { identifier: Buffer.from('i'), password: Buffer.from('p'), kind: 'K', service: '' };

  it('an oversized response length is PROTOCOL_TOO_LARGE (ipc.maximum.response.length)', async () => {
    const f = await fakeServer((s) => s.write(Uint8Array.of(0x7f, 0xff, 0xff, 0xff)));
    const err = await expectReject(new RpcClient({ maxResponseLength: 1 << 20 }).call({ host: '127.0.0.1', port: f.port }, ECHO, 'x', new Uint8Array(0), { tokens: [{ ...token, service: `127.0.0.1:${f.port}` }] }));
    expect(err.code).to.equal('PROTOCOL_TOO_LARGE');
    await f.close();
  });

  it('garbage instead of a SASL reply is a ProtocolError', async () => {
    const f = await fakeServer((s) => s.write(Uint8Array.of(0, 0, 0, 3, 2, 0xff, 0xff)));
    const err = await expectReject(new RpcClient().call({ host: '127.0.0.1', port: f.port }, ECHO, 'x', new Uint8Array(0), { tokens: [{ ...token, service: `127.0.0.1:${f.port}` }] }));
    expect(err.code).to.match(/^PROTOCOL_/);
    await f.close();
  });

  it('a server closing mid-negotiation is RPC_CONNECTION_CLOSED', async () => {
    const f = await fakeServer((s) => s.destroy());
    const err = await expectReject(new RpcClient().call({ host: '127.0.0.1', port: f.port }, ECHO, 'x', new Uint8Array(0), { tokens: [{ ...token, service: `127.0.0.1:${f.port}` }] }));
    expect(err.code).to.equal('RPC_CONNECTION_CLOSED');
    await f.close();
  });

  it('a SASL CHALLENGE before NEGOTIATE is a SASL_STATE error', async () => {
    const f = await fakeServer((s) => s.write(saslResponseFrame({ state: SaslState.CHALLENGE, token: Uint8Array.of(1) })));
    const err = await expectReject(new RpcClient().call({ host: '127.0.0.1', port: f.port }, ECHO, 'x', new Uint8Array(0), { tokens: [{ ...token, service: `127.0.0.1:${f.port}` }] }));
    expect(err.code).to.equal('SASL_STATE');
    await f.close();
  });
});

describe('rpc over loopback: TOKEN / DIGEST-MD5 with a real delegation-token secret manager', function () {
  const secretManager = new DelegationTokenSecretManager();
  let token: Token;

  before(async () => {
    await secretManager.start(false);
  });
  after(async () => {
    await secretManager.stop();
  });

  for (const [protection, qop] of [
    ['authentication', 'auth'],
    ['integrity', 'auth-int'],
    ['privacy', 'auth-conf'],
  ] as const) {
    describe(`hadoop.rpc.protection=${protection}`, () => {
      let server: RpcServer;
      let port: number;
      const proxy = new RecordingProxy();
      let pport: number;

      before(async () => {
        server = new RpcServer({ authentication: 'simple', tokenAuthority: delegationTokenAuthority(secretManager), resolver: resolverFor(protection) });
        server.registerProtocol(ECHO, echoHandlers());
        ({ port } = await server.start('127.0.0.1', 0));
        pport = await proxy.start(port);
        ({ token } = await secretManager.createToken({ owner: 'alice@EXAMPLE.TEST', renewer: 'yarn', realUser: 'oozie@EXAMPLE.TEST', service: `127.0.0.1:${pport}` }));
      });
      after(async () => {
        await proxy.stop();
        await server.stop();
      });

      it(`authenticates the token owner (real user from the identifier) with QOP ${qop}`, async () => {
        const c = new RpcClient({ resolver: resolverFor(protection) });
        const r = json(await c.call({ host: '127.0.0.1', port: pport }, ECHO, 'whoami', new Uint8Array(0), { tokens: [token] }));
        expect(r).to.include({ user: 'alice@EXAMPLE.TEST', shortUser: 'alice', realUser: 'oozie@EXAMPLE.TEST', authMethod: 'TOKEN', qop });
        c.stop();
      });

      it('large and concurrent calls (beyond rawSendSize) round-trip intact', async () => {
        const c = new RpcClient({ resolver: resolverFor(protection) });
        const payloads = Array.from({ length: 20 }, (_, i) => Buffer.alloc(1000 + i * 15_000, i + 1));
        const out = await Promise.all(payloads.map((p) => c.call({ host: '127.0.0.1', port: pport }, ECHO, 'echo', p, { tokens: [token] })));
        out.forEach((o, i) => expect(Buffer.compare(Buffer.from(o), payloads[i]!)).to.equal(0));
        c.stop();
      });

      it(qop === 'auth' ? 'auth: calls cross the wire in clear' : `${qop}: after SUCCESS every frame both ways is a SASL WRAP and the payload never appears in clear`, async () => {
        proxy.toServer.length = 0;
        proxy.toClient.length = 0;
        // Standard SASL wrapping, as between stock Hadoop peers (hsec's fast privacy: fast-privacy.test.ts).
        const c = new RpcClient({ resolver: resolverFor(protection), fastPrivacy: false });
        const marker = Buffer.from('MARKER-visible-only-in-clear-'.repeat(4));
        await c.call({ host: '127.0.0.1', port: pport }, ECHO, 'echo', marker, { tokens: [token] });
        c.stop();
        const up = Buffer.concat(proxy.toServer);
        const down = Buffer.concat(proxy.toClient);
        expect(up.includes(marker)).to.equal(qop !== 'auth-conf');
        expect(down.includes(marker)).to.equal(qop !== 'auth-conf');
        if (qop === 'auth') return;
        const upFrames = new FrameDecoder().push(up.subarray(7));
        const downFrames = new FrameDecoder().push(down);
        const states = (frames: Uint8Array[], side: 'up' | 'down'): number[] =>
          frames.map((f) => {
            const { header, rest } = side === 'up' ? parseRequest(f) : parseResponse(f);
            expect(header.callId).to.equal(-33);
            return parseSaslBody(rest).state;
          });
        expect(states(upFrames, 'up')).to.deep.equal([SaslState.NEGOTIATE, SaslState.INITIATE, ...Array(upFrames.length - 2).fill(SaslState.WRAP)]);
        expect(states(downFrames, 'down')).to.deep.equal([SaslState.NEGOTIATE, SaslState.SUCCESS, SaslState.WRAP]);
      });
    });
  }

  it('an unknown (cancelled) token fails with InvalidTokenError (SecretManager$InvalidToken, FATAL)', async () => {
    const server = new RpcServer({ authentication: 'simple', tokenAuthority: delegationTokenAuthority(secretManager) });
    server.registerProtocol(ECHO, echoHandlers());
    const { port } = await server.start('127.0.0.1', 0);
    const { token: t } = await secretManager.createToken({ owner: 'dave@EXAMPLE.TEST', renewer: 'dave', service: `127.0.0.1:${port}` });
    await secretManager.cancelToken(t, 'dave@EXAMPLE.TEST');
    const c = new RpcClient();
    const err = await expectReject(c.call({ host: '127.0.0.1', port }, ECHO, 'whoami', new Uint8Array(0), { tokens: [t] }));
    expect(err).to.be.instanceOf(InvalidTokenError);
    expect(err.details).to.include({ exceptionClassName: 'org.apache.hadoop.security.token.SecretManager$InvalidToken', fatal: true, errorDetail: 'FATAL_UNAUTHORIZED' });
    c.stop();
    await server.stop();
  });

  it('a TOKEN connection cannot claim another user in its context (FATAL AccessControlException)', async () => {
    const server = new RpcServer({ authentication: 'simple', tokenAuthority: delegationTokenAuthority(secretManager), authorizeProxy: () => undefined });
    server.registerProtocol(ECHO, echoHandlers());
    const { port } = await server.start('127.0.0.1', 0);
    const { token: t } = await secretManager.createToken({ owner: 'erin@EXAMPLE.TEST', renewer: 'erin', service: `127.0.0.1:${port}` });
    // A hand-driven client: DIGEST via the real client state machine, then a context naming mallory.
    const { SaslRpcClient } = await import('../../../security/sasl/rpc/sasl-rpc-client.ts');
    const { defaultTokenClient } = await import('../../../security/sasl/rpc/rpc-client.ts');
    const sasl = new SaslRpcClient({ server: { host: '127.0.0.1', port }, qop: ['auth'], tokens: [t], createTokenClient: defaultTokenClient });
    const { connect } = await import('node:net');
    const sock = connect({ host: '127.0.0.1', port });
    await new Promise((r) => sock.once('connect', r));
    const dec = new FrameDecoder();
    const queue: Uint8Array[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    sock.on('data', (d) => {
      queue.push(...dec.push(d));
      wake?.();
    });
    sock.on('close', () => ((closed = true), wake?.()));
    const next = async (): Promise<Uint8Array> => {
      while (queue.length === 0 && !closed) await new Promise<void>((r) => (wake = r));
      return queue.shift()!;
    };
    sock.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    sock.write(saslRequestFrame(sasl.initial()));
    for (;;) {
      const { rest } = parseResponse(await next());
      const { reply, done } = await sasl.step(parseSaslBody(rest));
      if (reply) sock.write(saslRequestFrame(reply));
      if (done) break;
    }
    sock.write(contextFrame(new Uint8Array(16), { userInfo: { effectiveUser: 'mallory' }, protocol: ECHO }));
    const { header } = parseResponse(await next());
    expect(header).to.include({ status: 2, exceptionClassName: 'org.apache.hadoop.security.AccessControlException', errorDetail: 15 });
    // UGI.toString of both: the token's user, and the context's user (createRemoteUser: SIMPLE)
    expect(header.errorMsg).to.equal("Authenticated user (erin@EXAMPLE.TEST (auth:TOKEN)) doesn't match what the client claims to be (mallory (auth:SIMPLE))");
    sock.destroy();
    await server.stop();
  });

  it('a SIMPLE client against a server without SIMPLE: "SIMPLE authentication is not enabled"', async () => {
    const server = new RpcServer({ authentication: 'kerberos', tokenAuthority: delegationTokenAuthority(secretManager), kerberos: { principal: 'nn/localhost@EXAMPLE.TEST', createServer: () => { throw new Error('not used'); } } });
    const { port } = await server.start('127.0.0.1', 0);
    const c = new RpcClient();
    const err = await expectReject(c.call({ host: '127.0.0.1', port }, ECHO, 'whoami', new Uint8Array(0), { user: 'bob' }));
    expect(err).to.be.instanceOf(AccessControlError);
    expect(err.message).to.contain('SIMPLE authentication is not enabled.  Available:[TOKEN, KERBEROS]');
    c.stop();
    await server.stop();
  });

  it('a user auth_to_local cannot map fails the connection (FATAL "Illegal principal name")', async () => {
    const server = new RpcServer({
      authentication: 'simple',
      shortName: (u) => {
        if (u.endsWith('@OTHER.REALM')) throw new Error('No rules applied to ' + u);
        return u.split('@')[0]!;
      },
    });
    server.registerProtocol(ECHO, echoHandlers());
    const { port } = await server.start('127.0.0.1', 0);
    const c = new RpcClient();
    const err = await expectReject(c.call({ host: '127.0.0.1', port }, ECHO, 'whoami', new Uint8Array(0), { user: 'x@OTHER.REALM' }));
    expect(err).to.be.instanceOf(AccessControlError);
    expect(err.message).to.contain('Illegal principal name x@OTHER.REALM: No rules applied to x@OTHER.REALM');
    expect(json(await c.call({ host: '127.0.0.1', port }, ECHO, 'whoami', new Uint8Array(0), { user: 'y@EXAMPLE.TEST' }))).to.include({ user: 'y@EXAMPLE.TEST', shortUser: 'y' });
    c.stop();
    await server.stop();
  });

  it('proxy users are allowed through the authorizer and show realUser', async () => {
    const server = new RpcServer({
      authentication: 'simple',
      authorizeProxy: ({ realUser, effectiveUser }) => {
        if (realUser !== 'svc') throw new AccessControlError('ACCESS_DENIED', `User: ${realUser} is not allowed to impersonate ${effectiveUser}`, {});
      },
    });
    server.registerProtocol(ECHO, echoHandlers());
    const { port } = await server.start('127.0.0.1', 0);
    const c = new RpcClient();
    const r = json(await c.call({ host: '127.0.0.1', port }, ECHO, 'whoami', new Uint8Array(0), { user: 'carol', realUser: 'svc' }));
    expect(r).to.include({ user: 'carol', realUser: 'svc' });
    const err = await expectReject(c.call({ host: '127.0.0.1', port }, ECHO, 'whoami', new Uint8Array(0), { user: 'carol', realUser: 'eve' }));
    expect(err).to.be.instanceOf(AccessControlError);
    expect(err.details.exceptionClassName).to.equal('org.apache.hadoop.security.authorize.AuthorizationException');
    c.stop();
    await server.stop();
  });
});
