/**
 * One accepted IPC connection on the server, as an explicit state machine after
 * org.apache.hadoop.ipc.Server.Connection: PREAMBLE -> SASL (when the client asked for it) ->
 * CONTEXT -> READY. SASL messages go to the injected ServerAuthenticator; the connection context
 * (callId -3) fixes the effective user (proxy users only through the authorizer, never for TOKEN:
 * Server.Connection.processConnectionContext); calls (callId >= 0) are dispatched concurrently to
 * protocol handlers and answered as they complete, those of one tick wrapped together when a
 * security layer is active (Server.wrapWithSasl); between hsec peers that agreed on fast privacy a
 * protected channel over the socket replaces wrapping after the client's key message (docs/fast-privacy.md).
 * Any bad input closes only this connection, after a FATAL reply where Hadoop sends one.
 *
 * Hostile clients: until SASL completes a frame may carry at most `preAuthMaxDataLength` bytes
 * (refused once more than that has arrived), the bytes a connection holds then count against the
 * server-wide pre-authentication budget, and one frame is decoded at a time with reading paused.
 * Frames are processed in slices that yield to the event loop, so no connection holds it for long.
 * Every entry point (socket events, timers, promise chains) runs under one guard: an exception no
 * decoder typed (a bug) becomes a FATAL reply and an error log naming the connection, never an
 * uncaught exception in the daemon.
 */
import type { Socket } from 'node:net';
import { AccessControlError, HsecError, ProtocolError, SaslError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { AuthMethodName, ServerAuthenticator, ServerAuthResult, ServerLayerSwitch, WrapLayer } from './auth-hooks.ts';
import type { CallContext, ProtocolHandlers } from './call-context.ts';
import { AuthProtocol, CallId, RPC_ERROR_CODE_NAMES, RPC_VERSION, RpcErrorCode, RpcKind, RpcOp, SaslState, type RpcErrorCodeValue } from './constants.ts';
import { splitFrame, FrameDecoder } from './frame.ts';
import { errorResponseFrame, parseRequest, parseSaslBody, saslResponseFrame, successResponseParts } from './ipc-frames.ts';
import { decodeConnectionContext, decodeRequestHeaderProto, type IpcConnectionContext, type RpcRequestHeader } from './messages.ts';
import { decodePreamble, HTTP_ON_RPC_PORT_RESPONSE, looksLikeHttp, PREAMBLE_LENGTH } from './preamble.ts';
import { errorToRemote, JavaException, saslFailureToRemote } from './remote-exception.ts';
import { ugiString } from './ugi-string.ts';
import { Unwrapper, wrapStreamParts } from './wrapping.ts';
import { publishConnection, publishConnectionFailed } from './events.ts';

export enum ServerConnState {
  PREAMBLE = 'PREAMBLE',
  SASL = 'SASL',
  CONTEXT = 'CONTEXT',
  READY = 'READY',
  CLOSED = 'CLOSED',
}

/** Hooks the server gives each connection. */
export interface ServerConnectionEnv {
  authenticator: ServerAuthenticator;
  lookup(protocol: string): ProtocolHandlers | undefined;
  maxDataLength: number;
  /** Largest frame before SASL completes (hsec.ipc.server.preauth.max.data.length). */
  preAuthMaxDataLength: number;
  /** Takes (or, negative, gives back) bytes of the shared pre-authentication budget; false = no room. */
  reservePreAuth(bytes: number): boolean;
  handshakeTimeoutMs: number;
  maxInFlight: number;
  shortName(user: string, authMethod: AuthMethodName): string;
  authorizeProxy?: ((q: { realUser: string; effectiveUser: string; remoteAddress: string; protocol?: string | undefined }) => void | Promise<void>) | undefined;
  authorizeConnection?: ((q: { user: string; realUser?: string | undefined; authMethod: AuthMethodName; protocol?: string | undefined; remoteAddress: string }) => void | Promise<void>) | undefined;
  log: Logger;
  onClose(conn: ServerConnection): void;
}

/**
 * A failure that ends the connection after a FATAL response (Hadoop's FatalRpcServerException). As
 * Server.processOneRpc sends the wrapped cause's class, one made from a message names
 * org.apache.hadoop.ipc.RpcServerException; one wrapping an IOException names that exception.
 */
class FatalRpc extends Error {
  constructor(
    readonly errorCode: RpcErrorCodeValue,
    readonly exceptionClassName: string,
    message: string,
    readonly callId: number = CallId.AUTHORIZATION_FAILED,
  ) {
    super(message);
  }
}

/** The FATAL reply for an untyped failure: FATAL_UNKNOWN from org.apache.hadoop.ipc.RpcServerException, no internals. */
function internalFatal(err: unknown, callId: number): FatalRpc {
  const name = (err as { name?: unknown })?.name;
  return new FatalRpc(RpcErrorCode.FATAL_UNKNOWN, JavaException.RPC_SERVER, `IPC server internal error (${typeof name === 'string' ? name : 'unknown'}); the server log names this connection`, callId);
}

/** Once authenticated, frames above this size are assembled in place as they arrive (FrameDecoder). */
const ASSEMBLE_IN_PLACE_ABOVE = 1024 * 1024;

/** Queued responses above this many bytes are wrapped at once rather than at the end of the tick. */
const WRAP_QUEUE_FLUSH_BYTES = 1024 * 1024;

/** How long the frame loop runs before it yields to the event loop (ms). */
const SLICE_MS = 10;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ServerConnection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  #state = ServerConnState.PREAMBLE;
  /** The socket, or once fast privacy is up the protected channel over it. */
  #socket: Socket;
  readonly #env: ServerConnectionEnv;
  #preamble = new Uint8Array(0);
  readonly #decoder: FrameDecoder;
  #unwrapper: Unwrapper | undefined;
  #layer: WrapLayer | undefined;
  /** Fast privacy agreed: the next WRAP is the client's key message. */
  #keySwitch: ServerLayerSwitch | undefined;
  #fastPrivacy = false;
  /** Fast privacy: the channel closes past this many bytes (twice its keys' retirement point). */
  #channelByteCap = Number.POSITIVE_INFINITY;
  /** Bytes read and written since the channel came up (counted here: Socket.bytesWritten walks the write queue). */
  #channelBytes = 0;
  /** Framed responses waiting to be wrapped together at the end of the tick (see #write). */
  #wrapQueue: Uint8Array[] = [];
  #wrapQueueBytes = 0;
  #auth: ServerAuthResult | undefined;
  #context: IpcConnectionContext | undefined;
  #user: { user: string; shortUser: string; realUser?: string | undefined } | undefined;
  #inFlight = 0;
  #awaitingDrain = false;
  #handshakeTimer: NodeJS.Timeout | undefined;
  /** The frame loop is running (one frame at a time; see #pump). */
  #pumping = false;
  /** Bytes arrived while the loop ran: it looks at the decoder once more when it ends. */
  #pumpAgain = false;
  /** Length of the frame being processed (counted against the pre-authentication budget). */
  #current = 0;
  /** Bytes this connection holds against the pre-authentication budget. */
  #reserved = 0;
  /** Call id of the frame being processed, for the FATAL reply of an unexpected failure. */
  #callId: number = CallId.AUTHORIZATION_FAILED;
  #lastContact = Date.now();

  constructor(socket: Socket, env: ServerConnectionEnv) {
    this.#socket = socket;
    this.#env = env;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.#decoder = new FrameDecoder({ maxDataLength: env.maxDataLength });
    socket.setNoDelay(true);
    this.#listen(socket);
    this.#handshakeTimer = setTimeout(
      () =>
        this.#guard('handshake timeout', () => {
          if (this.#state !== ServerConnState.READY) {
            this.#fail(new ProtocolError('PROTOCOL_TRUNCATED', `Client did not finish connection setup within ${env.handshakeTimeoutMs} ms`, { state: this.#state, remoteAddress: this.remoteAddress }), 'handshake timeout');
          }
        }),
      env.handshakeTimeoutMs,
    );
    this.#handshakeTimer.unref();
  }

  readonly #onDataEvent = (chunk: Buffer): void => this.#guard('bad input', () => this.#onData(chunk));
  readonly #onErrorEvent = (err: Error): void => this.#guard('socket error', () => this.#fail(err, 'socket error'));
  readonly #onCloseEvent = (): void => this.#guard('close', () => this.#closed());
  readonly #onEndEvent = (): void =>
    this.#guard('end', () => {
      try {
        this.#decoder.end();
      } catch (err) {
        this.#log('client closed mid-frame', err);
      }
      this.#socket.end();
      // A fast privacy channel still in its handshake holds end() back: do not wait for it.
      if (this.#fastPrivacy) setTimeout(() => this.#socket.destroy(), 1000).unref();
    });

  #listen(socket: Socket): void {
    socket.on('data', this.#onDataEvent);
    socket.on('error', this.#onErrorEvent);
    socket.on('close', this.#onCloseEvent);
    socket.on('end', this.#onEndEvent);
  }

  #unlisten(socket: Socket): void {
    socket.off('data', this.#onDataEvent);
    socket.off('error', this.#onErrorEvent);
    socket.off('close', this.#onCloseEvent);
    socket.off('end', this.#onEndEvent);
  }

  get state(): ServerConnState {
    return this.#state;
  }

  /** When the connection last read bytes (ms since epoch): Hadoop's Connection.lastContact. */
  get lastContact(): number {
    return this.#lastContact;
  }

  /** No call in flight (Hadoop's Connection.isIdle). */
  get idle(): boolean {
    return this.#inFlight === 0;
  }

  /** True while the preamble or SASL is still to come. */
  get authenticating(): boolean {
    return this.#state === ServerConnState.PREAMBLE || this.#state === ServerConnState.SASL;
  }

  /** The connection user's short name once the context is read. */
  get shortUser(): string | undefined {
    return this.#state === ServerConnState.READY ? this.#user?.shortUser : undefined;
  }

  /** Closes the connection now. */
  close(): void {
    this.#socket.destroy();
  }

  /**
   * Runs one entry point (socket event, timer, callback): a failure becomes #fail, and a failure of
   * #fail itself is logged and the socket destroyed, so nothing escapes to the process.
   */
  #guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      try {
        this.#fail(err, what);
      } catch (again) {
        this.#env.log.error({ remoteAddress: this.remoteAddress, remotePort: this.remotePort, reason: (again as Error)?.message }, 'IPC connection: failure while failing; socket destroyed');
        this.#socket.destroy();
      }
    }
  }

  #onData(chunk: Buffer): void {
    if (this.#state === ServerConnState.CLOSED) return;
    this.#lastContact = Date.now();
    if (this.#fastPrivacy) this.#channelBytes += chunk.length;
    if (this.#channelBytes > this.#channelByteCap) {
      throw new SaslError('SASL_STATE', `hsec fast privacy: the channel from ${this.remoteAddress} carried more than ${this.#channelByteCap} bytes and the client did not move to a new connection; closing it (its keys must not protect more)`, {
        remoteAddress: this.remoteAddress,
        bytes: this.#channelByteCap,
      });
    }
    let data: Uint8Array = chunk;
    if (this.#state === ServerConnState.PREAMBLE) {
      data = this.#readPreamble(data);
      if (this.#state === ServerConnState.PREAMBLE || this.#state === ServerConnState.CLOSED) return;
    }
    this.#decoder.feed(data);
    this.#checkPreAuth();
    this.#pump();
  }

  /**
   * Before SASL completes: the head frame may not have more than preAuthMaxDataLength bytes arrive
   * (a longer declaration alone costs nothing and is not refused before its bytes come), and what
   * the connection holds must fit the server-wide pre-authentication budget.
   */
  #checkPreAuth(): void {
    if (!this.authenticating) return this.#releasePreAuth();
    const max = this.#env.preAuthMaxDataLength;
    const head = this.#decoder.headLength;
    if (head !== undefined && head > max && this.#decoder.buffered - 4 > max) {
      throw new ProtocolError('PROTOCOL_TOO_LARGE', `IPC frame of ${head} bytes before authentication is above hsec.ipc.server.preauth.max.data.length (${max}); SASL messages are a few KiB`, {
        length: head,
        maxDataLength: max,
        configKey: 'hsec.ipc.server.preauth.max.data.length',
        remoteAddress: this.remoteAddress,
      });
    }
    const want = this.#decoder.buffered + this.#current;
    if (!this.#env.reservePreAuth(want - this.#reserved)) {
      throw new HsecError('RPC_OVERLOADED', `Connections still authenticating hold the whole pre-authentication budget (hsec.ipc.server.preauth.max.buffered); dropping the one from ${this.remoteAddress} that asked for ${want} bytes`, {
        remoteAddress: this.remoteAddress,
        bytes: want,
        configKey: 'hsec.ipc.server.preauth.max.buffered',
      });
    }
    this.#reserved = want;
  }

  #releasePreAuth(): void {
    if (this.#reserved === 0) return;
    this.#env.reservePreAuth(-this.#reserved);
    this.#reserved = 0;
  }

  /**
   * The frame loop: takes one frame at a time from the decoder and processes it (calls are only
   * dispatched here; handlers run concurrently). Before authentication the socket is paused while a
   * frame is processed, so a connection never has more than one frame and one read chunk buffered.
   * After SLICE_MS of work the loop yields to the event loop before the next frame.
   */
  #pump(): void {
    if (this.#state === ServerConnState.CLOSED) return;
    if (this.#pumping) {
      // Bytes may arrive after the loop's last look at the decoder and before it ends: a TLS
      // channel even delivers them inside our own write() of a reply. Look again then.
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    this.#pumpAgain = false;
    this.#updateFlow();
    this.#runFrames()
      .catch((err) => this.#fail(err, 'request failed'))
      .finally(() => {
        this.#pumping = false;
        this.#current = 0;
        this.#guard('flow', () => {
          this.#updateFlow();
          if (this.#state !== ServerConnState.CLOSED) this.#checkPreAuth();
          if (this.#pumpAgain) this.#pump();
        });
      })
      .catch(() => undefined);
  }

  /** A method, not a field read, so TypeScript does not narrow the state across awaits. */
  #isClosed(): boolean {
    return this.#state === ServerConnState.CLOSED;
  }

  async #runFrames(): Promise<void> {
    let sliceStart = Date.now();
    // Calls already buffered wait, like unread bytes, while the connection is saturated: a client
    // that pipelines many calls in one chunk and never reads cannot make the server run them all.
    for (let frame = this.#nextFrame(); frame !== undefined; frame = this.#nextFrame()) {
      if (this.#isClosed()) return;
      this.#current = frame.length;
      if (this.#keySwitch) {
        this.#acceptKey(this.#keySwitch, frame);
        continue;
      }
      const frames = this.#unwrapper ? this.#unwrapper.push(frame) : [frame];
      for (const f of frames) {
        if (this.#isClosed()) return;
        await this.#processFrame(f);
        if (Date.now() - sliceStart >= SLICE_MS) {
          await yieldToEventLoop();
          sliceStart = Date.now();
        }
      }
      this.#current = 0;
    }
  }

  /** The next buffered frame, unless the connection is closed or saturated (see #updateFlow). */
  #nextFrame(): Uint8Array | undefined {
    if (this.#isClosed() || this.#saturated()) return undefined;
    return this.#decoder.next();
  }

  /** Too many calls running, or the client is not reading its responses. */
  #saturated(): boolean {
    return this.#inFlight >= this.#env.maxInFlight || this.#socket.writableNeedDrain;
  }

  #readPreamble(data: Uint8Array): Uint8Array {
    const need = PREAMBLE_LENGTH - this.#preamble.length;
    const joined = new Uint8Array(this.#preamble.length + Math.min(need, data.length));
    joined.set(this.#preamble);
    joined.set(data.subarray(0, need), this.#preamble.length);
    this.#preamble = joined;
    if (looksLikeHttp(joined)) {
      this.#state = ServerConnState.CLOSED;
      this.#socket.end(HTTP_ON_RPC_PORT_RESPONSE);
      return new Uint8Array(0);
    }
    if (joined.length < PREAMBLE_LENGTH) return new Uint8Array(0);
    let preamble;
    try {
      preamble = decodePreamble(joined);
    } catch (err) {
      if (err instanceof HsecError && err.code === 'PROTOCOL_VERSION') {
        // Server.setupBadVersionResponse: a FATAL reply naming both versions.
        this.#sendFatal(new FatalRpc(RpcErrorCode.FATAL_VERSION_MISMATCH, 'org.apache.hadoop.ipc.RPC$VersionMismatch', `Server IPC version ${RPC_VERSION} cannot communicate with client version ${joined[4]}`));
      }
      throw err;
    }
    if (preamble.authProtocol === AuthProtocol.NONE) {
      if (!this.#env.authenticator.simpleAllowed) {
        const available = this.#env.authenticator.advertised.join(', ');
        this.#sendFatal(new FatalRpc(RpcErrorCode.FATAL_UNAUTHORIZED, JavaException.ACCESS_CONTROL, `SIMPLE authentication is not enabled.  Available:[${available}]`));
        throw new AccessControlError('ACCESS_DENIED', `Client at ${this.remoteAddress} asked for SIMPLE authentication, which is not enabled (available: ${available})`, { remoteAddress: this.remoteAddress });
      }
      this.#auth = { authMethod: 'SIMPLE' };
      this.#state = ServerConnState.CONTEXT;
      this.#decoder.assembleAbove(ASSEMBLE_IN_PLACE_ABOVE);
    } else {
      this.#state = ServerConnState.SASL;
    }
    return data.subarray(need);
  }

  async #processFrame(payload: Uint8Array): Promise<void> {
    let header: RpcRequestHeader;
    let rest: Uint8Array;
    this.#callId = CallId.AUTHORIZATION_FAILED;
    try {
      ({ header, rest } = parseRequest(payload));
    } catch (err) {
      // Server.getMessage: a header protobuf-java cannot parse; callId still -1.
      throw new FatalRpc(RpcErrorCode.FATAL_DESERIALIZING_REQUEST, JavaException.RPC_SERVER, `Error decoding RpcRequestHeaderProto: ${(err as Error).message}`);
    }
    this.#callId = header.callId;
    this.#checkHeader(header);
    if (header.callId === CallId.SASL) return this.#processSasl(header, rest);
    if (header.callId === CallId.CONNECTION_CONTEXT) return this.#processContext(header, rest);
    if (header.callId === CallId.PING) return; // keep-alive, no reply
    if (header.callId < 0) {
      throw new FatalRpc(RpcErrorCode.FATAL_INVALID_RPC_HEADER, JavaException.RPC_SERVER, `Unknown out of band call #${header.callId}`, header.callId);
    }
    if (this.#state !== ServerConnState.READY) {
      throw new FatalRpc(RpcErrorCode.FATAL_INVALID_RPC_HEADER, JavaException.RPC_SERVER, 'Connection context not established', header.callId);
    }
    this.#dispatch(header, rest);
  }

  /** Server.checkRpcHeaders: kind and op must be present, op FINAL, kind PROTOCOL_BUFFER. */
  #checkHeader(h: RpcRequestHeader): void {
    if (h.rpcOp === undefined) {
      throw new FatalRpc(RpcErrorCode.FATAL_INVALID_RPC_HEADER, JavaException.RPC_SERVER, ' IPC Server: No rpc op in rpcRequestHeader', h.callId);
    }
    if (h.rpcOp !== RpcOp.FINAL_PACKET) {
      throw new FatalRpc(RpcErrorCode.FATAL_INVALID_RPC_HEADER, JavaException.RPC_SERVER, `IPC Server does not implement rpc header operation${h.rpcOp}`, h.callId);
    }
    if (h.rpcKind === undefined) {
      throw new FatalRpc(RpcErrorCode.FATAL_INVALID_RPC_HEADER, JavaException.RPC_SERVER, ' IPC Server: No rpc kind in rpcRequestHeader', h.callId);
    }
    if (h.rpcKind !== RpcKind.RPC_PROTOCOL_BUFFER) {
      // Server.processRpcRequest: no engine registered for this kind (hsec serves protobuf only).
      throw new FatalRpc(RpcErrorCode.FATAL_INVALID_RPC_HEADER, JavaException.RPC_SERVER, `Unknown rpc kind in rpc header${h.rpcKind}`, h.callId);
    }
  }

  async #processSasl(_header: RpcRequestHeader, rest: Uint8Array): Promise<void> {
    if (this.#state !== ServerConnState.SASL) {
      throw new FatalRpc(RpcErrorCode.FATAL_INVALID_RPC_HEADER, JavaException.RPC_SERVER, this.#layer ? 'SASL message was not wrapped after the security layer was negotiated' : 'SASL protocol not requested by client', CallId.SASL);
    }
    let msg;
    try {
      msg = parseSaslBody(rest);
    } catch (err) {
      throw new FatalRpc(RpcErrorCode.FATAL_DESERIALIZING_REQUEST, JavaException.RPC_SERVER, `Error decoding RpcSaslProto: ${(err as Error).message}`, CallId.SASL);
    }
    if (msg.state === SaslState.WRAP) {
      // Server.saslReadAndProcess: FatalRpcServerException(FATAL_INVALID_RPC_HEADER, new SaslException(...)).
      throw new FatalRpc(RpcErrorCode.FATAL_INVALID_RPC_HEADER, JavaException.SASL, 'Server is not wrapping data', CallId.SASL);
    }
    let out;
    try {
      out = await this.#env.authenticator.step(msg);
    } catch (err) {
      const { exceptionClassName, errorMsg } = saslFailureToRemote(err);
      this.#log('SASL negotiation failed', err);
      throw new FatalRpc(RpcErrorCode.FATAL_UNAUTHORIZED, exceptionClassName, errorMsg, CallId.SASL);
    }
    if (out.reply) this.#write(saslResponseFrame(out.reply));
    if (out.done) {
      this.#auth = out.result ?? { authMethod: 'SIMPLE' };
      this.#state = ServerConnState.CONTEXT;
      this.#releasePreAuth();
      this.#decoder.assembleAbove(ASSEMBLE_IN_PLACE_ABOVE);
      if (this.#auth.securityLayer) this.#startWrapping(this.#auth);
    }
  }

  /**
   * Everything after SUCCESS is wrapped, starting with the connection context. With fast privacy
   * (docs/fast-privacy.md) the client's first WRAP is its key message instead (#acceptKey).
   */
  #startWrapping(auth: ServerAuthResult): void {
    const sasl = auth.securityLayer!;
    this.#layer = sasl;
    this.#unwrapper = new Unwrapper(sasl, 'server', { maxDataLength: this.#env.maxDataLength, assembleAbove: ASSEMBLE_IN_PLACE_ABOVE });
    this.#keySwitch = auth.layerSwitch;
  }

  /**
   * Fast privacy: unwraps the client's key message with the SASL layer and moves the connection to
   * the protected channel over the socket, in which frames travel unwrapped. The client sends
   * nothing more until the channel is up (this side speaks first in it), so nothing may follow.
   */
  #acceptKey(layerSwitch: ServerLayerSwitch, frame: Uint8Array): void {
    const keyMessage = this.#unwrapper!.unwrapOne(frame);
    if (this.#decoder.buffered > 0) {
      throw new SaslError('SASL_STATE', `Client ${this.remoteAddress} sent ${this.#decoder.buffered} bytes after its fast privacy key message, before the protected channel was up`, {
        remoteAddress: this.remoteAddress,
        bytes: this.#decoder.buffered,
      });
    }
    this.#flushWrapped();
    const raw = this.#socket;
    this.#unlisten(raw);
    const channel = layerSwitch.secure(keyMessage, raw);
    this.#keySwitch = undefined;
    this.#layer = undefined;
    this.#unwrapper = undefined;
    this.#awaitingDrain = false;
    this.#socket = channel.socket;
    this.#channelByteCap = 2 * channel.retireAfterBytes;
    this.#channelBytes = 0;
    this.#listen(this.#socket);
    this.#fastPrivacy = true;
  }

  async #processContext(_header: RpcRequestHeader, rest: Uint8Array): Promise<void> {
    if (this.#state === ServerConnState.SASL) {
      throw new FatalRpc(RpcErrorCode.FATAL_INVALID_RPC_HEADER, JavaException.RPC_SERVER, 'Connection header sent during SASL negotiation', CallId.CONNECTION_CONTEXT);
    }
    if (this.#state === ServerConnState.READY) {
      throw new FatalRpc(RpcErrorCode.FATAL_INVALID_RPC_HEADER, JavaException.RPC_SERVER, 'Connection context already processed', CallId.CONNECTION_CONTEXT);
    }
    try {
      this.#context = decodeConnectionContext(splitFrame(rest, 1)[0]!);
    } catch (err) {
      throw new FatalRpc(RpcErrorCode.FATAL_DESERIALIZING_REQUEST, JavaException.RPC_SERVER, `Error decoding IpcConnectionContextProto: ${(err as Error).message}`, CallId.CONNECTION_CONTEXT);
    }
    const user = await this.#resolveUser(this.#auth!, this.#context);
    if (this.#env.authorizeConnection) {
      await this.#authorizeOrFatal(() =>
        this.#env.authorizeConnection!({ ...user, authMethod: this.#auth!.authMethod, protocol: this.#context?.protocol, remoteAddress: this.remoteAddress }),
      );
    }
    let shortUser: string;
    try {
      shortUser = this.#env.shortName(user.user, user.realUser ? 'SIMPLE' : this.#auth!.authMethod);
    } catch (err) {
      // Hadoop's User constructor: a name auth_to_local cannot map fails the connection.
      throw new FatalRpc(RpcErrorCode.FATAL_UNAUTHORIZED, JavaException.ACCESS_CONTROL, `Illegal principal name ${user.user}: ${(err as Error).message}`, CallId.CONNECTION_CONTEXT);
    }
    this.#user = { ...user, shortUser };
    this.#state = ServerConnState.READY;
    clearTimeout(this.#handshakeTimer);
    publishConnection({ remoteAddress: this.remoteAddress, remotePort: this.remotePort, user: user.user, realUser: user.realUser, authMethod: this.#auth!.authMethod, qop: this.#auth!.qop, qopRule: this.#auth!.qopRule, fastPrivacy: this.#fastPrivacy, protocol: this.#context?.protocol });
  }

  /** Server.Connection.processConnectionContext: who the calls run as (proxy users: ProxyUsers.authorize). */
  async #resolveUser(auth: ServerAuthResult, ctx: IpcConnectionContext): Promise<{ user: string; realUser?: string | undefined }> {
    const claimed = ctx.userInfo?.effectiveUser;
    if (auth.authMethod === 'SIMPLE' && auth.user === undefined) {
      if (!claimed) {
        throw new FatalRpc(RpcErrorCode.FATAL_UNAUTHORIZED, JavaException.ACCESS_CONTROL, 'SIMPLE connection context names no user', CallId.CONNECTION_CONTEXT);
      }
      // ProtoUtil.getUgi: a realUser in the context makes a proxy user, even of itself, and a proxy is checked
      const real = ctx.userInfo?.realUser;
      if (real) {
        await this.#authorizeProxy(real, claimed);
        return { user: claimed, realUser: real };
      }
      return { user: claimed };
    }
    const authenticated = auth.user!;
    if (!claimed || claimed === authenticated) return { user: authenticated, realUser: auth.realUser };
    if (auth.authMethod === 'TOKEN') {
      // both users as UGI.toString prints them: the token's, and the context's (createRemoteUser: SIMPLE)
      const claimedUgi = ugiString(claimed, 'SIMPLE', ctx.userInfo?.realUser || undefined);
      throw new FatalRpc(RpcErrorCode.FATAL_UNAUTHORIZED, JavaException.ACCESS_CONTROL, `Authenticated user (${ugiString(authenticated, 'TOKEN', auth.realUser)}) doesn't match what the client claims to be (${claimedUgi})`, CallId.CONNECTION_CONTEXT);
    }
    await this.#authorizeProxy(authenticated, claimed);
    return { user: claimed, realUser: authenticated };
  }

  async #authorizeProxy(realUser: string, effectiveUser: string): Promise<void> {
    const check = this.#env.authorizeProxy;
    if (!check) {
      // DefaultImpersonationProvider with no rules: the real user's full name (UGI.getUserName)
      throw new FatalRpc(RpcErrorCode.FATAL_UNAUTHORIZED, JavaException.AUTHORIZATION, `User: ${realUser} is not allowed to impersonate ${effectiveUser}`, CallId.CONNECTION_CONTEXT);
    }
    await this.#authorizeOrFatal(() => check({ realUser, effectiveUser, remoteAddress: this.remoteAddress, protocol: this.#context?.protocol }));
  }

  async #authorizeOrFatal(fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      const remote = errorToRemote(err);
      const cls = remote.exceptionClassName === JavaException.ACCESS_CONTROL ? JavaException.AUTHORIZATION : remote.exceptionClassName;
      throw new FatalRpc(RpcErrorCode.FATAL_UNAUTHORIZED, cls, remote.errorMsg, CallId.CONNECTION_CONTEXT);
    }
  }

  #dispatch(header: RpcRequestHeader, rest: Uint8Array): void {
    let requestHeader;
    let request: Uint8Array;
    try {
      const [rh, body] = splitFrame(rest, 2);
      requestHeader = decodeRequestHeaderProto(rh!);
      request = body!;
    } catch (err) {
      throw new FatalRpc(RpcErrorCode.FATAL_DESERIALIZING_REQUEST, JavaException.RPC_SERVER, `IPC server unable to read call parameters: ${(err as Error).message}`, header.callId);
    }
    const { callId, clientId } = header;
    const retryCount = header.retryCount ?? -1;
    const reply = (frame: Uint8Array | Uint8Array[]): void => {
      this.#inFlight--;
      this.#updateFlow();
      this.#write(frame);
    };
    const replyError = (code: RpcErrorCodeValue, exceptionClassName: string, errorMsg: string): void =>
      reply(errorResponseFrame({ callId, fatal: false, exceptionClassName, errorMsg, errorDetail: code, clientId, retryCount }));
    this.#inFlight++;
    this.#updateFlow();
    const protocol = requestHeader.declaringClassProtocolName;
    const handlers = this.#env.lookup(protocol);
    if (!handlers) return replyError(RpcErrorCode.ERROR_NO_SUCH_PROTOCOL, JavaException.NO_SUCH_PROTOCOL, `Unknown protocol: ${protocol}`);
    const handler = Object.prototype.hasOwnProperty.call(handlers, requestHeader.methodName) ? handlers[requestHeader.methodName] : undefined;
    if (!handler) {
      return replyError(RpcErrorCode.ERROR_NO_SUCH_METHOD, JavaException.NO_SUCH_METHOD, `Unknown method ${requestHeader.methodName} called on ${protocol} protocol.`);
    }
    const auth = this.#auth!;
    const user = this.#user!;
    const ctx: CallContext = {
      user: user.user,
      shortUser: user.shortUser,
      realUser: user.realUser,
      authMethod: auth.authMethod,
      qop: auth.qop,
      connectionProtocol: this.#context?.protocol,
      protocol,
      method: requestHeader.methodName,
      clientProtocolVersion: requestHeader.clientProtocolVersion,
      callId,
      clientId,
      retryCount,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      attributes: auth.attributes ?? {},
    };
    Promise.resolve()
      .then(() => handler(request, ctx))
      .then(
        (response) => {
          if (!(response instanceof Uint8Array)) {
            return replyError(RpcErrorCode.ERROR_SERIALIZING_RESPONSE, JavaException.RPC_SERVER, `${protocol}.${requestHeader.methodName} returned no response message`);
          }
          reply(successResponseParts(callId, clientId, retryCount, response));
        },
        (err) => {
          const { exceptionClassName, errorMsg } = errorToRemote(err);
          replyError(RpcErrorCode.ERROR_APPLICATION, exceptionClassName, errorMsg);
        },
      )
      .catch((err) => this.#fail(err, 'reply failed', callId));
  }

  /**
   * Writes one framed response, given whole or as frameParts (written part by part, uncopied).
   * Responses completed in one tick leave in one segment (TCP_NODELAY is on); once a security layer
   * is active they are also wrapped together at the end of the tick, in pieces of at most
   * rawSendSize: Hadoop's client reads the unwrapped bytes as one stream (wrapping.ts).
   */
  #write(frame: Uint8Array | Uint8Array[]): void {
    if (this.#state === ServerConnState.CLOSED) return;
    const parts = Array.isArray(frame) ? frame : [frame];
    const socket = this.#socket;
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(() =>
        this.#guard('write', () => {
          this.#flushWrapped();
          socket.uncork();
        }),
      );
    }
    if (this.#layer && this.#state !== ServerConnState.SASL) {
      for (const p of parts) {
        this.#wrapQueue.push(p);
        this.#wrapQueueBytes += p.length;
      }
      // A tick that completes many large responses wraps as it goes instead of holding them all.
      if (this.#wrapQueueBytes >= WRAP_QUEUE_FLUSH_BYTES) this.#flushWrapped();
      return;
    }
    this.#writeOut(parts);
  }

  /** Wraps and writes the queued responses (called at the end of the tick, or before closing). */
  #flushWrapped(): void {
    if (this.#wrapQueue.length === 0) return;
    const plaintext = this.#wrapQueue;
    this.#wrapQueue = [];
    this.#wrapQueueBytes = 0;
    this.#writeOut(wrapStreamParts(this.#layer!, plaintext, 'server'));
  }

  #writeOut(parts: readonly Uint8Array[]): void {
    let ok = true;
    for (const bytes of parts) {
      ok = this.#socket.write(bytes) && ok;
      this.#channelBytes += bytes.length;
    }
    if (!ok) this.#updateFlow();
  }

  /**
   * Back-pressure: stop reading while too many calls run, while the client is not reading its
   * responses (the socket's write buffer is full), or, before authentication, while a frame is
   * being processed; resume when all clear.
   */
  #updateFlow(): void {
    if (this.#state === ServerConnState.CLOSED) return;
    const needDrain = this.#socket.writableNeedDrain;
    if (needDrain && !this.#awaitingDrain) {
      this.#awaitingDrain = true;
      this.#socket.once('drain', () =>
        this.#guard('drain', () => {
          this.#awaitingDrain = false;
          this.#updateFlow();
        }),
      );
    }
    const saturated = this.#saturated();
    const blocked = saturated || (this.#pumping && this.authenticating);
    if (blocked && !this.#socket.isPaused()) {
      this.#socket.pause();
    } else if (!blocked && this.#socket.isPaused()) {
      this.#socket.resume();
    }
    // Frames that arrived while saturated are still buffered: run them now that there is room.
    if (!saturated && !this.#pumping && this.#decoder.hasFrame) this.#pump();
  }

  #sendFatal(f: FatalRpc): void {
    const frame = errorResponseFrame({ callId: f.callId, fatal: true, exceptionClassName: f.exceptionClassName, errorMsg: f.message, errorDetail: f.errorCode });
    this.#write(frame);
  }

  #fail(err: unknown, what: string, callId: number = this.#callId): void {
    if (this.#state === ServerConnState.CLOSED) return;
    // A typed error is bad input or a refused client; anything else escaped a decoder or a hook
    // untyped (a bug): the client still gets a FATAL reply, as Hadoop's Responder sends for an
    // internal error (RpcCall.doResponse), and the log names the connection.
    const internal = !(err instanceof FatalRpc) && !(err instanceof HsecError) && what !== 'socket error';
    const fatal = err instanceof FatalRpc ? err : internal ? internalFatal(err, callId) : undefined;
    if (fatal) {
      try {
        this.#sendFatal(fatal);
      } catch {
        // the FATAL reply is best effort
      }
    }
    if (internal) {
      const e = err as { name?: string; message?: string; stack?: string };
      this.#env.log.error({ remoteAddress: this.remoteAddress, remotePort: this.remotePort, state: this.#state, error: e?.name, reason: e?.message ?? String(err), stack: e?.stack }, `IPC connection ${this.remoteAddress}:${this.remotePort}: internal error (${what}); connection closed after a FATAL reply`);
    } else {
      this.#log(what, err);
    }
    const e = err as { code?: string; message?: string };
    publishConnectionFailed({ remoteAddress: this.remoteAddress, remotePort: this.remotePort, state: this.#state, code: e?.code ?? (fatal ? RPC_ERROR_CODE_NAMES[fatal.errorCode] : undefined), message: e?.message ?? String(err) });
    try {
      this.#flushWrapped(); // the FATAL reply (and responses before it) are wrapped with the rest
    } catch {
      // a layer that cannot wrap any more: close without them
    }
    this.#state = ServerConnState.CLOSED;
    this.#releasePreAuth();
    // Read nothing more (a hostile client may still be sending); flush the reply, then close.
    this.#socket.pause();
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), 1000).unref();
  }

  #log(what: string, err: unknown): void {
    const e = err as { code?: string; message?: string; name?: string };
    const code = err instanceof FatalRpc ? RPC_ERROR_CODE_NAMES[err.errorCode] : e?.code;
    const error = err instanceof FatalRpc ? err.exceptionClassName : e?.name;
    this.#env.log.warn({ remoteAddress: this.remoteAddress, remotePort: this.remotePort, state: this.#state, code, error, reason: e?.message }, `IPC connection: ${what}`);
  }


  #closed(): void {
    this.#state = ServerConnState.CLOSED;
    this.#releasePreAuth();
    clearTimeout(this.#handshakeTimer);
    this.#env.onClose(this);
  }
}
