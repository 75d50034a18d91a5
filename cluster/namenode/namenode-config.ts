/**
 * The NameNode settings this daemon reads, resolved once from a frozen Configuration (Hadoop:
 * NameNode / NameNodeRpcServer / FSNamesystem constructors): the RPC address
 * (`dfs.namenode.rpc-address`, else the authority of `fs.defaultFS`), the service principal
 * (`dfs.namenode.kerberos.principal`; `_HOST` = `getRpcServerAddress(conf).getHostName()` as
 * NameNode.loginAsNameNodeUser: a name as configured, an IP literal reverse-resolved, 0.0.0.0 the
 * local canonical host name; see `resolveNameNodeSettings`) and keytab,
 * the name directory (`dfs.namenode.name.dir`, first entry, `file://` stripped; Hadoop's default
 * `${hadoop.tmp.dir}/dfs/name`), and the delegation-token intervals.
 */
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../lib/errors/index.ts';
import type { Configuration } from '../../lib/config/index.ts';
import { socketHostName } from '../../lib/net/resolve.ts';
import { substituteHost } from '../../security/kerberos/names/index.ts';

export interface NameNodeSettings {
  host: string;
  port: number;
  security: 'kerberos' | 'simple';
  /** Service principal with _HOST substituted (kerberos only). */
  principal?: string;
  keytab?: string;
  nameDir: string;
  keyUpdateInterval: number;
  tokenMaxLifetime: number;
  tokenRenewInterval: number;
}

function missing(key: string, what: string): ConfigError {
  return new ConfigError('CONFIG_MISSING', `${key} is not set: ${what}`, { configKey: key });
}

export function parseHostPort(value: string, key: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || port < 0 || port > 65535) {
    throw new ConfigError('CONFIG_INVALID', `${key} must be host:port, got "${value}"`, { configKey: key, value });
  }
  return { host: m[1], port };
}

/** host:port of an `hdfs://` fs.defaultFS (port 8020 when absent), else undefined. */
function defaultFsAddress(conf: Configuration): { host: string; port: number } | undefined {
  const m = /^hdfs:\/\/([^/:]+)(?::(\d+))?/.exec(conf.getTrimmed('fs.defaultFS') ?? '');
  return m ? { host: m[1]!, port: m[2] ? Number(m[2]) : 8020 } : undefined;
}

/** The NameNode RPC address it binds: dfs.namenode.rpc-address, else fs.defaultFS (Hadoop's NameNode.getRpcServerAddress). */
export function rpcAddress(conf: Configuration): { host: string; port: number } {
  const explicit = conf.getTrimmed('dfs.namenode.rpc-address');
  if (explicit) return parseHostPort(explicit, 'dfs.namenode.rpc-address');
  const fromDefaultFs = defaultFsAddress(conf);
  if (!fromDefaultFs) throw missing('dfs.namenode.rpc-address', 'set it (or fs.defaultFS=hdfs://host:port) in hdfs-site.xml');
  return fromDefaultFs;
}

/**
 * The NameNode a client dials: fs.defaultFS when it is `hdfs://`, as Hadoop's `hdfs fetchdt`
 * reaches it through `FileSystem.get(conf)`; else dfs.namenode.rpc-address.
 */
export function clientRpcAddress(conf: Configuration): { host: string; port: number } {
  return defaultFsAddress(conf) ?? rpcAddress(conf);
}

/**
 * The host `_HOST` stands for in the NameNode principal: Hadoop's `getRpcServerAddress(conf).getHostName()`
 * (a name stays as configured, an IP literal is reverse-resolved as Java's getCanonicalHostName, a
 * wildcard is `localHostName` or the local canonical host name). Lower-casing happens in substituteHost.
 */
export async function principalHostName(conf: Configuration, localHostName?: string): Promise<string> {
  const { host } = rpcAddress(conf);
  if ((host === '0.0.0.0' || host === '') && localHostName) return localHostName;
  return socketHostName(host);
}

/** nameNodeSettings with `_HOST` resolved as Hadoop does (DNS lookups; use this when starting a NameNode). */
export async function resolveNameNodeSettings(conf: Configuration, localHostName?: string): Promise<NameNodeSettings> {
  return nameNodeSettings(conf, undefined, await principalHostName(conf, localHostName));
}

/**
 * The settings without DNS: `_HOST` becomes `principalHost` when given, else the configured RPC host
 * (a wildcard: `localHostName`, else the OS host name).
 */
export function nameNodeSettings(conf: Configuration, localHostName?: string, principalHost?: string): NameNodeSettings {
  const { host, port } = rpcAddress(conf);
  const security = conf.getEnum('hadoop.security.authentication', 'simple') === 'kerberos' ? 'kerberos' : 'simple';
  let principal: string | undefined;
  let keytab: string | undefined;
  if (security === 'kerberos') {
    const p = conf.getTrimmed('dfs.namenode.kerberos.principal');
    if (!p) throw missing('dfs.namenode.kerberos.principal', 'the NameNode service principal, e.g. nn/_HOST@EXAMPLE.COM');
    principal = substituteHost(p, principalHost ?? host, localHostName);
    keytab = conf.getTrimmed('dfs.namenode.keytab.file');
    if (!keytab) throw missing('dfs.namenode.keytab.file', `the keytab holding ${principal}`);
  }
  const dirs = conf.getTrimmedStrings('dfs.namenode.name.dir');
  const tmp = conf.getTrimmed('hadoop.tmp.dir') ?? join(tmpdir(), `hadoop-${userInfo().username}`);
  const nameDir = (dirs[0] ?? join(tmp, 'dfs', 'name')).replace(/^file:\/\//, '');
  return {
    host,
    port,
    security,
    principal,
    keytab,
    nameDir,
    keyUpdateInterval: conf.getTimeDuration('dfs.namenode.delegation.key.update-interval', 'ms', 'ms', 86_400_000),
    tokenMaxLifetime: conf.getTimeDuration('dfs.namenode.delegation.token.max-lifetime', 'ms', 'ms', 604_800_000),
    tokenRenewInterval: conf.getTimeDuration('dfs.namenode.delegation.token.renew-interval', 'ms', 'ms', 86_400_000),
  };
}
