/**
 * Space and count queries of a subtree (Hadoop 3.4.1's FSDirStatAndListingOp.getContentSummary /
 * getQuotaUsage behind FSNamesystem, INodeDirectory.computeContentSummary,
 * INodeFile.storagespaceConsumed, PBHelperClient.convert(ContentSummary / QuotaUsage)): what
 * `hdfs dfs -du`, `-count` and `-count -q` print.
 *
 * getContentSummary checks READ_EXECUTE on each directory as it counts it (depth first, children
 * in name order: ContentSummaryComputationContext.checkPermission, HDFS-12130), after the
 * traverse check. Space consumed is each block's length times the file's replication, a last block
 * not yet complete counted as a full preferred block (INodeFile.storagespaceConsumedContiguous).
 * A directory with a quota (namespace/quota.ts; `hdfs dfsadmin -setQuota`) reports its quotas, any
 * other inode -1 (none); the root always has a namespace quota, Long.MAX_VALUE unless set
 * (FSDirectory.createRoot, DirectoryWithQuotaFeature defaults). A file under a storage policy (its
 * own or the nearest ancestor's, storage-policies.ts) adds its length to the use of each storage
 * type the policy chooses for its replication (INodeFile.computeContentSummary with
 * BlockStoragePolicy.chooseStorageTypes; RAM_DISK, transient, is not counted); when some type has
 * use, the per-storage-type list names every type that supports quotas with its use and quota -1
 * (PBHelperClient.convert: type quotas are refused, quota-ops.ts), else it is absent. A quota
 * directory's getQuotaUsage answers from its quota counts, which hsec keeps without per-type use
 * (Hadoop's DirectoryWithQuotaFeature keeps it), so it has no such list. hsec has no snapshots or
 * erasure coding: the snapshot counts are 0; the erasure coding policy is "Replicated" for a file
 * and "" for a directory (ContentSummaryComputationContext.getErasureCodingPolicyName).
 *
 * getQuotaUsage checks READ_EXECUTE on every directory of the subtree first (checkPermission with
 * subAccess); a directory with a quota answers from its quota counts (getQuotaUsageInt), any
 * other path falls back to the content summary. Both audit their call ("contentSummary",
 * "quotaUsage") and a refusal as allowed=false.
 */
import { AccessControlError } from '../../lib/errors/index.ts';
import type { ContentSummary, QuotaUsage } from '../protocol/client-protocol.ts';
import { lastInode, type ResolvedPath } from './namespace/fs-directory.ts';
import { fileNotFound } from './namespace/fs-errors.ts';
import type { INode } from './namespace/inode.ts';
import { fileSpace } from './namespace/quota.ts';
import { FsAction, type PermissionChecker } from './namespace/permission-checker.ts';
import { effectiveStoragePolicyId, localStoragePolicyId, STORAGE_POLICY_UNSPECIFIED } from './namespace/storage-policy-id.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';
import { chooseStorageTypes, policyById, TYPES_SUPPORTING_QUOTA } from './storage-policies.ts';
import type { StorageType } from '../protocol/hdfs-types.ts';

/** HdfsConstants.QUOTA_RESET: no quota. */
const NO_QUOTA = -1;
/** ErasureCodeConstants.REPLICATION_POLICY_NAME as a file's content summary names it. */
const REPLICATED = 'Replicated';

interface Counts {
  length: number;
  files: number;
  directories: number;
  space: number;
  /** ContentCounts' type spaces: bytes by storage type, under storage policies */
  types: Map<StorageType, number>;
}

export class ContentSummaries {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSNamesystem.getContentSummary. */
  getContentSummary(src: string, caller: CallerInfo): ContentSummary {
    return this.#audited('contentSummary', src, caller, (pc) => {
      const r = this.#ns.resolve(pc, src, false);
      return this.#summary(pc, r);
    });
  }

  /** FSNamesystem.getQuotaUsage. */
  getQuotaUsage(src: string, caller: CallerInfo): QuotaUsage {
    return this.#audited('quotaUsage', src, caller, (pc) => {
      const r = this.#ns.resolve(pc, src, false);
      pc.check(r, { subtree: FsAction.READ_EXECUTE });
      const node = lastInode(r);
      if (!node) throw fileNotFound(`File/Directory does not exist: ${r.path}`, r.path);
      const q = node.kind === 'directory' ? node.quota : null;
      if (q) return { fileAndDirectoryCount: q.namespace, quota: javaLong(q.nsQuota), spaceConsumed: q.storagespace, spaceQuota: javaLong(q.ssQuota) };
      const s = this.#summary(pc, r);
      return {
        fileAndDirectoryCount: s.fileCount + s.directoryCount, quota: s.quota, spaceConsumed: s.spaceConsumed, spaceQuota: s.spaceQuota,
        ...(s.typeQuotaInfos ? { typeQuotaInfos: s.typeQuotaInfos } : {}),
      };
    });
  }

  /** getContentSummaryInt + INode.computeAndConvertContentSummary. */
  #summary(pc: PermissionChecker, r: ResolvedPath): ContentSummary {
    const node = lastInode(r);
    if (!node) throw fileNotFound(`File does not exist: ${r.path}`, r.path);
    const c = this.#count(pc, node, r.path, true);
    return {
      length: c.length, fileCount: c.files, directoryCount: c.directories,
      quota: node.kind === 'directory' && node.quota ? javaLong(node.quota.nsQuota) : NO_QUOTA,
      spaceConsumed: c.space, spaceQuota: node.kind === 'directory' && node.quota ? javaLong(node.quota.ssQuota) : NO_QUOTA,
      ...(c.types.size > 0 ? { typeQuotaInfos: { typeQuotaInfo: TYPES_SUPPORTING_QUOTA.map((type) => ({ type, quota: NO_QUOTA, consumed: c.types.get(type) ?? 0 })) } } : {}),
      snapshotLength: 0, snapshotFileCount: 0, snapshotDirectoryCount: 0, snapshotSpaceConsumed: 0,
      erasureCodingPolicy: node.kind === 'file' ? REPLICATED : '',
    };
  }

  /** computeContentSummary: depth first, each directory checked (`check`) before its children are counted. */
  #count(pc: PermissionChecker, root: INode, rootPath: string, check: boolean): Counts {
    const c: Counts = { length: 0, files: 0, directories: 0, space: 0, types: new Map() };
    // each inode's policy: its own, else its parent's effective one (INode.getStoragePolicyID)
    const visit = (node: INode, path: string, inherited: number): void => {
      const own = localStoragePolicyId(node);
      const policyId = own !== STORAGE_POLICY_UNSPECIFIED ? own : inherited;
      if (node.kind === 'file') {
        const length = node.length(true);
        c.files++;
        c.length += length;
        c.space += fileSpace(node);
        if (policyId !== STORAGE_POLICY_UNSPECIFIED) {
          for (const t of chooseStorageTypes(policyById(policyId)!, node.replication)) c.types.set(t, (c.types.get(t) ?? 0) + length);
        }
        return;
      }
      if (check) pc.checkInode(node, path, FsAction.READ_EXECUTE);
      for (const child of node.children) visit(child, path === '/' ? `/${child.name}` : `${path}/${child.name}`, policyId);
      c.directories++;
    };
    visit(root, rootPath, root.parent ? effectiveStoragePolicyId(root.parent) : STORAGE_POLICY_UNSPECIFIED);
    // QuotaUsage.isTypeConsumedAvailable: only a use above 0 counts (an empty file adds nothing)
    for (const [t, n] of c.types) if (n <= 0) c.types.delete(t);
    return c;
  }

  #audited<T>(cmd: string, src: string, caller: CallerInfo, fn: (pc: PermissionChecker) => T): T {
    const ns = this.#ns;
    try {
      const result = fn(ns.checker(caller));
      ns.audit(caller, cmd, src);
      return result;
    } catch (e) {
      if (e instanceof AccessControlError) ns.auditDenied(caller, cmd, src);
      throw e;
    }
  }
}

/** A quota as the wire form takes it: a number when it fits, else a bigint (Long.MAX_VALUE). */
function javaLong(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
