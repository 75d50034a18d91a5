/**
 * Per-connection SASL properties, after Hadoop's org.apache.hadoop.security.SaslPropertiesResolver
 * (hadoop-wire.md 7.1): `getServerProperties(clientAddress, ingressPort)` and
 * `getClientProperties(serverAddress, ingressPort)` return the ordered QOP list (the value of
 * javax.security.sasl.qop) for one peer. The default resolver returns the `hadoop.rpc.protection`
 * list for every peer on both sides. Unlike Hadoop there is no static mutable state: a resolver is
 * built from a configuration and passed to the RPC server and client.
 */
import { ConfigError } from '../../lib/errors/index.ts';
import type { Qop } from '../sasl/mechanism.ts';
import { parseHadoopProtection } from '../sasl/qop.ts';

/** What a resolver needs from a configuration (lib/config Configuration fits). */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** The SASL properties for one connection. */
export interface SaslProperties {
  /** javax.security.sasl.qop: acceptable QOPs in preference order. */
  readonly qop: readonly Qop[];
  /** javax.security.sasl.server.authentication (Hadoop always sets "true"). */
  readonly serverAuthentication: boolean;
}

/** Hadoop's SaslPropertiesResolver contract. Addresses are textual IPs (undefined when unknown). */
export interface SaslPropertiesResolver {
  getServerProperties(clientAddress: string | undefined, ingressPort?: number): SaslProperties;
  getClientProperties(serverAddress: string | undefined, ingressPort?: number): SaslProperties;
}

export const RPC_PROTECTION_KEY = 'hadoop.rpc.protection';

/** QOP list from a `hadoop.rpc.protection`-style key (default "authentication"); unknown value -> ConfigError naming the key. */
export function qopFromConfig(conf: ConfigSource, key: string = RPC_PROTECTION_KEY): Qop[] {
  const raw = conf.get(key) ?? 'authentication';
  try {
    const list = parseHadoopProtection(raw);
    return list.length > 0 ? list : ['auth'];
  } catch (cause) {
    throw new ConfigError('CONFIG_INVALID', `Invalid ${key} value "${raw}": ${(cause as Error).message}`, { configKey: key, value: raw }, { cause });
  }
}

/** The base resolver: the same properties for every peer, both sides. */
export class DefaultSaslPropertiesResolver implements SaslPropertiesResolver {
  readonly #props: SaslProperties;

  constructor(conf: ConfigSource) {
    this.#props = Object.freeze({ qop: Object.freeze(qopFromConfig(conf)), serverAuthentication: true });
  }

  getServerProperties(_clientAddress?: string, _ingressPort?: number): SaslProperties {
    return this.#props;
  }

  getClientProperties(_serverAddress?: string, _ingressPort?: number): SaslProperties {
    return this.#props;
  }
}
