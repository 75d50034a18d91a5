/**
 * What Hadoop 3.4.1's BlockStoragePolicy (hadoop-hdfs-client protocol/BlockStoragePolicy.java) does
 * with a policy, on its wire form (BlockStoragePolicyProto: a fallback list that is absent is
 * empty): `toString`, as `hdfs storagepolicies -listPolicies / -getStoragePolicy` print a policy
 * and the NameNode names one in its refusals (`BlockStoragePolicy{HOT:7, storageTypes=[DISK],
 * creationFallbacks=[], replicationFallbacks=[ARCHIVE]}`), and `chooseStorageTypes`, the storage
 * types of a block's replicas, with the fallbacks for types no DataNode offers (StorageType:
 * RAM_DISK is the one transient type).
 */
import type { BlockStoragePolicy } from './client-protocol.ts';
import type { StorageType } from './hdfs-types.ts';

/** Arrays.asList(...).toString(): `[A, B]`. */
const list = (types: readonly string[] | undefined): string => `[${(types ?? []).join(', ')}]`;

export function blockStoragePolicyString(p: BlockStoragePolicy): string {
  return `BlockStoragePolicy{${p.name}:${p.policyId}, storageTypes=${list(p.creationPolicy.storageTypes)}, `
    + `creationFallbacks=${list(p.creationFallbackPolicy?.storageTypes)}, replicationFallbacks=${list(p.replicationFallbackPolicy?.storageTypes)}}`;
}

/** StorageType.getTypesSupportingQuota: the non-transient types, in StorageType's order. */
export const TYPES_SUPPORTING_QUOTA: readonly StorageType[] = Object.freeze(['SSD', 'DISK', 'ARCHIVE', 'PROVIDED', 'NVDIMM']);

const isTransient = (t: StorageType): boolean => t === 'RAM_DISK';

/**
 * BlockStoragePolicy.chooseStorageTypes(replication): the creation types in order, transient ones
 * skipped, up to `replication`; the last type repeated for the rest when it is not transient.
 */
export function chooseStorageTypes(p: BlockStoragePolicy, replication: number): StorageType[] {
  const all = p.creationPolicy.storageTypes ?? [];
  const types: StorageType[] = [];
  let j = 0;
  for (; types.length < replication && j < all.length; j++) if (!isTransient(all[j]!)) types.push(all[j]!);
  const last = all[all.length - 1];
  if (j === all.length && last !== undefined && !isTransient(last)) while (types.length < replication) types.push(last);
  return types;
}

/**
 * BlockStoragePolicy.chooseStorageTypes(replication, chosen, unavailables, isNewBlock): the types
 * still wanted once the replicas `chosen` already hold are taken off (one each), every type in
 * `unavailables` replaced by the first creation fallback (a new block) or replication fallback
 * (more replicas of one) that is available, or dropped when none is; a chosen type the policy did
 * not ask for then takes one of the results off.
 */
export function chooseStorageTypesWithFallback(p: BlockStoragePolicy, replication: number, chosen: readonly StorageType[],
  unavailables: ReadonlySet<StorageType>, isNewBlock: boolean): StorageType[] {
  const types = chooseStorageTypes(p, replication);
  const excess = diff(types, chosen);
  const fallbacks = (isNewBlock ? p.creationFallbackPolicy : p.replicationFallbackPolicy)?.storageTypes ?? [];
  const fallback = fallbacks.find((t) => !unavailables.has(t));
  for (let i = types.length - 1; i >= 0; i--) {
    if (!unavailables.has(types[i]!)) continue;
    if (fallback === undefined) types.splice(i, 1);
    else types[i] = fallback;
  }
  // chosen types the policy did not ask for come off after the fallbacks are in
  diff(types, excess);
  return types;
}

/** BlockStoragePolicy.diff: takes one of each `chosen` off `types`; the ones not there (the excess). */
function diff(types: StorageType[], chosen: readonly StorageType[]): StorageType[] {
  const excess: StorageType[] = [];
  for (const c of chosen) {
    const i = types.indexOf(c);
    if (i >= 0) types.splice(i, 1);
    else excess.push(c);
  }
  return excess;
}
