/**
 * The IPC client: a pool of ClientConnections keyed by (address, user, protocol, auth) like
 * org.apache.hadoop.ipc.Client.ConnectionId, one 16-byte clientId per client (ClientId.getClientId),
 * concurrent setup of the same key shared, idle connections closed after
 * ipc.client.connection.maxidletime. Authentication is injected per call as a ClientAuthenticator
 * factory (security/sasl/rpc builds it).
 */
import { randomUUID } from 'node:crypto';
import type { ClientAuthenticator } from './auth-hooks.ts';
import { ClientConnection, type CallOptions } from './client-connection.ts';
import { DEFAULT_CLIENT_MAX_IDLE_MS } from './constants.ts';

export interface IpcAddress {
  host: string;
  port: number;
}

export interface IpcClientOptions {
  /** ipc.client.connection.maxidletime (ms). Default 10 000. */
  maxIdleMs?: number;
  /** ipc.ping.interval (ms). Default 60 000. */
  pingIntervalMs?: number;
  /** ipc.client.connect.timeout (ms). Default 20 000. */
  connectTimeoutMs?: number;
  /** ipc.maximum.response.length (bytes). Default 128 MiB. */
  maxResponseLength?: number;
}

export interface IpcCallTarget {
  address: IpcAddress;
  /** Connection protocol (IpcConnectionContextProto.protocol). */
  protocol: string;
  /** Identifies the connection's identity and credentials in the pool key (e.g. 'alice|KERBEROS'). */
  identityKey: string;
  /** Builds the authenticator when a new connection is needed (may resolve names first). */
  authenticator(): ClientAuthenticator | Promise<ClientAuthenticator>;
}

/** Hadoop ClientId bytes: a random UUID, most then least significant 8 bytes. */
export function newClientId(): Uint8Array {
  return Uint8Array.from(Buffer.from(randomUUID().replace(/-/g, ''), 'hex'));
}

export class IpcClient {
  readonly clientId: Uint8Array = newClientId();
  readonly #options: IpcClientOptions;
  readonly #connections = new Map<string, ClientConnection>();
  readonly #opening = new Map<string, Promise<ClientConnection>>();
  #reaper: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: IpcClientOptions = {}) {
    this.#options = options;
  }

  /** Number of open pooled connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Returns the pooled connection for the target, opening (and authenticating) it if needed. */
  async getConnection(target: IpcCallTarget): Promise<ClientConnection> {
    const key = `${target.address.host}:${target.address.port}|${target.protocol}|${target.identityKey}`;
    const existing = this.#connections.get(key);
    // A retiring connection (fast privacy keys used up) finishes its calls; new ones get a new connection.
    if (existing?.isOpen && !existing.retiring) return existing;
    const opening = this.#opening.get(key);
    if (opening) return opening;
    const promise = Promise.resolve(target.authenticator()).then((authenticator) => ClientConnection.open({
      host: target.address.host,
      port: target.address.port,
      authenticator,
      protocol: target.protocol,
      clientId: this.clientId,
      connectTimeoutMs: this.#options.connectTimeoutMs,
      pingIntervalMs: this.#options.pingIntervalMs,
      maxResponseLength: this.#options.maxResponseLength,
    })).finally(() => this.#opening.delete(key));
    this.#opening.set(key, promise);
    const conn = await promise;
    this.#connections.set(key, conn);
    conn.onClose(() => {
      if (this.#connections.get(key) === conn) this.#connections.delete(key);
    });
    this.#startReaper();
    return conn;
  }

  /** One call over the pooled connection for `target`. */
  async call(target: IpcCallTarget, method: string, request: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    const conn = await this.getConnection(target);
    return conn.call(method, request, options);
  }

  /** Closes every connection. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#reaper);
    for (const c of this.#connections.values()) c.close();
    this.#connections.clear();
  }

  #startReaper(): void {
    if (this.#reaper || this.#stopped) return;
    const idle = this.#options.maxIdleMs ?? DEFAULT_CLIENT_MAX_IDLE_MS;
    this.#reaper = setInterval(() => {
      const now = Date.now();
      for (const c of this.#connections.values()) {
        if (c.outstanding === 0 && now - c.lastIdleAt >= idle) c.close();
      }
    }, Math.max(100, Math.floor(idle / 2)));
    this.#reaper.unref();
  }
}
