/**
 * One way to name and open a credential cache, whatever its type (MIT's krb5_cc_ops): a
 * `CredentialCache` reads, writes, stores into and destroys one cache; a `CcacheCollection` lists
 * the caches of the collection a default name designates, primary first, makes new ones and
 * switches the primary (MIT krb5_cccol_cursor, krb5_cc_new_unique, krb5_cc_switch). The type comes
 * from the name (./ccache-name.ts):
 *
 *   FILE:/path           one MIT file cache (a collection of one, as MIT's FILE cursor yields)
 *   DIR:/dir             MIT directory collection; the cache the `primary` file names (./dir-cache.ts)
 *   DIR::/dir/tktX       one cache of a directory collection
 *   KEYRING:anchor:coll[:sub]  Linux kernel keyring, as MIT cc_keyring.c stores it (./keyring/)
 *   KCM: / KCM:uid:name  a KCM daemon (Heimdal kcm, sssd-kcm) over its Unix socket (./kcm/)
 *   MEMORY:name          process memory, gone at exit (MIT cc_memory.c)
 *
 * `resolveCredentialCache(conf, explicit, env)` is the single place a name is chosen: an explicit
 * name (-c), else KRB5CCNAME, else krb5.conf default_ccache_name, else FILE:/tmp/krb5cc_<uid>.
 */
import type { Credential, Principal } from '../types.ts';
import { samePrincipal } from '../keytab/principal-text.ts';
import type { Krb5Config } from '../config/krb5-conf.ts';
import type { Ccache } from './ccache-format.ts';
import { defaultCcacheName, parseCcacheName, type CcacheName, type CcacheNameOptions, type CcacheNameSource, type CcacheType } from './ccache-name.ts';
import { openFileCache, fileCollection } from './file-cache.ts';
import { openDirCache, dirCollection } from './dir-cache.ts';
import { openMemoryCache, memoryCollection } from './memory-cache.ts';
import { openKeyringCache, keyringCollection } from './keyring/keyring-cache.ts';
import { openKcmCache, kcmCollection } from './kcm/kcm-cache.ts';

/** One credential cache. Every method rejects with a typed KerberosError, never anything else. */
export interface CredentialCache {
  readonly type: CcacheType;
  /** MIT krb5_cc_get_name: the residual (/tmp/krb5cc_0, :/run/cc/tkt, persistent:0:0, 0). */
  readonly name: string;
  /** TYPE:name (krb5_cc_get_full_name), as klist prints it after "Ticket cache:". */
  readonly fullName: string;
  /** The contents; KRB_NO_CREDENTIALS when the cache does not exist or holds no principal. */
  read(): Promise<Ccache>;
  /** Replaces the whole cache: default principal, KDC offset, credentials (krb5_cc_initialize + stores). */
  write(cc: Ccache): Promise<void>;
  /** Adds `cred`, replacing a ticket for the same client and server (krb5_cc_store). */
  store(cred: Credential): Promise<void>;
  /** Removes the cache (krb5_cc_destroy); false when there was none. */
  destroy(): Promise<boolean>;
  /** A value that changes whenever the contents change (for logins that poll); undefined when absent. */
  changeStamp(): Promise<string | undefined>;
}

/** The caches of one collection (MIT's per-type cursor for the default name's type). */
export interface CcacheCollection {
  readonly type: CcacheType;
  /** True for DIR, KEYRING and KCM (krb5_cc_support_switch): kinit may pick or make a cache. */
  readonly supportsSwitch: boolean;
  /** The existing caches, primary first, in MIT's cursor order. */
  list(): Promise<CredentialCache[]>;
  /** A new, uniquely named cache in the collection (krb5_cc_new_unique); nothing is written yet. */
  newUnique(): Promise<CredentialCache>;
  /** Makes `cache` the primary of the collection (krb5_cc_switch). */
  switchTo(cache: CredentialCache): Promise<void>;
}

export interface CcacheOptions extends CcacheNameOptions {
  /** krb5.conf, for kcm_socket (default /var/run/.heim_org.h5l.kcm-socket). */
  readonly krb5Config?: Krb5Config;
}

/** Opens the cache `name` (TYPE:residual); KRB_CCACHE for a type or form hsec cannot open. */
export async function openCredentialCache(name: string | CcacheName, opts: CcacheOptions = {}, source?: CcacheNameSource): Promise<CredentialCache> {
  const n = typeof name === 'string' ? parseCcacheName(name, source) : name;
  switch (n.type) {
    case 'FILE':
      return openFileCache(n.residual);
    case 'DIR':
      return openDirCache(n.residual);
    case 'MEMORY':
      return openMemoryCache(n.residual);
    case 'KEYRING':
      return openKeyringCache(n.residual);
    case 'KCM':
      return openKcmCache(n.residual, opts);
  }
}

/** The collection of the default name `name` (its type's per-type cursor in MIT). */
export async function openCcacheCollection(name: string | CcacheName, opts: CcacheOptions = {}, source?: CcacheNameSource): Promise<CcacheCollection> {
  const n = typeof name === 'string' ? parseCcacheName(name, source) : name;
  switch (n.type) {
    case 'FILE':
      return fileCollection(n.residual);
    case 'DIR':
      return dirCollection(n.residual);
    case 'MEMORY':
      return memoryCollection(n.residual);
    case 'KEYRING':
      return keyringCollection(n.residual);
    case 'KCM':
      return kcmCollection(n.residual, opts);
  }
}

/**
 * The name of the cache to use, fully expanded: `explicit` (kinit/klist -c), else KRB5CCNAME of
 * `env`, else krb5.conf default_ccache_name, else FILE:/tmp/krb5cc_<uid> (MIT krb5_cc_default_name).
 */
export function ccacheNameFor(conf: Krb5Config | undefined, explicit?: string, env: NodeJS.ProcessEnv = process.env, opts: CcacheNameOptions = {}): { name: string; source: CcacheNameSource } {
  if (explicit) return { name: defaultCcacheName({ ...env, KRB5CCNAME: explicit }, undefined, opts).name, source: 'the command line' };
  return defaultCcacheName(env, conf?.defaultCcacheName, opts);
}

/** Opens the cache ccacheNameFor chooses: what every caller (CLI, logins, clients) should use. */
export async function resolveCredentialCache(conf: Krb5Config | undefined, explicit?: string, env: NodeJS.ProcessEnv = process.env, opts: CcacheOptions = {}): Promise<CredentialCache> {
  const { name, source } = ccacheNameFor(conf, explicit, env, opts);
  return openCredentialCache(name, { ...opts, ...(conf ? { krb5Config: conf } : {}) }, source);
}

/** The cache of `collection` whose default principal is `principal` (krb5_cc_cache_match). */
export async function matchCache(collection: CcacheCollection, principal: Principal): Promise<CredentialCache | undefined> {
  for (const cache of await collection.list()) {
    const cc = await cache.read().catch(() => undefined);
    if (cc && samePrincipal(cc.defaultPrincipal, principal)) return cache;
  }
  return undefined;
}

