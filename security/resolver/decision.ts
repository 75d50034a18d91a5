/**
 * A QOP decision and the rule that made it. Every server-side answer of a resolver can be explained
 * ("entry 10.0.0.0/8 of /etc/hadoop/fixedwhitelist line 3", "principal rule etl/*@EXAMPLE.COM of
 * ... line 2", "default (hadoop.rpc.protection)") for logs and for the `hsec:resolver:decision`
 * diagnostics channel. Decisions are plain data; publishing is separate (./decide.ts).
 */
import type { Qop } from '../sasl/mechanism.ts';

/** Why a QOP list was chosen. */
export type DecisionRule =
  /** A whitelist line matched the client address (`resolvedFrom`: the host name the line named). */
  | { readonly kind: 'list-entry'; readonly entry: string; readonly origin: string; readonly line: number; readonly resolvedFrom?: string }
  /** Hadoop's CombinedIPWhiteList: 127.0.0.1 is always whitelisted. */
  | { readonly kind: 'loopback' }
  /** The client address is on no whitelist: hadoop.rpc.protection.non-whitelist. */
  | { readonly kind: 'not-listed'; readonly lists: readonly string[] }
  /** The client address is unknown or not an IP address: treated as not whitelisted (Hadoop: null address). */
  | { readonly kind: 'no-address'; readonly address?: string }
  /** A principal rule matched the authenticated client. */
  | { readonly kind: 'principal'; readonly pattern: string; readonly origin: string; readonly line: number }
  /** The principal rules cannot be read: every principal must use privacy (fail closed). */
  | { readonly kind: 'rules-unavailable'; readonly origin: string }
  /** No principal rule names this principal. */
  | { readonly kind: 'no-principal-rule' }
  /** The same list for every peer, from a configuration key (the default resolver). */
  | { readonly kind: 'configured'; readonly configKey: string }
  /** A resolver that does not explain itself (custom resolvers): its getServerProperties answer. */
  | { readonly kind: 'resolver'; readonly name: string };

/** A server-side QOP decision for one connection. */
export interface QopDecision {
  /** The QOPs the server offers, in preference order. */
  readonly qop: readonly Qop[];
  readonly rule: DecisionRule;
}

/** The outcome of checking a negotiated QOP against the principal rules, after SASL completed. */
export interface NegotiatedCheck {
  readonly allowed: boolean;
  readonly principal: string;
  readonly negotiated: Qop;
  /** The QOPs the deciding rule accepts; undefined when no rule applies. */
  readonly required: readonly Qop[] | undefined;
  readonly rule: DecisionRule;
}

/** The client side of a connection, as far as the server knows it when it decides. */
export interface ServerPeer {
  /** Textual client IP (as the socket reports it; IPv4-mapped forms are IPv4); undefined or '' when unknown. */
  readonly address: string | undefined;
  /** The server port the client connected to (Hadoop's ingressPort). */
  readonly ingressPort?: number | undefined;
  /** The authenticated principal, once known (GSSAPI knows it before it sends its security-layer offer). */
  readonly principal?: string | undefined;
}

/** One line of text for logs and error messages. */
export function describeRule(rule: DecisionRule): string {
  switch (rule.kind) {
    case 'list-entry': {
      const what = rule.resolvedFrom !== undefined ? `${rule.resolvedFrom} (${rule.entry})` : rule.entry;
      return `entry ${what} of ${rule.origin} line ${rule.line}`;
    }
    case 'loopback':
      return 'built-in whitelist entry 127.0.0.1';
    case 'not-listed':
      return `not whitelisted (${rule.lists.join(', ')}): hadoop.rpc.protection.non-whitelist`;
    case 'no-address':
      return `client address ${rule.address ? `"${rule.address}" is not an IP address` : 'unknown'}: hadoop.rpc.protection.non-whitelist`;
    case 'principal':
      return `principal rule ${rule.pattern} of ${rule.origin} line ${rule.line}`;
    case 'rules-unavailable':
      return `principal rules ${rule.origin} cannot be read: privacy for every principal (fail closed)`;
    case 'no-principal-rule':
      return 'no principal rule';
    case 'configured':
      return `default (${rule.configKey})`;
    case 'resolver':
      return `resolver ${rule.name}`;
  }
}
