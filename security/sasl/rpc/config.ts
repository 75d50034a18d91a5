/**
 * RPC options from a (frozen) Configuration, with Hadoop's keys: hadoop.security.authentication,
 * hadoop.rpc.protection + the resolver class keys (createServerResolver / createClientResolver:
 * hsec.security.saslproperties.resolver.server.class / .client.class, else
 * hadoop.security.saslproperties.resolver.class), hadoop.security.token.service.use_ip,
 * ipc.maximum.data.length, ipc.server.listen.queue.size, the server's connection management
 * (ipc.server.max.connections, ipc.client.idlethreshold, ipc.client.kill.max,
 * ipc.client.connection.idle-scan-interval.ms, and twice ipc.client.connection.maxidletime, as
 * Server.ConnectionManager), the pre-authentication limits hsec.ipc.server.preauth.max.data.length
 * and hsec.ipc.server.preauth.max.buffered,
 * ipc.maximum.response.length (0 = unlimited), ipc.ping.interval / ipc.client.ping,
 * ipc.client.connect.timeout, ipc.client.connection.maxidletime and
 * ipc.client.fallback-to-simple-auth-allowed, and hsec.rpc.privacy.fast on both sides. Daemons and the CLI call these
 * once at start and pass the result to RpcServer / RpcClient.
 */
import type { Configuration } from '../../../lib/config/index.ts';
import { createClientResolver, createServerResolver } from '../../resolver/registry.ts';
import { authenticationMethod, isSecurityEnabled } from '../../identity/authentication-method.ts';
import type { Krb5Config } from '../../kerberos/config/index.ts';
import type { RpcClientOptions } from './rpc-client.ts';
import type { RpcServerOptions } from './rpc-server.ts';

/**
 * Server options from configuration; add tokenAuthority, kerberos, authorizers and the short-name
 * mapping yourself (a daemon's ServiceIdentity has them: cluster/service). `krb5`: the daemon's
 * krb5.conf, for the Kerberos login of a ZooKeeper list store.
 */
export function rpcServerOptionsFromConfig(conf: Configuration, options: { krb5?: Krb5Config } = {}): RpcServerOptions {
  return {
    authentication: authenticationMethod(conf),
    // A ZooKeeper list store logs in with the daemon's krb5.conf (hadoop.zk.kerberos.*).
    resolver: createServerResolver(conf, options.krb5 ? { zkLogin: { conf: options.krb5 } } : {}),
    fastPrivacy: conf.getBoolean('hsec.rpc.privacy.fast'),
    maxDataLength: conf.getInt('ipc.maximum.data.length'),
    preAuthMaxDataLength: conf.getInt('hsec.ipc.server.preauth.max.data.length'),
    listenBacklog: conf.getInt('ipc.server.listen.queue.size'),
    limits: {
      maxConnections: conf.getInt('ipc.server.max.connections'),
      idleThreshold: conf.getInt('ipc.client.idlethreshold'),
      killMax: conf.getInt('ipc.client.kill.max'),
      // Server.ConnectionManager: maxIdleTime = 2 * ipc.client.connection.maxidletime
      maxIdleMs: 2 * conf.getTimeDuration('ipc.client.connection.maxidletime', 'ms'),
      idleScanIntervalMs: conf.getInt('ipc.client.connection.idle-scan-interval.ms'),
      preAuthBudget: conf.getInt('hsec.ipc.server.preauth.max.buffered'),
    },
  };
}

/** Client options from configuration. */
export function rpcClientOptionsFromConfig(conf: Configuration): RpcClientOptions {
  const maxResponse = conf.getInt('ipc.maximum.response.length');
  return {
    resolver: createClientResolver(conf),
    secure: isSecurityEnabled(conf),
    fallbackToSimpleAllowed: conf.getBoolean('ipc.client.fallback-to-simple-auth-allowed'),
    fastPrivacy: conf.getBoolean('hsec.rpc.privacy.fast'),
    tokenServiceUseIp: conf.getBoolean('hadoop.security.token.service.use_ip'),
    maxResponseLength: maxResponse > 0 ? maxResponse : Number.MAX_SAFE_INTEGER,
    pingIntervalMs: conf.getBoolean('ipc.client.ping') ? conf.getTimeDuration('ipc.ping.interval', 'ms') : 0,
    connectTimeoutMs: conf.getTimeDuration('ipc.client.connect.timeout', 'ms'),
    maxIdleMs: conf.getTimeDuration('ipc.client.connection.maxidletime', 'ms'),
  };
}
