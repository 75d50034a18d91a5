/**
 * `hsec policy explain ADDRESS [--principal P]`: what a server with this configuration offers a
 * client, decided by the resolver the server would build (createServerResolver: the whitelist in
 * its file or ZooKeeper, the principal rules) once its lists are loaded: the QOP list, the entry or
 * rule that chose it, and where that came from (ZooKeeper, a whitelist file, the built-in loopback
 * entry, or the default of a configuration key). A list that cannot be read is reported: the
 * answer is then the fail-closed one a server would give.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Configuration } from '../../lib/config/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { parseIp } from '../../lib/net/ip-address.ts';
import { resolveAddress } from '../../lib/net/resolve.ts';
import { loadKrb5Config } from '../../security/kerberos/config/index.ts';
import { evaluateServerQop } from '../../security/resolver/decide.ts';
import { describeRule, type DecisionRule } from '../../security/resolver/decision.ts';
import { listLoadedChannel, type ListLoadedEvent } from '../../security/resolver/list-problems.ts';
import { createServerResolver } from '../../security/resolver/registry.ts';
import type { Qop } from '../../security/sasl/mechanism.ts';

export interface Explanation {
  readonly address: string;
  /** The name given, when ADDRESS was a host name. */
  readonly hostName?: string | undefined;
  readonly principal?: string | undefined;
  readonly qop: readonly Qop[];
  readonly rule: string;
  /** zookeeper, file, built-in, default. */
  readonly source: 'zookeeper' | 'file' | 'built-in' | 'default';
  /** Where: the znode or file, or the configuration key of the default. */
  readonly from: string;
  /** Lists that could not be read (origin: reason). */
  readonly unavailable: readonly string[];
}

/** Where a rule came from. */
export function ruleSource(rule: DecisionRule): { source: Explanation['source']; from: string } {
  switch (rule.kind) {
    case 'list-entry':
    case 'principal':
    case 'rules-unavailable':
      return { source: rule.origin.startsWith('ZooKeeper znode ') ? 'zookeeper' : 'file', from: rule.origin };
    case 'loopback':
      return { source: 'built-in', from: '127.0.0.1 is always whitelisted (Hadoop\'s CombinedIPWhiteList)' };
    case 'not-listed':
    case 'no-address':
      return { source: 'default', from: 'hadoop.rpc.protection.non-whitelist' };
    case 'configured':
      return { source: 'default', from: rule.configKey };
    default:
      return { source: 'default', from: describeRule(rule) };
  }
}

export async function explain(conf: Configuration, address: string, principal?: string, env: NodeJS.ProcessEnv = process.env): Promise<Explanation> {
  let ip = address.trim();
  let hostName: string | undefined;
  if (!parseIp(ip.replace(/^\[(.*)\]$/, '$1'))) {
    hostName = ip;
    try {
      ip = await resolveAddress(ip);
    } catch (cause) {
      throw new ConfigError('CONFIG_INVALID', `${address} is neither an IP address nor a host name that resolves: ${(cause as Error).message}`, { address }, { cause });
    }
  }
  const unavailable: string[] = [];
  const onLoaded = (m: unknown): void => {
    const e = m as ListLoadedEvent;
    if (!e.available) unavailable.push(e.origin);
  };
  subscribe(listLoadedChannel.name, onLoaded);
  const resolver = createServerResolver(conf, { zkLogin: () => ({ conf: loadKrb5Config(undefined, env) }) });
  try {
    await resolver.ready?.();
  } finally {
    unsubscribe(listLoadedChannel.name, onLoaded);
  }
  try {
    const decision = evaluateServerQop(resolver, { address: ip, ...(principal ? { principal } : {}) });
    return { address: ip, hostName, principal, qop: decision.qop, rule: describeRule(decision.rule), ...ruleSource(decision.rule), unavailable };
  } finally {
    resolver.close?.();
  }
}

/** The lines `hsec policy explain` prints. */
export function formatExplanation(e: Explanation): string {
  const who = `${e.hostName ? `${e.hostName} (${e.address})` : e.address}${e.principal ? ` as ${e.principal}` : ''}`;
  const lines = [`${who} is offered [${e.qop.join(',')}]`, `  rule:   ${e.rule}`, `  source: ${e.source} (${e.from})`];
  for (const origin of e.unavailable) lines.push(`  warning: ${origin} cannot be read; a server in this state fails closed, as this answer does`);
  return `${lines.join('\n')}\n`;
}
