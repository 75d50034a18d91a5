/**
 * The IPC server engine (org.apache.hadoop.ipc.Server's listener/reader/responder roles on one
 * event loop): listens on host:port, builds one ServerConnection per socket with a fresh
 * ServerAuthenticator, and routes calls to protocol handlers registered by name
 * (declaringClassProtocolName). Authentication policy is injected (security/sasl/rpc builds it);
 * this file knows no mechanism.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { ConfigError } from '../errors/index.ts';
import { getLogger, type Logger } from '../log/logger.ts';
import { isWildcard, resolveAddress } from '../net/resolve.ts';
import type { AuthMethodName, ServerAuthenticator } from './auth-hooks.ts';
import type { ProtocolHandlers } from './call-context.ts';
import { DEFAULT_MAX_DATA_LENGTH } from './constants.ts';
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
  readonly #connections = new Set<ServerConnection>();
  readonly #log: Logger;
  #server: Server | undefined;

  constructor(options: IpcServerOptions) {
    this.#options = options;
    this.#log = options.log ?? getLogger('rpc.server');
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
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: bind, backlog: this.#options.listenBacklog ?? 256 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.#log.error({ err: err.message }, 'IPC server socket error'));
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

  /** Stops accepting, closes every connection, resolves when the listener is closed. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const c of this.#connections) c.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
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
      handshakeTimeoutMs: this.#options.handshakeTimeoutMs ?? 20_000,
      maxInFlight: this.#options.maxInFlight ?? 256,
      shortName: this.#options.shortName ?? defaultShortName,
      authorizeProxy: this.#options.authorizeProxy,
      authorizeConnection: this.#options.authorizeConnection,
      log: this.#log,
      onClose: (c) => this.#connections.delete(c),
    });
    this.#connections.add(conn);
  }
}
