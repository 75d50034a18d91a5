// Issue 4 "bad input": raw sockets against a started Kerberos NameNode (real MIT KDC) send what no
// well-behaved Hadoop client sends: malformed preambles, garbage or out-of-order SASL messages
// (RpcSaslProto, DIGEST-MD5 responses, GSS tokens, WRAP before SUCCESS, unknown states), frames
// that are oversized, truncated or never finished, and a garbage request after a good Kerberos
// handshake. Each connection must get Hadoop's FATAL reply where Hadoop sends one (the header
// fields are decoded and checked) or be closed, without large allocations, and right after it a
// good Kerberos client (product RpcClient + GSSAPI) must still get a delegation token.
// Hadoop behaviour cited from org.apache.hadoop.ipc.Server (3.4): Connection.checkDataLength,
// processOneRpc, processRpcOutOfBandRequest, saslReadAndProcess, getMessage.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useMiniKdc } from '../../support/fixtures.ts';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { CLIENT_PROTOCOL, encodeGetDelegationTokenRequest, decodeGetDelegationTokenResponse } from '../../../cluster/protocol/client-protocol.ts';
import { AuthProtocol, RpcErrorCode, RpcStatus, SaslState } from '../../../lib/rpc/constants.ts';
import { encodeRawFrame, encodeFrame } from '../../../lib/rpc/frame.ts';
import { delimit, readDelimited } from '../../../lib/rpc/delimited.ts';
import { encodePreamble } from '../../../lib/rpc/preamble.ts';
import { callFrame, contextFrame, saslRequestFrame } from '../../../lib/rpc/ipc-frames.ts';
import { wrapClientStream } from '../../../lib/rpc/wrapping.ts';
import { encodeRequestHeader } from '../../../lib/rpc/messages.ts';
import { SaslRpcClient } from '../../../security/sasl/rpc/sasl-rpc-client.ts';
import { RawSession, requestFrameWithBody } from '../rpc/raw-session.ts';
import { kerberosClient, kerberosCredentials, loginUser, nnConf } from './namenode-fixture.ts';

const MiB = 1024 * 1024;
const SASL_EXCEPTION = 'javax.security.sasl.SaslException';
const RPC_SERVER_EXCEPTION = 'org.apache.hadoop.ipc.RpcServerException';
const JAVA_CLASS = /^[a-z]+(\.[a-z0-9]+)*(\.[A-Z][A-Za-z0-9]*)(\$[A-Za-z0-9]+)*$/;

describe('namenode: bad input on the wire never hurts a Kerberos NameNode (raw sockets, MIT KDC)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();
  let dir: string;
  let nn: NameNode;
  let ccAlice: string;
  let port: number;
  const open: RawSession[] = [];

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-bad-'));
    const keytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    ccAlice = await loginUser(realm.kdc, dir, 'alice');
    nn = await NameNode.start(nnConf(realm.kdc, dir, keytab, 'authentication'));
    port = nn.address.port;
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.destroy();
  });
  after(async () => {
    await nn?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function session(): Promise<RawSession> {
    const s = await RawSession.open(port);
    open.push(s);
    return s;
  }

  /** A good Kerberos client on a new connection still gets a delegation token. */
  async function goodClientStillServed(): Promise<void> {
    const c = kerberosClient(realm.kdc, ccAlice, 'alice', nn.address, 'authentication');
    try {
      const token = await c.nn.getDelegationToken('yarn');
      expect(token?.kind).to.equal('HDFS_DELEGATION_TOKEN');
    } finally {
      await c.close();
    }
  }

  /** The product's SASL client with alice's Kerberos ticket, driven over a raw session. */
  async function kerberosSasl(): Promise<SaslRpcClient> {
    const kerberos = await kerberosCredentials(realm.kdc, ccAlice, 'authentication');
    return new SaslRpcClient({ server: { host: '127.0.0.1', port }, qop: ['auth'], kerberos });
  }

  /** Expects one FATAL reply (status 2) with these fields, then the server closing the connection. */
  async function expectFatal(s: RawSession, fields: { callId: number; errorDetail: number; exceptionClassName?: string | RegExp; errorMsg?: RegExp }): Promise<void> {
    const r = await s.nextResponse(5000);
    expect(r, 'a FATAL reply').to.not.equal(undefined);
    const h = r!.header;
    expect(h.status).to.equal(RpcStatus.FATAL);
    expect(h.callId).to.equal(fields.callId);
    expect(h.errorDetail).to.equal(fields.errorDetail);
    expect(h.exceptionClassName).to.match(JAVA_CLASS);
    if (typeof fields.exceptionClassName === 'string') expect(h.exceptionClassName).to.equal(fields.exceptionClassName);
    else if (fields.exceptionClassName) expect(h.exceptionClassName).to.match(fields.exceptionClassName);
    if (fields.errorMsg) expect(h.errorMsg).to.match(fields.errorMsg);
    expect(await s.waitClosed(3000), 'server closes after FATAL').to.equal(true);
  }

  it('malformed preambles (wrong magic, unknown auth protocol, truncated then closed) are closed without a reply; a wrong version gets FATAL VersionMismatch', async () => {
    for (const bytes of [Buffer.from('hrpx\x09\x00\xdf', 'latin1'), Buffer.from('hrpc\x09\x00\x05', 'latin1'), Buffer.from('\x00\x00\x00\x00\x00\x00\x00', 'latin1')]) {
      const s = await session();
      s.write(bytes);
      expect(await s.waitClosed(3000), `closed after ${bytes.toString('hex')}`).to.equal(true);
      expect(s.received.length).to.equal(0);
    }
    const t = await session();
    t.end(Buffer.from('hrp'));
    expect(await t.waitClosed(3000)).to.equal(true);
    const v = await session();
    v.write(Buffer.from('hrpc\x07\x00\xdf', 'latin1'));
    await expectFatal(v, { callId: -1, errorDetail: RpcErrorCode.FATAL_VERSION_MISMATCH, exceptionClassName: 'org.apache.hadoop.ipc.RPC$VersionMismatch', errorMsg: /Server IPC version 9 cannot communicate with client version 7/ });
    await goodClientStillServed();
  });

  it('the SASL preamble then a garbage RpcSaslProto: FATAL_DESERIALIZING_REQUEST on call -33, closed', async () => {
    // a body protobuf cannot parse (wire type 7), and a frame whose body length prefix overruns it
    const bodies = [requestFrameWithBody(-33, Uint8Array.of(0x0f, 0xff, 0xff, 0xff)), encodeRawFrame(Uint8Array.from([...delimit(encodeRequestHeader({ rpcKind: 2, rpcOp: 0, callId: -33, clientId: new Uint8Array(0), retryCount: -1 })), 0x7f, 1, 2]))];
    for (const frame of bodies) {
      const s = await session();
      s.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
      s.write(frame);
      await expectFatal(s, { callId: -33, errorDetail: RpcErrorCode.FATAL_DESERIALIZING_REQUEST });
    }
    await goodClientStillServed();
  });

  it('a frame longer than ipc.maximum.data.length (200 MiB > 128 MiB) is closed at once, before anything is allocated', async () => {
    const s = await session();
    const before = process.memoryUsage().arrayBuffers;
    const t0 = Date.now();
    s.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    s.write(Uint8Array.of(0x0c, 0x80, 0x00, 0x00, 2, 1, 2)); // 200 MiB declared, 3 bytes sent
    expect(await s.waitClosed(3000)).to.equal(true);
    expect(s.closedAt - t0).to.be.lessThan(1500);
    expect(process.memoryUsage().arrayBuffers - before).to.be.lessThan(32 * MiB);
    await goodClientStillServed();
  });

  it('frames that never complete (INITIATE declaring 100 MiB; a half-sent frame) allocate nothing, do not block others, and are dropped at the 20 s handshake timeout', async function () {
    this.timeout(60_000);
    const big = await session();
    const neg = await big.negotiate();
    expect(neg.state).to.equal(SaslState.NEGOTIATE);
    expect(neg.auths?.map((a) => a.method)).to.deep.equal(['TOKEN', 'KERBEROS']);
    const half = await session();
    half.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    const initiate = saslRequestFrame({ state: SaslState.INITIATE, auths: [{ method: 'KERBEROS', mechanism: 'GSSAPI', protocol: 'nn', serverId: 'localhost' }], token: new Uint8Array(64) });
    half.write(initiate.subarray(0, initiate.length - 10)); // everything but its last 10 bytes

    global.gc?.();
    const before = process.memoryUsage();
    const t0 = Date.now();
    const declared = Buffer.alloc(4);
    declared.writeInt32BE(100 * MiB);
    big.write(declared);
    big.write(initiate.subarray(4, 40)); // the start of an INITIATE, then silence
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 3; i++) await goodClientStillServed();
    const after = process.memoryUsage();
    // Hadoop allocates the declared length up front (Connection.readAndProcess); hsec buffers only what arrived.
    expect(after.arrayBuffers - before.arrayBuffers, 'arrayBuffers growth').to.be.lessThan(32 * MiB);
    expect(after.rss - before.rss, 'rss growth').to.be.lessThan(64 * MiB);
    expect(big.closed).to.equal(false);

    expect(await big.waitClosed(25_000), 'the 100 MiB declaration is dropped at the handshake timeout').to.equal(true);
    expect(await half.waitClosed(5_000), 'the half-sent frame is dropped at the handshake timeout').to.equal(true);
    expect(big.closedAt - t0).to.be.within(15_000, 22_000);
    await goodClientStillServed();
  });

  it('a truncated frame header followed by a close is dropped; the NameNode keeps serving', async () => {
    const s = await session();
    s.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    s.end(Uint8Array.of(0, 0, 0, 40, 0x1a, 0x08)); // 40 bytes declared, 2 sent, then FIN
    expect(await s.waitClosed(3000)).to.equal(true);
    expect(s.received.length).to.equal(0);
    await goodClientStillServed();
  });

  it('a DIGEST-MD5 response over 4096 bytes (and a garbage one) is refused with FATAL_UNAUTHORIZED SaslException', async () => {
    for (const token of [Buffer.alloc(5000, 'a'), Buffer.from('username="x",nonce=,,,garbage')]) {
      const s = await session();
      const neg = await s.negotiate();
      const tokenAuth = neg.auths!.find((a) => a.method === 'TOKEN')!;
      expect(tokenAuth.challenge?.length).to.be.greaterThan(0);
      s.write(saslRequestFrame({ state: SaslState.INITIATE, auths: [{ method: 'TOKEN', mechanism: 'DIGEST-MD5', protocol: '', serverId: 'default' }], token }));
      await expectFatal(s, { callId: -33, errorDetail: RpcErrorCode.FATAL_UNAUTHORIZED, exceptionClassName: SASL_EXCEPTION });
    }
    await goodClientStillServed();
  });

  it('a garbage GSS token in INITIATE KERBEROS is refused with FATAL_UNAUTHORIZED SaslException', async () => {
    const garbage = [Uint8Array.of(0x60, 0x82, 0xff, 0xff, 0x06, 0x09), Buffer.alloc(300, 0x5a), Uint8Array.from({ length: 2000 }, (_, i) => (i * 131) & 0xff)];
    for (const token of garbage) {
      const s = await session();
      await s.negotiate();
      s.write(saslRequestFrame({ state: SaslState.INITIATE, auths: [{ method: 'KERBEROS', mechanism: 'GSSAPI', protocol: 'nn', serverId: 'localhost' }], token }));
      await expectFatal(s, { callId: -33, errorDetail: RpcErrorCode.FATAL_UNAUTHORIZED, exceptionClassName: SASL_EXCEPTION });
    }
    await goodClientStillServed();
  });

  it('WRAP before SUCCESS (first message, and after NEGOTIATE) is FATAL_INVALID_RPC_HEADER on call -33', async () => {
    for (const negotiateFirst of [false, true]) {
      const s = await session();
      if (negotiateFirst) await s.negotiate();
      else s.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
      s.write(saslRequestFrame({ state: SaslState.WRAP, token: Buffer.alloc(64, 1) }));
      await expectFatal(s, { callId: -33, errorDetail: RpcErrorCode.FATAL_INVALID_RPC_HEADER });
    }
    await goodClientStillServed();
  });

  it('SASL states a client never sends (CHALLENGE, SUCCESS, a second NEGOTIATE) are FATAL_UNAUTHORIZED SaslException; an unknown state value is FATAL', async () => {
    for (const [neg, state] of [[false, SaslState.CHALLENGE], [false, SaslState.SUCCESS], [true, SaslState.NEGOTIATE]] as const) {
      const s = await session();
      if (neg) await s.negotiate();
      else s.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
      s.write(saslRequestFrame({ state, token: Uint8Array.of(1, 2, 3) }));
      await expectFatal(s, { callId: -33, errorDetail: RpcErrorCode.FATAL_UNAUTHORIZED, exceptionClassName: SASL_EXCEPTION });
    }
    const s = await session();
    s.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    s.write(requestFrameWithBody(-33, Uint8Array.of(0x10, 0x09))); // RpcSaslProto{state = 9}
    const r = await s.nextResponse(5000);
    expect(r?.header.status).to.equal(RpcStatus.FATAL);
    expect(await s.waitClosed(3000)).to.equal(true);
    await goodClientStillServed();
  });

  it('a connection context before SASL completes is FATAL_INVALID_RPC_HEADER on call -3', async () => {
    for (const negotiateFirst of [false, true]) {
      const s = await session();
      if (negotiateFirst) await s.negotiate();
      else s.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
      s.write(contextFrame(s.clientId, { userInfo: { effectiveUser: 'mallory' }, protocol: CLIENT_PROTOCOL }));
      await expectFatal(s, { callId: -3, errorDetail: RpcErrorCode.FATAL_INVALID_RPC_HEADER, errorMsg: /Connection header sent during SASL negotiation/ });
    }
    await goodClientStillServed();
  });

  it('after a good Kerberos handshake: an undecodable request message is an ERROR reply (connection kept, next call served); a garbage RequestHeaderProto is FATAL', async () => {
    const s = await session();
    const auth = await s.handshake(await kerberosSasl(), CLIENT_PROTOCOL);
    expect(auth).to.include({ authMethod: 'KERBEROS', qop: 'auth' });
    s.call(1, CLIENT_PROTOCOL, 'getDelegationToken', Uint8Array.of(0xff, 0xff)); // a varint cut short
    const bad = await s.nextPlainResponse();
    expect(bad?.header).to.include({ callId: 1, status: RpcStatus.ERROR, errorDetail: RpcErrorCode.ERROR_APPLICATION });
    expect(bad?.header.exceptionClassName).to.match(JAVA_CLASS);
    s.call(2, CLIENT_PROTOCOL, 'getDelegationToken', encodeGetDelegationTokenRequest('yarn'));
    const ok = await s.nextPlainResponse();
    expect(ok?.header).to.include({ callId: 2, status: RpcStatus.SUCCESS });
    expect(decodeGetDelegationTokenResponse(readDelimited(ok!.rest, 0).message)?.kind).to.equal('HDFS_DELEGATION_TOKEN');

    s.send(encodeFrame(encodeRequestHeader({ rpcKind: 2, rpcOp: 0, callId: 3, clientId: s.clientId, retryCount: 0 }), Uint8Array.of(0x0f, 0xff), encodeGetDelegationTokenRequest('yarn')));
    await expectFatal(s, { callId: 3, errorDetail: RpcErrorCode.FATAL_DESERIALIZING_REQUEST });
    await goodClientStillServed();
  });

  it('after a privacy (auth-conf) Kerberos handshake: a garbage WRAP token and a tampered WRAP close the connection; the NameNode keeps serving', async () => {
    const priv = await NameNode.start(nnConf(realm.kdc, join(dir, 'priv'), join(dir, 'nn.keytab'), 'privacy'));
    try {
      const kerberos = await kerberosCredentials(realm.kdc, ccAlice, 'privacy');
      const sasl = () => new SaslRpcClient({ server: { host: '127.0.0.1', port: priv.address.port }, qop: ['auth-conf'], kerberos });
      const open1 = await RawSession.open(priv.address.port);
      open.push(open1);
      const r1 = await open1.handshake(sasl(), CLIENT_PROTOCOL);
      expect(r1.qop).to.equal('auth-conf');
      open1.write(saslRequestFrame({ state: SaslState.WRAP, token: Buffer.alloc(80, 0x33) }));
      expect(await open1.nextFrame(3000)).to.equal(undefined);
      expect(open1.closed).to.equal(true);

      const open2 = await RawSession.open(priv.address.port);
      open.push(open2);
      const r2 = await open2.handshake(sasl(), CLIENT_PROTOCOL);
      const [wrapped] = wrapClientStream(r2.securityLayer!, callFrame(1, open2.clientId, 0, { methodName: 'getDelegationToken', declaringClassProtocolName: CLIENT_PROTOCOL, clientProtocolVersion: 1n }, encodeGetDelegationTokenRequest('yarn')));
      const tampered = Uint8Array.from(wrapped!);
      tampered[tampered.length - 3] ^= 0x01; // inside the RFC 4121 token's checksum / ciphertext
      open2.write(tampered);
      expect(await open2.nextFrame(3000)).to.equal(undefined);
      expect(open2.closed).to.equal(true);

      const c = kerberosClient(realm.kdc, ccAlice, 'alice', priv.address, 'privacy');
      try {
        expect((await c.nn.getDelegationToken('yarn'))?.kind).to.equal('HDFS_DELEGATION_TOKEN');
      } finally {
        await c.close();
      }
    } finally {
      await priv.stop();
    }
  });

  // protobufjs decodes a Node Buffer with a reader that clamps a declared length to the end of the
  // input instead of throwing; lib/proto/load.ts decodeMessage checks the wire format first, so a
  // renewer field declaring 80 bytes but carrying 1 is an ERROR reply, as Hadoop's protobuf-java
  // throws InvalidProtocolBufferException ("input ended unexpectedly").
  it('a truncated request message (renewer declares 80 bytes, carries 1) is an ERROR reply, not a token', async () => {
    const s = await session();
    await s.handshake(await kerberosSasl(), CLIENT_PROTOCOL);
    s.call(1, CLIENT_PROTOCOL, 'getDelegationToken', Uint8Array.of(0x0a, 0x50, 0x41));
    const r = await s.nextPlainResponse();
    expect(r?.header).to.include({ callId: 1, status: RpcStatus.ERROR, errorDetail: RpcErrorCode.ERROR_APPLICATION });
    s.call(2, CLIENT_PROTOCOL, 'getServerDefaults', new Uint8Array(0));
    expect((await s.nextPlainResponse())?.header).to.include({ callId: 2, status: RpcStatus.SUCCESS });
  });

  it('60 bad connections in parallel while good Kerberos clients keep getting tokens', async function () {
    this.timeout(60_000);
    const kinds = [
      async (s: RawSession) => s.write(Buffer.from('GET / HTTP/1.1\r\n\r\n')),
      async (s: RawSession) => s.write(Buffer.from('hrpx\x09\x00\xdf', 'latin1')),
      async (s: RawSession) => {
        s.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
        s.write(requestFrameWithBody(-33, Uint8Array.of(0x0f, 0xff)));
      },
      async (s: RawSession) => {
        await s.negotiate();
        s.write(saslRequestFrame({ state: SaslState.INITIATE, auths: [{ method: 'KERBEROS', mechanism: 'GSSAPI', protocol: 'nn', serverId: 'localhost' }], token: Buffer.alloc(500, 7) }));
      },
      async (s: RawSession) => {
        await s.negotiate();
        s.write(saslRequestFrame({ state: SaslState.INITIATE, auths: [{ method: 'TOKEN', mechanism: 'DIGEST-MD5', protocol: '', serverId: 'default' }], token: Buffer.alloc(4097, 'z') }));
      },
      async (s: RawSession) => {
        s.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
        s.write(saslRequestFrame({ state: SaslState.WRAP, token: Buffer.alloc(16) }));
      },
      async (s: RawSession) => s.end(Uint8Array.from([...encodePreamble({ authProtocol: AuthProtocol.SASL }), 0, 0, 1, 0, 9])),
    ];
    const bad = Array.from({ length: 60 }, async (_, i) => {
      const s = await session();
      await kinds[i % kinds.length]!(s);
      return s.waitClosed(10_000);
    });
    const good = (async () => {
      let n = 0;
      for (let i = 0; i < 6; i++) {
        await Promise.all([goodClientStillServed(), goodClientStillServed()]);
        n += 2;
      }
      return n;
    })();
    const [closed, served] = await Promise.all([Promise.all(bad), good]);
    expect(closed.every(Boolean), 'every bad connection closed').to.equal(true);
    expect(served).to.equal(12);
    await goodClientStillServed();
  });

  // Hadoop's FatalRpcServerException(code, String) wraps `new RpcServerException(message)` and
  // processOneRpc sends the cause's class, so these FATAL replies name
  // org.apache.hadoop.ipc.RpcServerException; WRAP before SUCCESS wraps a SaslException("Server is
  // not wrapping data"); an unknown SaslState value leaves the proto2 required field `state`
  // unset, so it fails with FATAL_DESERIALIZING_REQUEST.
  it("FATAL replies name Hadoop's exception classes (Server.processOneRpc / saslReadAndProcess)", async () => {
    const garbage = await session();
    garbage.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    garbage.write(requestFrameWithBody(-33, Uint8Array.of(0x0f, 0xff, 0xff, 0xff)));
    const wrap = await session();
    wrap.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    wrap.write(saslRequestFrame({ state: SaslState.WRAP, token: Buffer.alloc(8) }));
    const ctx = await session();
    ctx.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    ctx.write(contextFrame(ctx.clientId, { protocol: CLIENT_PROTOCOL }));
    const unknown = await session();
    unknown.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    unknown.write(requestFrameWithBody(-33, Uint8Array.of(0x10, 0x09)));
    const seen = await Promise.all([garbage, wrap, ctx, unknown].map(async (s) => (await s.nextResponse(5000))?.header));
    expect(seen.map((h) => [h?.callId, h?.status, h?.errorDetail, h?.exceptionClassName])).to.deep.equal([
      [-33, RpcStatus.FATAL, RpcErrorCode.FATAL_DESERIALIZING_REQUEST, RPC_SERVER_EXCEPTION],
      [-33, RpcStatus.FATAL, RpcErrorCode.FATAL_INVALID_RPC_HEADER, SASL_EXCEPTION],
      [-3, RpcStatus.FATAL, RpcErrorCode.FATAL_INVALID_RPC_HEADER, RPC_SERVER_EXCEPTION],
      [-33, RpcStatus.FATAL, RpcErrorCode.FATAL_DESERIALIZING_REQUEST, RPC_SERVER_EXCEPTION],
    ]);
    expect(seen[1]?.errorMsg).to.equal('Server is not wrapping data');
  });
});
