// Connection management of a Kerberos RpcServer (real MIT KDC) configured through
// rpcServerOptionsFromConfig, as org.apache.hadoop.ipc.Server.ConnectionManager does it:
// ipc.server.max.connections closes connections over the limit at accept without a reply
// (Listener.doAccept), the idle scan closes up to ipc.client.kill.max connections without a call in
// flight that read nothing for 2 x ipc.client.connection.maxidletime while at least
// ipc.client.idlethreshold are open (closeIdle), and a taken port is a BindError naming the
// address and the key that set it (Server.bind).
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BindError } from '../../../lib/errors/index.ts';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { RpcStatus } from '../../../lib/rpc/constants.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { loginFromKeytab, type KerberosLogin } from '../../../security/kerberos/login/index.ts';
import { kerberosClient, kerberosServer, RpcServer, rpcServerOptionsFromConfig } from '../../../security/sasl/rpc/index.ts';
import { SaslRpcClient } from '../../../security/sasl/rpc/sasl-rpc-client.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { until } from '../../support/until.ts';
import { RawSession } from './raw-session.ts';
import { ECHO, echoHandlers } from './support.ts';

describe('rpc: connection management (ipc.server.max.connections, idle scan, bind errors) with the MIT KDC', function () {
  this.timeout(60_000);
  const realm = useMiniKdc();
  let dir: string;
  let nnKeytab: string;
  let login: KerberosLogin;
  const servers: RpcServer[] = [];
  const sessions: RawSession[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-rpc-conns-'));
    nnKeytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(nnKeytab, 'nn/localhost');
    await realm.kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
    login = await loginFromKeytab(realm.kdc.principal('alice'), join(dir, 'alice.keytab'), { conf: loadKrb5Config(realm.kdc.krb5ConfPath), autoRefresh: false });
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) s.destroy();
    for (const s of servers.splice(0)) await s.stop();
  });
  after(() => {
    login?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function server(keys: Record<string, string>): Promise<{ server: RpcServer; port: number }> {
    const conf = loadConfiguration({ env: {}, overrides: { 'hadoop.security.authentication': 'kerberos', ...keys } });
    const s = new RpcServer({ ...rpcServerOptionsFromConfig(conf), kerberos: kerberosServer(realm.kdc.principal('nn/localhost'), nnKeytab) });
    s.registerProtocol(ECHO, echoHandlers());
    servers.push(s);
    const { port } = await s.start('127.0.0.1', 0);
    return { server: s, port };
  }

  async function session(port: number): Promise<RawSession> {
    const s = await RawSession.open(port);
    sessions.push(s);
    return s;
  }

  /** A raw session through Kerberos SASL and the connection context (state READY on the server). */
  async function authenticated(port: number): Promise<RawSession> {
    const s = await session(port);
    const sasl = new SaslRpcClient({ server: { host: 'localhost', port }, qop: ['auth'], kerberos: kerberosClient(login, { principal: realm.kdc.principal('alice'), serverPrincipal: `nn/_HOST@${realm.kdc.realm}` }) });
    await s.handshake(sasl, ECHO);
    s.call(0, ECHO, 'echo', Uint8Array.of(9));
    expect((await s.nextPlainResponse(5000))?.header.status).to.equal(RpcStatus.SUCCESS);
    return s;
  }

  it('ipc.server.max.connections=4: three more connections are closed at accept without a reply and counted as dropped; a freed slot is reused', async () => {
    const { server: s, port } = await server({ 'ipc.server.max.connections': '4' });
    const kept = [await authenticated(port), await authenticated(port)];
    const raw = [];
    for (let i = 0; i < 5; i++) raw.push(await session(port));
    const closed = await Promise.all(raw.map((r) => r.waitClosed(1500)));
    expect(closed.filter(Boolean).length, 'connections over the limit closed').to.equal(3);
    expect(raw.filter((r) => r.closed).every((r) => r.received.length === 0)).to.equal(true);
    expect(kept.some((k) => k.closed)).to.equal(false);
    expect(s.stats()).to.include({ open: 4, dropped: 3, authenticating: 2 });
    expect(s.stats().perUser).to.deep.equal({ alice: 2 });

    for (const r of raw) r.destroy();
    expect(await until(() => s.stats().open === 2, 3000)).to.equal(true);
    const again = await authenticated(port); // a slot is free again
    expect(again.closed).to.equal(false);
    expect(s.stats()).to.include({ open: 3, dropped: 3 });
  });

  it('0 (the default) means unlimited: 150 connections stay open', async () => {
    const { server: s, port } = await server({});
    const many = await Promise.all(Array.from({ length: 150 }, () => session(port)));
    expect(await until(() => s.stats().open === 150, 5000)).to.equal(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(many.some((m) => m.closed)).to.equal(false);
    expect(s.stats().dropped).to.equal(0);
  });

  it('the idle scan: with idlethreshold 3 and kill.max 2, idle authenticated connections are closed 2 per scan after 2 x maxidletime until fewer than 3 are open; one with a call in flight stays', async () => {
    const { server: s, port } = await server({
      'ipc.client.connection.maxidletime': '500', // the server waits twice this: 1 s
      'ipc.client.idlethreshold': '3',
      'ipc.client.kill.max': '2',
      'ipc.client.connection.idle-scan-interval.ms': '100',
    });
    const started = Date.now();
    const idle = await Promise.all(Array.from({ length: 6 }, () => authenticated(port)));
    const busy = await authenticated(port);
    busy.call(1, ECHO, 'sleepEcho', Uint8Array.of(0x0b, 0xb8)); // answers after 3000 ms
    expect(s.stats()).to.include({ open: 7 });
    expect(s.stats().perUser).to.deep.equal({ alice: 7 });

    expect(await until(() => s.stats().open === 2, 5000), `open ${s.stats().open}`).to.equal(true);
    expect(s.stats()).to.include({ open: 2, idleClosed: 5 });
    expect(busy.closed, 'a connection with a call in flight is not idle').to.equal(false);
    // the server has closed them; the client side sees each close a moment later
    expect(await until(() => idle.filter((c) => c.closed).length === 5, 2000), `closed ${idle.filter((c) => c.closed).length}`).to.equal(true);
    const firstClose = Math.min(...idle.filter((c) => c.closed).map((c) => c.closedAt));
    expect(firstClose - started, 'nothing closed before 2 x maxidletime').to.be.at.least(1000);
    await new Promise((r) => setTimeout(r, 400));
    expect(s.stats().open, 'below the threshold nothing more is closed').to.equal(2);
    const r = await busy.nextPlainResponse(5000);
    expect(r?.header).to.include({ callId: 1, status: RpcStatus.SUCCESS });
  });

  it('a port in use is a BindError ADDRESS_IN_USE naming host:port and the address key; the server can start elsewhere afterwards', async () => {
    const { port } = await server({});
    const second = new RpcServer({ authentication: 'kerberos', kerberos: kerberosServer(realm.kdc.principal('nn/localhost'), nnKeytab), addressKey: 'dfs.namenode.rpc-address' });
    servers.push(second);
    let err: unknown;
    try {
      await second.start('127.0.0.1', port);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(BindError);
    const b = err as BindError;
    expect(b.code).to.equal('ADDRESS_IN_USE');
    expect(b.message).to.contain(`127.0.0.1:${port}`).and.contain('dfs.namenode.rpc-address').and.contain('already in use');
    expect(b.details).to.include({ host: '127.0.0.1', port, configKey: 'dfs.namenode.rpc-address', errno: 'EADDRINUSE' });
    expect(b.stack ?? '').to.not.contain('unexpected error');
    const elsewhere = await second.start('127.0.0.1', 0);
    expect(elsewhere.port).to.not.equal(port);
  });

  it('a bind refused by the system (an address not on this host) is a BindError BIND_FAILED', async () => {
    const s = new RpcServer({ authentication: 'kerberos', kerberos: kerberosServer(realm.kdc.principal('nn/localhost'), nnKeytab) });
    servers.push(s);
    const err = await s.start('192.0.2.1', 0).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(BindError);
    expect((err as BindError).code).to.equal('BIND_FAILED');
    expect((err as BindError).message).to.contain('192.0.2.1:0').and.contain('not one of this host');
  });
});
