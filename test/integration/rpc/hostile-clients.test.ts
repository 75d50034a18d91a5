// Issue 10 "hardening": what a hostile client could do to a Kerberos RpcServer (real MIT KDC,
// GSSAPI with keytab) before this work, each now refused while a good Kerberos client is served:
// maximal pre-authentication frames (an RpcSaslProto of millions of empty auths) that froze the
// event loop for seconds, repeated fields without bound, unauthenticated connections holding
// memory without a total limit, a zero-length frame crashing the frame decoder, untyped
// exceptions closing connections silently. Hadoop behaviour cited from org.apache.hadoop.ipc.Server
// (3.4): Connection.checkDataLength, processOneRpc, getMessage, processSaslMessage.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRootLogger } from '../../../lib/log/logger.ts';
import { AuthProtocol, RpcErrorCode, RpcStatus, SaslState } from '../../../lib/rpc/constants.ts';
import { delimit } from '../../../lib/rpc/delimited.ts';
import { encodeRawFrame } from '../../../lib/rpc/frame.ts';
import { saslRequestFrame } from '../../../lib/rpc/ipc-frames.ts';
import { encodeRequestHeader } from '../../../lib/rpc/messages.ts';
import { encodePreamble } from '../../../lib/rpc/preamble.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { loginFromKeytab, type KerberosLogin } from '../../../security/kerberos/login/index.ts';
import { DefaultSaslPropertiesResolver } from '../../../security/resolver/index.ts';
import { kerberosClient, kerberosServer, RpcClient, RpcServer, type RpcServerOptions } from '../../../security/sasl/rpc/index.ts';
import { SaslRpcClient } from '../../../security/sasl/rpc/sasl-rpc-client.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { until } from '../../support/until.ts';
import { RawSession } from './raw-session.ts';
import { ECHO, echoHandlers } from './support.ts';

/** The attacker program (its own process). */
const ATTACKER = fileURLToPath(new URL('../../support/hostile-attacker.ts', import.meta.url));
const MiB = 1024 * 1024;
const RPC_SERVER_EXCEPTION = 'org.apache.hadoop.ipc.RpcServerException';
const resolverFor = (protection: string): DefaultSaslPropertiesResolver =>
  new DefaultSaslPropertiesResolver({ get: (k) => (k === 'hadoop.rpc.protection' ? protection : undefined) });

/**
 * A SASL frame (callId -33) whose RpcSaslProto is NEGOTIATE followed by `count` empty SaslAuth
 * entries (`22 04 0a 00 12 00`: method "" and mechanism ""), built without protobufjs so that a
 * 127 MiB frame costs the test only a buffer fill.
 */
function manyAuthsFrame(count: number): Buffer {
  const header = encodeRequestHeader({ rpcKind: 2, rpcOp: 0, callId: -33, clientId: new Uint8Array(0), retryCount: -1 });
  const body = Buffer.allocUnsafe(2 + 6 * count);
  body[0] = 0x10; // state = NEGOTIATE
  body[1] = 0x01;
  body.fill(Buffer.from([0x22, 0x04, 0x0a, 0x00, 0x12, 0x00]), 2);
  return Buffer.from(encodeRawFrame(Buffer.concat([delimit(header), delimit(body)])));
}

describe('rpc: hostile clients against a Kerberos RpcServer (MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  let dir: string;
  let nnKeytab: string;
  let login: KerberosLogin;
  const servers: RpcServer[] = [];
  const clients: RpcClient[] = [];
  const sessions: RawSession[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-rpc-hostile-'));
    nnKeytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(nnKeytab, 'nn/localhost');
    await realm.kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
    login = await loginFromKeytab(realm.kdc.principal('alice'), join(dir, 'alice.keytab'), { conf: loadKrb5Config(realm.kdc.krb5ConfPath), autoRefresh: false });
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) s.destroy();
    for (const c of clients.splice(0)) c.stop();
    for (const s of servers.splice(0)) await s.stop();
  });
  after(() => {
    login?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const alice = () => kerberosClient(login, { principal: realm.kdc.principal('alice'), serverPrincipal: `nn/_HOST@${realm.kdc.realm}` });

  async function server(protection = 'authentication', extra: Partial<RpcServerOptions> = {}): Promise<{ server: RpcServer; port: number }> {
    const s = new RpcServer({ authentication: 'kerberos', kerberos: kerberosServer(realm.kdc.principal('nn/localhost'), nnKeytab), resolver: resolverFor(protection), ...extra });
    s.registerProtocol(ECHO, echoHandlers());
    servers.push(s);
    const { port } = await s.start('127.0.0.1', 0);
    return { server: s, port };
  }

  function goodClient(port: number, protection = 'authentication'): (body?: Uint8Array) => Promise<Uint8Array> {
    const c = new RpcClient({ resolver: resolverFor(protection) });
    clients.push(c);
    return (body = Uint8Array.of(1, 2, 3)) => c.call({ host: 'localhost', port }, ECHO, 'echo', body, { kerberos: alice() });
  }

  async function session(port: number): Promise<RawSession> {
    const s = await RawSession.open(port);
    sessions.push(s);
    return s;
  }

  function kerberosSasl(port: number, qop: 'auth' | 'auth-conf' = 'auth'): SaslRpcClient {
    return new SaslRpcClient({ server: { host: 'localhost', port }, qop: [qop], kerberos: alice() });
  }

  /** Calls echo every few ms while `attack` runs; returns each call's latency (ms). */
  async function latencyDuring(call: () => Promise<unknown>, attack: () => Promise<void>): Promise<number[]> {
    const latencies: number[] = [];
    let done = false;
    const probe = (async () => {
      while (!done) {
        const t0 = performance.now();
        await call();
        latencies.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    try {
      await attack();
    } finally {
      done = true;
      await probe;
    }
    return latencies;
  }

  it('maximal pre-authentication frames (NEGOTIATE with 22 million empty auths: 127 MiB; four at 48 MiB; 200 unfinished) are cut once 256 KiB arrived; meanwhile 99 % of the calls of a Kerberos client take under 20 ms and none takes 250 ms', async function () {
    this.timeout(180_000);
    // Latency bounds on a shared 2-core machine: the 99th percentile of some thousands of calls,
    // plus a ceiling on the worst one. A GC pause or another process's burst costs one call a few
    // tens of ms; decoding an over-limit frame in one go (the defect) stalls every client for
    // seconds. A server that stalls for real fails every attempt.
    this.retries(2);
    const { server: s, port } = await server();
    const call = goodClient(port);
    await call(); // authenticated and warm before the attack
    // The attacker runs as its own process at the lowest CPU priority, as a remote attacker would
    // be: building and writing 330 MiB must not count against the server this test measures.
    const attacker = spawn(process.execPath, ['--import', 'tsx', ATTACKER, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
    if (attacker.pid !== undefined) setPriority(attacker.pid, 19);
    let output = '';
    attacker.stdout.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => attacker.once('exit', (code) => resolve(code)));
    try {
      while (!output.includes('ready')) {
        if (attacker.exitCode !== null) throw new Error(`the attacker exited (${attacker.exitCode}) before it was ready: ${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      let worstHeld = 0;
      const latencies = await latencyDuring(call, async () => {
        const watch = setInterval(() => (worstHeld = Math.max(worstHeld, s.stats().preAuthBytes)), 5);
        attacker.stdin.end('go\n');
        try {
          expect(await exited, output).to.equal(0);
        } finally {
          clearInterval(watch);
        }
      });
      expect(output).to.contain('attacking');
      // every maximal frame's connection closed, without a reply, as Server.checkDataLength does
      expect(output).to.match(/closed 6 of 6, 0 reply bytes to the over-limit frames/);
      expect(latencies.length, 'the good client kept calling').to.be.greaterThan(100);
      const sorted = [...latencies].sort((a, b) => a - b);
      const p99 = sorted[Math.floor(sorted.length * 0.99)];
      const worst = sorted[sorted.length - 1];
      const seen = `good-client latency over ${sorted.length} calls: p99 ${p99.toFixed(1)} ms, worst ${worst.toFixed(1)} ms`;
      expect(p99, seen).to.be.lessThan(20);
      expect(worst, seen).to.be.lessThan(250);
      // each attacking connection holds at most one frame's limit plus a read chunk
      expect(worstHeld).to.be.at.most(206 * (256 * 1024 + 4 + 64 * 1024));
      expect(await until(() => s.stats().preAuthBytes === 0, 5000)).to.equal(true);
      expect(await call()).to.deep.equal(Uint8Array.of(1, 2, 3));
    } finally {
      if (attacker.exitCode === null) attacker.kill('SIGKILL');
    }
  });

  it('repeated fields are bounded: a NEGOTIATE within the frame limit carrying 17 auths, or 40,000, is FATAL_DESERIALIZING_REQUEST; 16 are accepted; an INITIATE naming two auths is "Client mechanism is malformed"', async () => {
    const { port } = await server();
    for (const count of [17, 40_000]) {
      const s = await session(port);
      s.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
      s.write(manyAuthsFrame(count));
      const r = await s.nextResponse(5000);
      expect(r?.header).to.include({ callId: -33, status: RpcStatus.FATAL, errorDetail: RpcErrorCode.FATAL_DESERIALIZING_REQUEST, exceptionClassName: RPC_SERVER_EXCEPTION });
      expect(r?.header.errorMsg).to.match(/Error decoding RpcSaslProto: .*more than 16 entries/);
      expect(await s.waitClosed(3000)).to.equal(true);
    }
    const ok = await session(port);
    ok.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    ok.write(manyAuthsFrame(16)); // a NEGOTIATE whose auths the server ignores, as Hadoop's does
    const r = await ok.nextResponse(5000);
    expect(r?.header.status).to.equal(RpcStatus.SUCCESS);

    const two = await session(port);
    await two.negotiate();
    const kerberos = { method: 'KERBEROS', mechanism: 'GSSAPI', protocol: 'nn', serverId: 'localhost' };
    two.write(saslRequestFrame({ state: SaslState.INITIATE, auths: [kerberos, kerberos], token: new Uint8Array(16) }));
    const m = await two.nextResponse(5000);
    expect(m?.header).to.include({ callId: -33, status: RpcStatus.FATAL, errorDetail: RpcErrorCode.FATAL_UNAUTHORIZED, exceptionClassName: 'javax.security.sasl.SaslException' });
    expect(m?.header.errorMsg).to.match(/Client mechanism is malformed/);
  });

  it('unauthenticated connections share hsec.ipc.server.preauth.max.buffered: with 1 MiB, the fifth connection holding 240 KiB of an unfinished frame is closed; a Kerberos client still authenticates', async () => {
    const { server: s, port } = await server('authentication', { limits: { preAuthBudget: 1 * MiB } });
    const partial = manyAuthsFrame(Math.floor((240 * 1024) / 6)).subarray(0, 240 * 1024); // unfinished
    const holders: RawSession[] = [];
    for (let i = 0; i < 4; i++) {
      const h = await session(port);
      h.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
      h.write(partial);
      holders.push(h);
    }
    const deadline = Date.now() + 5000;
    while (s.stats().preAuthBytes < 4 * 240 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(s.stats()).to.include({ preAuthBytes: 4 * 240 * 1024, authenticating: 4 });
    const fifth = await session(port);
    fifth.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    fifth.write(partial);
    expect(await fifth.waitClosed(5000), 'the connection going over the budget is closed').to.equal(true);
    expect(holders.some((h) => h.closed)).to.equal(false);
    expect(s.stats().preAuthBytes).to.be.at.most(1 * MiB);
    expect(await goodClient(port)()).to.deep.equal(Uint8Array.of(1, 2, 3));
    for (const h of holders) h.destroy();
    const until = Date.now() + 5000;
    while (s.stats().preAuthBytes > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(s.stats().preAuthBytes).to.equal(0);
  });

  it('a zero-length frame (hrpc 09 00 DF 00 00 00 00) is FATAL_DESERIALIZING_REQUEST "Error decoding RpcRequestHeaderProto" on call -1, before and (wrapped) after a privacy handshake', async () => {
    const { port } = await server('privacy');
    const before = await session(port);
    before.write(Buffer.from('6872706309 00df 00000000'.replace(/ /g, ''), 'hex'));
    const r1 = await before.nextResponse(5000);
    expect(r1?.header).to.include({ callId: -1, status: RpcStatus.FATAL, errorDetail: RpcErrorCode.FATAL_DESERIALIZING_REQUEST, exceptionClassName: RPC_SERVER_EXCEPTION });
    expect(r1?.header.errorMsg).to.match(/^Error decoding RpcRequestHeaderProto/);
    expect(await before.waitClosed(3000)).to.equal(true);

    const after = await session(port);
    const auth = await after.handshake(kerberosSasl(port, 'auth-conf'), ECHO);
    expect(auth.qop).to.equal('auth-conf');
    after.send(Uint8Array.of(0, 0, 0, 0)); // a zero-length frame inside the wrapped stream
    const r2 = await after.nextPlainResponse(5000);
    expect(r2?.header).to.include({ callId: -1, status: RpcStatus.FATAL, errorDetail: RpcErrorCode.FATAL_DESERIALIZING_REQUEST, exceptionClassName: RPC_SERVER_EXCEPTION });
    expect(await after.waitClosed(3000)).to.equal(true);
    expect(await goodClient(port, 'privacy')()).to.deep.equal(Uint8Array.of(1, 2, 3));
  });

  it('an exception nothing typed (a handler response whose bytes cannot be read) is a FATAL_UNKNOWN reply and an error log naming the connection; the server keeps serving', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        cb();
      },
    });
    const { server: s, port } = await server('authentication', { log: createRootLogger(sink, 'info') });
    // instanceof Uint8Array holds, but reading its length throws a TypeError while the reply is framed
    const unreadable = new Proxy(new Uint8Array(4), {
      get(target, p) {
        if (p === 'length') throw new TypeError("Cannot read properties of undefined (reading 'length')");
        return Reflect.get(target, p) as unknown;
      },
    });
    s.registerProtocol('org.hsec.test.Broken', { broken: () => unreadable });
    const c = await session(port);
    await c.handshake(kerberosSasl(port), 'org.hsec.test.Broken');
    const localPort = c.socket.localPort;
    c.call(7, 'org.hsec.test.Broken', 'broken', new Uint8Array(0));
    const r = await c.nextPlainResponse(5000);
    expect(r?.header).to.include({ callId: 7, status: RpcStatus.FATAL, errorDetail: RpcErrorCode.FATAL_UNKNOWN, exceptionClassName: RPC_SERVER_EXCEPTION });
    expect(r?.header.errorMsg).to.match(/internal error \(TypeError\)/);
    expect(r?.header.errorMsg).to.not.match(/reading 'length'/); // no internals on the wire
    expect(await c.waitClosed(3000)).to.equal(true);
    const logged = lines.find((l) => l.level === 50);
    expect(logged, 'an error line').to.not.equal(undefined);
    expect(logged).to.include({ remoteAddress: '127.0.0.1', remotePort: localPort, error: 'TypeError' });
    expect(await goodClient(port)()).to.deep.equal(Uint8Array.of(1, 2, 3));
  });
});
