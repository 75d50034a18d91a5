/**
 * Per-connection SASL properties, after Hadoop's org.apache.hadoop.security.SaslPropertiesResolver:
 * `getServerProperties(clientAddress, ingressPort)` and
 * `getClientProperties(serverAddress, ingressPort)` return the ordered QOP list (the value of
 * javax.security.sasl.qop) for one peer. The default resolver returns the `hadoop.rpc.protection`
 * list for every peer on both sides. Unlike Hadoop there is no static mutable state: a resolver is
 * built from a configuration and passed to the RPC server and client.
 *
 * Beyond Hadoop's contract a resolver may explain its server-side answers (`evaluateServer`: the
 * QOP list and the rule that chose it, also given the authenticated principal once a mechanism
 * knows it), check a negotiated QOP after SASL (`checkNegotiated`), and have a lifecycle (`ready`
 * once its lists are loaded, `close` to release watches). ./decide.ts uses these with fallbacks,
 * so Hadoop-style resolvers with only the two getters keep working.
 */
import { ConfigError } from '../../lib/errors/index.ts';
import type { Qop } from '../sasl/mechanism.ts';
import { parseHadoopProtection } from '../sasl/qop.ts';
import { decideServerQop } from './decide.ts';
import type { NegotiatedCheck, QopDecision, ServerPeer } from './decision.ts';

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
  /** The server's QOP list for `peer` and the rule that chose it; pure (no events, no logs). */
  evaluateServer?(peer: ServerPeer): QopDecision;
  /** After SASL completed: does `negotiated` satisfy what the rules demand of `principal`? Pure. */
  checkNegotiated?(principal: string, negotiated: Qop): NegotiatedCheck;
  /** Resolves once the resolver's lists are loaded (never rejects; until then it fails closed). */
  ready?(): Promise<void>;
  /** Releases timers and watches. */
  close?(): void;
}

export const RPC_PROTECTION_KEY = 'hadoop.rpc.protection';

/**
 * QOP list from a `hadoop.rpc.protection`-style key (unset: `defaultValue`, "authentication"); an
 * empty value means auth, as Hadoop's empty javax.security.sasl.qop does; an unknown value is a
 * ConfigError naming the key.
 */
export function qopFromConfig(conf: ConfigSource, key: string = RPC_PROTECTION_KEY, defaultValue = 'authentication'): Qop[] {
  const raw = conf.get(key) ?? defaultValue;
  try {
    const list = parseHadoopProtection(raw);
    return list.length > 0 ? list : ['auth'];
  } catch (cause) {
    throw new ConfigError('CONFIG_INVALID', `Invalid ${key} value "${raw}": ${(cause as Error).message}`, { configKey: key, value: raw }, { cause });
  }
}

/** Frozen properties for a QOP list (Hadoop: javax.security.sasl.qop + server_auth=true). */
export function saslProperties(qop: readonly Qop[]): SaslProperties {
  return Object.freeze({ qop: Object.freeze([...qop]), serverAuthentication: true });
}

/** The base resolver: the same properties for every peer, both sides. */
export class DefaultSaslPropertiesResolver implements SaslPropertiesResolver {
  readonly #props: SaslProperties;
  readonly #decision: QopDecision;

  constructor(conf: ConfigSource) {
    this.#props = saslProperties(qopFromConfig(conf));
    this.#decision = Object.freeze({ qop: this.#props.qop, rule: { kind: 'configured', configKey: RPC_PROTECTION_KEY } as const });
  }

  getServerProperties(clientAddress?: string, ingressPort?: number): SaslProperties {
    decideServerQop(this, { address: clientAddress, ingressPort });
    return this.#props;
  }

  getClientProperties(_serverAddress?: string, _ingressPort?: number): SaslProperties {
    return this.#props;
  }

  evaluateServer(_peer: ServerPeer): QopDecision {
    return this.#decision;
  }
}
