/**
 * ZooKeeper connect strings (`hadoop.zk.address`; ZooKeeper's ConnectStringParser):
 * `host:port[,host:port...][/chroot]`. A host without a port gets 2181; IPv6 literals are written
 * `[::1]:2181`. The optional chroot suffix is validated as a path and applies to every server.
 */
import { ZooKeeperError } from '../errors/index.ts';
import { DEFAULT_PORT } from './constants.ts';
import { validatePath } from './paths.ts';

export interface ZkServerAddress {
  readonly host: string;
  readonly port: number;
}

export interface ConnectString {
  readonly servers: readonly ZkServerAddress[];
  /** The chroot prefix without a trailing slash, or '' for none. */
  readonly chroot: string;
  /** The string as configured (for messages). */
  readonly text: string;
}

function bad(text: string, reason: string): ZooKeeperError {
  return new ZooKeeperError('ZK_BAD_ARGUMENTS', `Invalid ZooKeeper connect string "${text}" (hadoop.zk.address): ${reason}; expected host:port[,host:port...][/chroot]`, {
    connectString: text,
    configKey: 'hadoop.zk.address',
  });
}

function parseServer(text: string, entry: string): ZkServerAddress {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(entry);
  if (!m) throw bad(text, `cannot parse server "${entry}"`);
  const port = m[2] === undefined ? DEFAULT_PORT : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(text, `port of "${entry}" is outside 1-65535`);
  return { host: m[1]!, port };
}

export function parseConnectString(text: string): ConnectString {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const hosts = slash >= 0 ? trimmed.slice(0, slash) : trimmed;
  let chroot = slash >= 0 ? trimmed.slice(slash) : '';
  if (chroot === '/') chroot = '';
  if (chroot) {
    try {
      validatePath(chroot);
    } catch (e) {
      throw bad(text, `bad chroot: ${(e as Error).message}`);
    }
  }
  const servers = hosts
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => parseServer(text, s));
  if (servers.length === 0) throw bad(text, 'no server given');
  return { servers, chroot, text: trimmed };
}

/** `host:port`, IPv6 in brackets. */
export function formatServer(s: ZkServerAddress): string {
  return s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}
