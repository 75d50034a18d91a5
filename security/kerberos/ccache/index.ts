/**
 * MIT FILE credential caches: codec, file I/O, config entries, ticket selection and name resolution.
 */
export {
  CONFIG_PREFIX, CONFIG_REALM, configEntries, findTgt, findTicket, isConfigCredential, kdcOffsetMs, newCcache, parseCcache,
  readCcache, readCcacheSync, serializeCcache, setConfigEntry, storeCredential, tickets, toCcacheCredential, writeCcache, writeCcacheSync,
} from './ccache.ts';
export type { Ccache, CcacheCredential, ConfigEntry, HeaderField, KdcOffset, TypedData } from './ccache.ts';
export { CCACHE_VERSION_3, CCACHE_VERSION_4 } from './ccache-format.ts';
export { DEFAULT_CCACHE_NAME, resolveCcacheName } from './ccache-name.ts';
export type { CcacheNameOptions } from './ccache-name.ts';
