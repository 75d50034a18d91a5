/**
 * Credential caches: the MIT file format and its contents (config entries, ticket selection), cache
 * names (KRB5CCNAME, default_ccache_name) and one CredentialCache interface over every type hsec
 * opens: FILE, DIR, KEYRING, KCM and MEMORY.
 */
export {
  CONFIG_PREFIX, CONFIG_REALM, configEntries, findTgt, findTicket, isConfigCredential, kdcOffsetMs, newCcache, parseCcache,
  readCcache, readCcacheSync, serializeCcache, setConfigEntry, storeCredential, tickets, toCcacheCredential, writeCcache,
} from './ccache.ts';
export type { Ccache, CcacheCredential, ConfigEntry, HeaderField, KdcOffset, TypedData } from './ccache.ts';
export { CCACHE_VERSION_3, CCACHE_VERSION_4, decodeCredential, decodePrincipal, encodeCredential, encodePrincipal } from './ccache-format.ts';
export { CCACHE_TYPES, DEFAULT_CCACHE_NAME, defaultCcacheName, parseCcacheName, resolveCcacheName } from './ccache-name.ts';
export type { CcacheName, CcacheNameOptions, CcacheNameSource, CcacheType } from './ccache-name.ts';
export { ccacheNameFor, matchCache, openCcacheCollection, openCredentialCache, resolveCredentialCache } from './credential-cache.ts';
export type { CcacheCollection, CcacheOptions, CredentialCache } from './credential-cache.ts';
