/**
 * Where the lists hsec manages live (`hsec.security.sasl.whitelist.store`): `file` (the default:
 * Hadoop's whitelist files, the principal rules file) or `zookeeper`, where the whitelist that
 * changes at run time is the znode `hsec.security.sasl.whitelist.zookeeper.path` (default
 * /hsec/whitelist; it takes the place of the variable whitelist file, and the fixed file still
 * applies) and the principal rules are the znode `hsec.security.sasl.private.principals.zookeeper.path`
 * (default /hsec/private-principals). Both znodes are watched through one ZooKeeper session of the
 * `hadoop.zk.*` keys (digest or Kerberos authentication; servers need read permission only), made
 * only when a list asks for it and closed with the last list. `hsec policy` edits the same places.
 */
import { ConfigError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { zkSessionFromConfig, type ZkKerberosIdentity, type ZkSession } from '../zk/session.ts';
import { FileListSource, type ListSource } from './list-source.ts';
import { PRIVATE_PRINCIPALS_FILE_KEY } from './principal-rules-resolver.ts';
import type { ConfigSource } from './sasl-properties-resolver.ts';
import { ZkListSource } from './zookeeper-list-source.ts';

export const WHITELIST_STORE_KEY = 'hsec.security.sasl.whitelist.store';
export const WHITELIST_ZNODE_KEY = 'hsec.security.sasl.whitelist.zookeeper.path';
export const PRIVATE_PRINCIPALS_ZNODE_KEY = 'hsec.security.sasl.private.principals.zookeeper.path';
export const DEFAULT_WHITELIST_ZNODE = '/hsec/whitelist';
export const DEFAULT_PRIVATE_PRINCIPALS_ZNODE = '/hsec/private-principals';

export type ListStoreKind = 'file' | 'zookeeper';

/** hsec.security.sasl.whitelist.store: file (default) or zookeeper. */
export function listStoreKind(conf: ConfigSource): ListStoreKind {
  const raw = conf.get(WHITELIST_STORE_KEY)?.trim().toLowerCase() || 'file';
  if (raw !== 'file' && raw !== 'zookeeper') {
    throw new ConfigError('CONFIG_INVALID', `Invalid ${WHITELIST_STORE_KEY} value "${raw}": expected file or zookeeper`, { configKey: WHITELIST_STORE_KEY, value: raw });
  }
  return raw;
}

/** A znode path key: absolute, no trailing slash. */
export function znodePath(conf: ConfigSource, key: string, fallback: string): string {
  const path = conf.get(key)?.trim() || fallback;
  if (!path.startsWith('/') || (path.length > 1 && path.endsWith('/')) || path.includes('//')) {
    throw new ConfigError('CONFIG_INVALID', `Invalid ${key} value "${path}": a znode path starts with / and has no empty components`, { configKey: key, value: path });
  }
  return path;
}

/** The sources of the managed lists for one configuration; ZooKeeper sources share one session. */
export class ListStore {
  readonly kind: ListStoreKind;
  readonly #conf: ConfigSource;
  #session: ZkSession | undefined;

  readonly #login: ZkKerberosIdentity['loginOptions'];

  /** `zkLogin`: options of the Kerberos login for ZooKeeper (hadoop.zk.kerberos.*), e.g. the daemon's krb5.conf. */
  constructor(conf: ConfigSource, zkLogin?: ZkKerberosIdentity['loginOptions']) {
    this.#conf = conf;
    this.kind = listStoreKind(conf);
    this.#login = zkLogin;
  }

  /** The whitelist kept current by its store (the ZooKeeper znode), or undefined with the file store (Hadoop's files apply). */
  whitelist(): ListSource | undefined {
    return this.kind === 'zookeeper' ? this.#znode(znodePath(this.#conf, WHITELIST_ZNODE_KEY, DEFAULT_WHITELIST_ZNODE)) : undefined;
  }

  /** The principal rules: the znode, or the file of hsec.security.sasl.private.principals.file; undefined: no rules. */
  principalRules(): ListSource | undefined {
    if (this.kind === 'zookeeper') return this.#znode(znodePath(this.#conf, PRIVATE_PRINCIPALS_ZNODE_KEY, DEFAULT_PRIVATE_PRINCIPALS_ZNODE));
    const file = this.#conf.get(PRIVATE_PRINCIPALS_FILE_KEY)?.trim();
    return file ? new FileListSource(file) : undefined;
  }

  #znode(path: string): ListSource {
    const session = (this.#session ??= zkSessionFromConfig(this.#conf, this.#login));
    return new ZkListSource(session.client, path, { log: getLogger('resolver.zookeeper'), acquire: () => session.acquire() });
  }
}
