/**
 * Hadoop's MachineList (hadoop-common util/MachineList.java, 3.4.1), the value syntax of
 * hadoop.proxyuser.NAME.hosts and security.*.protocol.hosts: comma- or line-separated entries
 * (StringUtils.getTrimmedStringCollection); a list whose only entry is `*` admits every address;
 * otherwise an address is admitted when it falls in a CIDR range (`10.0.0.0/8`, host bits
 * cleared as SubnetUtils does) or equals the address an entry resolves to. Every other entry, IP
 * literal or host name, is resolved once per list with `InetAddress.getByName` (one address, IPv4
 * first: lib/net/resolve.ts) and matches only that address; a name that does not resolve is dropped
 * with a warning. The client's address is never reverse-resolved (3.4.1 compares InetAddresses;
 * the 2.x reverse lookup of the client is gone). Addresses compare as addresses: `::ffff:10.0.0.1`
 * is 10.0.0.1, `0:0:0:0:0:0:0:1` is `::1`. A list is resolved on its first use and then kept, as
 * Hadoop's is from construction until a refresh builds a new one. A malformed range is a
 * ConfigError naming the key, as SubnetUtils refuses it; IPv6 ranges work (SubnetUtils is IPv4-only).
 */
import { ConfigError } from '../../lib/errors/index.ts';
import { parseTrimmedStringCollection } from '../../lib/config/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { parseIp, parseIpPrefix, type IpPrefix } from '../../lib/net/ip-address.ts';
import { PrefixTable } from '../../lib/net/prefix-table.ts';
import { resolveAddress, type AddressLookup } from '../../lib/net/resolve.ts';

const log = getLogger('security.machine-list');

export class MachineList {
  readonly all: boolean;
  readonly #entries: readonly string[];
  readonly #ranges: readonly IpPrefix[] = [];
  readonly #others: readonly string[] = [];
  readonly #configKey: string;
  readonly #lookup: AddressLookup | undefined;
  #table: Promise<PrefixTable<true>> | undefined;

  /** `configKey` names where the list came from, for errors; `lookup` replaces the system resolver (tests). */
  constructor(value: string, configKey: string, lookup?: AddressLookup) {
    this.#configKey = configKey;
    this.#lookup = lookup;
    this.#entries = parseTrimmedStringCollection(value);
    this.all = this.#entries.length === 1 && this.#entries[0] === '*';
    if (this.all) return;
    this.#ranges = this.#entries.filter((e) => e.includes('/')).map((e) => rangeOf(e, configKey));
    this.#others = this.#entries.filter((e) => !e.includes('/'));
  }

  /** MachineList.includes(String): whether `ip` (a textual address) is admitted. */
  async includes(ip: string): Promise<boolean> {
    if (this.all) return true;
    const address = parseIp(ip);
    if (!address) return false;
    this.#table ??= this.#build();
    return (await this.#table).match(address) !== undefined;
  }

  /** The ranges and the addresses the other entries resolve to (the constructor's work in Hadoop). */
  async #build(): Promise<PrefixTable<true>> {
    const resolved = await Promise.all(this.#others.map(async (entry) => {
      try {
        const words = parseIp(await resolveAddress(entry, this.#lookup));
        if (words) return { words, length: 128 };
      } catch (err) {
        log.warn({ configKey: this.#configKey, entry, reason: (err as Error).message }, `${entry} in ${this.#configKey} does not resolve; it admits no address until the list is refreshed`);
      }
      return undefined;
    }));
    const prefixes = [...this.#ranges, ...resolved.filter((p): p is IpPrefix => p !== undefined)];
    return PrefixTable.build(prefixes.map((prefix) => ({ prefix, value: true as const })));
  }

  toString(): string {
    return this.#entries.join(',');
  }
}

/** A CIDR entry; a malformed one is refused as SubnetUtils' IllegalArgumentException is. */
function rangeOf(entry: string, configKey: string): IpPrefix {
  const prefix = parseIpPrefix(entry);
  if ('error' in prefix) {
    throw new ConfigError('CONFIG_INVALID', `Invalid CIDR syntax : ${entry} (in ${configKey}): ${prefix.error}; write an address range as IP/BITS, e.g. 10.0.0.0/8`, { configKey, value: entry });
  }
  return prefix;
}
