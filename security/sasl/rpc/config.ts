/**
 * RPC options from a (frozen) Configuration, with Hadoop's keys: hadoop.security.authentication,
 * hadoop.security.auth_to_local (short names),
 * hadoop.rpc.protection + hadoop.security.saslproperties.resolver.class (through the resolver
 * registry), hadoop.security.token.service.use_ip, ipc.maximum.data.length, ipc.server.listen.queue.size,
 * the server's connection management (ipc.server.max.connections, ipc.client.idlethreshold,
 * ipc.client.kill.max, ipc.client.connection.idle-scan-interval.ms, and twice
 * ipc.client.connection.maxidletime, as Server.ConnectionManager), the pre-authentication limits
 * hsec.ipc.server.preauth.max.data.length and hsec.ipc.server.preauth.max.buffered,
 * ipc.maximum.response.length (0 = unlimited), ipc.ping.interval / ipc.client.ping,
 * ipc.client.connect.timeout, ipc.client.connection.maxidletime and
 * ipc.client.fallback-to-simple-auth-allowed, and hsec.rpc.privacy.fast on both sides. Daemons and the CLI call these
 * once at start and pass the result to RpcServer / RpcClient.
 */
import type { Configuration } from '../../../lib/config/index.ts';
import { createSaslPropertiesResolver } from '../../resolver/registry.ts';
import { AuthToLocal } from '../../kerberos/names/index.ts';
import type { RpcClientOptions } from './rpc-client.ts';
import type { RpcServerOptions } from './rpc-server.ts';

/**
 * Server options from configuration; add tokenAuthority, kerberos, authorizers yourself. With
 * `defaultRealm` (krb5.conf libdefaults), principals map to short names through
 * hadoop.security.auth_to_local (AuthToLocal); plain user names stay as they are.
 */
export function rpcServerOptionsFromConfig(conf: Configuration, options: { defaultRealm?: string } = {}): RpcServerOptions {
  const authentication = conf.get('hadoop.security.authentication', 'simple').trim().toLowerCase() === 'kerberos' ? 'kerberos' : 'simple';
  const rules = options.defaultRealm !== undefined ? AuthToLocal.fromConfiguration(conf, { defaultRealm: options.defaultRealm }) : undefined;
  return {
    authentication,
    ...(rules ? { shortName: (user: string) => (/[/@]/.test(user) ? rules.shortName(user) : user) } : {}),
    resolver: createSaslPropertiesResolver(conf),
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
    resolver: createSaslPropertiesResolver(conf),
    secure: conf.get('hadoop.security.authentication', 'simple').trim().toLowerCase() === 'kerberos',
    fallbackToSimpleAllowed: conf.getBoolean('ipc.client.fallback-to-simple-auth-allowed'),
    fastPrivacy: conf.getBoolean('hsec.rpc.privacy.fast'),
    tokenServiceUseIp: conf.getBoolean('hadoop.security.token.service.use_ip'),
    maxResponseLength: maxResponse > 0 ? maxResponse : Number.MAX_SAFE_INTEGER,
    pingIntervalMs: conf.getBoolean('ipc.client.ping') ? conf.getTimeDuration('ipc.ping.interval', 'ms') : 0,
    connectTimeoutMs: conf.getTimeDuration('ipc.client.connect.timeout', 'ms'),
    maxIdleMs: conf.getTimeDuration('ipc.client.connection.maxidletime', 'ms'),
  };
}
