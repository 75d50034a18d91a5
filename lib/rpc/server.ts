/**
 * The IPC server engine (org.apache.hadoop.ipc.Server's listener/reader/responder roles on one
 * event loop): listens on host:port, builds one ServerConnection per socket with a fresh
 * ServerAuthenticator, and routes calls to protocol handlers registered by name
 * (declaringClassProtocolName). Authentication policy is injected (security/sasl/rpc builds it);
 * this file knows no mechanism. Connection limits and the idle scan live in ConnectionManager
 * (Server.ConnectionManager); a bind failure is a BindError naming the address and, when the
 * caller says which key set it, that key (Server.bind's "Problem binding to ...").
 */
import { createServer, type Server, type Socket } from 'node:net';
import { BindError, ConfigError } from '../errors/index.ts';
import { getLogger, type Logger } from '../log/logger.ts';
import { isWildcard, resolveAddress } from '../net/resolve.ts';
import type { AuthMethodName, ServerAuthenticator } from './auth-hooks.ts';
import type { ProtocolHandlers } from './call-context.ts';
import { DEFAULT_MAX_DATA_LENGTH, DEFAULT_PREAUTH_MAX_DATA_LENGTH } from './constants.ts';
import { ConnectionManager, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits, type ConnectionStats } from './connection-manager.ts';
import { ServerConnection, type ServerConnectionEnv } from './server-connection.ts';

/** Facts about an accepted socket, given to the authenticator factory (for QOP resolvers). */
export interface AcceptedPeer {
  remoteAddress: string;
  remotePort: number;
  /** The local port the client connected to (Hadoop's ingressPort). */
  localPort: number;
}

export interface IpcServerOptions {
  /** Builds the authenticator of one connection. */
  authenticator(peer: AcceptedPeer): ServerAuthenticator;
  /** `ipc.maximum.data.length` (bytes). Default 128 MiB. */
  maxDataLength?: number;
  /** `hsec.ipc.server.preauth.max.data.length`: largest frame before SASL completes (bytes). Default 256 KiB (see constants.ts). */
  preAuthMaxDataLength?: number;
  /**
   * Connection limits (Hadoop's defaults when absent): `ipc.server.max.connections`,
   * `ipc.client.idlethreshold`, `ipc.client.kill.max`, 2 x `ipc.client.connection.maxidletime`,
   * `ipc.client.connection.idle-scan-interval.ms`, `hsec.ipc.server.preauth.max.buffered`.
   */
  limits?: Partial<ConnectionLimits>;
  /** The configuration key that set the listen address (e.g. dfs.namenode.rpc-address), named in bind errors. */
  addressKey?: string;
  /** Time a client has to finish preamble, SASL and context (ms). Default 20 000. */
  handshakeTimeoutMs?: number;
  /** `ipc.server.listen.queue.size`: the listen backlog (Node's `listen({ backlog })`; the kernel caps it at somaxconn). Default 256. */
  listenBacklog?: number;
  /** Calls served concurrently per connection before reading pauses. Default 256. */
  maxInFlight?: number;
  /** Short name of a user (auth_to_local for Kerberos principals). Default: text before '/' or '@'. */
  shortName?: (user: string, authMethod: AuthMethodName) => string;
  /** Proxy-user check; throw AccessControlError to refuse. Without it every impersonation is refused. */
  authorizeProxy?: ServerConnectionEnv['authorizeProxy'];
  /** Service-level authorization of the connection (hadoop-policy.xml); throw to refuse. */
  authorizeConnection?: ServerConnectionEnv['authorizeConnection'];
  log?: Logger;
}

/** Default short name: the first component of a principal (KerberosName.getShortName without rules). */
export function defaultShortName(user: string): string {
  return user.split(/[/@]/)[0] ?? user;
}

export class IpcServer {
  readonly #options: IpcServerOptions;
  readonly #protocols = new Map<string, ProtocolHandlers>();
  readonly #connections: ConnectionManager<ServerConnection>;
  readonly #log: Logger;
  #server: Server | undefined;

  constructor(options: IpcServerOptions) {
    this.#options = options;
    this.#log = options.log ?? getLogger('rpc.server');
    this.#connections = new ConnectionManager({ ...DEFAULT_CONNECTION_LIMITS, ...definedOnly(options.limits ?? {}) }, this.#log);
  }

  /** Registers (or replaces) the handlers of one protocol, e.g. 'org.apache.hadoop.hdfs.protocol.ClientProtocol'. */
  registerProtocol(name: string, handlers: ProtocolHandlers): void {
    this.#protocols.set(name, handlers);
  }

  /**
   * Starts listening; port 0 picks a free port. Resolves with the bound address. A host name binds
   * its IPv4 address when it has one (Hadoop binds `new InetSocketAddress(host, port)`, which the
   * JDK resolves IPv4-first), so Java clients dialling the name reach it.
   */
  async start(host: string, port: number): Promise<{ host: string; port: number }> {
    if (this.#server) throw new ConfigError('CONFIG_INVALID', 'IPC server already started');
    let bind = host;
    if (!isWildcard(host)) {
      try {
        bind = await resolveAddress(host);
      } catch (cause) {
        throw new ConfigError('CONFIG_INVALID', `Cannot resolve the IPC server bind host ${host}: ${(cause as Error).message}`, { host }, { cause });
      }
    }
    const server = createServer((socket) => this.#accept(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host: bind, backlog: this.#options.listenBacklog ?? 256 }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (cause) {
      throw bindError(cause, host, bind, port, this.#options.addressKey);
    }
    this.#server = server;
    server.on('error', (err) => this.#log.error({ err: err.message }, 'IPC server socket error'));
    this.#connections.startIdleScan();
    return this.address();
  }

  address(): { host: string; port: number } {
    const a = this.#server?.address();
    if (!a || typeof a === 'string') throw new ConfigError('CONFIG_INVALID', 'IPC server is not listening');
    return { host: a.address, port: a.port };
  }

  /** Open connections (for tests and metrics). */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Connection totals: open, authenticating, dropped, idle-closed, pre-authentication bytes, per user. */
  stats(): ConnectionStats {
    return this.#connections.stats();
  }

  /** Stops accepting, closes every connection, resolves when the listener is closed. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    this.#connections.stopIdleScan();
    for (const c of this.#connections.all()) c.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    try {
      this.#register(socket);
    } catch (err) {
      this.#log.error({ remoteAddress: socket.remoteAddress, remotePort: socket.remotePort, reason: (err as Error).message }, 'IPC server: cannot set up an accepted connection; closing it');
      socket.destroy();
    }
  }

  #register(socket: Socket): void {
    if (this.#connections.full) {
      // Listener.doAccept: ConnectionManager.register returns null, the channel is closed, nothing is sent.
      this.#connections.drop();
      this.#log.debug({ remoteAddress: socket.remoteAddress, open: this.#connections.size, max: this.#connections.limits.maxConnections }, 'IPC connection refused: ipc.server.max.connections reached');
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    const peer: AcceptedPeer = { remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0, localPort: socket.localPort ?? 0 };
    let authenticator: ServerAuthenticator;
    try {
      authenticator = this.#options.authenticator(peer);
    } catch (err) {
      this.#log.error({ remoteAddress: peer.remoteAddress, reason: (err as Error).message }, 'cannot build authenticator; closing connection');
      socket.destroy();
      return;
    }
    const conn = new ServerConnection(socket, {
      authenticator,
      lookup: (p) => this.#protocols.get(p),
      maxDataLength: this.#options.maxDataLength ?? DEFAULT_MAX_DATA_LENGTH,
      preAuthMaxDataLength: this.#options.preAuthMaxDataLength ?? DEFAULT_PREAUTH_MAX_DATA_LENGTH,
      reservePreAuth: (bytes) => this.#connections.reservePreAuth(bytes),
      handshakeTimeoutMs: this.#options.handshakeTimeoutMs ?? 20_000,
      maxInFlight: this.#options.maxInFlight ?? 256,
      shortName: this.#options.shortName ?? defaultShortName,
      authorizeProxy: this.#options.authorizeProxy,
      authorizeConnection: this.#options.authorizeConnection,
      log: this.#log,
      onClose: (c) => this.#connections.remove(c),
    });
    this.#connections.add(conn);
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Server.bind: a listen failure as a BindError naming the address, what happened and what to do. */
function bindError(cause: unknown, host: string, bind: string, port: number, addressKey: string | undefined): BindError {
  const code = (cause as NodeJS.ErrnoException)?.code;
  const address = `${host}:${port}${bind !== host ? ` (${bind})` : ''}`;
  const setting = addressKey ? `set ${addressKey} to another address or port` : 'choose another address or port';
  const details = { host, bindAddress: bind, port, errno: code, ...(addressKey ? { configKey: addressKey } : {}) };
  if (code === 'EADDRINUSE') {
    return new BindError('ADDRESS_IN_USE', `Problem binding the IPC server to ${address}: the address is already in use (another process, or another hsec daemon, listens there); stop it or ${setting}`, details, { cause });
  }
  const why =
    code === 'EACCES'
      ? 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)'
      : code === 'EADDRNOTAVAIL'
        ? 'the address is not one of this host\'s interfaces'
        : (cause as Error)?.message ?? String(cause);
  return new BindError('BIND_FAILED', `Problem binding the IPC server to ${address}: ${why}; ${setting}`, details, { cause });
}
