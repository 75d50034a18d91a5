/**
 * The secure RPC server of any daemon, built one way: the daemon's ServiceIdentity (acceptor,
 * auth_to_local), the IPC settings and the server-side SaslPropertiesResolver of its configuration
 * (rpcServerOptionsFromConfig), an optional token authority (the daemon's secret manager), and the
 * protocols it serves with their handlers. Binding failures (BindError) name the address and the
 * key it came from. Hadoop: the RPC.Builder + ipc.Server set-up each daemon's *RpcServer class repeats.
 */
import type { Configuration } from '../../lib/config/index.ts';
import type { HostPort } from '../../lib/net/host-port.ts';
import type { MethodHandler, ProtocolHandlers } from '../../lib/rpc/call-context.ts';
import type { ServiceAuthorizer } from '../../security/authorize/service-authorization.ts';
import { rpcServerOptionsFromConfig } from '../../security/sasl/rpc/config.ts';
import type { ProtocolSecurityInfo } from '../../security/sasl/rpc/protocol-security.ts';
import { RpcServer, type RpcServerOptions } from '../../security/sasl/rpc/rpc-server.ts';
import type { TokenAuthority } from '../../security/sasl/rpc/sasl-rpc-server.ts';
import type { SaslPropertiesResolver } from '../../security/resolver/sasl-properties-resolver.ts';
import type { ServiceIdentity } from './service-identity.ts';

export interface RpcServiceSpec {
  readonly identity: ServiceIdentity;
  /** Where to listen (port 0: any free port) and the key that configured it, for errors. */
  readonly bind: HostPort & { readonly configKey: string };
  readonly protocols: ReadonlyArray<{ readonly info: ProtocolSecurityInfo; readonly handlers: ProtocolHandlers }>;
  /** Enables TOKEN authentication against the daemon's secret manager. */
  readonly tokenAuthority?: TokenAuthority;
  /** Extra server options (the proxy-user authorizer). */
  readonly server?: Pick<RpcServerOptions, 'authorizeProxy'>;
  /**
   * Service-level authorization (hadoop.security.authorization): checked when a connection names
   * its protocol, as Hadoop's Server.authorizeConnection does, and again for a call to another
   * protocol than the connection's.
   */
  readonly authorizer?: ServiceAuthorizer | undefined;
}

export class RpcService {
  readonly server: RpcServer;
  readonly address: HostPort;
  readonly #resolver: SaslPropertiesResolver | undefined;

  private constructor(server: RpcServer, address: HostPort, resolver: SaslPropertiesResolver | undefined) {
    this.server = server;
    this.address = address;
    this.#resolver = resolver;
  }

  /** Builds the server (its resolver from the configuration: whitelists, principal rules, ZooKeeper) and listens. */
  static async start(conf: Configuration, spec: RpcServiceSpec): Promise<RpcService> {
    const { identity } = spec;
    const kerberos = identity.kerberosServer();
    const options = rpcServerOptionsFromConfig(conf, identity.krb5 ? { krb5: identity.krb5 } : {});
    try {
      const server = new RpcServer({
        ...options,
        ...spec.server,
        authentication: identity.security,
        ...(kerberos ? { kerberos } : {}),
        ...(spec.tokenAuthority ? { tokenAuthority: spec.tokenAuthority } : {}),
        shortName: (user) => identity.shortName(user),
        addressKey: spec.bind.configKey,
        ...(spec.authorizer ? { authorizeConnection: authorizeConnection(spec.authorizer, identity) } : {}),
      });
      for (const { info, handlers } of spec.protocols) server.registerProtocol(info.protocol, spec.authorizer ? perCall(spec.authorizer, handlers) : handlers);
      return new RpcService(server, await server.start(spec.bind.host, spec.bind.port), options.resolver);
    } catch (e) {
      options.resolver?.close?.();
      throw e;
    }
  }

  get connectionCount(): number {
    return this.server.connectionCount;
  }

  /** Stops the server, then releases its resolver (file timers, ZooKeeper watches and session). */
  async stop(): Promise<void> {
    await this.server.stop();
    this.#resolver?.close?.();
  }
}

type ConnectionQuery = Parameters<NonNullable<RpcServerOptions['authorizeConnection']>>[0];

function authorizeConnection(authorizer: ServiceAuthorizer, identity: ServiceIdentity): (q: ConnectionQuery) => Promise<void> {
  return (q) => authorizer.authorize({ user: q.user, shortUser: identity.shortName(q.user), realUser: q.realUser, authMethod: q.authMethod, protocol: q.protocol, remoteAddress: q.remoteAddress });
}

/** Wraps handlers so a call to a protocol other than its connection's is authorized for that protocol. */
function perCall(authorizer: ServiceAuthorizer, handlers: ProtocolHandlers): ProtocolHandlers {
  const wrap = (h: MethodHandler): MethodHandler => async (request, ctx) => {
    if (ctx.protocol !== ctx.connectionProtocol) {
      await authorizer.authorize({ user: ctx.user, shortUser: ctx.shortUser, realUser: ctx.realUser, authMethod: ctx.authMethod, protocol: ctx.protocol, remoteAddress: ctx.remoteAddress });
    }
    return h(request, ctx);
  };
  return Object.fromEntries(Object.entries(handlers).map(([m, h]) => [m, wrap(h)]));
}
