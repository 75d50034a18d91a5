/**
 * BlockStoragePolicy.toString (Hadoop 3.4.1 hadoop-hdfs-client protocol/BlockStoragePolicy.java),
 * as `hdfs storagepolicies -listPolicies / -getStoragePolicy` print a policy and the NameNode names
 * one in its refusals: `BlockStoragePolicy{HOT:7, storageTypes=[DISK], creationFallbacks=[],
 * replicationFallbacks=[ARCHIVE]}`. A fallback list absent from BlockStoragePolicyProto is empty.
 */
import type { BlockStoragePolicy } from './client-protocol.ts';

/** Arrays.asList(...).toString(): `[A, B]`. */
const list = (types: readonly string[] | undefined): string => `[${(types ?? []).join(', ')}]`;

export function blockStoragePolicyString(p: BlockStoragePolicy): string {
  return `BlockStoragePolicy{${p.name}:${p.policyId}, storageTypes=${list(p.creationPolicy.storageTypes)}, `
    + `creationFallbacks=${list(p.creationFallbackPolicy?.storageTypes)}, replicationFallbacks=${list(p.replicationFallbackPolicy?.storageTypes)}}`;
}
