/**
 * Block storage policies as Hadoop 3.4.1 defines them (BlockStoragePolicySuite.createDefaultSuite,
 * ids from HdfsConstants.StoragePolicy; dfs.storage.default.policy's default HOT) and the two
 * ClientProtocol calls that read them (FSDirAttrOp.getStoragePolicies / getStoragePolicy). hsec
 * stores no policy on any inode, so every path's policy id is 0 (unspecified) and
 * BlockStoragePolicySuite.getPolicy(0) answers the default policy, HOT. The NameNode places replicas
 * without regard to storage types (the policies are reported, not enforced).
 */
import type { BlockStoragePolicy } from '../protocol/client-protocol.ts';
import type { StorageType } from '../protocol/hdfs-types.ts';
import { lastInode } from './namespace/fs-directory.ts';
import { fileNotFound } from './namespace/fs-errors.ts';
import { FsAction } from './namespace/permission-checker.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

/** One policy: creation types, then the creation and replication fallbacks (an empty list is not sent: PBHelperClient.convert). */
function policy(policyId: number, name: string, creation: StorageType[], creationFallback: StorageType[], replicationFallback: StorageType[]): BlockStoragePolicy {
  return {
    policyId, name, creationPolicy: { storageTypes: creation },
    ...(creationFallback.length > 0 ? { creationFallbackPolicy: { storageTypes: creationFallback } } : {}),
    ...(replicationFallback.length > 0 ? { replicationFallbackPolicy: { storageTypes: replicationFallback } } : {}),
  };
}

/** The default suite in id order, as BlockStoragePolicySuite.getAllPolicies lists it. */
export const DEFAULT_STORAGE_POLICIES: readonly BlockStoragePolicy[] = Object.freeze([
  policy(1, 'PROVIDED', ['PROVIDED', 'DISK'], ['PROVIDED', 'DISK'], ['PROVIDED', 'DISK']),
  policy(2, 'COLD', ['ARCHIVE'], [], []),
  policy(5, 'WARM', ['DISK', 'ARCHIVE'], ['DISK', 'ARCHIVE'], ['DISK', 'ARCHIVE']),
  policy(7, 'HOT', ['DISK'], [], ['ARCHIVE']),
  policy(10, 'ONE_SSD', ['SSD', 'DISK'], ['SSD', 'DISK'], ['SSD', 'DISK']),
  policy(12, 'ALL_SSD', ['SSD'], ['DISK'], ['DISK']),
  policy(14, 'ALL_NVDIMM', ['NVDIMM'], ['DISK'], ['DISK']),
  policy(15, 'LAZY_PERSIST', ['RAM_DISK', 'DISK'], ['DISK'], ['DISK']),
]);

/** HdfsConstants.StoragePolicy.HOT: dfs.storage.default.policy's default. */
export const DEFAULT_STORAGE_POLICY_ID = 7;

export class StoragePolicies {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSNamesystem.getStoragePolicies: every policy of the suite. */
  getStoragePolicies(): readonly BlockStoragePolicy[] {
    return DEFAULT_STORAGE_POLICIES;
  }

  /**
   * FSDirAttrOp.getStoragePolicy: READ on the path (FileNotFoundException "File/Directory does not
   * exist: /p" when missing), then the inode's effective policy: the default, as no inode has one.
   * Hadoop does not audit this call.
   */
  getStoragePolicy(src: string, caller: CallerInfo): BlockStoragePolicy {
    const pc = this.#ns.checker(caller);
    const r = this.#ns.resolve(pc, src, false);
    pc.check(r, { access: FsAction.READ });
    if (!lastInode(r)) throw fileNotFound(`File/Directory does not exist: ${r.path}`, r.path);
    return DEFAULT_STORAGE_POLICIES.find((p) => p.policyId === DEFAULT_STORAGE_POLICY_ID)!;
  }
}
