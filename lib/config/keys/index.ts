/**
 * Every declared key, and the default registry built from them. A new area adds its table here.
 */
import { KeyRegistry } from '../registry.ts';
import type { KeyDef } from '../types.ts';
import { CORE_KEYS, ZK_CLIENT_KEYS, ZK_DT_SECRET_MANAGER_KEYS } from './core.ts';
import { HDFS_KEYS } from './hdfs.ts';
import { KERBEROS_KEYS } from './kerberos.ts';

export { CORE_KEYS, ZK_CLIENT_KEYS, ZK_DT_SECRET_MANAGER_KEYS, HDFS_KEYS, KERBEROS_KEYS };

export const ALL_KEYS: readonly KeyDef[] = [...CORE_KEYS, ...KERBEROS_KEYS, ...ZK_CLIENT_KEYS, ...ZK_DT_SECRET_MANAGER_KEYS, ...HDFS_KEYS];

let registry: KeyRegistry | undefined;

/** The registry of all declared keys (built on first use, not at module load). */
export function defaultRegistry(): KeyRegistry {
  registry ??= new KeyRegistry(ALL_KEYS);
  return registry;
}
