/**
 * An address list in Hadoop's whitelist file format (FileBasedIPList + MachineList, Hadoop 3.x):
 * one entry per line, each an IPv4 or IPv6 address, a CIDR (`10.0.0.0/8`, `2001:db8::/32`), or a
 * host name. Host names are resolved once per load to one address, as MachineList's constructor
 * does with `InetAddress.getByName` (the JDK's default order: IPv4 first; lib/net/resolve.ts), and
 * match only that address; a name that does not resolve is dropped with a warning, as in Hadoop.
 * A list whose only entry is `*` matches every address (MachineList.WILDCARD_VALUE).
 *
 * Where hsec differs, it never widens access: lines are trimmed and `#` lines are comments
 * (./list-text.ts); a line that is no entry (bad CIDR, `10.0.0.300`, `*` among other entries) is
 * reported with its file and line and skipped, where Hadoop's MachineList throws on a bad CIDR
 * (the daemon fails to start, or every lookup of a reloaded variable list fails); IPv6 CIDRs work
 * (commons-net SubnetUtils, which Hadoop uses, is IPv4-only and rejects them). Parsing is pure;
 * `compileIpList` adds the name resolution and builds the lookup table (lib/net/prefix-table.ts).
 */
import { parseIp, parseIpPrefix, type IpPrefix, type IpWords } from '../../lib/net/ip-address.ts';
import { PrefixTable } from '../../lib/net/prefix-table.ts';
import type { DecisionRule } from './decision.ts';
import { listLines } from './list-text.ts';
import type { ListProblem } from './list-problems.ts';
import type { Compiled } from './reloading-list.ts';

/**
 * Where an entry came from: the decision rule it makes ("entry 10.0.0.0/8 of FILE line 3"), built
 * once per load so a lookup allocates nothing for it. `entry` is the line as written (a host name
 * entry: the address it resolved to, and `resolvedFrom` the name).
 */
export type IpListEntry = Extract<DecisionRule, { kind: 'list-entry' }>;

/** One parsed line. */
export type ParsedIpEntry =
  | { readonly kind: 'prefix'; readonly prefix: IpPrefix; readonly source: IpListEntry }
  | { readonly kind: 'host'; readonly name: string; readonly line: number }
  | { readonly kind: 'all'; readonly source: IpListEntry };

/** Resolves a host name to one address (InetAddress.getByName). */
export type HostResolver = (name: string) => Promise<string>;

// RFC 1123 labels (underscores tolerated, as internal DNS often has them), 253 characters at most.
const HOST_NAME = /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** Parses a list text (pure). */
export function parseIpList(text: string, origin: string): { entries: ParsedIpEntry[]; problems: ListProblem[] } {
  const lines = listLines(text);
  const entries: ParsedIpEntry[] = [];
  const problems: ListProblem[] = [];
  const bad = (line: number, lineText: string, reason: string): void => void problems.push({ code: 'LIST_BAD_LINE', origin, line, text: lineText, reason });
  // MachineList: the wildcard applies only when it is the list's single (distinct) entry.
  if (lines.length > 0 && lines.every((l) => l.text === '*')) {
    return { entries: [{ kind: 'all', source: { kind: 'list-entry', entry: '*', origin, line: lines[0]!.line } }], problems };
  }
  for (const { line, text: t } of lines) {
    const source: IpListEntry = { kind: 'list-entry', entry: t, origin, line };
    if (t === '*') {
      bad(line, t, '"*" (every address) is honoured only as the list\'s only entry, as in Hadoop');
    } else if (t.includes('/')) {
      const prefix = parseIpPrefix(t);
      if ('error' in prefix) bad(line, t, `not a CIDR: ${prefix.error}`);
      else entries.push({ kind: 'prefix', prefix, source });
    } else {
      const literal = t.startsWith('[') && t.endsWith(']') && t.includes(':') ? t.slice(1, -1) : t;
      const words = parseIp(literal);
      if (words) entries.push({ kind: 'prefix', prefix: { words, length: 128 }, source });
      else if (/^[\d.]+$/.test(t)) bad(line, t, 'not an IPv4 address');
      else if (t.includes(':')) bad(line, t, 'not an IPv6 address');
      else if (HOST_NAME.test(t)) entries.push({ kind: 'host', name: t, line });
      else bad(line, t, 'not an address, CIDR or host name');
    }
  }
  return { entries, problems };
}

/** A compiled list: longest-prefix lookup of a client address. */
export class IpList {
  static readonly EMPTY = new IpList(PrefixTable.build<IpListEntry>([]), undefined);

  readonly #table: PrefixTable<IpListEntry>;
  readonly #all: IpListEntry | undefined;

  constructor(table: PrefixTable<IpListEntry>, all: IpListEntry | undefined) {
    this.#table = table;
    this.#all = all;
  }

  /** The entry that whitelists `address` (the most specific one), or undefined. */
  match(address: IpWords): IpListEntry | undefined {
    return this.#all ?? this.#table.match(address);
  }

  /** Number of distinct entries (1 for `*`). */
  get size(): number {
    return this.#all ? 1 : this.#table.size;
  }
}

/** Parses, resolves host names (concurrently) and builds the lookup table. */
export async function compileIpList(text: string, origin: string, resolveHost: HostResolver): Promise<Compiled<IpList>> {
  const { entries, problems } = parseIpList(text, origin);
  const all = entries.find((e) => e.kind === 'all');
  if (all) return { value: new IpList(PrefixTable.build([]), all.source), entries: 1, problems };
  const table: { prefix: IpPrefix; value: IpListEntry }[] = [];
  for (const e of entries) if (e.kind === 'prefix') table.push({ prefix: e.prefix, value: e.source });
  const hosts = entries.filter((e): e is Extract<ParsedIpEntry, { kind: 'host' }> => e.kind === 'host');
  const resolved = await Promise.all(hosts.map(async (e) => resolveEntry(e.name, e.line, origin, resolveHost, problems)));
  for (const r of resolved) if (r) table.push(r);
  table.sort((a, b) => a.value.line - b.value.line); // a repeated address is attributed to its first line
  const built = PrefixTable.build(table);
  problems.sort((a, b) => ('line' in a ? a.line : 0) - ('line' in b ? b.line : 0));
  return { value: new IpList(built, undefined), entries: built.size, problems };
}

/** A host name entry as the address it resolves to now; a name that does not resolve is a problem. */
async function resolveEntry(name: string, line: number, origin: string, resolveHost: HostResolver, problems: ListProblem[]): Promise<{ prefix: IpPrefix; value: IpListEntry } | undefined> {
  try {
    const address = await resolveHost(name);
    const words = parseIp(address);
    if (!words) throw new Error(`resolver returned "${address}"`);
    return { prefix: { words, length: 128 }, value: { kind: 'list-entry', entry: address, origin, line, resolvedFrom: name } };
  } catch (err) {
    problems.push({ code: 'LIST_UNRESOLVED_HOST', origin, line, text: name, reason: `host name does not resolve (${(err as Error).message})` });
    return undefined;
  }
}
