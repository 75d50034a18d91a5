/**
 * One client IPC connection, after org.apache.hadoop.ipc.Client.Connection: connect, preamble,
 * SASL negotiation driven by an injected ClientAuthenticator, connection context (callId -3), then
 * many outstanding calls matched by call id, pings while calls wait (ipc.ping.interval), and
 * response errors (ERROR keeps the connection, FATAL closes it) rebuilt as typed errors. With a
 * security layer, outgoing frames written in one tick are coalesced and wrapped in pieces of at
 * most rawSendSize bytes; incoming frames must all be WRAP (SaslRpcClient.WrappedInputStream). When the
 * authenticator agreed on hsec's fast privacy, a protected channel over the socket replaces
 * wrapping right after SUCCESS and carries the frames unwrapped (docs/fast-privacy.md).
 */
import type { Socket } from 'node:net';
import { HsecError, ProtocolError, SaslError, UnreachableError } from '../errors/index.ts';
import type { ClientAuthenticator, ClientAuthResult, WrapLayer } from './auth-hooks.ts';
import { CallId, DEFAULT_MAX_DATA_LENGTH, DEFAULT_PING_INTERVAL_MS, RpcStatus } from './constants.ts';
import { FrameDecoder, splitFrame } from './frame.ts';
import { callFrame, contextFrame, parseResponse, parseSaslBody, pingFrame, saslRequestFrame } from './ipc-frames.ts';
import type { RpcResponseHeader } from './messages.ts';
import { encodePreamble } from './preamble.ts';
import { remoteToError } from './remote-exception.ts';
import { Unwrapper, wrapClientStream, wrapStreamParts } from './wrapping.ts';
import { withTimeout } from '../time/with-timeout.ts';
import { openSocket } from '../net/connect.ts';

export interface ClientConnectionOptions {
  host: string;
  port: number;
  authenticator: ClientAuthenticator;
  /** Connection protocol sent in IpcConnectionContextProto. */
  protocol: string;
  /** 16-byte client id (UUID bytes) of the owning client. */
  clientId: Uint8Array;
  /** Default 20 000 ms (ipc.client.connect.timeout). */
  connectTimeoutMs?: number;
  /** Default 60 000 ms (ipc.ping.interval); 0 disables pings. */
  pingIntervalMs?: number;
  /** Largest response frame accepted (ipc.maximum.response.length). Default 128 MiB. */
  maxResponseLength?: number;
  serviceClass?: number;
}

export interface CallOptions {
  /** declaringClassProtocolName; defaults to the connection protocol. */
  declaringProtocol?: string;
  /** clientProtocolVersion of RequestHeaderProto. Default 1. */
  protocolVersion?: bigint;
  /** Reject with RPC_TIMEOUT after this many ms (ipc.client.rpc-timeout.ms). Default none. */
  timeoutMs?: number;
}

interface Pending {
  resolve(bytes: Uint8Array): void;
  reject(err: unknown): void;
  timer?: NodeJS.Timeout | undefined;
}

let nextCallIdValue = 0;
/** Client.nextCallId: a process-wide counter masked to stay non-negative. */
function nextCallId(): number {
  const id = nextCallIdValue;
  nextCallIdValue = (nextCallIdValue + 1) & 0x7fffffff;
  return id;
}

export class ClientConnection {
  readonly #opts: ClientConnectionOptions;
  /** The socket, or once fast privacy is up the protected channel over it. */
  #socket: Socket;
  readonly #decoder: FrameDecoder;
  readonly #pending = new Map<number, Pending>();
  #setupQueue: Uint8Array[] = [];
  #setupWaiter: ((f: Uint8Array | Error) => void) | undefined;
  #ready = false;
  #closed = false;
  #closeError: Error | undefined;
  #layer: WrapLayer | undefined;
  #unwrapper: Unwrapper | undefined;
  #outQueue: Uint8Array[] = [];
  #flushScheduled = false;
  #pingTimer: NodeJS.Timeout | undefined;
  #lastReceived = Date.now();
  #auth: ClientAuthResult | undefined;
  /** Fast privacy: bytes after which the channel's keys retire (see `retiring`). */
  #retireAfterBytes = Number.POSITIVE_INFINITY;
  /** Plaintext bytes through the channel both ways (counted here: Socket.bytesWritten walks the write queue). */
  #channelBytes = 0;
  #retiring = false;
  /** Time the connection last had no outstanding call (for idle reaping). */
  lastIdleAt = Date.now();
  readonly #onCloseHooks: ((c: ClientConnection) => void)[] = [];

  private constructor(opts: ClientConnectionOptions, socket: Socket) {
    this.#opts = opts;
    this.#socket = socket;
    this.#decoder = new FrameDecoder({ maxDataLength: opts.maxResponseLength ?? DEFAULT_MAX_DATA_LENGTH });
    socket.setNoDelay(true);
    this.#listen(socket);
  }

  readonly #onDataEvent = (chunk: Buffer): void => this.#onData(chunk);
  readonly #onErrorEvent = (err: Error): void =>
    this.#shutdown(new UnreachableError('RPC_CONNECTION_CLOSED', `IPC connection to ${this.address} failed: ${err.message}`, { remoteAddress: this.address }, { cause: err }));
  readonly #onCloseEvent = (): void =>
    this.#shutdown(new UnreachableError('RPC_CONNECTION_CLOSED', `IPC connection to ${this.address} closed by the server`, { remoteAddress: this.address }));

  #listen(socket: Socket): void {
    socket.on('data', this.#onDataEvent);
    socket.on('error', this.#onErrorEvent);
    socket.on('close', this.#onCloseEvent);
    // The server's FIN ends the connection (a TLS channel still in its handshake would not close by itself).
    socket.on('end', this.#onCloseEvent);
  }

  #unlisten(socket: Socket): void {
    socket.off('data', this.#onDataEvent);
    socket.off('error', this.#onErrorEvent);
    socket.off('close', this.#onCloseEvent);
    socket.off('end', this.#onCloseEvent);
  }

  /** Connects, authenticates and sends the connection context. */
  static async open(opts: ClientConnectionOptions): Promise<ClientConnection> {
    const socket = await openSocket(opts.host, opts.port, opts.connectTimeoutMs ?? 20_000);
    const conn = new ClientConnection(opts, socket);
    try {
      await conn.#setup();
    } catch (err) {
      conn.close();
      throw err;
    }
    return conn;
  }

  get address(): string {
    return `${this.#opts.host}:${this.#opts.port}`;
  }

  get isOpen(): boolean {
    return this.#ready && !this.#closed;
  }

  /**
   * True once a fast privacy channel carried its keys' share of bytes: the pool puts no new call
   * here and the connection closes when its last call is answered (docs/fast-privacy.md).
   */
  get retiring(): boolean {
    return this.#retiring;
  }

  get outstanding(): number {
    return this.#pending.size;
  }

  /** Auth method and QOP this connection negotiated. */
  get auth(): ClientAuthResult | undefined {
    return this.#auth;
  }

  onClose(hook: (c: ClientConnection) => void): void {
    this.#onCloseHooks.push(hook);
  }

  /** Sends one call; resolves with the response message bytes. */
  call(method: string, request: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    if (!this.isOpen) {
      return Promise.reject(this.#closeError ?? new UnreachableError('RPC_CONNECTION_CLOSED', `IPC connection to ${this.address} is closed`, { remoteAddress: this.address }));
    }
    const callId = nextCallId();
    const header = {
      methodName: method,
      declaringClassProtocolName: options.declaringProtocol ?? this.#opts.protocol,
      clientProtocolVersion: options.protocolVersion ?? 1n,
    };
    return new Promise<Uint8Array>((resolve, reject) => {
      const pending: Pending = { resolve, reject };
      if (options.timeoutMs && options.timeoutMs > 0) {
        pending.timer = setTimeout(() => {
          this.#pending.delete(callId);
          this.#markIdle();
          reject(new UnreachableError('RPC_TIMEOUT', `Call ${method} to ${this.address} timed out after ${options.timeoutMs} ms`, { remoteAddress: this.address, method }));
        }, options.timeoutMs);
      }
      this.#pending.set(callId, pending);
      this.#send(callFrame(callId, this.#opts.clientId, 0, header, request));
    });
  }

  /** Closes the socket; outstanding calls fail with RPC_CONNECTION_CLOSED. */
  close(): void {
    this.#shutdown(new UnreachableError('RPC_CONNECTION_CLOSED', `IPC connection to ${this.address} closed by the client`, { remoteAddress: this.address }));
  }

  async #setup(): Promise<void> {
    const a = this.#opts.authenticator;
    this.#socket.write(encodePreamble({ serviceClass: this.#opts.serviceClass, authProtocol: a.authProtocol }));
    if (a.authProtocol !== 0) {
      this.#socket.write(saslRequestFrame(a.initial()));
      for (;;) {
        const payload = await this.#nextSetupFrame();
        const { header, rest } = parseResponse(payload);
        this.#throwIfFailed(header);
        if (header.callId !== CallId.SASL) throw new ProtocolError('PROTOCOL_MALFORMED', 'Non-SASL response during negotiation', { callId: header.callId });
        const { reply, done } = await a.step(parseSaslBody(rest));
        if (reply) this.#socket.write(saslRequestFrame(reply));
        if (done) break;
      }
    }
    const auth = a.result();
    this.#auth = auth;
    if (auth.securityLayer) await this.#startWrapping(auth);
    const userInfo = a.userInfo(auth);
    this.#send(contextFrame(this.#opts.clientId, { ...(userInfo ? { userInfo } : {}), protocol: this.#opts.protocol }));
    this.#ready = true;
    // Frames that arrived after SUCCESS (none expected) are handled as responses.
    const early = this.#setupQueue;
    this.#setupQueue = [];
    for (const f of early) this.#handleOuter(f);
    this.#startPinging();
  }

  /**
   * Everything after SUCCESS is wrapped. With fast privacy (docs/fast-privacy.md) our key message
   * goes instead, under the SASL layer, and the protected channel then carries the frames unwrapped.
   */
  async #startWrapping(auth: ClientAuthResult): Promise<void> {
    const sasl = auth.securityLayer!;
    const layerSwitch = auth.layerSwitch;
    if (!layerSwitch) {
      this.#layer = sasl;
      this.#unwrapper = new Unwrapper(sasl, 'client', { maxDataLength: this.#opts.maxResponseLength ?? DEFAULT_MAX_DATA_LENGTH });
      return;
    }
    if (this.#decoder.buffered > 0 || this.#setupQueue.length > 0) {
      throw new SaslError('SASL_STATE', `The server at ${this.address} sent data after SUCCESS although fast privacy was agreed; it must wait for the key`, { remoteAddress: this.address });
    }
    for (const frame of wrapClientStream(sasl, layerSwitch.keyMessage)) this.#socket.write(frame);
    layerSwitch.keyMessage.fill(0);
    // No byte of the server's can have been read since SUCCESS: it speaks first only once it has the key.
    this.#unlisten(this.#socket);
    const channel = layerSwitch.secure(this.#socket);
    this.#socket = channel.socket;
    this.#retireAfterBytes = channel.retireAfterBytes;
    this.#listen(this.#socket);
    const timeoutMs = this.#opts.connectTimeoutMs ?? 20_000;
    await withTimeout(channel.ready, timeoutMs, () =>
      new UnreachableError('RPC_TIMEOUT', `The fast privacy channel to ${this.address} did not come up within ${timeoutMs} ms (ipc.client.connect.timeout)`, { remoteAddress: this.address }),
    );
  }

  #nextSetupFrame(): Promise<Uint8Array> {
    const queued = this.#setupQueue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#closed) return Promise.reject(this.#closeError);
    return new Promise((resolve, reject) => {
      this.#setupWaiter = (f) => (f instanceof Error ? reject(f) : resolve(f));
    });
  }

  #onData(chunk: Buffer): void {
    this.#lastReceived = Date.now();
    this.#channelBytes += chunk.length;
    if (!this.#retiring && this.#channelBytes >= this.#retireAfterBytes) this.#retiring = true;
    let frames: Uint8Array[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      this.#shutdown(err as Error);
      return;
    }
    for (const f of frames) {
      if (!this.#ready) {
        if (this.#setupWaiter) {
          const w = this.#setupWaiter;
          this.#setupWaiter = undefined;
          w(f);
        } else this.#setupQueue.push(f);
      } else this.#handleOuter(f);
    }
  }

  #handleOuter(outer: Uint8Array): void {
    try {
      const frames = this.#unwrapper ? this.#unwrapper.push(outer) : [outer];
      for (const f of frames) this.#handleResponse(f);
    } catch (err) {
      this.#shutdown(err as Error);
    }
  }

  #handleResponse(payload: Uint8Array): void {
    const { header, rest } = parseResponse(payload);
    const pending = this.#pending.get(header.callId);
    if (header.status === RpcStatus.FATAL) {
      // Fatal errors may carry a reserved call id; all outstanding calls fail.
      const err = this.#remoteError(header);
      if (pending) this.#settle(header.callId, pending, undefined, err);
      this.#shutdown(err);
      return;
    }
    if (!pending) {
      throw new ProtocolError('PROTOCOL_MALFORMED', `Server sent a response for unknown call id ${header.callId}`, { callId: header.callId, remoteAddress: this.address });
    }
    if (header.status === RpcStatus.ERROR) return this.#settle(header.callId, pending, undefined, this.#remoteError(header));
    let body: Uint8Array;
    try {
      body = splitFrame(rest, 1)[0]!;
    } catch (err) {
      return this.#settle(header.callId, pending, undefined, err);
    }
    this.#settle(header.callId, pending, body, undefined);
  }

  #settle(callId: number, p: Pending, value: Uint8Array | undefined, err: unknown): void {
    this.#pending.delete(callId);
    clearTimeout(p.timer);
    this.#markIdle();
    if (err !== undefined) p.reject(err);
    else p.resolve(value!);
  }

  #markIdle(): void {
    if (this.#pending.size > 0) return;
    this.lastIdleAt = Date.now();
    if (this.#retiring) queueMicrotask(() => this.#pending.size === 0 && this.close());
  }

  #throwIfFailed(header: RpcResponseHeader): void {
    if (header.status !== RpcStatus.SUCCESS) throw this.#remoteError(header);
  }

  #remoteError(h: RpcResponseHeader): HsecError {
    return remoteToError({ exceptionClassName: h.exceptionClassName, errorMsg: h.errorMsg, errorDetail: h.errorDetail, fatal: h.status === RpcStatus.FATAL, remoteAddress: this.address });
  }

  /** Queues a plaintext frame; with a security layer, frames of one tick are wrapped together. */
  #send(frame: Uint8Array): void {
    if (!this.#layer) {
      // Frames written in one tick leave in one segment (the socket runs with TCP_NODELAY).
      if (this.#socket.writableCorked === 0) {
        this.#socket.cork();
        process.nextTick(() => this.#socket.uncork());
      }
      this.#socket.write(frame);
      this.#channelBytes += frame.length;
      return;
    }
    this.#outQueue.push(frame);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#closed || this.#outQueue.length === 0) return;
    const plaintext = this.#outQueue;
    this.#outQueue = [];
    try {
      const parts = wrapStreamParts(this.#layer!, plaintext, 'client');
      this.#socket.cork();
      for (const p of parts) this.#socket.write(p);
      this.#socket.uncork();
    } catch (err) {
      this.#shutdown(err as Error);
    }
  }

  #startPinging(): void {
    const interval = this.#opts.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
    if (interval <= 0) return;
    this.#pingTimer = setInterval(() => {
      if (this.#pending.size > 0 && Date.now() - this.#lastReceived >= interval) this.#send(pingFrame(this.#opts.clientId));
    }, interval);
    this.#pingTimer.unref();
  }

  #shutdown(err: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = err;
    clearInterval(this.#pingTimer);
    this.#socket.destroy();
    if (this.#setupWaiter) {
      const w = this.#setupWaiter;
      this.#setupWaiter = undefined;
      w(err);
    }
    for (const [id, p] of this.#pending) this.#settle(id, p, undefined, err);
    for (const hook of this.#onCloseHooks) hook(this);
  }
}
