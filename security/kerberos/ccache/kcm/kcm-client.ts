/**
 * A connection to a KCM daemon's Unix socket (krb5.conf [libdefaults] kcm_socket, default
 * /var/run/.heim_org.h5l.kcm-socket; "-" disables KCM, as MIT's kcmio_unix_socket_connect reads
 * it): one request at a time, each answered by one reply (./kcm-protocol.ts). Every socket failure
 * and a daemon that does not answer within the timeout become KRB_CCACHE naming the socket.
 */
import { connect, type Socket } from 'node:net';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { encodeKcmRequest, KcmReplyDecoder, type KcmReply } from './kcm-protocol.ts';

const TIMEOUT_MS = 15_000;

export class KcmConnection {
  readonly socketPath: string;
  readonly #socket: Socket;
  readonly #decoder = new KcmReplyDecoder();
  #pending: { resolve: (r: KcmReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  #failure: Error | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(socketPath: string, socket: Socket) {
    this.socketPath = socketPath;
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (e) => this.#fail(this.#error(`the KCM socket failed: ${(e as Error).message}`, e)));
    socket.on('close', () => this.#fail(this.#error('the KCM daemon closed the connection')));
  }

  /** Connects; KRB_CCACHE "No KCM server found" when nothing listens at the socket. */
  static open(socketPath: string): Promise<KcmConnection> {
    if (socketPath === '-') {
      return Promise.reject(new KerberosError('KRB_CCACHE', 'KCM caches are disabled (krb5.conf kcm_socket = -)', { kcmSocket: socketPath }));
    }
    return new Promise((resolve, reject) => {
      let socket: Socket;
      const onError = (e: Error) => {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' || code === 'ECONNREFUSED' ? 'No KCM server found' : code === 'EACCES' ? 'permission denied' : e.message;
        reject(new KerberosError('KRB_CCACHE', `${why} at ${socketPath} (${code ?? 'error'}): start the KCM daemon (sssd-kcm, or Heimdal kcm) or point krb5.conf [libdefaults] kcm_socket at its socket`, { kcmSocket: socketPath }, { cause: e }));
      };
      try {
        socket = connect({ path: socketPath });
      } catch (e) {
        onError(e as Error);
        return;
      }
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.removeListener('error', onError);
        resolve(new KcmConnection(socketPath, socket));
      });
    });
  }

  /** Sends one request and resolves with its reply (status and body); calls are serialised. */
  call(opcode: number, ...params: Buffer[]): Promise<KcmReply> {
    const run = this.#queue.then(() => this.#send(encodeKcmRequest(opcode, ...params)));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.#failure ??= this.#error('the connection was closed');
    this.#socket.destroy();
  }

  #send(request: Buffer): Promise<KcmReply> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(this.#error(`the KCM daemon did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      this.#pending = { resolve, reject, timer };
      this.#socket.write(request);
    });
  }

  #onData(chunk: Buffer): void {
    try {
      this.#decoder.push(chunk);
      const reply = this.#decoder.take();
      if (reply && this.#pending) {
        const p = this.#pending;
        this.#pending = undefined;
        clearTimeout(p.timer);
        p.resolve(reply);
      }
    } catch (e) {
      this.#fail(e as Error);
    }
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    const p = this.#pending;
    this.#pending = undefined;
    if (p) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.#socket.destroy();
  }

  #error(message: string, cause?: unknown): KerberosError {
    return new KerberosError('KRB_CCACHE', `KCM at ${this.socketPath}: ${message}`, { kcmSocket: this.socketPath }, cause === undefined ? undefined : { cause });
  }
}
