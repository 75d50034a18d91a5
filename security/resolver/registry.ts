/**
 * Resolver registry keyed by the value of `hadoop.security.saslproperties.resolver.class`
 * (DESIGN.md convention 9): short names and Hadoop's Java class names as aliases, so an unchanged
 * core-site.xml works. Unset means the default resolver. The whitelist and ZooKeeper resolvers
 * register here when they land (same seam: a factory from configuration to resolver).
 */
import { ConfigError } from '../../lib/errors/index.ts';
import { DefaultSaslPropertiesResolver, type ConfigSource, type SaslPropertiesResolver } from './sasl-properties-resolver.ts';

export const RESOLVER_CLASS_KEY = 'hadoop.security.saslproperties.resolver.class';

export type ResolverFactory = (conf: ConfigSource) => SaslPropertiesResolver;

const factories = new Map<string, ResolverFactory>();

/** Registers a resolver under a name and any aliases (Java class names). Later registrations replace earlier ones. */
export function registerResolver(names: readonly string[], factory: ResolverFactory): void {
  for (const n of names) factories.set(n.trim(), factory);
}

registerResolver(['default', 'org.apache.hadoop.security.SaslPropertiesResolver'], (conf) => new DefaultSaslPropertiesResolver(conf));

/** Names accepted as resolver class values. */
export function registeredResolvers(): string[] {
  return [...factories.keys()];
}

/**
 * Builds the resolver named by `key` (default hadoop.security.saslproperties.resolver.class; the
 * data-transfer path passes dfs.data.transfer.saslproperties.resolver.class with the RPC key as fallback).
 */
export function createSaslPropertiesResolver(conf: ConfigSource, key: string = RESOLVER_CLASS_KEY, fallbackKey?: string): SaslPropertiesResolver {
  const value = conf.get(key)?.trim() || (fallbackKey ? conf.get(fallbackKey)?.trim() : undefined) || 'default';
  const factory = factories.get(value);
  if (!factory) {
    throw new ConfigError('CONFIG_INVALID', `Unknown SASL properties resolver "${value}" in ${key}; known: ${registeredResolvers().join(', ')}`, {
      configKey: key,
      value,
    });
  }
  return factory(conf);
}
