/**
 * The NameNode settings this daemon reads, resolved once from a frozen Configuration (Hadoop:
 * NameNode / NameNodeRpcServer / FSNamesystem constructors): the RPC address
 * (cluster/protocol/namenode-address.ts), the host `_HOST` stands for in its principal, the name
 * directory (`dfs.namenode.name.dir`, first entry, `file://` stripped; Hadoop's default
 * `${hadoop.tmp.dir}/dfs/name`), and the delegation-token intervals. The principal and keytab are
 * the service foundation's (cluster/service/service-identity.ts).
 */
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Configuration } from '../../lib/config/index.ts';
import { isWildcard, socketHostName } from '../../lib/net/resolve.ts';
import { nameNodeBindAddress } from '../protocol/namenode-address.ts';

export interface NameNodeSettings {
  host: string;
  port: number;
  /** The key the address came from (dfs.namenode.rpc-address or fs.defaultFS). */
  addressKey: string;
  nameDir: string;
  keyUpdateInterval: number;
  tokenMaxLifetime: number;
  tokenRenewInterval: number;
}

/**
 * The host `_HOST` stands for in the NameNode principal: Hadoop's `getRpcServerAddress(conf).getHostName()`
 * (a name stays as configured, an IP literal is reverse-resolved as Java's getCanonicalHostName, a
 * wildcard is `localHostName` or the local canonical host name). Lower-casing happens in substituteHost.
 */
export async function principalHostName(conf: Configuration, localHostName?: string): Promise<string> {
  const { host } = nameNodeBindAddress(conf);
  if (isWildcard(host) && localHostName) return localHostName;
  return socketHostName(host);
}

export function nameNodeSettings(conf: Configuration): NameNodeSettings {
  const { host, port, configKey } = nameNodeBindAddress(conf);
  const dirs = conf.getTrimmedStrings('dfs.namenode.name.dir');
  const tmp = conf.getTrimmed('hadoop.tmp.dir') ?? join(tmpdir(), `hadoop-${userInfo().username}`);
  const nameDir = (dirs[0] ?? join(tmp, 'dfs', 'name')).replace(/^file:\/\//, '');
  return {
    host,
    port,
    addressKey: configKey,
    nameDir,
    keyUpdateInterval: conf.getTimeDuration('dfs.namenode.delegation.key.update-interval', 'ms', 'ms', 86_400_000),
    tokenMaxLifetime: conf.getTimeDuration('dfs.namenode.delegation.token.max-lifetime', 'ms', 'ms', 604_800_000),
    tokenRenewInterval: conf.getTimeDuration('dfs.namenode.delegation.token.renew-interval', 'ms', 'ms', 86_400_000),
  };
}
