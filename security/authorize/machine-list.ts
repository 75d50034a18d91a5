/**
 * Hadoop's MachineList (hadoop-common util/MachineList.java), the value syntax of
 * hadoop.proxyuser.NAME.hosts: `*` admits every address; otherwise a comma-separated list of IP
 * addresses, CIDR ranges (`10.0.0.0/8`) and host names. An address is included when it is listed,
 * falls in a range, or matches a listed host name either way round: its canonical (reverse,
 * forward-confirmed) name is listed, or a listed name resolves to it. A malformed range is a
 * ConfigError naming the key, as Hadoop's SubnetUtils refuses it.
 */
import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { ConfigError } from '../../lib/errors/index.ts';
import { canonicalHostName } from '../../lib/net/resolve.ts';

export class MachineList {
  readonly all: boolean;
  readonly #ips = new Set<string>();
  readonly #ranges = new BlockList();
  readonly #hostNames = new Set<string>();
  readonly #entries: readonly string[];

  /** `configKey` names where the list came from, for errors. */
  constructor(value: string, configKey: string) {
    this.#entries = value.split(',').map((e) => e.trim()).filter(Boolean);
    this.all = this.#entries.length === 1 && this.#entries[0] === '*';
    if (this.all) return;
    for (const entry of this.#entries) {
      if (entry.includes('/')) this.#addRange(entry, configKey);
      else if (isIP(entry)) this.#ips.add(entry);
      else this.#hostNames.add(entry.toLowerCase());
    }
  }

  #addRange(entry: string, configKey: string): void {
    const slash = entry.indexOf('/');
    const net = entry.slice(0, slash);
    const bits = Number(entry.slice(slash + 1));
    const family = isIP(net);
    if (family === 0 || !Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
      throw new ConfigError('CONFIG_INVALID', `Invalid CIDR syntax : ${entry} (in ${configKey}): write an address range as IP/BITS, e.g. 10.0.0.0/8`, { configKey, value: entry });
    }
    this.#ranges.addSubnet(net, bits, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** MachineList.includes(InetAddress): whether `ip` (a textual address) is admitted. */
  async includes(ip: string): Promise<boolean> {
    if (this.all) return true;
    const family = isIP(ip);
    if (family === 0) return false;
    if (this.#ips.has(ip)) return true;
    if (this.#ranges.check(ip, family === 4 ? 'ipv4' : 'ipv6')) return true;
    if (this.#hostNames.size === 0) return false;
    if (this.#hostNames.has(await canonicalHostName(ip))) return true;
    for (const host of this.#hostNames) {
      const addresses = await lookup(host, { all: true }).catch(() => []);
      if (addresses.some((a) => a.address === ip)) return true;
    }
    return false;
  }

  toString(): string {
    return this.#entries.join(',');
  }
}
