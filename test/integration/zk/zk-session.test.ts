/**
 * ZkClient sessions through failures, against a real ZooKeeper where one can show the failure
 * (a restart of the server on the same port and data dir; a session expired by the server) and
 * against small fake TCP servers where a real ZooKeeper cannot misbehave on demand (garbage
 * bytes, silence, a reply out of order, a truncated record): these fakes are the only mocks here.
 * Checked: watches survive a restart and deliver a change made while the client was disconnected;
 * calls made while the server is down wait and succeed within their deadline; an expired session
 * is replaced by a new one (ephemeral nodes gone, watches still delivering); an unreachable or
 * garbage-speaking server is a typed error within a bounded time naming the connect string; and no
 * exception ever escapes to the process.
 */
import { expect } from 'chai';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../../../cluster/mini/ports.ts';
import { DataInput, DataOutput } from '../../../lib/codec/index.ts';
import { ZooKeeperError } from '../../../lib/errors/index.ts';
import { ZkClient, type ZkStateEvent, type ZNode } from '../../../lib/zk/index.ts';
import { OpCode } from '../../../lib/zk/constants.ts';
import { ZkFrameDecoder, frame } from '../../../lib/zk/frame.ts';
import { decodeConnectResponse, encodeConnectRequest, encodeRequest } from '../../../lib/zk/records.ts';
import { useMiniZooKeeper } from '../../support/fixtures.ts';
import { rejectsWithCode } from '../../support/expect-code.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Fails the suite if anything reaches the process as an uncaught exception or unhandled rejection. */
function noEscapes(): void {
  const escaped: unknown[] = [];
  const onError = (e: unknown): void => void escaped.push(e);
  before(() => {
    process.on('uncaughtException', onError);
    process.on('unhandledRejection', onError);
  });
  after(() => {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
    expect(escaped.map(String)).to.deep.equal([]);
  });
}

/** Resolves when `client` reaches `state` (optionally with a predicate on the event). */
function reach(client: ZkClient, state: ZkStateEvent['state'], pred: (e: ZkStateEvent) => boolean = () => true, timeoutMs = 30_000): Promise<ZkStateEvent> {
  if (client.state === state && pred({ state })) return Promise.resolve({ state });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`client did not reach ${state} within ${timeoutMs} ms (now ${client.state})`)), timeoutMs);
    const off = client.onStateChange((e) => {
      if (e.state === state && pred(e)) {
        clearTimeout(timer);
        off();
        resolve(e);
      }
    });
  });
}

/** A fake TCP peer (see the file comment): `onConnection` scripts what it sends. */
async function fakeServer(onConnection: (socket: Socket, frames: (cb: (payload: Uint8Array, index: number) => void) => void) => void): Promise<{ server: Server; connectString: string }> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    const decoder = new ZkFrameDecoder();
    let index = 0;
    let handler: (payload: Uint8Array, index: number) => void = () => {};
    socket.on('data', (chunk) => {
      for (const p of decoder.push(chunk)) handler(p, index++);
    });
    onConnection(socket, (cb) => (handler = cb));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { server, connectString: `127.0.0.1:${port}` };
}

/**
 * A TCP relay to a real server whose gate the test opens and shuts: a network link going down,
 * not a ZooKeeper stand-in. While shut it drops every new connection at once.
 */
async function gatedRelay(upstreamPort: number): Promise<{ server: Server; port: number; open: boolean }> {
  const state = { open: true };
  const server = createServer((down) => {
    down.on('error', () => {});
    if (!state.open) return void down.destroy();
    const up = connect({ host: '127.0.0.1', port: upstreamPort });
    up.on('error', () => down.destroy());
    down.on('close', () => up.destroy());
    up.on('close', () => down.destroy());
    down.pipe(up).pipe(down);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(state, { server, port: (server.address() as { port: number }).port });
}

/** ConnectResponse {protocolVersion 0, timeOut, sessionId, passwd} + readOnly, as a ZooKeeper server writes it. */
function connectResponse(timeOut: number, sessionId: bigint): Uint8Array {
  const out = new DataOutput();
  out.writeInt(0).writeInt(timeOut).writeLong(sessionId).writeInt(16).write(new Uint8Array(16).fill(7)).writeBoolean(false);
  return frame(out.toBytes());
}

/** Ends `sessionId` from a second connection (Curator's KillSession: attach, then closeSession). */
async function killSession(connectString: string, sessionId: bigint, passwd: Uint8Array): Promise<void> {
  const [host, port] = connectString.split(':');
  const socket = connect({ host: host!, port: Number(port) });
  const decoder = new ZkFrameDecoder();
  const frames: Uint8Array[] = [];
  let wake = (): void => {};
  socket.on('data', (c) => {
    frames.push(...decoder.push(c));
    wake();
  });
  const nextFrame = async (): Promise<Uint8Array> => {
    while (frames.length === 0) await new Promise<void>((r) => (wake = r));
    return frames.shift()!;
  };
  await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
  socket.write(frame(encodeConnectRequest({ lastZxidSeen: 0n, timeOut: 10_000, sessionId, passwd })));
  const response = decodeConnectResponse(await nextFrame());
  expect(response.sessionId).to.equal(sessionId);
  socket.write(frame(encodeRequest(1, OpCode.closeSession)));
  await nextFrame();
  socket.destroy();
}

describe('ZkClient across ZooKeeper restarts and session expiry (real ZooKeeper)', function () {
  this.timeout(180_000);
  noEscapes();
  const fixture = useMiniZooKeeper();

  it('keeps a watch across a server restart and delivers the change made while it was disconnected', async () => {
    const writer = await ZkClient.connect({ connectString: fixture.zk.connectString, retryIntervalMs: 20 });
    // The watcher reaches the server through a relay the test can shut, so that it stays
    // disconnected after the restart until the change has been made.
    const relay = await gatedRelay(fixture.zk.port);
    const watcher = await ZkClient.connect({ connectString: `127.0.0.1:${relay.port}`, sessionTimeoutMs: 30_000, retryIntervalMs: 100 });
    try {
      await writer.create('/restart', enc('before'));
      const seen: string[] = [];
      let changed: (v: string) => void = () => {};
      await watcher.watchData('/restart', (n) => {
        seen.push(n ? dec(n.data) : '<deleted>');
        changed(n ? dec(n.data) : '<deleted>');
      });
      relay.open = false;
      await fixture.zk.stopServer();
      await reach(watcher, 'connecting');
      await fixture.zk.startServer();
      await writer.ready(30_000);
      const delivered = new Promise<string>((r) => (changed = (v) => v === 'during-outage' && r(v)));
      await writer.setData('/restart', enc('during-outage'));
      await sleep(300);
      expect(watcher.state).to.equal('connecting');
      expect(seen).to.deep.equal([]);
      relay.open = true;
      expect(await delivered).to.equal('during-outage');
      expect(watcher.state).to.equal('connected');
      const next = new Promise<string>((r) => (changed = r));
      await writer.setData('/restart', enc('after'));
      expect(await next).to.equal('after');
      expect(seen).to.deep.equal(['during-outage', 'after']);
    } finally {
      await fixture.zk.startServer();
      await watcher.close();
      await writer.close();
      relay.server.close();
    }
  });

  it('lets a call made while the server is down wait for it and succeed within its deadline', async () => {
    const c = await ZkClient.connect({ connectString: fixture.zk.connectString, sessionTimeoutMs: 30_000, retryIntervalMs: 200 });
    try {
      await fixture.zk.stopServer();
      await reach(c, 'connecting');
      const pending = c.create('/made-during-outage', enc('x'), { timeoutMs: 90_000 });
      await sleep(300);
      await fixture.zk.startServer();
      expect(await pending).to.equal('/made-during-outage');
      expect(dec((await c.getData('/made-during-outage')).data)).to.equal('x');
    } finally {
      await fixture.zk.startServer();
      await c.close();
    }
  });

  it('replaces an expired session with a new one: ephemeral nodes are gone, watches keep delivering', async () => {
    const c = await ZkClient.connect({ connectString: fixture.zk.connectString, sessionTimeoutMs: 4000 });
    const other = await ZkClient.connect({ connectString: fixture.zk.connectString });
    try {
      const oldSession = c.sessionId;
      await c.create('/expiry-eph', undefined, { mode: 'ephemeral' });
      await other.create('/expiry-watched', enc('v0'));
      let changed: (v: string) => void = () => {};
      await c.watchData('/expiry-watched', (n: ZNode | undefined) => changed(n ? dec(n.data) : '<deleted>'));

      const expired = reach(c, 'expired');
      const renewed = reach(c, 'connected', (e) => e.newSession === true);
      await killSession(fixture.zk.connectString, oldSession, c.sessionPassword());
      const e = await expired;
      expect(e.error).to.be.instanceOf(ZooKeeperError);
      expect(e.error!.code).to.equal('ZK_SESSION_EXPIRED');
      await renewed;
      expect(c.sessionId).to.not.equal(oldSession);
      expect(await other.exists('/expiry-eph')).to.equal(undefined);

      const delivered = new Promise<string>((r) => (changed = r));
      await other.setData('/expiry-watched', enc('v1'));
      expect(await delivered).to.equal('v1');
    } finally {
      await c.close();
      await other.close();
    }
  });
});

describe('ZkClient against unreachable and misbehaving servers', function () {
  this.timeout(60_000);
  noEscapes();
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  it('fails with ZK_UNREACHABLE within the deadline, naming the connect string and the last error', async () => {
    const connectString = `127.0.0.1:${await freePort()},127.0.0.1:${await freePort()}`;
    const t0 = Date.now();
    const err = await rejectsWithCode(ZkClient.connect({ connectString, sessionTimeoutMs: 2000 }, 1500), 'ZK_UNREACHABLE');
    const took = Date.now() - t0;
    expect(took).to.be.within(1400, 3000);
    expect(err.message).to.include(connectString).and.include('ECONNREFUSED').and.include('hadoop.zk.address');
    expect(err.details.connectString).to.equal(connectString);
  });

  it('names a host that does not resolve', async () => {
    const err = await rejectsWithCode(ZkClient.connect({ connectString: 'zk.invalid:2181' }, 1500), 'ZK_UNREACHABLE');
    expect(err.message).to.include('zk.invalid').and.include('cannot resolve');
  });

  it('turns garbage from a non-ZooKeeper server into ZK_UNREACHABLE with the protocol error as cause', async () => {
    const fake = await fakeServer((socket) => socket.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    servers.push(fake.server);
    const err = await rejectsWithCode(ZkClient.connect({ connectString: fake.connectString, sessionTimeoutMs: 2000 }, 1500), 'ZK_UNREACHABLE');
    expect(err.message).to.include(fake.connectString).and.include('out of range');
    expect((err.cause as ZooKeeperError).cause).to.have.property('code', 'PROTOCOL_TOO_LARGE');
  });

  it('times out the handshake with a server that never answers', async () => {
    const fake = await fakeServer(() => {});
    servers.push(fake.server);
    const err = await rejectsWithCode(ZkClient.connect({ connectString: fake.connectString, sessionTimeoutMs: 1000 }, 2500), 'ZK_UNREACHABLE');
    expect(err.message).to.include('handshake did not complete within 1000 ms');
  });

  it('drops a connection whose reply is out of order or truncated (ZK_CONNECTION_LOSS) and keeps going', async () => {
    let connections = 0;
    const fake = await fakeServer((socket, onFrame) => {
      const n = ++connections;
      onFrame((payload, index) => {
        if (index === 0) return void socket.write(connectResponse(6000, 0x42n));
        const xid = new DataInput(payload).readInt();
        const header = new DataOutput().writeInt(n === 1 ? xid + 5 : xid).writeLong(1n).writeInt(0);
        // Connection 1: a reply for a request never made. Later ones: a GetDataResponse cut short.
        socket.write(frame(n === 1 ? header.toBytes() : new Uint8Array([...header.toBytes(), 0, 0, 0, 9, 1, 2])));
      });
    });
    servers.push(fake.server);
    const c = await ZkClient.connect({ connectString: fake.connectString, sessionTimeoutMs: 6000, numRetries: 0 });
    try {
      const outOfOrder = await rejectsWithCode(c.getData('/a'), 'ZK_CONNECTION_LOSS');
      expect(outOfOrder.message).to.include('malformed reply').and.include('does not match');
      const truncated = await rejectsWithCode(c.getData('/b', { timeoutMs: 5000 }), 'ZK_CONNECTION_LOSS');
      expect(truncated.message).to.include('malformed getData reply');
      expect(connections).to.be.at.least(2);
    } finally {
      await c.close();
    }
  });
});
