/**
 * ZkClient options from Hadoop configuration, as ZKCuratorManager.start reads it:
 * `hadoop.zk.address` (required: "hadoop.zk.address is not configured."), `hadoop.zk.timeout-ms`
 * (session timeout), `hadoop.zk.num-retries` and `hadoop.zk.retry-interval-ms` (RetryNTimes),
 * `hadoop.zk.auth` (SecurityUtil.getZKAuthInfos) and `hadoop.zk.acl` (ZKCuratorManager.getZKAcls),
 * the last two through ZKUtil.resolveConfIndirection: a value `@/path/file` is replaced by the
 * file's trimmed contents, so secrets can stay out of the site files. The Kerberos SASL part lives
 * in security/zk (lib does not know Kerberos).
 */
import { readFileSync } from 'node:fs';
import { parseInt32 } from '../config/values.ts';
import { ConfigError } from '../errors/index.ts';
import { parseAcls, parseAuthInfos } from './acl.ts';
import type { ZkClientOptions } from './client.ts';
import type { Acl } from './jute.ts';

export const ZK_ACL_DEFAULT = 'world:anyone:rwcda';

/** What these helpers read from a configuration (a Configuration fits; its declared defaults apply). */
export interface ZkConfigSource {
  get(key: string): string | undefined;
}

/** conf.getInt(key, fallback): a ConfigError naming the key when the value is not a whole number. */
function intKey(conf: ZkConfigSource, key: string, fallback: number): number {
  const raw = conf.get(key)?.trim();
  if (raw === undefined || raw === '') return fallback;
  try {
    return parseInt32(raw);
  } catch (cause) {
    throw new ConfigError('CONFIG_INVALID', `Invalid ${key} value "${raw}": expected a whole number`, { configKey: key, value: raw }, { cause });
  }
}

/** ZKUtil.resolveConfIndirection: `@path` -> the file's contents, trimmed. */
export function resolveConfIndirection(value: string | undefined, configKey: string): string | undefined {
  if (value === undefined || !value.startsWith('@')) return value;
  const path = value.slice(1).trim();
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (cause) {
    throw new ConfigError('CONFIG_INVALID', `Cannot read ${configKey} from ${path} (the value starts with @, naming a file): ${(cause as Error).message}`, { configKey, path }, { cause });
  }
}

/** ACLs for new znodes (hadoop.zk.acl, default world:anyone:rwcda). */
export function zkAclsFromConfig(conf: ZkConfigSource): Acl[] {
  return parseAcls(resolveConfIndirection(conf.get('hadoop.zk.acl') ?? ZK_ACL_DEFAULT, 'hadoop.zk.acl'), 'hadoop.zk.acl');
}

/** The ZkClient options the hadoop.zk.* keys give (without SASL: see security/zk). */
export function zkClientOptionsFromConfig(conf: ZkConfigSource): ZkClientOptions {
  const connectString = conf.get('hadoop.zk.address');
  if (!connectString) throw new ConfigError('CONFIG_MISSING', 'hadoop.zk.address is not configured.', { configKey: 'hadoop.zk.address' });
  return {
    connectString,
    sessionTimeoutMs: intKey(conf, 'hadoop.zk.timeout-ms', 10_000),
    numRetries: intKey(conf, 'hadoop.zk.num-retries', 1000),
    retryIntervalMs: intKey(conf, 'hadoop.zk.retry-interval-ms', 1000),
    authInfos: parseAuthInfos(resolveConfIndirection(conf.get('hadoop.zk.auth'), 'hadoop.zk.auth'), 'hadoop.zk.auth'),
    defaultAcl: zkAclsFromConfig(conf),
  };
}
