/**
 * hsec fast privacy between hsec peers (docs/fast-privacy.md) over loopback, TOKEN (DIGEST-MD5) and
 * KERBEROS (GSSAPI, real MIT KDC): the switch after SUCCESS and what crosses the wire (SASL frames,
 * one key WRAP, then TLS records with no plaintext), standard auth-conf when either side turns it
 * off, and the channel refusing a flipped bit, a replayed record and a record from another
 * connection by closing the connection while the server keeps serving others. Keys retiring with
 * their connection (the client moves on; the server closes a channel that stays too long), and a
 * channel with two different keys.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaslState } from '../../../lib/rpc/constants.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { loginFromKeytab, type KerberosLogin } from '../../../security/kerberos/login/index.ts';
import { DefaultSaslPropertiesResolver } from '../../../security/resolver/index.ts';
import { clientChannel, serverChannel } from '../../../security/sasl/rpc/fast-privacy/index.ts';
import { IpcClient, type IpcCallTarget } from '../../../lib/rpc/client.ts';
import { IpcServer } from '../../../lib/rpc/server.ts';
import { SaslRpcClient } from '../../../security/sasl/rpc/sasl-rpc-client.ts';
import { SaslRpcServer } from '../../../security/sasl/rpc/sasl-rpc-server.ts';
import { defaultTokenClient } from '../../../security/sasl/rpc/rpc-client.ts';
import { defaultTokenServer } from '../../../security/sasl/rpc/rpc-server.ts';
import { kerberosClient, kerberosServer, RpcClient, RpcServer, delegationTokenAuthority, type RpcCallOptions } from '../../../security/sasl/rpc/index.ts';
import { DelegationTokenSecretManager } from '../../../security/token/secret-manager.ts';
import type { Token } from '../../../security/token/token.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { ChannelProxy, type RecordHook } from './channel-proxy.ts';
import { ECHO, echoHandlers, json } from './support.ts';

const privacy = new DefaultSaslPropertiesResolver({ get: (k) => (k === 'hadoop.rpc.protection' ? 'privacy' : undefined) });
const MARKER = Buffer.from('MARKER-visible-only-in-clear-'.repeat(8));

/** Collects hsec:rpc:connection and hsec:rpc:connection-failed events while `fn` runs. */
async function watching<T>(fn: (events: { up: Record<string, unknown>[]; failed: Record<string, unknown>[] }) => Promise<T>): Promise<T> {
  const events = { up: [] as Record<string, unknown>[], failed: [] as Record<string, unknown>[] };
  const onUp = (m: unknown): void => void events.up.push(m as Record<string, unknown>);
  const onFail = (m: unknown): void => void events.failed.push(m as Record<string, unknown>);
  subscribe('hsec:rpc:connection', onUp);
  subscribe('hsec:rpc:connection-failed', onFail);
  try {
    return await fn(events);
  } finally {
    unsubscribe('hsec:rpc:connection', onUp);
    unsubscribe('hsec:rpc:connection-failed', onFail);
  }
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe('rpc: hsec fast privacy between hsec peers (TOKEN and KERBEROS, MIT KDC)', function () {
  this.timeout(120_000);
  const realm = useMiniKdc();
  const secretManager = new DelegationTokenSecretManager();
  let dir: string;
  let nnKeytab: string;
  let login: KerberosLogin;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-fast-privacy-'));
    nnKeytab = join(dir, 'nn.keytab');
    await realm.kdc.createKeytab(nnKeytab, 'nn/localhost');
    await realm.kdc.createKeytab(join(dir, 'alice.keytab'), 'alice');
    login = await loginFromKeytab(realm.kdc.principal('alice'), join(dir, 'alice.keytab'), { conf: loadKrb5Config(realm.kdc.krb5ConfPath), autoRefresh: false });
    await secretManager.start(false);
  });
  after(async () => {
    login?.close();
    await secretManager.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startServer(fastPrivacy = true): Promise<{ server: RpcServer; port: number }> {
    const server = new RpcServer({ authentication: 'kerberos', kerberos: kerberosServer(realm.kdc.principal('nn/localhost'), nnKeytab), tokenAuthority: delegationTokenAuthority(secretManager), resolver: privacy, fastPrivacy });
    server.registerProtocol(ECHO, echoHandlers());
    return { server, port: (await server.start('127.0.0.1', 0)).port };
  }

  async function credentials(method: 'TOKEN' | 'KERBEROS', port: number, owner = 'alice@EXAMPLE.TEST'): Promise<RpcCallOptions> {
    if (method === 'KERBEROS') return { kerberos: kerberosClient(login, { principal: realm.kdc.principal('alice'), serverPrincipal: `nn/_HOST@${realm.kdc.realm}` }) };
    const { token } = await secretManager.createToken({ owner, renewer: 'yarn', service: `127.0.0.1:${port}` });
    return { tokens: [token as Token] };
  }

  for (const method of ['TOKEN', 'KERBEROS'] as const) {
    it(`${method}: switches after SUCCESS; the wire shows SASL frames, one key WRAP, then TLS records and never the payload`, async () => {
      const { server, port } = await startServer();
      const proxy = new ChannelProxy();
      const pport = await proxy.start(port);
      const client = new RpcClient({ resolver: privacy });
      try {
        await watching(async (events) => {
          const host = method === 'KERBEROS' ? 'localhost' : '127.0.0.1';
          const creds = await credentials(method, pport);
          const who = json(await client.call({ host, port: pport }, ECHO, 'whoami', new Uint8Array(0), creds));
          expect(who).to.include({ authMethod: method, qop: 'auth-conf' });
          expect(Buffer.from(await client.call({ host, port: pport }, ECHO, 'echo', MARKER, creds)).equals(MARKER)).to.equal(true);
          const big = randomBytes(300_000);
          expect(Buffer.from(await client.call({ host, port: pport }, ECHO, 'echo', big, creds)).equals(big)).to.equal(true);
          expect(events.up).to.have.length(1);
          expect(events.up[0]).to.include({ authMethod: method, qop: 'auth-conf', fastPrivacy: true });
        });
        const [c] = proxy.connections;
        const wire = (d: 'up' | 'down'): Buffer => Buffer.concat(c![d].map((u) => u.bytes));
        expect(wire('up').includes(MARKER.subarray(0, 40))).to.equal(false);
        expect(wire('down').includes(MARKER.subarray(0, 40))).to.equal(false);
        const frames = (d: 'up' | 'down'): number[] => c![d].filter((u) => u.kind === 'frame').map((u) => u.type);
        const records = (d: 'up' | 'down'): number[] => c![d].filter((u) => u.kind === 'record').map((u) => u.type);
        // The only WRAP is the key message; it is the last frame before the TLS records.
        expect(frames('up').filter((s) => s === SaslState.WRAP)).to.have.length(1);
        expect(frames('up').at(-1)).to.equal(SaslState.WRAP);
        expect(frames('down').at(-1)).to.equal(SaslState.SUCCESS);
        expect(frames('down')).to.not.include(SaslState.WRAP);
        // TLS: handshake (22) and change-cipher-spec (20) records, then application data (23).
        for (const d of ['up', 'down'] as const) {
          expect(records(d)[0]).to.equal(22);
          expect(records(d)).to.include(23);
          expect(new Set(records(d))).to.satisfy((s: Set<number>) => [...s].every((t) => [20, 21, 22, 23].includes(t)));
        }
      } finally {
        client.stop();
        await proxy.stop();
        await server.stop();
      }
    });
  }

  it('64 concurrent calls of 64 KiB over one channel all round-trip (bytes a TLS channel delivers while the server writes are not stranded)', async () => {
    const { server, port } = await startServer();
    const client = new RpcClient({ resolver: privacy });
    try {
      const creds = await credentials('TOKEN', port);
      const payloads = Array.from({ length: 64 }, () => randomBytes(64 * 1024));
      const out = await Promise.all(payloads.map((p) => client.call({ host: '127.0.0.1', port }, ECHO, 'echo', p, creds)));
      out.forEach((o, i) => expect(Buffer.from(o).equals(payloads[i]!), `call ${i}`).to.equal(true));
      expect(client.connectionCount).to.equal(1);
    } finally {
      client.stop();
      await server.stop();
    }
  });

  for (const side of ['client', 'server'] as const) {
    it(`with hsec.rpc.privacy.fast off on the ${side}, both sides keep standard auth-conf: every frame after SUCCESS is a WRAP`, async () => {
      const { server, port } = await startServer(side !== 'server');
      const proxy = new ChannelProxy();
      const pport = await proxy.start(port);
      const client = new RpcClient({ resolver: privacy, fastPrivacy: side !== 'client' });
      try {
        await watching(async (events) => {
          expect(Buffer.from(await client.call({ host: '127.0.0.1', port: pport }, ECHO, 'echo', MARKER, await credentials('TOKEN', pport))).equals(MARKER)).to.equal(true);
          expect(events.up[0]).to.include({ qop: 'auth-conf', fastPrivacy: false });
        });
        const [c] = proxy.connections;
        for (const d of ['up', 'down'] as const) {
          const states = c![d].filter((u) => u.kind === 'frame').map((u) => u.type);
          const after = d === 'up' ? states.indexOf(SaslState.INITIATE) + 1 : states.indexOf(SaslState.SUCCESS) + 1;
          expect(states.slice(after).length, d).to.be.greaterThan(0);
          expect(states.slice(after).every((s) => s === SaslState.WRAP), d).to.equal(true);
          expect(c![d].some((u) => u.kind === 'record'), d).to.equal(false);
        }
        expect(Buffer.concat(c!.up.map((u) => u.bytes)).includes(MARKER.subarray(0, 40))).to.equal(false);
      } finally {
        client.stop();
        await proxy.stop();
        await server.stop();
      }
    });
  }

  /** Runs calls through a proxy with `hook`; returns the connection-failed events and whether a fresh client is still served. */
  async function tampered(hook: RecordHook, calls: (client: RpcClient, port: number) => Promise<void>): Promise<Record<string, unknown>[]> {
    const { server, port } = await startServer();
    const proxy = new ChannelProxy(hook);
    const pport = await proxy.start(port);
    const client = new RpcClient({ resolver: privacy });
    try {
      return await watching(async (events) => {
        await calls(client, pport);
        await until(() => events.failed.length > 0);
        // The server keeps serving: a new client, straight to the server.
        const fresh = new RpcClient({ resolver: privacy });
        try {
          expect(Buffer.from(await fresh.call({ host: '127.0.0.1', port }, ECHO, 'echo', MARKER, await credentials('TOKEN', port))).equals(MARKER)).to.equal(true);
        } finally {
          fresh.stop();
        }
        return events.failed;
      });
    } finally {
      client.stop();
      await proxy.stop();
      await server.stop();
    }
  }

  const failedCall = async (p: Promise<unknown>): Promise<Error | undefined> => p.then(() => undefined, (e: Error) => e);

  it('a flipped bit in a record from the client closes the connection: the call fails with a typed error', async () => {
    let err: Error | undefined;
    const failed = await tampered(
      (record, n, direction) => {
        if (direction !== 'up' || n !== 0) return [record];
        const bad = Buffer.from(record);
        bad[bad.length - 5]! ^= 0x10;
        return [bad];
      },
      async (client, port) => {
        err = await failedCall(client.call({ host: '127.0.0.1', port }, ECHO, 'echo', MARKER, await credentials('TOKEN', port)));
      },
    );
    expect(err).to.have.property('code', 'RPC_CONNECTION_CLOSED');
    expect(failed).to.have.length(1);
    expect(String(failed[0]!.code)).to.match(/^ERR_SSL_/);
  });

  it('a flipped bit in a record from the server closes the connection at the client', async () => {
    let err: Error | undefined;
    await tampered(
      (record, n, direction) => {
        if (direction !== 'down' || n !== 0) return [record];
        const bad = Buffer.from(record);
        bad[10]! ^= 0x01;
        return [bad];
      },
      async (client, port) => {
        err = await failedCall(client.call({ host: '127.0.0.1', port }, ECHO, 'echo', MARKER, await credentials('TOKEN', port)));
      },
    );
    expect(err).to.have.property('code', 'RPC_CONNECTION_CLOSED');
    expect(err!.message).to.match(/hsec fast privacy: a TLS record from the peer did not authenticate/);
  });

  it('a replayed record closes the connection', async () => {
    const failed = await tampered(
      (record, n, direction) => (direction === 'up' && n === 0 ? [record, record] : [record]),
      async (client, port) => {
        await failedCall(client.call({ host: '127.0.0.1', port }, ECHO, 'echo', MARKER, await credentials('TOKEN', port)));
      },
    );
    expect(String(failed[0]!.code)).to.match(/^ERR_SSL_/);
  });

  it('a record from another connection (same position, other keys) closes the connection', async () => {
    const captured = new Map<number, Buffer>();
    const failed = await tampered(
      (record, n, direction, connection) => {
        if (direction !== 'up') return [record];
        if (connection === 0) captured.set(n, record);
        if (connection === 1 && n === 1 && captured.has(1)) return [captured.get(1)!];
        return [record];
      },
      async (client, port) => {
        // Two users: two connections, each with two calls; connection 1's second record is connection 0's.
        const a = await credentials('TOKEN', port, 'alice@EXAMPLE.TEST');
        const b = await credentials('TOKEN', port, 'bob@EXAMPLE.TEST');
        await client.call({ host: '127.0.0.1', port }, ECHO, 'echo', MARKER, a);
        await client.call({ host: '127.0.0.1', port }, ECHO, 'echo', MARKER, a);
        await client.call({ host: '127.0.0.1', port }, ECHO, 'echo', MARKER, b);
        expect(await failedCall(client.call({ host: '127.0.0.1', port }, ECHO, 'echo', MARKER, b))).to.have.property('code', 'RPC_CONNECTION_CLOSED');
      },
    );
    expect(captured.has(1)).to.equal(true);
    expect(failed).to.have.length(1);
    expect(String(failed[0]!.code)).to.match(/^ERR_SSL_/);
  });
});

describe('fast privacy: keys retire with their connection (IPC engine, TOKEN)', function () {
  this.timeout(60_000);
  const secretManager = new DelegationTokenSecretManager();
  before(() => secretManager.start(false));
  after(() => secretManager.stop());

  /** An IpcServer whose SASL servers accept fast privacy, with the channel retiring after `retireAfterBytes`. */
  async function ipcServer(retireAfterBytes?: number): Promise<{ server: IpcServer; port: number }> {
    const server = new IpcServer({
      authenticator: () => new SaslRpcServer({ authentication: 'simple', qop: ['auth-conf'], tokenAuthority: delegationTokenAuthority(secretManager), createTokenServer: defaultTokenServer, fastPrivacyRetireAfterBytes: retireAfterBytes }),
    });
    server.registerProtocol(ECHO, echoHandlers());
    return { server, port: (await server.start('127.0.0.1', 0)).port };
  }

  function target(port: number, token: Token, retireAfterBytes?: number): IpcCallTarget {
    return {
      address: { host: '127.0.0.1', port },
      protocol: ECHO,
      identityKey: 'alice',
      authenticator: () => new SaslRpcClient({ server: { host: '127.0.0.1', port }, qop: ['auth-conf'], tokens: [token], createTokenClient: defaultTokenClient, fastPrivacyRetireAfterBytes: retireAfterBytes }),
    };
  }

  it('the client moves to a new connection when the keys retire; every call is answered and old connections close', async () => {
    const { server, port } = await ipcServer();
    const client = new IpcClient();
    try {
      const { token } = await secretManager.createToken({ owner: 'alice@EXAMPLE.TEST', renewer: 'yarn', service: `127.0.0.1:${port}` });
      await watching(async (events) => {
        const payload = randomBytes(64 * 1024);
        for (let i = 0; i < 12; i++) {
          const out = await client.call(target(port, token, 256 * 1024), 'echo', payload);
          expect(Buffer.from(out).equals(payload), `call ${i}`).to.equal(true);
        }
        // 12 x 128 KiB both ways over channels retiring after 256 KiB: several connections, one at a time.
        expect(events.up.length).to.be.greaterThan(3);
        expect(events.up.every((e) => e.fastPrivacy === true)).to.equal(true);
        expect(events.failed).to.deep.equal([]);
      });
      await until(() => server.connectionCount <= 1);
      expect(server.connectionCount).to.be.at.most(1);
    } finally {
      client.stop();
      await server.stop();
    }
  });

  it('the server closes a channel past twice its retirement point when the client stays', async () => {
    const { server, port } = await ipcServer(128 * 1024);
    const client = new IpcClient();
    try {
      const { token } = await secretManager.createToken({ owner: 'alice@EXAMPLE.TEST', renewer: 'yarn', service: `127.0.0.1:${port}` });
      await watching(async (events) => {
        let err: Error | undefined;
        for (let i = 0; i < 10 && !err; i++) {
          err = await client.call(target(port, token), 'echo', randomBytes(64 * 1024)).then(() => undefined, (e: Error) => e);
        }
        expect(err).to.have.property('code', 'RPC_CONNECTION_CLOSED');
        await until(() => events.failed.length > 0);
        expect(events.failed[0]).to.include({ code: 'SASL_STATE' });
        expect(String(events.failed[0]!.message)).to.match(/carried more than 262144 bytes and the client did not move to a new connection/);
      });
    } finally {
      client.stop();
      await server.stop();
    }
  });
});

describe('fast privacy: the TLS PSK channel on its own', function () {
  this.timeout(30_000);

  /** A connected socket pair over loopback. */
  async function socketPair(): Promise<{ a: Socket; b: Socket; close(): void }> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const accepted = new Promise<Socket>((r) => server.once('connection', r));
    const a = connect((server.address() as { port: number }).port, '127.0.0.1');
    const b = await accepted;
    return { a, b, close: () => (a.destroy(), b.destroy(), server.close()) };
  }

  it('two different keys never make a channel: ready rejects with SASL_INTEGRITY', async () => {
    const pair = await socketPair();
    try {
      const server = serverChannel(pair.a, randomBytes(32));
      const client = clientChannel(pair.b, randomBytes(32));
      const results = await Promise.allSettled([server.ready, client.ready]);
      for (const r of results) {
        expect(r.status).to.equal('rejected');
        expect((r as PromiseRejectedResult).reason).to.have.property('code', 'SASL_INTEGRITY');
      }
    } finally {
      pair.close();
    }
  });
});
