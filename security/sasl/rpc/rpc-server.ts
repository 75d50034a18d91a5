/**
 * RpcServer: the secured Hadoop IPC server the daemons use (NameNode, JobTracker ...). Wires the
 * IPC engine (lib/rpc/server.ts) to SASL: per connection a SaslRpcServer with the QOP list from the
 * SaslPropertiesResolver for that client and ingress port, re-decided for the Kerberos principal
 * and checked after the exchange when the resolver has principal rules (./qop-decision.ts); the
 * resolver's lists are loaded before the first connection is accepted. TOKEN through DIGEST-MD5
 * with Hadoop's token conventions (SaslRpcServer.SaslDigestCallbackHandler), KERBEROS through an
 * injected GSSAPI server, SIMPLE only when configured (logged as insecure). `start` fails with a
 * BindError (ADDRESS_IN_USE, BIND_FAILED) naming the address and `addressKey`.
 */
import { getLogger, type Logger } from '../../../lib/log/logger.ts';
import type { AuthMethodName } from '../../../lib/rpc/auth-hooks.ts';
import type { ProtocolHandlers } from '../../../lib/rpc/call-context.ts';
import type { ConnectionStats } from '../../../lib/rpc/connection-manager.ts';
import { IpcServer, type IpcServerOptions } from '../../../lib/rpc/server.ts';
import { DefaultSaslPropertiesResolver, type SaslPropertiesResolver } from '../../resolver/sasl-properties-resolver.ts';
import { createSaslServer, HADOOP_DIGEST_PROTOCOL, HADOOP_DIGEST_SERVER_NAME } from '../index.ts';
import type { Qop, SaslServer } from '../mechanism.ts';
import { decidingAuthenticator } from './qop-decision.ts';
import { SaslRpcServer, type KerberosServerCredentials, type TokenAuthority } from './sasl-rpc-server.ts';

export interface RpcServerOptions {
  /** hadoop.security.authentication. Default 'kerberos'. */
  authentication?: 'simple' | 'kerberos';
  /** Enables TOKEN (advertised first). */
  tokenAuthority?: TokenAuthority;
  /** Required for 'kerberos'. */
  kerberos?: KerberosServerCredentials;
  /** Per-client QOP (hadoop.security.saslproperties.resolver.class). Default: 'authentication' for all. */
  resolver?: SaslPropertiesResolver;
  /** Override the DIGEST-MD5 server (tests). */
  createTokenServer?: (lookup: (userName: string) => Promise<string>, qop: readonly Qop[]) => SaslServer;
  /** Principal -> short name (auth_to_local). Default: first component. */
  shortName?: (user: string, authMethod: AuthMethodName) => string;
  authorizeProxy?: IpcServerOptions['authorizeProxy'];
  authorizeConnection?: IpcServerOptions['authorizeConnection'];
  /** ipc.maximum.data.length (bytes): larger request frames are refused and the connection closed. */
  maxDataLength?: number;
  /** hsec.ipc.server.preauth.max.data.length (bytes): the largest frame before SASL completes. */
  preAuthMaxDataLength?: number;
  /** Connection limits and idle scan (ipc.server.max.connections, ipc.client.idlethreshold, ...). */
  limits?: IpcServerOptions['limits'];
  /** The key that set the listen address (e.g. dfs.namenode.rpc-address), named in bind errors. */
  addressKey?: string;
  /** ipc.server.listen.queue.size. */
  listenBacklog?: number;
  handshakeTimeoutMs?: number;
  maxInFlight?: number;
  /** hsec.rpc.privacy.fast (default true): fast privacy with hsec clients (docs/fast-privacy.md). */
  fastPrivacy?: boolean;
  log?: Logger;
}

/** Hadoop's DIGEST-MD5 server for tokens: protocol "", server name "default". */
export function defaultTokenServer(lookup: (userName: string) => Promise<string>, qop: readonly Qop[]): SaslServer {
  return createSaslServer('DIGEST-MD5', {
    protocol: HADOOP_DIGEST_PROTOCOL,
    serverName: HADOOP_DIGEST_SERVER_NAME,
    qop,
    passwordLookup: (userName: string) => lookup(userName),
  });
}

export class RpcServer {
  readonly #engine: IpcServer;
  readonly #log: Logger;
  readonly #authentication: 'simple' | 'kerberos';
  readonly #resolver: SaslPropertiesResolver;

  constructor(options: RpcServerOptions = {}) {
    const authentication = options.authentication ?? 'kerberos';
    this.#authentication = authentication;
    this.#log = options.log ?? getLogger('rpc.server');
    const resolver = options.resolver ?? new DefaultSaslPropertiesResolver({ get: () => undefined });
    this.#resolver = resolver;
    // Fail at construction, not per connection, when Kerberos is asked for without credentials.
    new SaslRpcServer({ authentication, qop: ['auth'], tokenAuthority: options.tokenAuthority, kerberos: options.kerberos });
    this.#engine = new IpcServer({
      authenticator: (peer) =>
        decidingAuthenticator(
          resolver,
          peer,
          { authentication, tokenAuthority: options.tokenAuthority, kerberos: options.kerberos, createTokenServer: options.createTokenServer ?? defaultTokenServer, fastPrivacy: options.fastPrivacy ?? true },
          this.#log,
        ),
      shortName: options.shortName,
      authorizeProxy: options.authorizeProxy,
      authorizeConnection: options.authorizeConnection,
      maxDataLength: options.maxDataLength,
      preAuthMaxDataLength: options.preAuthMaxDataLength,
      limits: options.limits,
      addressKey: options.addressKey,
      listenBacklog: options.listenBacklog,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      maxInFlight: options.maxInFlight,
      log: this.#log,
    });
  }

  registerProtocol(name: string, handlers: ProtocolHandlers): void {
    this.#engine.registerProtocol(name, handlers);
  }

  /**
   * Waits for the resolver's lists (a whitelist not loaded yet fails closed: early clients would get
   * the non-whitelist QOPs), then listens on host:port (0 = any free port); resolves with the bound address.
   */
  async start(host: string, port: number): Promise<{ host: string; port: number }> {
    await this.#resolver.ready?.();
    const bound = await this.#engine.start(host, port);
    if (this.#authentication === 'simple') {
      this.#log.warn({ host: bound.host, port: bound.port }, 'IPC server accepts SIMPLE authentication: callers are NOT authenticated (development only; set hadoop.security.authentication=kerberos)');
    }
    return bound;
  }

  address(): { host: string; port: number } {
    return this.#engine.address();
  }

  get connectionCount(): number {
    return this.#engine.connectionCount;
  }

  /** Connection totals (open, authenticating, dropped, idleClosed, preAuthBytes, perUser). */
  stats(): ConnectionStats {
    return this.#engine.stats();
  }

  stop(): Promise<void> {
    return this.#engine.stop();
  }
}
