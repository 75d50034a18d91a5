/**
 * Resolver registry keyed by the value of a resolver class key: short
 * names and Hadoop's Java class names as aliases, so an unchanged core-site.xml works. Unset means
 * the default resolver. Three call sites, one style:
 *
 * - `createServerResolver(conf)`: `hsec.security.saslproperties.resolver.server.class`, else
 *   Hadoop's single `hadoop.security.saslproperties.resolver.class`; wrapped with the principal
 *   rules when there are any (`hsec.security.sasl.private.principals.file`, or the ZooKeeper znode
 *   with `hsec.security.sasl.whitelist.store=zookeeper`, which also puts the whitelist in ZooKeeper:
 *   ./list-store.ts).
 * - `createClientResolver(conf)`: `hsec.security.saslproperties.resolver.client.class`, else the
 *   Hadoop key. A process can so be a whitelisting server and a plain client.
 * - `createDataTransferResolver(conf, role)`: Hadoop's DataTransferSaslUtil.getSaslPropertiesResolver:
 *   undefined (no SASL protection) when `dfs.data.transfer.protection` is unset or empty; otherwise
 *   a resolver reading `hadoop.rpc.protection` as that value, of the class
 *   `dfs.data.transfer.saslproperties.resolver.class`, else `hadoop.security.saslproperties.resolver.class`
 *   (the hsec split keys do not apply, as in Hadoop).
 *
 * Factories learn the role: the whitelist resolver loads its lists only for a server (on a client
 * it answers the default properties, as Hadoop's does, and reading /etc/hadoop/fixedwhitelist on
 * every CLI call would only produce warnings).
 */
import { ConfigError } from '../../lib/errors/index.ts';
import { DATA_TRANSFER_PROTECTION_KEY, DATA_TRANSFER_RESOLVER_CLASS_KEY } from '../datatransfer/config.ts';
import type { ZkKerberosIdentity } from '../zk/session.ts';
import { ListStore } from './list-store.ts';
import { PrincipalRulesResolver } from './principal-rules-resolver.ts';
import { DefaultSaslPropertiesResolver, RPC_PROTECTION_KEY, type ConfigSource, type SaslPropertiesResolver } from './sasl-properties-resolver.ts';
import { WhitelistBasedResolver } from './whitelist-based-resolver.ts';

export const RESOLVER_CLASS_KEY = 'hadoop.security.saslproperties.resolver.class';
export const SERVER_RESOLVER_CLASS_KEY = 'hsec.security.saslproperties.resolver.server.class';
export const CLIENT_RESOLVER_CLASS_KEY = 'hsec.security.saslproperties.resolver.client.class';
export { DATA_TRANSFER_PROTECTION_KEY, DATA_TRANSFER_RESOLVER_CLASS_KEY };

/** Which side of connections the resolver serves. */
export type ResolverRole = 'server' | 'client';

/** `lists`: the managed lists' store (file or ZooKeeper), for server-side resolvers that use it. */
export type ResolverFactory = (conf: ConfigSource, role: ResolverRole, lists?: ListStore) => SaslPropertiesResolver;

const factories = new Map<string, ResolverFactory>();

/** Registers a resolver under a name and any aliases (Java class names). Later registrations replace earlier ones. */
export function registerResolver(names: readonly string[], factory: ResolverFactory): void {
  for (const n of names) factories.set(n.trim(), factory);
}

registerResolver(['default', 'org.apache.hadoop.security.SaslPropertiesResolver'], (conf) => new DefaultSaslPropertiesResolver(conf));
registerResolver(['whitelist', 'org.apache.hadoop.security.WhitelistBasedResolver'], (conf, role, lists) => {
  if (role !== 'server') return new DefaultSaslPropertiesResolver(conf);
  const dynamicSource = lists?.whitelist();
  return new WhitelistBasedResolver(conf, dynamicSource ? { dynamicSource } : {});
});

/** Names accepted as resolver class values. */
export function registeredResolvers(): string[] {
  return [...factories.keys()];
}

/** Options of server-side resolvers. */
export interface ServerResolverOptions {
  /** Kerberos login options for a ZooKeeper list store (hadoop.zk.kerberos.*): the daemon's krb5.conf. */
  readonly zkLogin?: ZkKerberosIdentity['loginOptions'];
}

/** The resolver a server (RpcServer, DataNode) uses for its clients. */
export function createServerResolver(conf: ConfigSource, options: ServerResolverOptions = {}): SaslPropertiesResolver {
  const lists = new ListStore(conf, options.zkLogin);
  return withPrincipalRules(build(conf, [SERVER_RESOLVER_CLASS_KEY, RESOLVER_CLASS_KEY], 'server', lists), conf, lists);
}

/** The resolver a client (RpcClient) uses for the servers it calls. */
export function createClientResolver(conf: ConfigSource): SaslPropertiesResolver {
  return build(conf, [CLIENT_RESOLVER_CLASS_KEY, RESOLVER_CLASS_KEY], 'client');
}

/** The data-transfer resolver (DataTransferSaslUtil.getSaslPropertiesResolver); undefined: no SASL on data transfer. */
export function createDataTransferResolver(conf: ConfigSource, role: ResolverRole, options: ServerResolverOptions = {}): SaslPropertiesResolver | undefined {
  const qops = conf.get(DATA_TRANSFER_PROTECTION_KEY);
  if (qops === undefined || qops === '') return undefined;
  const dataTransferConf: ConfigSource = { get: (key) => (key === RPC_PROTECTION_KEY ? qops : conf.get(key)) };
  if (role !== 'server') return build(dataTransferConf, [DATA_TRANSFER_RESOLVER_CLASS_KEY, RESOLVER_CLASS_KEY], role);
  const lists = new ListStore(conf, options.zkLogin);
  return withPrincipalRules(build(dataTransferConf, [DATA_TRANSFER_RESOLVER_CLASS_KEY, RESOLVER_CLASS_KEY], role, lists), conf, lists);
}

function withPrincipalRules(base: SaslPropertiesResolver, conf: ConfigSource, lists: ListStore): SaslPropertiesResolver {
  const source = lists.principalRules();
  return PrincipalRulesResolver.fromConfig(base, conf, source ? { source } : {});
}

/** The first set key of `keys` names the factory; none set: the default resolver. */
function build(conf: ConfigSource, keys: readonly string[], role: ResolverRole, lists?: ListStore): SaslPropertiesResolver {
  const key = keys.find((k) => conf.get(k)?.trim());
  const value = key === undefined ? 'default' : conf.get(key)!.trim();
  const factory = factories.get(value);
  if (!factory) {
    throw new ConfigError('CONFIG_INVALID', `Unknown SASL properties resolver "${value}" in ${key}; known: ${registeredResolvers().join(', ')}`, {
      configKey: key,
      value,
    });
  }
  return factory(conf, role, lists);
}
