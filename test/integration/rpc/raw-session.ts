/**
 * A hand-driven Hadoop IPC client connection for tests that must send what a well-behaved client
 * never would (bad SASL messages, garbage requests) or must pick its own local address (per-client
 * QOP resolvers). It frames what it receives (Client.IpcStreams framing), can run the product's
 * SaslRpcClient state machine over the raw socket (SaslRpcClient.saslConnect), then sends the
 * connection context and calls, wrapped with the negotiated security layer when there is one
 * (SaslRpcClient.WrappedOutputStream), switching to hsec's fast privacy layers when the SASL client
 * agreed on them (docs/fast-privacy.md). Every wait is bounded.
 */
import { connect, type Socket } from 'node:net';
import { FrameDecoder } from '../../../lib/rpc/frame.ts';
import { AuthProtocol, CallId, RpcKind, RpcOp } from '../../../lib/rpc/constants.ts';
import { encodeFrame } from '../../../lib/rpc/frame.ts';
import { encodePreamble } from '../../../lib/rpc/preamble.ts';
import { callFrame, contextFrame, parseResponse, parseSaslBody, saslRequestFrame } from '../../../lib/rpc/ipc-frames.ts';
import { encodeRequestHeader, type RpcResponseHeader } from '../../../lib/rpc/messages.ts';
import { Unwrapper, wrapClientStream } from '../../../lib/rpc/wrapping.ts';
import type { ClientAuthResult, WrapLayer } from '../../../lib/rpc/auth-hooks.ts';
import type { SaslRpcClient } from '../../../security/sasl/rpc/sasl-rpc-client.ts';

/** A frame carrying `body` (already an encoded message, possibly garbage) after a valid request header with `callId`. */
export function requestFrameWithBody(callId: number, body: Uint8Array, clientId: Uint8Array = new Uint8Array(0)): Uint8Array {
  return encodeFrame(encodeRequestHeader({ rpcKind: RpcKind.RPC_PROTOCOL_BUFFER, rpcOp: RpcOp.FINAL_PACKET, callId, clientId, retryCount: -1 }), body);
}

export class RawSession {
  /** The TCP socket (write() writes raw bytes to it, under any protected channel). */
  readonly socket: Socket;
  /** Where frames are sent and read: the socket, or the fast privacy channel over it. */
  #stream: Socket;
  readonly #decoder = new FrameDecoder();
  readonly #frames: Uint8Array[] = [];
  #raw: Buffer[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  #closedAt = 0;
  #layer: WrapLayer | undefined;
  #unwrapper: Unwrapper | undefined;
  readonly #plain: Uint8Array[] = [];
  readonly clientId = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

  readonly #onData = (d: Buffer): void => {
    this.#raw.push(d);
    try {
      this.#frames.push(...this.#decoder.push(d));
    } catch {
      // not IPC frames (e.g. an HTTP answer): kept in `received`
    }
    this.#wake?.();
  };

  readonly #onClose = (): void => {
    this.#closed = true;
    this.#closedAt = Date.now();
    this.#wake?.();
  };

  private constructor(socket: Socket) {
    this.socket = socket;
    this.#stream = socket;
    socket.on('data', this.#onData);
    socket.on('error', () => undefined);
    socket.on('close', this.#onClose);
  }

  /** Connects to 127.0.0.1:port, optionally from `localAddress` (another loopback address). */
  static async open(port: number, opts: { localAddress?: string; host?: string } = {}): Promise<RawSession> {
    const socket = connect({ host: opts.host ?? '127.0.0.1', port, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawSession(socket);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** When the server closed the connection (ms since epoch), 0 while open. */
  get closedAt(): number {
    return this.#closedAt;
  }

  /** Every byte received so far (plaintext once a fast privacy channel is up). */
  get received(): Buffer {
    return Buffer.concat(this.#raw);
  }

  write(bytes: Uint8Array): void {
    if (!this.#closed) this.socket.write(bytes);
  }

  /** Half-closes our side after writing `bytes`. */
  end(bytes?: Uint8Array): void {
    if (this.#closed) return;
    if (bytes) this.socket.end(bytes);
    else this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** The next complete frame payload, or undefined when the server closed first or `timeoutMs` passed. */
  async nextFrame(timeoutMs = 5000): Promise<Uint8Array | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.#frames.length === 0 && !this.#closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return this.#frames.shift();
  }

  /** The next response header (undefined if none came). */
  async nextResponse(timeoutMs = 5000): Promise<{ header: RpcResponseHeader; rest: Uint8Array } | undefined> {
    const f = await this.nextFrame(timeoutMs);
    return f ? parseResponse(f) : undefined;
  }

  /** Resolves true when the server closes within `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return this.#closed;
  }

  /** Sends the SASL preamble and NEGOTIATE; returns the server's NEGOTIATE reply. */
  async negotiate(): Promise<ReturnType<typeof parseSaslBody>> {
    this.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    this.write(saslRequestFrame({ state: 1 }));
    const r = await this.nextResponse();
    if (!r) throw new Error('server sent no NEGOTIATE reply');
    return parseSaslBody(r.rest);
  }

  /**
   * Runs the product's SASL client over this socket to completion, then sends the connection
   * context for `protocol`. Throws with the FATAL header when the server refuses.
   */
  async handshake(sasl: SaslRpcClient, protocol: string): Promise<ClientAuthResult> {
    this.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    this.write(saslRequestFrame(sasl.initial()));
    for (;;) {
      const r = await this.nextResponse();
      if (!r) throw new Error('connection closed during SASL');
      if (r.header.status !== 0) throw Object.assign(new Error(`SASL refused: ${r.header.exceptionClassName}: ${r.header.errorMsg}`), { header: r.header });
      const { reply, done } = await sasl.step(parseSaslBody(r.rest));
      if (reply) this.write(saslRequestFrame(reply));
      if (done) break;
    }
    const result = sasl.result();
    this.#layer = result.securityLayer;
    if (this.#layer) this.#unwrapper = new Unwrapper(result.securityLayer!, 'client');
    if (result.layerSwitch) {
      // hsec fast privacy (docs/fast-privacy.md), as ClientConnection does it: the key message under
      // the SASL layer, then the protected channel carries the frames unwrapped.
      for (const w of wrapClientStream(result.securityLayer!, result.layerSwitch.keyMessage)) this.write(w);
      this.socket.off('data', this.#onData);
      const channel = result.layerSwitch.secure(this.socket);
      this.#stream = channel.socket;
      this.#stream.on('data', this.#onData);
      this.#stream.on('error', () => undefined);
      this.#stream.on('close', this.#onClose);
      this.#stream.on('end', () => this.#stream.destroy()); // a channel in its handshake does not close by itself
      this.#layer = undefined;
      this.#unwrapper = undefined;
    }
    this.send(contextFrame(this.clientId, { ...(sasl.userInfo(result) ? { userInfo: sasl.userInfo(result) } : {}), protocol }));
    return result;
  }

  /** Sends a plaintext frame, wrapped when a security layer was negotiated (or through the fast privacy channel). */
  send(frame: Uint8Array): void {
    if (this.#closed) return;
    if (!this.#layer) {
      this.#stream.write(frame);
      return;
    }
    for (const w of wrapClientStream(this.#layer, frame)) this.write(w);
  }

  /** A protobuf-engine call with `request` as the (possibly garbage) request message. */
  call(callId: number, protocol: string, method: string, request: Uint8Array): void {
    this.send(callFrame(callId, this.clientId, 0, { methodName: method, declaringClassProtocolName: protocol, clientProtocolVersion: 1n }, request));
  }

  /** The next plaintext response (unwrapped when a security layer is active). */
  async nextPlainResponse(timeoutMs = 5000): Promise<{ header: RpcResponseHeader; rest: Uint8Array } | undefined> {
    for (const pending = this.#plain; ; ) {
      if (pending.length > 0) return parseResponse(pending.shift()!);
      const f = await this.nextFrame(timeoutMs);
      if (!f) return undefined;
      if (!this.#unwrapper) return parseResponse(f);
      const { header } = parseResponse(f);
      if (header.callId !== CallId.SASL) return parseResponse(f); // a FATAL reply is sent in clear only before wrapping
      pending.push(...this.#unwrapper.push(f));
    }
  }
}
