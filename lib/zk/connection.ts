/**
 * One TCP connection to one ZooKeeper server, as ClientCnxn's SendThread drives it, as an explicit
 * state machine:
 *
 *   Connecting --tcp up--> AwaitConnectResponse --ConnectResponse--> Authenticating
 *   Authenticating --AuthPacket replies (xid -4) all OK--> Sasl (when a SASL factory is set) | Ready
 *   Sasl --GetSASLRequest / SetSASLResponse rounds until the mechanism completes--> Ready
 *   any state --socket error, bad frame, timeout, AUTHFAILED, expired session--> Closed
 *
 * In Ready, requests are pipelined and their replies matched in order by xid (the server answers
 * in order; a reply out of order is a protocol error); xid -1 replies are watch notifications,
 * -2 ping replies. A ping goes out when nothing was sent for a third of the negotiated session
 * timeout, and the connection is dropped when nothing was heard for two thirds of it
 * (ClientCnxn's readTimeout). Every failure becomes a ZooKeeperError: open() rejects with it
 * during the handshake, afterwards pending requests reject with ZK_CONNECTION_LOSS and `onClose`
 * is told. Nothing thrown here escapes to the event loop.
 */
import { connect, type Socket } from 'node:net';
import { DataInput, type DataOutput } from '../codec/index.ts';
import { HsecError, ProtocolError, ZooKeeperError } from '../errors/index.ts';
import { resolveAddress } from '../net/resolve.ts';
import { describeAuthInfo, type ZkAuthInfo } from './acl.ts';
import { formatServer, type ZkServerAddress } from './connect-string.ts';
import { KeeperCode, OpCode, Xid } from './constants.ts';
import { frame, ZkFrameDecoder } from './frame.ts';
import { authPacket, decodeConnectResponse, encodeConnectRequest, encodeRequest, readReplyHeader, readSaslResponse, readWatcherEvent, saslRequest, type ConnectRequest, type ConnectResponse, type ReplyHeader, type WatcherEvent } from './records.ts';
import type { ZkSaslFactory, ZkSaslSession } from './sasl.ts';

export enum ConnState {
  Connecting = 'Connecting',
  AwaitConnectResponse = 'AwaitConnectResponse',
  Authenticating = 'Authenticating',
  Sasl = 'Sasl',
  Ready = 'Ready',
  Closed = 'Closed',
}

export interface Reply {
  readonly header: ReplyHeader;
  /** The response record (read it only when header.err is 0). */
  readonly body: DataInput;
}

export interface ZkConnectionOptions {
  readonly server: ZkServerAddress;
  /** The whole connect string, for messages. */
  readonly connectString: string;
  readonly request: ConnectRequest;
  readonly authInfos: readonly ZkAuthInfo[];
  readonly sasl?: ZkSaslFactory | undefined;
  /** Deadline for TCP connect + ConnectResponse + auth + SASL, ms. */
  readonly handshakeTimeoutMs: number;
  readonly maxFrameLength?: number | undefined;
  /** A watch notification (client paths are the caller's business: these are server paths). */
  readonly onNotification: (event: WatcherEvent) => void;
  /** The connection ended after open() resolved. */
  readonly onClose: (error: ZooKeeperError) => void;
}

interface Pending {
  readonly xid: number;
  resolve(reply: Reply): void;
  reject(error: ZooKeeperError): void;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: ZooKeeperError): void;
}

function asZkError(e: unknown, fallback: (cause: unknown) => ZooKeeperError): ZooKeeperError {
  return e instanceof ZooKeeperError ? e : fallback(e);
}

export class ZkConnection {
  readonly #o: ZkConnectionOptions;
  readonly #where: string;
  readonly #decoder: ZkFrameDecoder;
  #state = ConnState.Connecting;
  #socket: Socket | undefined;
  #session: ConnectResponse | undefined;
  #saslPrincipal: string | undefined;
  #nextXid = 1;
  #lastZxid: bigint;
  readonly #pending: Pending[] = [];
  #tcpWaiter: Waiter<void> | undefined;
  #connectWaiter: Waiter<ConnectResponse> | undefined;
  #closeReason: ZooKeeperError | undefined;
  readonly #authWaiters: Waiter<void>[] = [];
  #handshakeTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #lastSend = 0;
  #lastRecv = 0;

  private constructor(o: ZkConnectionOptions) {
    this.#o = o;
    this.#where = formatServer(o.server);
    this.#decoder = new ZkFrameDecoder(o.maxFrameLength);
    this.#lastZxid = o.request.lastZxidSeen;
  }

  /** Connects and completes the handshake; rejects with a ZooKeeperError. */
  static async open(o: ZkConnectionOptions): Promise<ZkConnection> {
    const c = new ZkConnection(o);
    await c.#handshake();
    return c;
  }

  get state(): ConnState {
    return this.#state;
  }

  /** `host:port` of the server. */
  get server(): string {
    return this.#where;
  }

  /** The session the server granted (valid once open() resolved). */
  get session(): ConnectResponse {
    return this.#session!;
  }

  /** The principal SASL authenticated, if any. */
  get saslPrincipal(): string | undefined {
    return this.#saslPrincipal;
  }

  /** The highest zxid seen in a reply. */
  get lastZxid(): bigint {
    return this.#lastZxid;
  }

  /** Sends one request and resolves with its reply (whatever its err); ZK_CONNECTION_LOSS if the connection ends first. */
  send(type: number, body?: (out: DataOutput) => void): Promise<Reply> {
    if (this.#state === ConnState.Closed || !this.#socket) {
      return Promise.reject(this.#closeReason ?? new ZooKeeperError('ZK_CONNECTION_LOSS', `Connection to ZooKeeper ${this.#where} is closed`, { server: this.#where }));
    }
    const xid = this.#nextXid;
    this.#nextXid = xid >= 0x7fffffff ? 1 : xid + 1;
    return new Promise<Reply>((resolve, reject) => {
      this.#pending.push({ xid, resolve, reject });
      this.#write(encodeRequest(xid, type, body));
    });
  }

  /** Ends the session (closeSession, bounded by `timeoutMs`) and closes the socket. */
  async closeSession(timeoutMs: number): Promise<void> {
    if (this.#state !== ConnState.Ready) return this.close();
    const sent = this.send(OpCode.closeSession).catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([sent, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    this.close();
  }

  /** Drops the connection because of `reason` (e.g. a reply that would not decode); onClose is told. */
  abort(reason: ZooKeeperError): void {
    this.#fail(this.#lost(reason), true);
  }

  /** Drops the connection; pending requests reject with ZK_CLOSED. onClose is not called. */
  close(): void {
    this.#fail(new ZooKeeperError('ZK_CLOSED', `The ZooKeeper client closed its connection to ${this.#where}`, { server: this.#where }), false);
  }

  // The handshake, read top to bottom.

  async #handshake(): Promise<void> {
    const o = this.#o;
    this.#handshakeTimer = setTimeout(
      () => this.#fail(this.#unreachable(`the connection handshake did not complete within ${o.handshakeTimeoutMs} ms`), false),
      o.handshakeTimeoutMs,
    );
    this.#handshakeTimer.unref();
    try {
      await this.#connectTcp();
      this.#session = await this.#exchangeConnect();
      await this.#sendAuthInfos();
      if (o.sasl) await this.#authenticateSasl(o.sasl);
      clearTimeout(this.#handshakeTimer);
      this.#state = ConnState.Ready;
      this.#startPinging();
    } catch (e) {
      let err = asZkError(e, (cause) => this.#unreachable(`the handshake failed: ${(cause as Error)?.message ?? cause}`, cause));
      // A connection lost before the session was usable is a failed connect attempt.
      if (err.code === 'ZK_CONNECTION_LOSS') err = this.#unreachable(err.message, err);
      this.#fail(err, false);
      throw err;
    }
  }

  async #connectTcp(): Promise<void> {
    const { host, port } = this.#o.server;
    let address: string;
    try {
      address = await resolveAddress(host);
    } catch (cause) {
      throw this.#unreachable(`cannot resolve ${host}: ${(cause as Error).message}`, cause);
    }
    if (this.#state === ConnState.Closed) throw this.#unreachable('the handshake timed out while resolving the host');
    await new Promise<void>((resolve, reject) => {
      this.#tcpWaiter = { resolve, reject };
      const socket = connect({ host: address, port });
      this.#socket = socket;
      socket.setNoDelay(true);
      socket.once('connect', () => {
        this.#tcpWaiter = undefined;
        resolve();
      });
      socket.on('error', (err) => this.#fail(this.#unreachable(err.message, err), true));
      socket.on('close', () => this.#fail(this.#lost(new ZooKeeperError('ZK_CONNECTION_LOSS', `ZooKeeper ${this.#where} closed the connection`, { server: this.#where })), true));
      socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    });
  }

  #exchangeConnect(): Promise<ConnectResponse> {
    this.#state = ConnState.AwaitConnectResponse;
    const response = new Promise<ConnectResponse>((resolve, reject) => (this.#connectWaiter = { resolve, reject }));
    this.#write(encodeConnectRequest(this.#o.request));
    return response;
  }

  async #sendAuthInfos(): Promise<void> {
    this.#state = ConnState.Authenticating;
    const replies = this.#o.authInfos.map((info) => {
      const reply = new Promise<void>((resolve, reject) => this.#authWaiters.push({ resolve, reject }));
      this.#write(encodeRequest(Xid.auth, OpCode.auth, authPacket(info.scheme, info.auth)));
      return reply;
    });
    await Promise.all(replies);
  }

  async #authenticateSasl(factory: ZkSaslFactory): Promise<void> {
    this.#state = ConnState.Sasl;
    let session: ZkSaslSession;
    try {
      session = await factory(this.#o.server);
    } catch (cause) {
      throw this.#saslFailed('the SASL client could not be created', undefined, cause);
    }
    const { client } = session;
    let token: Uint8Array | undefined;
    try {
      token = client.hasInitialResponse ? await client.step(undefined) : new Uint8Array(0);
    } catch (cause) {
      throw this.#saslFailed('the client could not start the exchange', session, cause);
    }
    for (let round = 0; round < 16; round++) {
      if (token === undefined) throw this.#saslFailed('the mechanism produced no token before completing', session);
      const reply = await this.send(OpCode.sasl, saslRequest(token));
      if (reply.header.err !== KeeperCode.OK) {
        throw this.#saslFailed(`the server rejected the exchange (${reply.header.err === KeeperCode.AUTHFAILED ? 'AUTHFAILED' : `error ${reply.header.err}`})`, session);
      }
      const serverToken = readSaslResponse(reply.body);
      if (client.isComplete) {
        this.#saslPrincipal = session.clientPrincipal;
        return;
      }
      try {
        token = await client.step(serverToken ?? new Uint8Array(0));
      } catch (cause) {
        throw this.#saslFailed('the client rejected a server token', session, cause);
      }
    }
    throw this.#saslFailed('the exchange did not complete within 16 rounds', session);
  }

  // Input.

  #onData(chunk: Buffer): void {
    if (this.#state === ConnState.Closed) return;
    this.#lastRecv = Date.now();
    try {
      for (const payload of this.#decoder.push(chunk)) {
        this.#onFrame(payload);
        if ((this.#state as ConnState) === ConnState.Closed) return;
      }
    } catch (e) {
      const cause = e instanceof HsecError ? e : new ProtocolError('PROTOCOL_MALFORMED', `Malformed ZooKeeper reply: ${(e as Error)?.message ?? e}`);
      this.#fail(this.#lost(new ZooKeeperError('ZK_CONNECTION_LOSS', `ZooKeeper ${this.#where} sent a malformed reply: ${cause.message}`, { server: this.#where }, { cause })), true);
    }
  }

  #onFrame(payload: Uint8Array): void {
    if (this.#state === ConnState.AwaitConnectResponse) {
      this.#onConnectResponse(decodeConnectResponse(payload));
      return;
    }
    const input = new DataInput(payload);
    const header = readReplyHeader(input);
    if (header.zxid > 0n) this.#lastZxid = header.zxid;
    switch (header.xid) {
      case Xid.ping:
        return;
      case Xid.notification:
        this.#o.onNotification(readWatcherEvent(input));
        return;
      case Xid.auth:
        return this.#onAuthReply(header.err);
      default:
        return this.#onReply(header, input);
    }
  }

  #onConnectResponse(response: ConnectResponse): void {
    const waiter = this.#connectWaiter;
    this.#connectWaiter = undefined;
    if (response.timeOut <= 0) {
      const id = this.#o.request.sessionId.toString(16);
      waiter?.reject(
        new ZooKeeperError('ZK_SESSION_EXPIRED', `ZooKeeper session 0x${id} has expired (the server ${this.#where} no longer knows it); a new session is needed`, {
          server: this.#where,
          sessionId: `0x${id}`,
        }),
      );
      return;
    }
    this.#state = ConnState.Authenticating;
    waiter?.resolve(response);
  }

  #onAuthReply(err: number): void {
    const waiter = this.#authWaiters.shift();
    if (err === KeeperCode.OK) {
      waiter?.resolve();
      return;
    }
    const names = this.#o.authInfos.map(describeAuthInfo).join(', ');
    this.#fail(
      new ZooKeeperError('ZK_AUTH_FAILED', `ZooKeeper ${this.#where} rejected the authentication [${names}] (AuthPacket err ${err}); check hadoop.zk.auth`, {
        server: this.#where,
        keeperCode: err,
      }),
      true,
    );
  }

  #onReply(header: ReplyHeader, body: DataInput): void {
    const pending = this.#pending[0];
    if (!pending || pending.xid !== header.xid) {
      // The pending request stays queued: #fail rejects it with the connection loss.
      throw new ProtocolError('PROTOCOL_MALFORMED', `reply xid ${header.xid} does not match the oldest request (${pending ? `xid ${pending.xid}` : 'none pending'})`, { xid: header.xid });
    }
    this.#pending.shift();
    if (header.err === KeeperCode.SESSIONCLOSEDREQUIRESASLAUTH && this.#state === ConnState.Ready) {
      pending.reject(new ZooKeeperError('ZK_AUTH_FAILED', `ZooKeeper ${this.#where} closed the session: it requires SASL (Kerberos) authentication, and this client did not authenticate; configure a Kerberos login (hadoop.zk.kerberos.principal / hadoop.zk.kerberos.keytab)`, { server: this.#where }));
      this.#fail(new ZooKeeperError('ZK_AUTH_FAILED', `ZooKeeper ${this.#where} requires SASL authentication`, { server: this.#where }), true);
      return;
    }
    pending.resolve({ header, body });
  }

  // Output, liveness and failure.

  #write(bytes: Uint8Array): void {
    this.#lastSend = Date.now();
    this.#socket?.write(frame(bytes));
  }

  #startPinging(): void {
    const timeout = this.#session!.timeOut;
    const readTimeout = Math.floor((timeout * 2) / 3);
    this.#lastRecv = this.#lastSend = Date.now();
    this.#pingTimer = setInterval(() => {
      const now = Date.now();
      if (now - this.#lastRecv > readTimeout) {
        this.#fail(this.#lost(new ZooKeeperError('ZK_CONNECTION_LOSS', `ZooKeeper ${this.#where} sent nothing for ${now - this.#lastRecv} ms (read timeout ${readTimeout} ms, 2/3 of the ${timeout} ms session timeout)`, { server: this.#where })), true);
      } else if (now - this.#lastSend >= readTimeout / 2) {
        this.#write(encodeRequest(Xid.ping, OpCode.ping));
      }
    }, Math.max(20, Math.floor(readTimeout / 6)));
    this.#pingTimer.unref();
  }

  #fail(error: ZooKeeperError, notify: boolean): void {
    if (this.#state === ConnState.Closed) return;
    const wasReady = this.#state === ConnState.Ready;
    this.#state = ConnState.Closed;
    this.#closeReason = error;
    clearTimeout(this.#handshakeTimer);
    clearInterval(this.#pingTimer);
    this.#socket?.destroy();
    const forRequests = error.code === 'ZK_CLOSED' || error.code === 'ZK_AUTH_FAILED' || error.code === 'ZK_SESSION_EXPIRED' ? error : this.#lost(error);
    for (const p of this.#pending.splice(0)) p.reject(forRequests);
    for (const w of this.#authWaiters.splice(0)) w.reject(error);
    this.#tcpWaiter?.reject(error);
    this.#tcpWaiter = undefined;
    this.#connectWaiter?.reject(error.code === 'ZK_CONNECTION_LOSS' ? this.#unreachable(error.message, error.cause ?? error) : error);
    this.#connectWaiter = undefined;
    if (notify && wasReady) this.#o.onClose(forRequests);
  }

  #lost(e: ZooKeeperError): ZooKeeperError {
    if (e.code === 'ZK_CONNECTION_LOSS') return e;
    return new ZooKeeperError('ZK_CONNECTION_LOSS', `Lost the connection to ZooKeeper ${this.#where}: ${e.message}`, { server: this.#where }, { cause: e });
  }

  #unreachable(reason: string, cause?: unknown): ZooKeeperError {
    return new ZooKeeperError('ZK_UNREACHABLE', `Could not connect to ZooKeeper ${this.#where} (of ${this.#o.connectString}): ${reason}`, {
      server: this.#where,
      connectString: this.#o.connectString,
    }, cause === undefined ? undefined : { cause });
  }

  #saslFailed(reason: string, session: ZkSaslSession | undefined, cause?: unknown): ZooKeeperError {
    const who = session ? ` as ${session.clientPrincipal} to ${session.serverPrincipal}` : '';
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return new ZooKeeperError(
      'ZK_AUTH_FAILED',
      `SASL authentication${who} with ZooKeeper ${this.#where} failed: ${reason}${detail}. Check the Kerberos login, that the server principal exists in the KDC (its service name is hadoop.zk.server.principal, default zookeeper) and the server's SASL configuration`,
      {
        server: this.#where,
        ...(session ? { principal: session.clientPrincipal, serverPrincipal: session.serverPrincipal } : {}),
      },
      cause === undefined ? undefined : { cause },
    );
  }
}
