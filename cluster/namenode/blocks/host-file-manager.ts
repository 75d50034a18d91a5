/**
 * The DataNode include and exclude lists (Hadoop 3.4.1 HostFileManager with HostsFileReader and
 * HostSet): `dfs.hosts` names the hosts allowed to register (an empty or unset list allows every
 * host), `dfs.hosts.exclude` the hosts to decommission. Each file is plain text: entries separated
 * by whitespace, `#` starts a comment to the end of the line, each entry `host` or `host:port`
 * (the DataNode's transfer port; no port matches any). Entries are resolved when the files are read
 * (InetSocketAddress), so matching compares the DataNode's IP (the registration's RPC peer) and
 * transfer port; an entry that does not resolve is skipped with HostFileManager's warning. A file
 * that is named but cannot be read fails the read (Files.newInputStream's java.nio exceptions:
 * NoSuchFileException, AccessDeniedException, FileSystemException), as refreshNodes does in Hadoop,
 * and the previous lists stay.
 *
 * Where Java's InetSocketAddress takes the first address of a name, this takes every address the
 * system resolver gives for it (IPv4 and IPv6): a DataNode reaching the NameNode over either
 * family matches the name it is listed under. The JSON CombinedHostFileManager
 * (dfs.namenode.hosts.provider.classname) is not implemented: its maintenance states and upgrade
 * domains have nothing behind them in hsec.
 */
import { promises as dns } from 'node:dns';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { getLogger } from '../../../lib/log/logger.ts';
import { javaHostAddress } from '../../../lib/net/ip-address.ts';
import { javaNormalize, nioFileError, nulInPath } from '../namespace/fs-errors.ts';

const log = getLogger('namenode.hosts');

/** How a host name becomes addresses (tests may pass a table). */
export type HostResolver = (host: string) => Promise<string[]>;

const systemResolver: HostResolver = async (host) => (await dns.lookup(host, { all: true })).map((a) => a.address);

/**
 * HostSet: addresses with the ports listed for them (0 = any port). Addresses are kept and compared
 * as InetAddress.equals compares them, by value (javaHostAddress): an IPv4-mapped IPv6 peer
 * (`::ffff:10.0.0.1`, how a dual-stack listener reports an IPv4 DataNode) is its IPv4 address, as
 * the JDK makes it an Inet4Address, and IPv6 matches in any of its text forms.
 */
export class HostSet {
  readonly #ports = new Map<string, Set<number>>();

  add(ip: string, port: number): void {
    const key = javaHostAddress(ip);
    let ports = this.#ports.get(key);
    if (!ports) this.#ports.set(key, (ports = new Set()));
    ports.add(port);
  }

  get isEmpty(): boolean {
    return this.#ports.size === 0;
  }

  get size(): number {
    return this.#ports.size;
  }

  /** HostSet.match: the exact port or a port-less entry for this address. */
  match(ip: string, port: number): boolean {
    const ports = this.#ports.get(javaHostAddress(ip));
    return ports !== undefined && (ports.has(port) || ports.has(0));
  }

  /** `ip:port` entries, for logs. */
  entries(): string[] {
    return [...this.#ports].flatMap(([ip, ports]) => [...ports].map((p) => `${ip}:${p}`));
  }
}

/** The two file names (dfs.hosts, dfs.hosts.exclude); "" = none. */
export interface HostFiles {
  readonly includes: string;
  readonly excludes: string;
}

/** HostsFileReader.readFileToSetWithFileInputStream: the entries of one file's text. */
export function parseHostsFile(text: string): string[] {
  const entries: string[] = [];
  for (const line of text.split(/\r?\n|\r/)) {
    for (const token of line.split(/[ \t\n\f\r]+/)) {
      const t = token.trim();
      if (t.startsWith('#')) break; // the rest of the line is a comment
      if (t) entries.push(t);
    }
  }
  return [...new Set(entries)];
}

/** HostFileManager.parseEntry's URI split: `host`, `host:port`, `[v6]:port`; undefined when malformed. */
export function splitHostEntry(entry: string): { host: string; port: number } | undefined {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(entry);
  if (!m) return isIP(entry) === 6 ? { host: entry, port: 0 } : undefined;
  const port = m[2] === undefined ? 0 : Number(m[2]);
  return port > 65535 ? undefined : { host: m[1]!, port };
}

export class HostFileManager {
  readonly #resolve: HostResolver;
  #includes = new HostSet();
  #excludes = new HostSet();

  constructor(resolve: HostResolver = systemResolver) {
    this.#resolve = resolve;
  }

  /** HostFileManager.refresh: reads both files, then swaps both lists in. */
  async refresh(files: HostFiles): Promise<void> {
    const includes = await this.#readFile('included', files.includes);
    const excludes = await this.#readFile('excluded', files.excludes);
    this.#includes = includes;
    this.#excludes = excludes;
  }

  /** HostFileManager.isIncluded: an empty include list admits everyone. */
  isIncluded(ip: string, xferPort: number): boolean {
    return this.#includes.isEmpty || this.#includes.match(ip, xferPort);
  }

  isExcluded(ip: string, xferPort: number): boolean {
    return this.#excludes.match(ip, xferPort);
  }

  get includes(): HostSet {
    return this.#includes;
  }

  get excludes(): HostSet {
    return this.#excludes;
  }

  async #readFile(type: 'included' | 'excluded', filename: string): Promise<HostSet> {
    const set = new HostSet();
    if (!filename) return set;
    let text: string;
    // HostsFileReader.readFileToSet: Files.newInputStream(new File(filename).toPath()), java.nio's failures
    const file = javaNormalize(filename);
    const configKey = type === 'included' ? 'dfs.hosts' : 'dfs.hosts.exclude';
    const nul = nulInPath(file, { configKey });
    if (nul) throw nul;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw nioFileError(e, file, { configKey });
    }
    for (const entry of parseHostsFile(text)) {
      log.info({ type, filename, entry }, `Adding a node "${entry}" to the list of ${type} hosts from ${filename}`);
      const parsed = splitHostEntry(entry);
      if (!parsed) {
        log.warn({ type, filename, entry }, `Failed to parse \`${entry}\` in \`${filename}\`. Ignoring in the ${type} list.`);
        continue;
      }
      let ips: string[];
      try {
        ips = isIP(parsed.host) ? [parsed.host] : await this.#resolve(parsed.host);
      } catch {
        ips = [];
      }
      if (ips.length === 0) {
        log.warn({ type, filename, entry }, `Failed to resolve address \`${entry}\` in \`${filename}\`. Ignoring in the ${type} list.`);
        continue;
      }
      for (const ip of ips) set.add(ip, parsed.port);
    }
    return set;
  }
}
