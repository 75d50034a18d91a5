/**
 * Hadoop's org.apache.hadoop.security.WhitelistBasedResolver (with CombinedIPWhiteList,
 * FileBasedIPList and CacheableIPList): a client whose address is whitelisted gets the default
 * properties (`hadoop.rpc.protection`); any other client, and a client whose address is unknown,
 * gets `hadoop.rpc.protection.non-whitelist` (default privacy). The whitelist is 127.0.0.1 (always),
 * then the fixed list (`hadoop.security.sasl.fixedwhitelist.file`, read once), then, when
 * `hadoop.security.sasl.variablewhitelist.enable`, the variable list
 * (`hadoop.security.sasl.variablewhitelist.file`, re-read `...cache.secs` after each load;
 * negative = never). Clients get the default properties (Hadoop does not override
 * getClientProperties).
 *
 * Lists come from ListSources (files by default; with the ZooKeeper list store a watched znode takes
 * the variable list's place, ./list-store.ts) and load in the background: until `ready()` resolves, and whenever a list cannot be read, that list
 * whitelists nobody (fail closed). One difference from stock Hadoop 3.3+: its IPC Server asks
 * `getServerProperties(addr, ingressPort)`, which WhitelistBasedResolver does not override, so
 * there the whitelist only takes effect on the DataNode data-transfer path; here both forms apply
 * it (docs/selective-encryption.md).
 */
import { ConfigError } from '../../lib/errors/index.ts';
import { getLogger, type Logger } from '../../lib/log/logger.ts';
import { isIpv4, parseIp } from '../../lib/net/ip-address.ts';
import { resolveAddress } from '../../lib/net/resolve.ts';
import type { Clock } from '../../lib/time/clock.ts';
import { decideServerQop } from './decide.ts';
import type { QopDecision, ServerPeer } from './decision.ts';
import { compileIpList, IpList, type HostResolver } from './ip-list.ts';
import { FileListSource, type ListSource } from './list-source.ts';
import { booleanKey, stringKey, secondsKey } from './config-values.ts';
import { ReloadingList } from './reloading-list.ts';
import { qopFromConfig, saslProperties, type ConfigSource, type SaslProperties, type SaslPropertiesResolver } from './sasl-properties-resolver.ts';
import type { Qop } from '../sasl/mechanism.ts';

export const FIXED_WHITELIST_FILE_KEY = 'hadoop.security.sasl.fixedwhitelist.file';
export const VARIABLE_WHITELIST_ENABLE_KEY = 'hadoop.security.sasl.variablewhitelist.enable';
export const VARIABLE_WHITELIST_FILE_KEY = 'hadoop.security.sasl.variablewhitelist.file';
export const VARIABLE_WHITELIST_CACHE_SECS_KEY = 'hadoop.security.sasl.variablewhitelist.cache.secs';
export const NON_WHITELIST_PROTECTION_KEY = 'hadoop.rpc.protection.non-whitelist';

/** CombinedIPWhiteList.LOCALHOST_IP, 127.0.0.1, as the low word of its mapped form. */
const LOOPBACK_V4 = 0x7f000001;

export interface WhitelistResolverOptions {
  readonly clock?: Clock;
  /** Host name -> one address; default lib/net resolveAddress (InetAddress.getByName, IPv4 first). */
  readonly resolveHost?: HostResolver;
  /** Replaces the fixed list's file source. */
  readonly fixedSource?: ListSource;
  /** Replaces the variable list's file source (used only when the variable list is enabled). */
  readonly variableSource?: ListSource;
  /**
   * A whitelist its source keeps current (the ZooKeeper znode of the list store): consulted after
   * the fixed list, in place of the variable whitelist file (whose keys then do not apply).
   */
  readonly dynamicSource?: ListSource;
  readonly log?: Logger;
}

export class WhitelistBasedResolver implements SaslPropertiesResolver {
  readonly #defaults: SaslProperties;
  readonly #nonWhitelist: SaslProperties;
  readonly #lists: readonly ReloadingList<IpList>[];
  readonly #scratch = new Int32Array(4);
  /** The decisions that do not depend on a list entry, built once. */
  readonly #loopback: QopDecision;
  readonly #notListed: QopDecision;

  constructor(conf: ConfigSource, options: WhitelistResolverOptions = {}) {
    // Every key is read (and may throw ConfigError) before any list starts loading.
    this.#defaults = saslProperties(qopFromConfig(conf));
    this.#nonWhitelist = saslProperties(nonWhitelistQop(conf));
    const fixedFile = stringKey(conf, FIXED_WHITELIST_FILE_KEY, '/etc/hadoop/fixedwhitelist');
    const variable = !options.dynamicSource && booleanKey(conf, VARIABLE_WHITELIST_ENABLE_KEY, false)
      ? { file: stringKey(conf, VARIABLE_WHITELIST_FILE_KEY, '/etc/hadoop/whitelist'), reloadAfterMs: secondsKey(conf, VARIABLE_WHITELIST_CACHE_SECS_KEY, 3600) * 1000 }
      : undefined;
    const log = options.log ?? getLogger('resolver.whitelist');
    const resolveHost = options.resolveHost ?? ((name: string) => resolveAddress(name));
    const consequence = `its addresses are not whitelisted; they get ${NON_WHITELIST_PROTECTION_KEY} [${this.#nonWhitelist.qop.join(',')}]`;
    const list = (name: string, source: ListSource, reloadAfterMs?: number): ReloadingList<IpList> =>
      new ReloadingList({ name, source, compile: (text, origin) => compileIpList(text, origin, resolveHost), failClosed: IpList.EMPTY, consequence, reloadAfterMs, clock: options.clock, log });
    const lists = [list('fixed whitelist', options.fixedSource ?? new FileListSource(fixedFile))];
    if (variable) lists.push(list('variable whitelist', options.variableSource ?? new FileListSource(variable.file), variable.reloadAfterMs));
    if (options.dynamicSource) lists.push(list('ZooKeeper whitelist', options.dynamicSource));
    this.#lists = lists;
    this.#loopback = Object.freeze({ qop: this.#defaults.qop, rule: Object.freeze({ kind: 'loopback' as const }) });
    this.#notListed = Object.freeze({ qop: this.#nonWhitelist.qop, rule: Object.freeze({ kind: 'not-listed' as const, lists: Object.freeze(lists.map((l) => l.origin)) }) });
  }

  getServerProperties(clientAddress: string | undefined, ingressPort?: number): SaslProperties {
    const decision = decideServerQop(this, { address: clientAddress, ingressPort });
    return decision.qop === this.#defaults.qop ? this.#defaults : this.#nonWhitelist;
  }

  /** WhitelistBasedResolver does not override getClientProperties: the default properties. */
  getClientProperties(_serverAddress?: string, _ingressPort?: number): SaslProperties {
    return this.#defaults;
  }

  evaluateServer(peer: ServerPeer): QopDecision {
    const words = peer.address ? parseIp(peer.address, this.#scratch) : undefined;
    if (!words) return { qop: this.#nonWhitelist.qop, rule: { kind: 'no-address', ...(peer.address ? { address: peer.address } : {}) } };
    if (isIpv4(words) && words[3] === LOOPBACK_V4) return this.#loopback;
    for (let i = 0; i < this.#lists.length; i++) {
      const entry = this.#lists[i]!.current().match(words);
      if (entry) return { qop: this.#defaults.qop, rule: entry };
    }
    return this.#notListed;
  }

  /** Resolves once every list has been loaded (or found unreadable). */
  async ready(): Promise<void> {
    await Promise.all(this.#lists.map((l) => l.ready()));
  }

  /** Re-reads every list now (CacheableIPList.refresh, for all lists); resolves once applied. */
  async reload(): Promise<void> {
    await Promise.all(this.#lists.map((l) => l.reload()));
  }

  close(): void {
    for (const l of this.#lists) l.close();
  }
}

/** hadoop.rpc.protection.non-whitelist (default privacy); an empty value is an error (Hadoop fails to start too). */
function nonWhitelistQop(conf: ConfigSource): Qop[] {
  const raw = conf.get(NON_WHITELIST_PROTECTION_KEY);
  if (raw !== undefined && raw.trim().replace(/,/g, '') === '') {
    throw new ConfigError('CONFIG_INVALID', `${NON_WHITELIST_PROTECTION_KEY} is empty; name the QOPs for clients not on the whitelist, e.g. privacy`, {
      configKey: NON_WHITELIST_PROTECTION_KEY,
    });
  }
  return qopFromConfig(conf, NON_WHITELIST_PROTECTION_KEY, 'privacy');
}
